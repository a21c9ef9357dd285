#include "rules/rule_layout.h"

namespace rules {

std::vector<uint8_t> kernel_form(std::span<const uint8_t> rule_data) {
  std::vector<uint8_t> out(rule_data.begin(), rule_data.end());
  if (out.size() >= kOffMask + 4 * kMaskWords) {
    const size_t last = kOffMask + 4 * (kMaskWords - 1);
    write_u32(out, last, read_u32(out, last) & 0x0000ffffu);
  }
  out.resize((out.size() + 3) & ~size_t{3}, 0);
  return out;
}

}  // namespace rules
