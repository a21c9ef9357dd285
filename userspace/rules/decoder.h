// Kernel struct audit_rule_data bytes -> auditctl text, in the style of `auditctl -l`
// (audit-userspace src/auditctl-listing.c), with one difference: fields keep their order
// and the syscalls are printed right after the arch field, so compiling the text again
// gives the same bytes (auditctl -l moves arch first).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/result.h"

namespace rules {

// Decodes one rule (header + buf, as sent or as AUDIT_LIST_RULES returns it). Fails on a
// blob that is too short or whose field count / string lengths run past its end.
core::Result<std::string> decode_rule(std::span<const uint8_t> rule_data);

// decode_rule, with a malformed rule shown as "# malformed audit rule: <reason>".
// Thread-safe: uses only libaudit's lookup tables, not its rule-building state.
std::string to_auditctl_text(std::span<const uint8_t> rule_data);

}  // namespace rules
