// Installing a rule set: purge the kernel's rules, add ours in order (the kernel evaluates
// each list in insertion order, so order is meaning), self-exclusion first. Each failing
// rule is reported with its file:line (USERS.md #5).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "netlink/control_client.h"

namespace netlink {

// One rule as the rules module produces it: kernel bytes plus where it came from.
struct RuleItem {
  RuleBytes bytes;   // struct audit_rule_data with buf[]
  std::string file;  // "" for rules not from a file (self-exclusion)
  int line = 0;
  std::string text;  // the auditctl text, for messages
};

struct RuleError {
  std::string file;
  int line = 0;
  std::string text;
  std::string message;  // "AUDIT_ADD_RULE: EEXIST (File exists)"
  int code = 0;

  std::string describe() const;  // "file:line: message (rule: text)"
};

struct InstallOptions {
  uint32_t self_pid = 0;       // != 0: add `-a never,exit -F pid=self_pid` first
  bool ignore_errors = false;  // false: one bad rule removes what was added and fails
};

struct InstallReport {
  size_t removed = 0;                // rules found in the kernel and deleted
  size_t added = 0;                  // ours, self-exclusion included
  std::vector<RuleBytes> installed;  // what we added, in order (to remove on exit)
  std::vector<RuleItem> installed_items;  // the same with file:line (self-exclusion first)
  std::vector<RuleError> errors;
  bool rolled_back = false;          // errors and !ignore_errors: nothing of ours remains
};

// Reads status first and refuses, without touching a rule, when audit is immutable or a
// live process other than self_pid (or us) holds the audit pid (USERS.md #1).
// Transport failures and refusals are errors; per-rule failures are in the report.
core::Result<InstallReport> install_rules(ControlClient& control, std::span<const RuleItem> rules,
                                          const InstallOptions& opt);

// Deletes the given rules (ours) from the kernel; missing ones (ENOENT) are not errors.
core::Result<void> remove_rules(ControlClient& control, std::span<const RuleBytes> rules);

// One message for all errors of a report, each on its own line.
std::string describe_errors(const InstallReport& r);

}  // namespace netlink
