// `auspex rules advise`: a rule order with the most active rules first, from per-key event
// counts (the `rule_hits` of `auspex run`'s stats). The kernel walks a filter list in order
// for every audited syscall and stops at the first rule that decides, so busy rules first
// means shorter walks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace rules {

struct Advice {
  std::vector<size_t> order;      // indexes into the rule set, suggested order
  std::vector<uint64_t> hits;     // per rule (by its first key), in rule-set order
  std::vector<std::string> notes; // why, and what was left alone
  bool changed = false;           // the suggestion differs from the current order
};

// Moves rules only within runs of the same filter list between `never` rules (moving a rule
// across a `never` rule changes what is excluded). Rules without a key cannot be measured
// and keep their place relative to each other.
Advice advise(const RuleSet& set, const std::map<std::string, uint64_t>& hits_by_key);

// Reads hits: a JSON object {"key": count} or text whose last line containing "rule_hits"
// is a stats line of `auspex run` (its stderr log).
bool parse_hits(const std::string& text, std::map<std::string, uint64_t>& out, std::string& error);

}  // namespace rules
