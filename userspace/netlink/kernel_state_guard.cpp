#include "netlink/kernel_state_guard.h"

#include <errno.h>
#include <linux/audit.h>

#include "netlink/rule_install.h"

namespace netlink {

KernelStateGuard::~KernelStateGuard() { (void)restore(); }

core::Result<void> KernelStateGuard::set(const StatusChange& change) {
  if (change.mask() & AUDIT_STATUS_PID)
    return core::make_error("KernelStateGuard::set: pid is registered by the data socket");
  auto r = control_.set(change);
  if (r) changed_mask_ |= change.mask() & ~AUDIT_STATUS_LOST;
  return r;
}

core::Result<void> KernelStateGuard::restore() {
  std::string errors;
  int code = 0;
  auto fail = [&](const core::Error& e) {
    if (!errors.empty()) errors += "; ";
    errors += e.message;
    code = e.code;
  };
  auto now = control_.get_status();
  const bool locked = now && now->immutable();
  if (!rules_.empty() && !keep_rules_ && !locked) {
    if (auto r = remove_rules(control_, rules_); !r) fail(r.error());
  }
  rules_.clear();
  if (changed_mask_ && !locked) {
    StatusChange back;
    if (changed_mask_ & AUDIT_STATUS_ENABLED) back.enabled(original_.enabled);
    if (changed_mask_ & AUDIT_STATUS_FAILURE) back.failure(original_.failure);
    if (changed_mask_ & AUDIT_STATUS_RATE_LIMIT) back.rate_limit(original_.rate_limit);
    if (changed_mask_ & AUDIT_STATUS_BACKLOG_LIMIT) back.backlog_limit(original_.backlog_limit);
    if (changed_mask_ & AUDIT_STATUS_BACKLOG_WAIT_TIME)
      back.backlog_wait_time(original_.backlog_wait_time);
    if (auto r = control_.set(back); !r) fail(r.error());
  }
  changed_mask_ = 0;
  // Only the holder may unregister (kernel/audit.c: pid=0 from another process is EACCES),
  // and only if it is still us: someone may have taken a stale registration over.
  if (registered_pid_ && now && now->pid == registered_pid_) {
    if (auto r = control_.set(StatusChange().pid(0)); !r) fail(r.error());
  }
  registered_pid_ = 0;
  if (!errors.empty()) return core::make_error("restoring the audit state: " + errors, code);
  return {};
}

}  // namespace netlink
