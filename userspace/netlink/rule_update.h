// Replacing our installed rules with a new set on reload without a window in which nothing
// is audited: the common prefix stays in the kernel, only the rest is deleted and re-added
// (in order: the kernel evaluates each list in insertion order). A rejected rule puts the
// previous set back, unless errors are ignored.
#pragma once

#include <span>
#include <vector>

#include "core/result.h"
#include "netlink/rule_install.h"

namespace netlink {

struct UpdateReport {
  size_t kept = 0;     // rules of the common prefix, untouched
  size_t removed = 0;  // ours deleted after the prefix
  size_t added = 0;    // new ones added after the prefix
  std::vector<RuleError> errors;
  bool rolled_back = false;           // errors and !ignore_errors: the previous set is back
  std::vector<RuleItem> installed;    // ours in the kernel now, in order
};

// `current`: what we installed, in kernel order; its first `pinned` items (the
// self-exclusion rule) are never touched. `wanted`: the new set without them.
core::Result<UpdateReport> update_rules(ControlClient& control, std::span<const RuleItem> current,
                                        size_t pinned, std::span<const RuleItem> wanted,
                                        bool ignore_errors);

}  // namespace netlink
