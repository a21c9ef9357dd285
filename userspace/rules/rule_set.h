// What a rule file means once parsed: kernel rules in file order, status settings from the
// control lines, and every problem found, each tied to file:line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rules {

// Where a line came from, for messages (`file:line: ...`).
struct SourceLine {
  std::string file;
  int line = 0;
};

// One kernel audit rule, ready for AUDIT_ADD_RULE.
struct Rule {
  SourceLine where;
  std::string source;              // the line as written (comments stripped, trimmed)
  std::string text;                // normalized auditctl form (decoder output, `auditctl -l` style)
  std::vector<uint8_t> bytes;      // struct audit_rule_data + buf exactly as libaudit built it
  std::vector<std::string> keys;   // -k / -F key= values, in order (joined with 0x01 in bytes)
  uint32_t list = 0;               // AUDIT_FILTER_* (exit, user, exclude, filesystem, task)
  uint32_t action = 0;             // AUDIT_NEVER / AUDIT_ALWAYS
  bool prepend = false;            // -A: the kernel puts it at the head of its list
};

// A value from a control line and the line that set it (a later line overrides).
struct Setting {
  uint32_t value = 0;
  SourceLine where;
};

// Control lines of auditctl that map to AUDIT_SET status fields. Applying them is the
// installer's job; the parser only validates them.
struct StatusSettings {
  std::optional<Setting> backlog_limit;      // -b N
  std::optional<Setting> failure;            // -f 0|1|2 (silent, printk, panic)
  std::optional<Setting> rate_limit;         // -r N (messages/s, 0 = none)
  std::optional<Setting> enabled;            // -e 0|1|2; 2 locks rules and settings until reboot
  std::optional<Setting> backlog_wait_time;  // --backlog_wait_time N (jiffies)
  std::optional<SourceLine> loginuid_immutable;  // --loginuid-immutable (AUDIT_SET_FEATURE)
  // -c / -i tell auditctl to go on past bad lines. auspex always reports every error; the
  // installer may use these to decide whether a set with errors still loads its good rules.
  std::optional<SourceLine> continue_on_error;  // -c
  std::optional<SourceLine> ignore_errors;      // -i

  // True when -e 2 is set: after it the kernel refuses every rule or status change.
  bool immutable() const { return enabled && enabled->value == 2; }
};

// A problem (or a note) about one line.
struct Diagnostic {
  SourceLine where;
  std::string message;

  // `file:line: message`, the form every tool prints.
  std::string to_string() const;
};

struct RuleSet {
  std::vector<Rule> rules;        // in file order (the kernel evaluates in order)
  StatusSettings settings;
  std::vector<Diagnostic> errors;    // the set must not be installed while this is non-empty
  std::vector<Diagnostic> warnings;  // legal but probably not meant (e.g. -S without arch)
  std::vector<Diagnostic> notices;   // worth saying (e.g. -e 2 makes the config immutable)

  bool ok() const { return errors.empty(); }
};

}  // namespace rules
