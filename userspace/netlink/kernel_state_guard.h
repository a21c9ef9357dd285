// Remembers every change auspex makes to the kernel's audit state and undoes it: status
// fields (enabled, backlog_limit, ...), the pid registration, our rules. restore() runs on
// shutdown and from the destructor; a SIGKILL skips both, which the next start handles by
// taking over the stale pid and replacing the rules (socket_choice.h, rule_install.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "netlink/control_client.h"

namespace netlink {

class KernelStateGuard {
 public:
  // `original`: the status read before any change.
  KernelStateGuard(ControlClient& control, const Status& original)
      : control_(control), original_(original) {}
  KernelStateGuard(const KernelStateGuard&) = delete;
  KernelStateGuard& operator=(const KernelStateGuard&) = delete;
  ~KernelStateGuard();

  // Applies the change and remembers the original value of each field it sets (first
  // change wins). pid changes are not allowed here: use note_registered.
  core::Result<void> set(const StatusChange& change);
  // Our pid is registered (by the data socket): unregister on restore if still ours.
  void note_registered(uint32_t pid) { registered_pid_ = pid; }
  // Rules we added, in order; replaces the previous set.
  void note_rules(std::vector<RuleBytes> rules) { rules_ = std::move(rules); }
  void keep_rules(bool keep) { keep_rules_ = keep; }

  const Status& original() const { return original_; }
  bool changed_anything() const { return changed_mask_ || registered_pid_ || !rules_.empty(); }

  // Undoes everything; tries every step even when one fails and reports all failures.
  // Idempotent.
  core::Result<void> restore();

 private:
  ControlClient& control_;
  Status original_;
  uint32_t changed_mask_ = 0;  // AUDIT_STATUS_* bits we changed
  uint32_t registered_pid_ = 0;
  std::vector<RuleBytes> rules_;
  bool keep_rules_ = false;
};

}  // namespace netlink
