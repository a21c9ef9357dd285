#include "rules/decoder.h"

#include <libaudit.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "rules/rule_layout.h"
#include "rules/tokenize.h"

namespace rules {
namespace {

struct FieldView {
  uint32_t field;
  uint32_t op;
  uint32_t value;
  std::string_view text;  // for string fields: their bytes in buf
};

bool is_string_field(uint32_t f) {
  switch (f) {
    case AUDIT_SUBJ_USER: case AUDIT_SUBJ_ROLE: case AUDIT_SUBJ_TYPE: case AUDIT_SUBJ_SEN:
    case AUDIT_SUBJ_CLR: case AUDIT_OBJ_USER: case AUDIT_OBJ_ROLE: case AUDIT_OBJ_TYPE:
    case AUDIT_OBJ_LEV_LOW: case AUDIT_OBJ_LEV_HIGH: case AUDIT_WATCH: case AUDIT_DIR:
    case AUDIT_FILTERKEY: case AUDIT_EXE:
      return true;
    default:
      return false;
  }
}

bool is_uid_field(uint32_t f) {
  switch (f) {
    case AUDIT_UID: case AUDIT_EUID: case AUDIT_SUID: case AUDIT_FSUID: case AUDIT_LOGINUID:
    case AUDIT_OBJ_UID:
      return true;
    default:
      return false;
  }
}

// The (left, right) names auditctl prints for each AUDIT_COMPARE_* value; each pair
// compiles back to the same value (lib/libaudit.c audit_rule_interfield_comp_data).
const char* const kCompare[][2] = {
    {nullptr, nullptr},      {"uid", "obj_uid"},   {"gid", "obj_gid"},    {"euid", "obj_uid"},
    {"egid", "obj_gid"},     {"auid", "obj_uid"},  {"suid", "obj_uid"},   {"sgid", "obj_gid"},
    {"fsuid", "obj_uid"},    {"fsgid", "obj_gid"}, {"uid", "auid"},       {"uid", "euid"},
    {"uid", "fsuid"},        {"uid", "suid"},      {"auid", "fsuid"},     {"auid", "suid"},
    {"auid", "euid"},        {"euid", "suid"},     {"euid", "fsuid"},     {"suid", "fsuid"},
    {"gid", "egid"},         {"gid", "fsgid"},     {"gid", "sgid"},       {"egid", "fsgid"},
    {"egid", "sgid"},        {"sgid", "fsgid"},
};

std::string op_symbol(uint32_t op) {
  const char* s = audit_operator_to_symbol(static_cast<int>(op));
  return s ? s : "?";
}

std::string arch_name(uint32_t elf) {
  // b64/b32 mean "this machine's 64/32-bit ABI" to libaudit; print them when they fit so
  // the text reads like the rule files and compiles back to the same value here.
  const int host = audit_detect_machine();
  if (host >= 0 && audit_machine_to_elf(host) == elf) return "b64";
  const int m32 = audit_determine_machine("b32");
  if (m32 >= 0 && audit_machine_to_elf(m32) == elf) return "b32";
  const int m = audit_elf_to_machine(elf);
  if (m >= 0)
    if (const char* n = audit_machine_to_name(m)) return n;
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", elf);
  return buf;
}

std::string perm_letters(uint32_t v) {
  std::string p;
  if (v & AUDIT_PERM_READ) p += 'r';
  if (v & AUDIT_PERM_WRITE) p += 'w';
  if (v & AUDIT_PERM_EXEC) p += 'x';
  if (v & AUDIT_PERM_ATTR) p += 'a';
  return p;
}

std::vector<std::string_view> split_keys(std::string_view k) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= k.size()) {
    const size_t sep = k.find(static_cast<char>(AUDIT_KEY_SEPARATOR), start);
    const size_t end = sep == std::string_view::npos ? k.size() : sep;
    if (end > start) out.push_back(k.substr(start, end - start));
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
  return out;
}

std::string value_text(const FieldView& f) {
  char buf[32];
  const uint32_t v = f.value;
  if (is_string_field(f.field)) return std::string(f.text);
  if (is_uid_field(f.field)) {
    if (v == 0xffffffffu) return "unset";
    return std::to_string(v);
  }
  switch (f.field) {
    case AUDIT_EXIT: {
      const int s = static_cast<int>(v);
      if (s < 0)
        if (const char* n = audit_errno_to_name(-s)) return std::string("-") + n;
      return std::to_string(s);
    }
    case AUDIT_MSGTYPE:
      if (const char* n = audit_msg_type_to_name(static_cast<int>(v))) return n;
      return std::to_string(v);
    case AUDIT_PERM:
      return perm_letters(v);
    case AUDIT_FILETYPE:
      if (const char* n = audit_ftype_to_name(static_cast<int>(v))) return n;
      return std::to_string(v);
    case AUDIT_FSTYPE:
      if (const char* n = audit_fstype_to_name(static_cast<int>(v))) return n;
      std::snprintf(buf, sizeof buf, "0x%X", v);
      return buf;
    case AUDIT_ARG0: case AUDIT_ARG1: case AUDIT_ARG2: case AUDIT_ARG3:
      std::snprintf(buf, sizeof buf, "0x%X", v);  // auditctl shows syscall arguments in hex
      return buf;
    default:
      // auditctl -l prints these signed (" -F %s%s%d"), which libaudit cannot read back
      // above 2^31 (it wants a digit first); unsigned is the same below that and round-trips.
      return std::to_string(v);
  }
}

std::string syscalls_text(std::span<const uint8_t> b, uint32_t arch_elf) {
  bool all = true;
  for (size_t i = 0; i + 1 < kMaskWords; ++i)
    if (read_u32(b, kOffMask + 4 * i) != 0xffffffffu) all = false;
  if (all) return " -S all";
  int machine = arch_elf ? audit_elf_to_machine(arch_elf) : audit_detect_machine();
  std::string names;
  for (size_t nr = 0; nr < kMaskWords * 32; ++nr) {
    if (!(read_u32(b, kOffMask + 4 * (nr / 32)) & (1u << (nr % 32)))) continue;
    const char* n = machine >= 0 ? audit_syscall_to_name(static_cast<int>(nr), machine) : nullptr;
    names += names.empty() ? "" : ",";
    names += n ? std::string(n) : std::to_string(nr);
  }
  return names.empty() ? std::string() : " -S " + names;
}

}  // namespace

