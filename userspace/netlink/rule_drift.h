// Do the kernel's rules still match what we installed? An `auditctl -D` by an attacker or an
// admin silently ends collection (USERS.md #6, elastic/beats#23184); `auspex run` calls
// LiveSource::check_rules() periodically and reports the difference.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "netlink/rule_install.h"

namespace netlink {

struct RuleDrift {
  std::vector<RuleItem> missing;     // ours, no longer in the kernel
  std::vector<RuleBytes> foreign;    // in the kernel, not ours
  bool ok() const { return missing.empty() && foreign.empty(); }
  // "2 of our rules are gone (rules/x.rules:3, ...); 1 foreign rule added".
  std::string describe() const;
};

// The form the kernel lists a rule in: AUDIT_LIST_RULES returns `-S all` rules with the
// syscall-class bits at the top of mask[] cleared (kernel/auditfilter.c
// audit_to_entry_common expands them into the mask), so both sides are compared normalized.
RuleBytes normalize_rule(std::span<const uint8_t> rule);

RuleDrift compare_rules(std::span<const RuleItem> ours, std::span<const RuleBytes> kernel);

}  // namespace netlink
