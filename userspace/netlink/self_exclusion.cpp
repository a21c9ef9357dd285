#include "netlink/self_exclusion.h"

#include <linux/audit.h>

#include <cstring>

namespace netlink {

RuleBytes self_exclusion_rule(uint32_t pid) {
  audit_rule_data r{};
  r.flags = AUDIT_FILTER_EXIT;
  r.action = AUDIT_NEVER;
  r.field_count = 1;
  // An exit rule with an empty syscall mask matches nothing; auditctl fills it for "all".
  for (auto& m : r.mask) m = ~0u;
  r.fields[0] = AUDIT_PID;
  r.values[0] = pid;
  r.fieldflags[0] = AUDIT_EQUAL;
  r.buflen = 0;
  RuleBytes out(sizeof(r));
  std::memcpy(out.data(), &r, sizeof(r));
  return out;
}

}  // namespace netlink