core::Result<std::string> decode_rule(std::span<const uint8_t> b) {
  if (b.size() < kHeaderSize)
    return core::make_error("rule is " + std::to_string(b.size()) + " bytes, shorter than the " +
                            std::to_string(kHeaderSize) + "-byte header");
  const uint32_t flags = read_u32(b, kOffFlags);
  const uint32_t action = read_u32(b, kOffAction);
  const uint32_t count = read_u32(b, kOffFieldCount);
  const uint32_t buflen = read_u32(b, kOffBuflen);
  if (count > kMaxFields) return core::make_error("field_count " + std::to_string(count) + " exceeds 64");
  if (buflen > b.size() - kHeaderSize)
    return core::make_error("buflen " + std::to_string(buflen) + " runs past the end of the rule");
  const std::string_view buf(reinterpret_cast<const char*>(b.data() + kHeaderSize), buflen);

  std::vector<FieldView> fields;
  size_t off = 0;
  uint32_t arch_elf = 0;
  for (uint32_t i = 0; i < count; ++i) {
    FieldView f;
    // Pre-2.6.x rules carried the operator in the field word; mask it as auditctl does.
    f.field = read_u32(b, kOffFields + 4 * i) & ~static_cast<uint32_t>(AUDIT_OPERATORS);
    f.op = read_u32(b, kOffFieldFlags + 4 * i) & static_cast<uint32_t>(AUDIT_OPERATORS);
    f.value = read_u32(b, kOffValues + 4 * i);
    if (is_string_field(f.field)) {
      if (f.value > buf.size() - off)
        return core::make_error("string of field " + std::to_string(i) + " runs past buflen");
      f.text = buf.substr(off, f.value);
      off += f.value;
    }
    if (f.field == AUDIT_ARCH) arch_elf = f.value;
    fields.push_back(f);
  }

  const uint32_t list = flags & AUDIT_FILTER_MASK;
  const bool prepend = (flags & AUDIT_FILTER_PREPEND) != 0;
  const bool syscall_list =
      list != AUDIT_FILTER_USER && list != AUDIT_FILTER_TASK && list != AUDIT_FILTER_EXCLUDE && list != AUDIT_FILTER_FS;

  // A watch, as auditctl's is_watch(): a path/dir first, then only perm and keys, with a
  // perm present, on exit/always with every syscall (what `-w` builds).
  bool watch = count >= 2 && list == AUDIT_FILTER_EXIT && action == AUDIT_ALWAYS && !prepend &&
               (fields[0].field == AUDIT_WATCH || fields[0].field == AUDIT_DIR) && fields[0].op == AUDIT_EQUAL;
  bool has_perm = false;
  for (size_t i = 1; watch && i < fields.size(); ++i) {
    if (fields[i].field == AUDIT_PERM && fields[i].op == AUDIT_EQUAL) has_perm = true;
    else if (fields[i].field != AUDIT_FILTERKEY) watch = false;
  }
  if (watch && (!has_perm || syscalls_text(b, 0) != " -S all")) watch = false;
  // `-w` trims trailing slashes, `-F dir=` keeps them: keep such a rule in -F form so it
  // compiles back to the same bytes.
  if (watch && (fields[0].text.empty() || fields[0].text.back() == '/')) watch = false;

  std::string out;
  if (watch) {
    std::string path(fields[0].text);
    if (fields[0].field == AUDIT_DIR) path += '/';  // auditctl -l marks a directory watch with a trailing slash
    out = "-w " + quote_word(path);
    for (size_t i = 1; i < fields.size(); ++i) {
      if (fields[i].field == AUDIT_PERM) out += " -p " + perm_letters(fields[i].value);
      else
        for (auto k : split_keys(fields[i].text)) out += " -k " + quote_word(k);
    }
    return out;
  }

  const char* action_name = audit_action_to_name(static_cast<int>(action));
  const char* list_name = audit_flag_to_name(static_cast<int>(list));
  out = std::string(prepend ? "-A " : "-a ") + (action_name ? action_name : std::to_string(action)) + "," +
        (list_name ? list_name : std::to_string(list));
  const std::string syscalls = syscall_list ? syscalls_text(b, arch_elf) : std::string();
  bool syscalls_done = false;
  if (arch_elf == 0) {
    out += syscalls;
    syscalls_done = true;
  }
  for (const FieldView& f : fields) {
    if (f.field == AUDIT_FIELD_COMPARE) {
      if (f.value < std::size(kCompare) && kCompare[f.value][0])
        out += std::string(" -C ") + kCompare[f.value][0] + op_symbol(f.op) + kCompare[f.value][1];
      else
        out += " -C unknown_comparison_" + std::to_string(f.value);
      continue;
    }
    if (f.field == AUDIT_FILTERKEY) {
      for (auto k : split_keys(f.text)) out += " -F " + quote_word("key=" + std::string(k));
      continue;
    }
    const char* name = audit_field_to_name(static_cast<int>(f.field));
    const std::string field_name = name ? name : "f" + std::to_string(f.field);
    const std::string value = f.field == AUDIT_ARCH ? arch_name(f.value) : value_text(f);
    out += " -F " + quote_word(field_name + op_symbol(f.op) + value);
    if (f.field == AUDIT_ARCH && !syscalls_done) {
      out += syscalls;
      syscalls_done = true;
    }
  }
  return out;
}

std::string to_auditctl_text(std::span<const uint8_t> rule_data) {
  auto r = decode_rule(rule_data);
  if (!r) return "# malformed audit rule: " + r.error().message;
  return std::move(r).value();
}

}  // namespace rules
