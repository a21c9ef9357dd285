#include "rules/options.h"

#include <string_view>

namespace rules {
namespace {

// Short options of auditctl and whether each takes an argument.
constexpr std::string_view kShortWithArg = "CefrbaAdSFmRwWkpq";
constexpr std::string_view kShortNoArg = "hicslDvt";

struct LongOption {
  std::string_view name;
  bool has_arg;
};
constexpr LongOption kLong[] = {
    {"loginuid-immutable", false},
    {"backlog_wait_time", true},
    {"reset-lost", false},
    {"reset_backlog_wait_time_actual", false},
    {"signal", true},
};

}  // namespace

bool is_rule_option(const Option& o) {
  return !o.is_long && o.name.size() == 1 && std::string_view("aASFCkwp").find(o.name[0]) != std::string_view::npos;
}

core::Result<std::vector<Option>> read_options(const std::vector<std::string>& words) {
  std::vector<Option> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() >= 3 && w[0] == '-' && w[1] == '-') {
      std::string_view body = std::string_view(w).substr(2);
      std::optional<std::string> arg;
      if (const size_t eq = body.find('='); eq != std::string_view::npos) {
        arg = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const LongOption* known = nullptr;
      for (const auto& l : kLong)
        if (l.name == body) known = &l;
      if (!known) return core::make_error("unknown option '" + w + "'");
      if (known->has_arg && !arg) {
        if (i + 1 >= words.size()) return core::make_error("option '--" + std::string(body) + "' needs a value");
        arg = words[++i];
      } else if (!known->has_arg && arg) {
        return core::make_error("option '--" + std::string(body) + "' takes no value");
      }
      out.push_back(Option{std::string(body), std::move(arg), true});
      continue;
    }
    if (w.size() >= 2 && w[0] == '-') {
      const char c = w[1];
      if (kShortWithArg.find(c) != std::string_view::npos) {
        std::optional<std::string> arg;
        if (w.size() > 2) {
          arg = w.substr(2);  // getopt accepts "-pwa" as "-p wa"
        } else {
          if (i + 1 >= words.size()) return core::make_error("option '-" + std::string(1, c) + "' needs a value");
          arg = words[++i];
        }
        out.push_back(Option{std::string(1, c), std::move(arg), false});
        continue;
      }
      if (kShortNoArg.find(c) != std::string_view::npos) {
        // getopt also accepts clustered flags ("-ci").
        for (size_t k = 1; k < w.size(); ++k) {
          if (kShortNoArg.find(w[k]) == std::string_view::npos)
            return core::make_error("unknown option '-" + std::string(1, w[k]) + "' in '" + w + "'");
          out.push_back(Option{std::string(1, w[k]), std::nullopt, false});
        }
        continue;
      }
      return core::make_error("unknown option '" + w + "'");
    }
    return core::make_error("'" + w + "' is not an option or an option's value (missing -F?)");
  }
  return out;
}

}  // namespace rules
