// Which rules `auspex run` installs: the Session View rules (when session metadata is on),
// then the config's inline audit_rules, then every file matched by audit_rule_files and
// --rules, in that order (the kernel evaluates in order).
#pragma once

#include <string>
#include <vector>

#include "daemon/config.h"
#include "rules/rule_set.h"

namespace daemon_cli {

struct RuleSources {
  rules::RuleSet set;
  std::vector<std::string> files;  // every file read, for change watching
};

RuleSources gather_rules(const Config& config, const std::vector<std::string>& extra_files);

}  // namespace daemon_cli
