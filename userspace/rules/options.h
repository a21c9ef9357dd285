// auditctl's command line, read the way its getopt_long string reads it
// ("hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:" plus the long options), so a rule file
// line means what it means to `auditctl -R`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace rules {

struct Option {
  std::string name;               // "a", "S", "backlog_wait_time", ...
  std::optional<std::string> arg;  // for options that take one
  bool is_long = false;

  // "-a" or "--backlog_wait_time", for messages.
  std::string spelled() const { return (is_long ? "--" : "-") + name; }
};

// True for the options that build a rule (-a -A -S -F -C -k -w -p); every other option
// is a control option (a setting, or something auspex refuses in a rule file).
bool is_rule_option(const Option& o);

// Options of one line's words, in order. Errors name the word: an unknown option, a
// missing argument, or a word that belongs to no option.
core::Result<std::vector<Option>> read_options(const std::vector<std::string>& words);

}  // namespace rules
