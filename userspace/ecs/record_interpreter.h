// One record's key=value text -> interpreted fields, with the meaning go-libaudit's auparse
// gives them (the values Auditbeat documents show):
//  - fields whose value is "", "?", "?," or "(null)" are dropped ("(none)" is kept);
//  - auid/old-auid/ses 4294967295 or -1 -> "unset"; success/res -> result success|fail;
//  - negative exit -> errno name; key -> tags (hex keys split on 0x01, "key=x" -> x);
//  - subj (and obj in PATH) split into subj_user/_role/_domain/_level/_category;
//  - arch and syscall names (SYSCALL, SECCOMP), sig name (SECCOMP), SOCKADDR decoded;
//  - kernel hex (unquoted, upper-case, even length) decoded for cwd, exe, proctitle (NUL ->
//    space), cmd, data, name, acct and comm. auparse decodes comm and acct only in some
//    record types; we decode them wherever the kernel hex-encoded them (elastic/integrations
//    #4125: a garbled process.name helps nobody).
// EXECVE argument fields are kept raw (with their quoted flag) for ExecveArgs. Of auditd's
// ENRICHED fields only the id names are kept (id_names), for resolve_ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/field_map.h"
#include "record/fields.h"

namespace ecs {

struct RecordData {
  FieldMap fields;
  // auditd's ENRICHED names (after 0x1d) of this record's ids, under the lower-case id key:
  // auid -> "alice". They are what the writing host's database said at the time.
  FieldMap id_names;
  std::vector<std::string> tags;
  bool has_tags = false;
  std::string warning;  // set when part of the record could not be interpreted
  void clear() {
    fields.clear();
    id_names.clear();
    tags.clear();
    has_tags = false;
    warning.clear();
  }
};

class RecordInterpreter {
 public:
  void interpret(uint16_t type, std::string_view body, RecordData& out);

 private:
  std::string_view normalize_text(uint16_t type, std::string_view body);
  void enrich(uint16_t type, RecordData& out);

  std::string scratch_;
  std::string tmp_;
  std::string ctx_;
  std::vector<record::Field> split_;
};

// Kernel hex: non-empty, even length, only [0-9A-F] (auparse rejects lower case, so do we:
// a lower-case value is text that merely looks like hex).
bool is_kernel_hex(std::string_view s);
// Appends the decoded bytes of kernel hex (stop_at_nul cuts at the first NUL, else NULs
// become spaces) and returns true; anything else leaves out as it was and returns false.
bool append_kernel_hex(std::string_view s, std::string& out, bool stop_at_nul);

}  // namespace ecs
