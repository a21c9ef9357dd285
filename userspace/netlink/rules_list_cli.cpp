#include <cstdio>
#include <string_view>

#include "core/hex.h"
#include "netlink/cli.h"
#include "netlink/control_client.h"

namespace netlink {

int rules_list_main(std::span<char* const> args, RuleToText to_text) {
  bool hex = false;
  for (auto* a : args) {
    std::string_view s = a;
    if (s == "--hex") {
      hex = true;
    } else if (s == "--help" || s == "-h") {
      std::printf("usage: auspex rules list [--hex]\n"
                  "  The kernel's audit rules in evaluation order, in auditctl form.\n");
      return 0;
    } else {
      std::fprintf(stderr, "auspex rules list: unknown argument '%s'\n", a);
      return 2;
    }
  }
  auto control = ControlClient::open();
  if (!control) {
    std::fprintf(stderr, "auspex rules list: %s\n", control.error().message.c_str());
    return 1;
  }
  auto rules = control->list_rules();
  if (!rules) {
    std::fprintf(stderr, "auspex rules list: %s\n", rules.error().message.c_str());
    return 1;
  }
  if (rules->empty()) {
    std::printf("No rules\n");  // what `auditctl -l` prints
    return 0;
  }
  for (const auto& r : rules.value()) {
    std::string line = to_text(r);
    if (hex)
      line += "  # " + core::hex_encode(std::string_view(reinterpret_cast<const char*>(r.data()), r.size()));
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace netlink
