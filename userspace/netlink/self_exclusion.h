// The rule that keeps auspex's own syscalls out of the stream: `-a never,exit -F pid=PID`.
// Installed before every other rule (the exit filter stops at the first matching rule,
// kernel/auditsc.c audit_filter_syscall), so nothing auspex does while reading can
// generate records it must read again.
#pragma once

#include <cstdint>

#include "netlink/control_client.h"

namespace netlink {

// audit_rule_data for `-a never,exit -F pid=PID` on every syscall and arch, byte-identical to
// what auditctl builds for it (checked against `auditctl -l` in tests/netlink).
RuleBytes self_exclusion_rule(uint32_t pid);

}  // namespace netlink
