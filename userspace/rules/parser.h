// Rule files in auditctl syntax -> RuleSet. Every line is parsed and every error kept, so
// one run reports all of them as `file:line: message`.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "rules/rule_set.h"

namespace rules {

// Parses text (the contents of file_name) and appends its rules and diagnostics to set;
// control lines update set.settings (a later line overrides an earlier one, with a
// warning). Blank lines and '#' comments are skipped.
//
// Control lines: -b, -f, -r, -e 0|1|2, --backlog_wait_time, --loginuid-immutable, -c and -i
// become settings; -D, -d, -W, -R, -l, -s, -m, -t, -q, --signal, --reset-lost and the like
// are errors that say why (auspex deletes the kernel's rules itself, on install).
void parse_text_into(RuleSet& set, std::string_view text, std::string_view file_name);

RuleSet parse_text(std::string_view text, std::string_view file_name);

// Reads and parses each file in order into one set (the kernel keeps that order). An
// unreadable file is an error with line 0.
RuleSet parse_files(std::span<const std::string> paths);

}  // namespace rules
