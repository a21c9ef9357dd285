// Rule bytes built with libaudit directly (as auditctl does), for install tests that must not
// depend on the rules module. libaudit keeps global state: single-threaded use only.
#pragma once

#include <string>
#include <vector>

#include "netlink/control_client.h"

namespace netlink_test {

// list: AUDIT_FILTER_EXIT etc.; action AUDIT_ALWAYS/AUDIT_NEVER; fields "arch=b64",
// "key=x", ... applied in order, syscalls after the fields that precede them (arch first).
netlink::RuleBytes libaudit_rule(unsigned list, unsigned action, const std::vector<std::string>& fields,
                                 const std::vector<std::string>& syscalls);

// `-a always,exit -F arch=b64 -S execve -k KEY`
netlink::RuleBytes exec_rule(const std::string& key);

// Output lines of `auditctl -l` (empty vector for "No rules").
std::vector<std::string> auditctl_list();

}  // namespace netlink_test
