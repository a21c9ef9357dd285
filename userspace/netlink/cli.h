// Command-line entry points of the netlink module (wired in daemon/main.cpp and the rules
// command): `auspex doctor` and the kernel side of `auspex rules list`.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace netlink {

// `auspex doctor [--json] [--interval MS]`. Exit 0 healthy, 1 problems found, 2 usage.
int doctor_main(std::span<char* const> args);

// `auspex rules list [--hex]`: the kernel's rules in evaluation order, one per line, rendered
// by `to_text` (rules::to_auditctl_text: netlink sits below rules and cannot call it
// itself). --hex adds each rule's audit_rule_data bytes. Exit 0, 1 on a kernel error, 2 usage.
using RuleToText = std::string (*)(std::span<const uint8_t>);
int rules_list_main(std::span<char* const> args, RuleToText to_text);

}  // namespace netlink
