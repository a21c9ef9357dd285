#include "rules/advise.h"

#include <simdjson.h>

#include <algorithm>

namespace rules {

Advice advise(const RuleSet& set, const std::map<std::string, uint64_t>& hits_by_key) {
  Advice a;
  const size_t n = set.rules.size();
  a.hits.assign(n, 0);
  std::vector<bool> measured(n, false);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& k : set.rules[i].keys) {
      auto it = hits_by_key.find(k);
      if (it != hits_by_key.end()) a.hits[i] = std::max(a.hits[i], it->second);
      measured[i] = true;
    }
  }
  // Runs: consecutive `always` rules of one list. A `never` rule (action 0) ends a run and
  // stays where it is.
  size_t i = 0;
  while (i < n) {
    if (set.rules[i].action == 0) {
      a.order.push_back(i++);
      continue;
    }
    size_t j = i;
    while (j < n && set.rules[j].action != 0 && set.rules[j].list == set.rules[i].list) ++j;
    std::vector<size_t> run;
    for (size_t k = i; k < j; ++k) run.push_back(k);
    // Measured rules sorted by hits (stable); unmeasured ones keep their slots.
    std::vector<size_t> keyed;
    for (size_t k : run)
      if (measured[k]) keyed.push_back(k);
    std::stable_sort(keyed.begin(), keyed.end(), [&](size_t x, size_t y) { return a.hits[x] > a.hits[y]; });
    size_t next = 0;
    for (size_t k : run) a.order.push_back(measured[k] ? keyed[next++] : k);
    i = j;
  }
  for (size_t k = 0; k < n; ++k) a.changed = a.changed || a.order[k] != k;
  a.notes.push_back(
      "the kernel tries the rules of a filter list in order for every audited syscall and stops at the "
      "first that decides; the busiest rules first make that walk shorter");
  a.notes.push_back("rules moved only among neighbours of the same list between `never` rules, which stay in place");
  size_t unkeyed = 0;
  for (size_t k = 0; k < n; ++k) unkeyed += !measured[k];
  if (unkeyed)
    a.notes.push_back(std::to_string(unkeyed) + " rule(s) have no key, so their activity is unknown: they keep "
                      "their place (add -k KEY to measure them)");
  a.notes.push_back(
      "an event matched by two rules is logged with the first one's key: where rules overlap, moving one "
      "changes which key events carry");
  return a;
}

bool parse_hits(const std::string& text, std::map<std::string, uint64_t>& out, std::string& error) {
  std::string json;
  const size_t at = text.rfind("\"rule_hits\"");
  if (at != std::string::npos) {
    const size_t start = text.rfind('\n', at);
    const size_t end = text.find('\n', at);
    json = text.substr(start == std::string::npos ? 0 : start + 1,
                       (end == std::string::npos ? text.size() : end) - (start == std::string::npos ? 0 : start + 1));
  } else {
    json = text;
  }
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (auto e = p.parse(json).get(doc)) {
    error = std::string("not JSON: ") + simdjson::error_message(e);
    return false;
  }
  simdjson::dom::object hits;
  if (doc["rule_hits"].get(hits) && doc.get(hits)) {
    error = "expected {\"key\": count, ...} or a stats line with \"rule_hits\"";
    return false;
  }
  for (auto [k, v] : hits) {
    uint64_t n = 0;
    if (v.get(n)) {
      error = "count of key '" + std::string(k) + "' is not a whole number";
      return false;
    }
    out[std::string(k)] = n;
  }
  return true;
}

}  // namespace rules
