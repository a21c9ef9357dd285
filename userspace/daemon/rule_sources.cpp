#include "daemon/rule_sources.h"

#include <glob.h>

#include <algorithm>

#include "daemon/embedded_rules.h"
#include "rules/parser.h"

namespace daemon_cli {

RuleSources gather_rules(const Config& config, const std::vector<std::string>& extra_files) {
  RuleSources out;
  const bool default_rules = config.audit_rules == kSessionViewRules;
  if (config.session_metadata && !default_rules)
    rules::parse_text_into(out.set, kSessionViewRules, "(session view rules)");
  if (!config.audit_rules.empty())
    rules::parse_text_into(out.set, config.audit_rules,
                           default_rules ? "(embedded session-view.rules)" : config.source + ":audit_rules");
  std::vector<std::string> patterns = config.audit_rule_files;
  patterns.insert(patterns.end(), extra_files.begin(), extra_files.end());
  for (const auto& pattern : patterns) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> matched;
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) matched.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (matched.empty()) {
      if (pattern.find_first_of("*?[") == std::string::npos) {
        matched.push_back(pattern);  // a plain path that is missing: parse_files reports it
      } else {
        out.set.warnings.push_back({rules::SourceLine{pattern, 0}, "the pattern matches no file"});
        continue;
      }
    }
    std::sort(matched.begin(), matched.end());  // glob order is locale-dependent otherwise
    for (const auto& f : matched) {
      const rules::RuleSet one = rules::parse_files(std::span<const std::string>(&f, 1));
      out.files.push_back(f);
      for (const auto& r : one.rules) out.set.rules.push_back(r);
      for (const auto& d : one.errors) out.set.errors.push_back(d);
      for (const auto& d : one.warnings) out.set.warnings.push_back(d);
      for (const auto& d : one.notices) out.set.notices.push_back(d);
      auto take = [](auto& dst, const auto& src) {
        if (src) dst = src;
      };
      take(out.set.settings.backlog_limit, one.settings.backlog_limit);
      take(out.set.settings.failure, one.settings.failure);
      take(out.set.settings.rate_limit, one.settings.rate_limit);
      take(out.set.settings.enabled, one.settings.enabled);
      take(out.set.settings.backlog_wait_time, one.settings.backlog_wait_time);
    }
  }
  return out;
}

}  // namespace daemon_cli
