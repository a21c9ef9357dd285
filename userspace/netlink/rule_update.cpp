#include "netlink/rule_update.h"

#include <errno.h>

#include "netlink/rule_drift.h"

namespace netlink {

core::Result<UpdateReport> update_rules(ControlClient& control, std::span<const RuleItem> current,
                                        size_t pinned, std::span<const RuleItem> wanted,
                                        bool ignore_errors) {
  if (pinned > current.size()) return core::make_error("update_rules: pinned > current", EINVAL);
  auto st = control.get_status();
  if (!st) return st.error();
  if (st->immutable())
    return core::make_error("rules not updated: audit is immutable (enabled=2) until reboot", EPERM);

  UpdateReport rep;
  const auto ours = current.subspan(pinned);
  size_t prefix = 0;
  while (prefix < ours.size() && prefix < wanted.size() &&
         normalize_rule(ours[prefix].bytes) == normalize_rule(wanted[prefix].bytes))
    ++prefix;
  rep.kept = prefix;
  rep.installed.assign(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(pinned + prefix));

  // Delete from the end so the rules before each deletion keep their order.
  std::vector<RuleItem> removed;
  for (size_t i = ours.size(); i-- > prefix;) {
    auto r = control.delete_rule(ours[i].bytes);
    if (!r && r.error().code != ENOENT)  // ENOENT: already gone (drift), nothing to undo
      return core::make_error("removing " + (ours[i].file.empty() ? std::string("rule") : ours[i].file + ":" + std::to_string(ours[i].line)) +
                                  ": " + r.error().message,
                              r.error().code);
    removed.insert(removed.begin(), ours[i]);
    ++rep.removed;
  }
  std::vector<RuleItem> added;
  for (size_t i = prefix; i < wanted.size(); ++i) {
    auto r = control.add_rule(wanted[i].bytes);
    if (r) {
      added.push_back(wanted[i]);
      ++rep.added;
    } else {
      rep.errors.push_back({wanted[i].file, wanted[i].line, wanted[i].text, r.error().message, r.error().code});
    }
  }
  if (!rep.errors.empty() && !ignore_errors) {
    for (auto it = added.rbegin(); it != added.rend(); ++it) (void)control.delete_rule(it->bytes);
    for (const auto& r : removed) (void)control.add_rule(r.bytes);
    rep.installed.assign(current.begin(), current.end());
    rep.added = 0;
    rep.removed = 0;
    rep.rolled_back = true;
    return rep;
  }
  rep.installed.insert(rep.installed.end(), added.begin(), added.end());
  return rep;
}

}  // namespace netlink
