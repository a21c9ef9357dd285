#include "netlink/rule_install.h"

#include <errno.h>
#include <unistd.h>

#include "netlink/process_info.h"
#include "netlink/self_exclusion.h"

namespace netlink {

std::string RuleError::describe() const {
  std::string s = file.empty() ? std::string("<auspex>") : file;
  s += ':';
  s += std::to_string(line);
  s += ": ";
  s += message;
  if (!text.empty()) s += " (rule: " + text + ")";
  return s;
}

std::string describe_errors(const InstallReport& r) {
  std::string s;
  for (const auto& e : r.errors) {
    if (!s.empty()) s += '\n';
    s += e.describe();
  }
  return s;
}

core::Result<InstallReport> install_rules(ControlClient& control, std::span<const RuleItem> rules,
                                          const InstallOptions& opt) {
  auto st = control.get_status();
  if (!st) return st.error();
  if (st->immutable())
    return core::make_error(
        "rules not installed: audit is immutable (enabled=2, `auditctl -e 2`); the kernel's "
        "rules are locked until reboot",
        EPERM);
  const uint32_t me = static_cast<uint32_t>(::getpid());
  if (st->pid != 0 && st->pid != me && st->pid != opt.self_pid) {
    auto holder = process_info(st->pid);
    if (holder.alive)
      return core::make_error("rules not installed: the audit pid is held by " +
                                  describe_process(holder) +
                                  ", which owns the kernel's rules; no rule was deleted",
                              EEXIST);
  }

  InstallReport rep;
  auto current = control.list_rules();
  if (!current) return current.error();
  for (const auto& r : current.value()) {
    if (auto d = control.delete_rule(r); !d)
      return core::make_error("purging the kernel's rules: " + d.error().message, d.error().code);
    ++rep.removed;
  }

  auto add = [&](const RuleItem& item) {
    auto r = control.add_rule(item.bytes);
    if (r) {
      rep.installed.push_back(item.bytes);
      rep.installed_items.push_back(item);
      ++rep.added;
    } else {
      rep.errors.push_back({item.file, item.line, item.text, r.error().message, r.error().code});
    }
  };
  if (opt.self_pid != 0) {
    RuleItem self{self_exclusion_rule(opt.self_pid), "", 0,
                  "-a never,exit -F pid=" + std::to_string(opt.self_pid)};
    add(self);
    if (!rep.errors.empty())
      return core::make_error("self-exclusion rule: " + rep.errors.front().message,
                              rep.errors.front().code);
  }
  for (const auto& item : rules) add(item);

  if (!rep.errors.empty() && !opt.ignore_errors) {
    (void)remove_rules(control, rep.installed);
    rep.installed.clear();
    rep.installed_items.clear();
    rep.added = 0;
    rep.rolled_back = true;
  }
  return rep;
}

core::Result<void> remove_rules(ControlClient& control, std::span<const RuleBytes> rules) {
  std::string errors;
  int code = 0;
  // Reverse order: the self-exclusion rule (first) goes last, so our own deletions stay
  // out of the stream until the end.
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    auto r = control.delete_rule(*it);
    if (!r && r.error().code != ENOENT) {
      if (!errors.empty()) errors += "; ";
      errors += r.error().message;
      code = r.error().code;
    }
  }
  if (!errors.empty()) return core::make_error("removing our rules: " + errors, code);
  return {};
}

}  // namespace netlink
