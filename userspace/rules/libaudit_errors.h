// libaudit's rule functions report failures only as negative codes (lib/errormsg.h in
// audit-userspace: -EAU_*); auditctl prints them through a private table. auspex has its
// own table so every message names the offending token and says what to write instead.
#pragma once

#include <string>
#include <string_view>

namespace rules {

// Which auditctl option handed the pair to libaudit.
enum class PairOption : char {
  kField = 'F',       // -F field<op>value (audit_rule_fieldpair_data)
  kCompare = 'C',     // -C field<op>field (audit_rule_interfield_comp_data)
};

// Message for a negative return code of audit_rule_fieldpair_data or
// audit_rule_interfield_comp_data on `pair` (the text as the user wrote it).
std::string describe_pair_error(int rc, PairOption option, std::string_view pair);

// The operator split libaudit uses (two-character operators first), for messages and for
// the decoder's tests: field name, operator text and value. False if there is no operator.
struct SplitPair {
  std::string_view field;
  std::string_view op;
  std::string_view value;
};
bool split_pair(std::string_view pair, SplitPair& out);

}  // namespace rules
