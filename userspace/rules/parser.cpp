#include "rules/parser.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rules/compiler.h"
#include "rules/decoder.h"
#include "rules/options.h"
#include "rules/tokenize.h"

namespace rules {
namespace {


// Why each auditctl option that is not a rule or a setting has no place in an auspex
// rule file. Empty when the option is one we handle.
std::string rejection(const Option& o) {
  const std::string& n = o.name;
  if (n == "D")
    return "-D (delete all rules) is not allowed in a rule file: auspex deletes the kernel's rules "
           "itself before it installs a rule set; remove this line";
  if (n == "d" || n == "W")
    return o.spelled() + " (delete one rule) has no meaning in a rule file: installing replaces all "
                         "rules; remove the rule instead";
  if (n == "R") return "-R (read another rule file) is not supported: give that file to auspex as well";
  if (n == "l") return "-l lists the kernel's rules; use `auspex rules list` instead";
  if (n == "s") return "-s shows the kernel's status; use `auspex doctor` instead";
  if (n == "m") return "-m sends a user message; it is not a rule or a setting";
  if (n == "t" || n == "q")
    return o.spelled() + " acts once on the running kernel's directory watches; it is not a rule or a setting";
  if (n == "h" || n == "v") return o.spelled() + " is not meaningful in a rule file";
  if (n == "signal") return "--signal talks to auditd; auspex does not use auditd";
  if (n == "reset-lost" || n == "reset_backlog_wait_time_actual")
    return o.spelled() + " resets a counter once; it is not a setting (auspex doctor shows the counters)";
  return {};
}

// auditctl accepts a number that starts with a digit (strtoul base 0: 0x.., 0.. octal).
bool parse_u32(const std::string& s, uint32_t& out) {
  if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end != '\0' || v > 0xffffffffull) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

class LineParser {
 public:
  LineParser(RuleSet& set, std::string_view file) : set_(set), file_(file) {}

  void parse_line(std::string_view raw, int line_no) {
    where_ = SourceLine{file_, line_no};
    auto words = tokenize_line(raw);
    if (!words) return error(words.error().message);
    if (words->empty()) return;  // blank or comment
    auto options = read_options(*words);
    if (!options) return error(options.error().message);

    // An option auspex refuses says why, whatever else is on the line (`-d always,exit -S x`).
    for (const auto& o : *options)
      if (std::string why = rejection(o); !why.empty()) return error(why);
    bool any_rule = false, any_control = false;
    for (const auto& o : *options) (is_rule_option(o) ? any_rule : any_control) = true;
    if (any_rule && any_control) {
      for (const auto& o : *options)
        if (!is_rule_option(o))
          return error(o.spelled() + " is a control option and cannot share a line with a rule; put it on a line of its own");
    }
    if (any_control) {
      for (const auto& o : *options) control(o);
      return;
    }
    rule(raw, *options);
  }

 private:
  void error(std::string message) { set_.errors.push_back({where_, std::move(message)}); }
  void warning(std::string message) { set_.warnings.push_back({where_, std::move(message)}); }
  void notice(std::string message) { set_.notices.push_back({where_, std::move(message)}); }

  void rule(std::string_view raw, const std::vector<Option>& options) {
    auto compiled = compile_rule(options);
    if (!compiled) return error(compiled.error().message);
    for (auto& w : compiled->warnings) warning(std::move(w));
    Rule r;
    r.where = where_;
    r.source = trim(raw);
    r.text = to_auditctl_text(compiled->bytes);
    r.bytes = std::move(compiled->bytes);
    r.keys = std::move(compiled->keys);
    r.list = compiled->list;
    r.action = compiled->action;
    r.prepend = compiled->prepend;
    set_.rules.push_back(std::move(r));
  }

  void set(std::optional<Setting>& slot, uint32_t value, const std::string& spelled) {
    if (slot)
      warning(spelled + " overrides the value " + std::to_string(slot->value) + " set at " + slot->where.file + ":" +
              std::to_string(slot->where.line));
    slot = Setting{value, where_};
  }

  void control(const Option& o) {
    if (std::string why = rejection(o); !why.empty()) return error(why);
    const std::string arg = o.arg.value_or("");
    uint32_t v = 0;
    if (o.name == "b") {
      if (!parse_u32(arg, v)) return error("-b " + arg + ": the backlog limit must be a number of buffers, e.g. -b 8192");
      return set(set_.settings.backlog_limit, v, "-b");
    }
    if (o.name == "r") {
      if (!parse_u32(arg, v)) return error("-r " + arg + ": the rate limit must be a number of messages per second (0 = none)");
      return set(set_.settings.rate_limit, v, "-r");
    }
    if (o.name == "f") {
      if (arg != "0" && arg != "1" && arg != "2")
        return error("-f " + arg + ": the failure mode must be 0 (silent), 1 (printk) or 2 (panic)");
      return set(set_.settings.failure, static_cast<uint32_t>(arg[0] - '0'), "-f");
    }
    if (o.name == "e") {
      if (arg != "0" && arg != "1" && arg != "2")
        return error("-e " + arg + ": enabled must be 0 (off), 1 (on) or 2 (on and locked until reboot)");
      if (arg == "2")
        notice("-e 2 makes the audit configuration immutable: once applied, the kernel refuses every rule and "
               "setting change until reboot (auspex cannot reload or remove its rules); it is applied last");
      return set(set_.settings.enabled, static_cast<uint32_t>(arg[0] - '0'), "-e");
    }
    if (o.name == "backlog_wait_time") {
      if (!parse_u32(arg, v))
        return error("--backlog_wait_time " + arg + ": must be a number of jiffies, e.g. --backlog_wait_time 60000");
      return set(set_.settings.backlog_wait_time, v, "--backlog_wait_time");
    }
    if (o.name == "loginuid-immutable") {
      set_.settings.loginuid_immutable = where_;
      return;
    }
    if (o.name == "c") {
      set_.settings.continue_on_error = where_;
      return;
    }
    if (o.name == "i") {
      set_.settings.ignore_errors = where_;
      return;
    }
    error(o.spelled() + ": unsupported option in a rule file");
  }

  static std::string trim(std::string_view s) {
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const size_t e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
  }

  RuleSet& set_;
  std::string file_;
  SourceLine where_;
};

}  // namespace

void parse_text_into(RuleSet& set, std::string_view text, std::string_view file_name) {
  LineParser parser(set, file_name);
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    parser.parse_line(line, ++line_no);
    start = end + 1;
  }
}

RuleSet parse_text(std::string_view text, std::string_view file_name) {
  RuleSet set;
  parse_text_into(set, text, file_name);
  return set;
}

RuleSet parse_files(std::span<const std::string> paths) {
  RuleSet set;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      set.errors.push_back({SourceLine{path, 0}, std::string("cannot read the file: ") + std::strerror(errno)});
      continue;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    parse_text_into(set, buf.str(), path);
  }
  return set;
}

}  // namespace rules
