// libFuzzer target for the two parsers of outside input in rules/: the decoder of kernel
// audit_rule_data bytes (AUDIT_LIST_RULES replies) and the rule-file parser. The first
// byte picks which one gets the rest.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rules/decoder.h"
#include "rules/parser.h"
#include "rules/rule_layout.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if (data[0] & 1) {
    const std::string text = rules::to_auditctl_text(rest);
    // A rule the decoder accepts must also survive kernel_form (used on every listing).
    (void)rules::kernel_form(rest);
    (void)text;
  } else {
    const auto set = rules::parse_text(std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()),
                                       "fuzz.rules");
    (void)set;
  }
  return 0;
}
