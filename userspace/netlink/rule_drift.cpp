#include "netlink/rule_drift.h"

#include <linux/audit.h>

#include <cstring>
#include <algorithm>
#include <cstddef>
#include <map>

namespace netlink {

RuleBytes normalize_rule(std::span<const uint8_t> rule) {
  RuleBytes out(rule.begin(), rule.end());
  if (out.size() < sizeof(audit_rule_data)) return out;
  // Bits AUDIT_BITMASK_SIZE*32-1 down to -AUDIT_SYSCALL_CLASSES are class selectors
  // (include/linux/audit.h), all in the last word.
  uint32_t last;
  const size_t at = offsetof(audit_rule_data, mask) + (AUDIT_BITMASK_SIZE - 1) * sizeof(uint32_t);
  std::memcpy(&last, out.data() + at, sizeof(last));
  constexpr int kClasses = 16;  // AUDIT_SYSCALL_CLASSES in include/linux/audit.h (not uapi)
  last &= ~(~0u << (32 - kClasses));
  std::memcpy(out.data() + at, &last, sizeof(last));
  return out;
}

std::string RuleDrift::describe() const {
  if (ok()) return "the kernel's rules are the ones installed";
  std::string s;
  if (!missing.empty()) {
    s = std::to_string(missing.size()) + " of our rules " + (missing.size() == 1 ? "is" : "are") +
        " gone from the kernel (";
    for (size_t i = 0; i < missing.size(); ++i) {
      if (i) s += ", ";
      s += (missing[i].file.empty() ? std::string("self-exclusion") : missing[i].file + ":" + std::to_string(missing[i].line));
    }
    s += ")";
  }
  if (!foreign.empty()) {
    if (!s.empty()) s += "; ";
    s += std::to_string(foreign.size()) + " rule(s) not ours were added";
  }
  return s;
}

RuleDrift compare_rules(std::span<const RuleItem> ours, std::span<const RuleBytes> kernel) {
  RuleDrift d;
  std::multimap<RuleBytes, size_t> in_kernel;
  for (size_t i = 0; i < kernel.size(); ++i) in_kernel.emplace(normalize_rule(kernel[i]), i);
  for (const auto& r : ours) {
    auto it = in_kernel.find(normalize_rule(r.bytes));
    if (it == in_kernel.end()) d.missing.push_back(r);
    else in_kernel.erase(it);
  }
  std::vector<std::pair<size_t, RuleBytes>> rest;
  for (auto& [bytes, i] : in_kernel) rest.emplace_back(i, kernel[i]);
  std::sort(rest.begin(), rest.end());
  for (auto& [i, b] : rest) d.foreign.push_back(std::move(b));
  return d;
}

}  // namespace netlink
