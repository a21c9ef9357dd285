#include "rules/compiler.h"

#include <libaudit.h>
#include <limits.h>
#include <sys/stat.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "rules/libaudit_errors.h"
#include "rules/tokenize.h"

// libaudit's hidden per-rule state (audit-userspace lib/private.h). auditctl resets these
// before each rule (reset_vars()); they are exported by libaudit.so but not declared in
// the public header.
extern "C" {
extern int _audit_syscalladded;
extern int _audit_permadded;
extern int _audit_archadded;
extern int _audit_exeadded;
extern int _audit_filterfsadded;
extern unsigned int _audit_elf;
}

namespace rules {
namespace {

// The one lock for libaudit's global rule state. A function-local static rather than a
// member because the state it guards is itself process-global (inside libaudit).
std::mutex& libaudit_lock() {
  static std::mutex m;
  return m;
}

struct RuleFree {
  void operator()(audit_rule_data* r) const { audit_rule_free_data(r); }
};
using RulePtr = std::unique_ptr<audit_rule_data, RuleFree>;

core::Error fail(std::string message) { return core::make_error(std::move(message)); }

void reset_libaudit_state() {
  _audit_syscalladded = 0;
  _audit_permadded = 0;
  _audit_archadded = 0;
  _audit_exeadded = 0;
  _audit_filterfsadded = 0;
  _audit_elf = 0;
  // libaudit would otherwise print its own messages to stderr; we report through Results.
  set_aumessage_mode(MSG_QUIET, DBG_NO);
}

constexpr std::string_view kLists = "exit, user, exclude, filesystem, task";

bool lookup_action(std::string_view s, int& action) {
  if (s == "always") action = AUDIT_ALWAYS;
  else if (s == "never") action = AUDIT_NEVER;
  else return false;
  return true;
}

// auditctl's audit_rule_setup(): "action,list" in either order.
core::Result<void> setup_list(const std::string& arg, int& list, int& action) {
  const size_t comma = arg.find(',');
  const std::string bad = "-a " + arg + ": expected action,list such as always,exit (actions: always, never; lists: " +
                          std::string(kLists) + ")";
  if (comma == std::string::npos || arg.find(',', comma + 1) != std::string::npos) return fail(bad);
  const std::string a = arg.substr(0, comma), b = arg.substr(comma + 1);
  if (a == "possible" || b == "possible")
    return fail("-a " + arg + ": the action 'possible' is deprecated and ignored by the kernel; use always or never");
  std::string list_name;
  if (lookup_action(a, action)) list_name = b;
  else if (lookup_action(b, action)) list_name = a;
  else return fail("-a " + arg + ": no action; use always or never together with a list (" + std::string(kLists) + ")");
  list = audit_name_to_flag(list_name.c_str());
  if (list < 0) {
    if (list_name == "io_uring" || list_name == "uring")
      return fail("-a " + arg + ": the io_uring list is not supported by this libaudit (3.0.9)");
    if (list_name == "entry")
      return fail("-a " + arg + ": the entry list was removed from the kernel; use exit");
    return fail("-a " + arg + ": unknown list '" + list_name + "'; use one of " + std::string(kLists));
  }
  return {};
}

const char* machine_name_for_elf(unsigned elf) {
  const int machine = audit_elf_to_machine(elf);
  const char* name = machine >= 0 ? audit_machine_to_name(machine) : nullptr;
  return name ? name : "this machine";
}

// auditctl's check_rule_mismatch(): -S without arch= compiles against the host's 64-bit
// table, but a 32-bit process uses other numbers, so such a rule is probably not meant.
bool syscall_mask_differs_on_32bit(const audit_rule_data& rule, const std::vector<std::string>& names) {
  const unsigned saved = _audit_elf;
  unsigned alt = 0;
  switch (saved) {
    case AUDIT_ARCH_X86_64: alt = AUDIT_ARCH_I386; break;
    case AUDIT_ARCH_PPC64: alt = AUDIT_ARCH_PPC; break;
    case AUDIT_ARCH_S390X: alt = AUDIT_ARCH_S390; break;
    default: return false;
  }
  _audit_elf = alt;
  audit_rule_data tmp;
  std::memset(&tmp, 0, sizeof tmp);
  for (const auto& n : names) audit_rule_syscallbyname_data(&tmp, n.c_str());
  _audit_elf = saved;
  return std::memcmp(tmp.mask, rule.mask, sizeof tmp.mask) != 0;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t c = s.find(',', start);
    const size_t end = c == std::string::npos ? s.size() : c;
    if (end > start) out.push_back(s.substr(start, end - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

// auditctl's check_path() and the trailing-slash trim of audit_setup_watch_name().
core::Result<void> check_watch_path(std::string& path, std::vector<std::string>& warnings) {
  if (path.size() >= PATH_MAX) return fail("-w " + path + ": path longer than PATH_MAX");
  if (path.empty() || path[0] != '/') return fail("-w " + path + ": a watch path must be absolute (start with '/')");
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const std::string base = trimmed.substr(trimmed.find_last_of('/') + 1);
  if (base.size() > NAME_MAX) return fail("-w " + path + ": the last path component is longer than NAME_MAX");
  if (path.find("..") != std::string::npos)
    warnings.push_back("-w " + path + ": relative path notation (..) is not resolved by the kernel");
  if (path.find_first_of("*?") != std::string::npos)
    warnings.push_back("-w " + path + ": wildcards are not supported; the name is matched literally");
  if (path.size() > 2 && path.back() == '/')
    while (path.size() > 1 && path.back() == '/') path.pop_back();
  return {};
}

core::Result<unsigned> parse_perms(const std::string& perms) {
  if (perms.empty() || perms.size() > 4)
    return fail("-p " + perms + ": give 1 to 4 of the letters r, w, x, a");
  unsigned val = 0;
  for (char c : perms) {
    switch (c | 0x20) {
      case 'r': val |= AUDIT_PERM_READ; break;
      case 'w': val |= AUDIT_PERM_WRITE; break;
      case 'x': val |= AUDIT_PERM_EXEC; break;
      case 'a': val |= AUDIT_PERM_ATTR; break;
      default:
        return fail("-p " + perms + ": permission '" + std::string(1, c) + "' is not one of r, w, x, a");
    }
  }
  return val;
}


}  // namespace

core::Result<CompiledRule> compile_rule(const std::vector<Option>& options) {
  std::lock_guard<std::mutex> guard(libaudit_lock());
  reset_libaudit_state();

  RulePtr holder(audit_rule_create_data());
  if (!holder) return fail("out of memory");
  CompiledRule out;
  int add = AUDIT_FILTER_UNSET;
  int action = -1;
  bool list_given = false;
  std::string key;  // keys joined with AUDIT_KEY_SEPARATOR, added last as auditctl does

  auto add_key = [&](const std::string& spelled, const std::string& k) -> core::Result<void> {
    if (k.empty()) return fail(spelled + ": empty key; give a word after it");
    if (k.find(static_cast<char>(AUDIT_KEY_SEPARATOR)) != std::string::npos)
      return fail(spelled + ": a key may not contain byte 0x01 (it separates keys)");
    if (k.size() + key.size() + (key.empty() ? 0 : 1) > AUDIT_MAX_KEY_LEN)
      return fail(spelled + " " + k + ": all keys of a rule together exceed " + std::to_string(AUDIT_MAX_KEY_LEN) +
                  " bytes");
    if (!key.empty()) key.push_back(static_cast<char>(AUDIT_KEY_SEPARATOR));
    key += k;
    out.keys.push_back(k);
    return {};
  };

  for (const Option& o : options) {
    const std::string& arg = o.arg ? *o.arg : std::string();
    if (!is_rule_option(o))
      return fail(o.spelled() + " is a control option and cannot be part of a rule; put it on a line of its own");
    const char c = o.name[0];
    switch (c) {
      case 'a':
      case 'A': {
        if (list_given) return fail(o.spelled() + " " + arg + ": only one -a or -A per rule");
        int list = AUDIT_FILTER_UNSET;
        if (auto r = setup_list(arg, list, action); !r) return r.error();
        if (list == AUDIT_FILTER_TASK && _audit_syscalladded)
          return fail(o.spelled() + " " + arg + ": the task list takes no syscalls; remove -S");
        add = list | (c == 'A' ? AUDIT_FILTER_PREPEND : 0);
        list_given = true;
        break;
      }
      case 'S': {
        const int list = add & (AUDIT_FILTER_MASK | AUDIT_FILTER_UNSET);
        if (list == AUDIT_FILTER_TASK) return fail("-S " + arg + ": the task list takes no syscalls; remove -S");
        if (list == AUDIT_FILTER_USER) return fail("-S " + arg + ": the user list takes no syscalls; remove -S");
        if (list == AUDIT_FILTER_FS) return fail("-S " + arg + ": the filesystem list takes no syscalls; remove -S");
        if (list == AUDIT_FILTER_EXCLUDE) return fail("-S " + arg + ": the exclude list takes no syscalls; remove -S");
        const bool unknown_arch = _audit_elf == 0;
        if (unknown_arch) {
          const int machine = audit_detect_machine();
          const unsigned elf = machine >= 0 ? audit_machine_to_elf(machine) : 0;
          if (elf == 0) return fail("-S " + arg + ": cannot detect this machine's architecture; give -F arch= first");
          _audit_elf = elf;
        }
        const std::vector<std::string> names = split_commas(arg);
        if (names.empty()) return fail("-S " + arg + ": no syscall named; give names or numbers separated by commas");
        for (const auto& n : names) {
          const int rc = audit_rule_syscallbyname_data(holder.get(), n.c_str());
          if (rc == -1)
            return fail("-S " + n + ": unknown syscall for " + machine_name_for_elf(_audit_elf) +
                        " in libaudit's table (check the name and the arch= before it; a syscall newer "
                        "than this libaudit can be given by number)");
          if (rc < 0) return fail("-S " + n + ": cannot map the syscall for arch " + machine_name_for_elf(_audit_elf));
        }
        _audit_syscalladded = 1;
        if (unknown_arch && add != AUDIT_FILTER_UNSET && syscall_mask_differs_on_32bit(*holder, names))
          out.warnings.push_back("-S " + arg +
                                 ": no arch= given, so the numbers are the 64-bit ones and 32-bit programs "
                                 "are matched on other syscalls; add -F arch=b64 (and a b32 rule)");
        break;
      }
      case 'F': {
        if (add == AUDIT_FILTER_UNSET) return fail("-F " + arg + ": give the list first (-a action,list)");
        const int flags = add & AUDIT_FILTER_MASK;
        if (arg.rfind("key=", 0) == 0) {
          if (auto r = add_key("-F key=", arg.substr(4)); !r) return r.error();
          break;
        }
        // libaudit writes into the pair (it cuts it at the operator): give it a copy.
        std::vector<char> pair(arg.begin(), arg.end());
        pair.push_back('\0');
        audit_rule_data* rule = holder.release();
        const int rc = audit_rule_fieldpair_data(&rule, pair.data(), flags);
        holder.reset(rule);  // may have been reallocated
        if (rc != 0) return fail(describe_pair_error(rc, PairOption::kField, arg));
        const uint32_t field = holder->fields[holder->field_count - 1];
        if (field == AUDIT_PERM) _audit_permadded = 1;
        if (field == AUDIT_EXE) _audit_exeadded = 1;
        break;
      }
      case 'C': {
        const int flags = add == AUDIT_FILTER_UNSET ? AUDIT_FILTER_UNSET : (add & AUDIT_FILTER_MASK);
        std::vector<char> pair(arg.begin(), arg.end());
        pair.push_back('\0');
        audit_rule_data* rule = holder.release();
        const int rc = audit_rule_interfield_comp_data(&rule, pair.data(), flags);
        holder.reset(rule);
        if (rc != 0) return fail(describe_pair_error(rc, PairOption::kCompare, arg));
        break;
      }
      case 'k': {
        if (!(_audit_syscalladded || _audit_permadded || _audit_exeadded || _audit_filterfsadded) ||
            add == AUDIT_FILTER_UNSET)
          return fail("-k " + arg + ": a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it");
        if (auto r = add_key("-k", arg); !r) return r.error();
        break;
      }
      case 'w': {
        if (add != AUDIT_FILTER_UNSET)
          return fail("-w " + arg + ": a watch cannot be combined with -a/-A; use -F path= or -F dir= in the -a rule");
        std::string path = arg;
        if (auto r = check_watch_path(path, out.warnings); !r) return r.error();
        add = AUDIT_FILTER_EXIT;
        action = AUDIT_ALWAYS;
        list_given = true;
        _audit_syscalladded = 1;
        // As auditctl: an existing directory is watched as a tree (AUDIT_DIR), anything
        // else, including a path that does not exist yet, as a single inode (AUDIT_WATCH).
        int type = AUDIT_WATCH;
        struct stat st;
        if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) type = AUDIT_DIR;
        audit_rule_data* rule = holder.release();
        const int rc = audit_add_watch_dir(type, &rule, path.c_str());
        holder.reset(rule);
        if (rc != 0) return fail("-w " + arg + ": libaudit rejected the watch (code " + std::to_string(rc) + ")");
        break;
      }
      case 'p': {
        if (add == AUDIT_FILTER_UNSET) return fail("-p " + arg + ": a permission filter needs a watch (-w) before it");
        auto perms = parse_perms(arg);
        if (!perms) return perms.error();
        if (audit_update_watch_perms(holder.get(), static_cast<int>(*perms)) != 0)
          return fail("-p " + arg + ": a permission filter needs a watch (-w, -F path= or -F dir=) before it");
        _audit_permadded = 1;
        break;
      }
      default:
        return fail(o.spelled() + ": not a rule option");
    }
  }

  if (add == AUDIT_FILTER_UNSET)
    return fail("no list: start the rule with -a action,list (or -A, or -w PATH)");

  if (!key.empty()) {
    std::string pair = "key=" + key;
    std::vector<char> buf(pair.begin(), pair.end());
    buf.push_back('\0');
    audit_rule_data* rule = holder.release();
    const int rc = audit_rule_fieldpair_data(&rule, buf.data(), add & AUDIT_FILTER_MASK);
    holder.reset(rule);
    if (rc != 0) {
      std::string shown = key;
      for (char& ch : shown)
        if (ch == static_cast<char>(AUDIT_KEY_SEPARATOR)) ch = ',';
      if (rc == -19)  // EAU_KEYDEP
        return fail("key " + shown + ": a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it");
      return fail(describe_pair_error(rc, PairOption::kField, "key=" + shown));
    }
  }

  // auditctl's handle_request(): a rule without -S matches every syscall (the kernel
  // needs a mask even where the list ignores it), except on the task list.
  if ((add & AUDIT_FILTER_MASK) != AUDIT_FILTER_TASK && !_audit_syscalladded)
    audit_rule_syscallbyname_data(holder.get(), "all");

  // audit_add_rule_data() sets these just before sending.
  holder->flags = static_cast<uint32_t>(add);
  holder->action = static_cast<uint32_t>(action);

  const size_t size = sizeof(audit_rule_data) + holder->buflen;
  const auto* p = reinterpret_cast<const uint8_t*>(holder.get());
  out.bytes.assign(p, p + size);
  out.list = static_cast<uint32_t>(add & AUDIT_FILTER_MASK);
  out.action = static_cast<uint32_t>(action);
  out.prepend = (add & AUDIT_FILTER_PREPEND) != 0;
  return out;
}

core::Result<CompiledRule> compile_rule_text(std::string_view text) {
  auto words = tokenize_line(text);
  if (!words) return words.error();
  auto options = read_options(*words);
  if (!options) return options.error();
  return compile_rule(*options);
}

}  // namespace rules
