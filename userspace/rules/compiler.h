// One auditctl rule (-a/-A/-S/-F/-C/-k/-w/-p) -> kernel struct audit_rule_data bytes, built
// by libaudit's own rule functions in the order auditctl (audit-userspace src/auditctl.c,
// setopt() then handle_request()) calls them, so the bytes are the ones auditctl sends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "rules/options.h"

namespace rules {

struct CompiledRule {
  std::vector<uint8_t> bytes;      // audit_rule_data header + buf (buflen bytes), unpadded
  std::vector<std::string> keys;   // in order
  uint32_t list = 0;               // AUDIT_FILTER_* without the prepend bit
  uint32_t action = 0;             // AUDIT_NEVER / AUDIT_ALWAYS
  bool prepend = false;            // -A
  std::vector<std::string> warnings;
};

// Compiles the options of one rule line. Only rule options are accepted; control options
// (-b, -e, -D, ...) are the parser's business and are errors here. The first problem
// ends the rule (libaudit's state after a failure is not worth continuing from).
//
// libaudit keeps the selected arch and "syscall/perm/exe added" flags in process globals
// and its functions are not reentrant: every call here holds one process-wide lock and
// resets that state first. `-w` and a syscall-less rule look at the disk (stat) the way
// auditctl does; `exe=`, exclude-list fields, `sessionid=` and the filesystem list make
// libaudit ask the kernel for its feature bitmap (AUDIT_GET, read-only).
core::Result<CompiledRule> compile_rule(const std::vector<Option>& options);

// tokenize_line + read_options + compile_rule, for one line of auditctl text.
core::Result<CompiledRule> compile_rule_text(std::string_view text);

}  // namespace rules
