#include "libaudit_rule.h"

#include <libaudit.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

// libaudit's rule-building globals (lib/libaudit.c); auditctl sets them itself.
extern "C" int _audit_syscalladded;

namespace netlink_test {

netlink::RuleBytes libaudit_rule(unsigned list, unsigned action, const std::vector<std::string>& fields,
                                 const std::vector<std::string>& syscalls) {
  audit_rule_data* r = audit_rule_create_data();
  _audit_syscalladded = 0;
  // auditctl's order: arch before -S (syscall numbers depend on it), -S before fields
  // like key= that libaudit only accepts once a syscall is set.
  auto apply = [&](const std::string& f) {
    std::string copy = f;  // libaudit writes into the pair
    int rc = audit_rule_fieldpair_data(&r, copy.data(), list);
    if (rc != 0) throw std::runtime_error("libaudit rejected field " + f + ": " + std::to_string(rc));
  };
  for (const auto& f : fields)
    if (f.rfind("arch", 0) == 0) apply(f);
  for (const auto& s : syscalls)
    if (audit_rule_syscallbyname_data(r, s.c_str()) != 0)
      throw std::runtime_error("libaudit rejected syscall " + s);
  if (!syscalls.empty()) _audit_syscalladded = 1;
  for (const auto& f : fields)
    if (f.rfind("arch", 0) != 0) apply(f);
  r->flags = list;
  r->action = action;
  netlink::RuleBytes out(sizeof(*r) + r->buflen);
  std::memcpy(out.data(), r, out.size());
  audit_rule_free_data(r);
  return out;
}

netlink::RuleBytes exec_rule(const std::string& key) {
  return libaudit_rule(AUDIT_FILTER_EXIT, AUDIT_ALWAYS, {"arch=b64", "key=" + key}, {"execve"});
}

std::vector<std::string> auditctl_list() {
  std::vector<std::string> lines;
  FILE* p = ::popen("auditctl -l 2>&1", "r");
  if (!p) return lines;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), p)) {
    std::string l = buf;
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    if (l != "No rules") lines.push_back(l);
  }
  ::pclose(p);
  return lines;
}

}  // namespace netlink_test
