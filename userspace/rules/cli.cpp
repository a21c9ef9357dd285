#include "rules/cli.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/hex.h"
#include "core/json_writer.h"
#include "rules/advise.h"
#include "rules/parser.h"

namespace rules {
namespace {

void usage(FILE* f) {
  std::fprintf(f,
               "usage: auspex rules check FILE...   parse rule files (auditctl syntax); print every error\n"
               "                                    as file:line: message; exit 1 if there is any\n"
               "       auspex rules dump FILE...    one JSON line per rule: file, line, normalized rule\n"
               "                                    text and the hex of its kernel audit_rule_data bytes\n"
               "       auspex rules list            the kernel's installed rules in auditctl form\n"
               "       auspex rules advise --hits FILE RULES...\n"
               "                                    a rule order with the busiest rules first, from\n"
               "                                    per-key counts (auspex run's stats line, or {\"key\": n})\n");
}

void print_diagnostics(const RuleSet& set) {
  for (const auto& d : set.errors) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  for (const auto& d : set.warnings) {
    Diagnostic w = d;
    w.message = "warning: " + w.message;
    std::fprintf(stderr, "%s\n", w.to_string().c_str());
  }
  for (const auto& d : set.notices) {
    Diagnostic n = d;
    n.message = "note: " + n.message;
    std::fprintf(stderr, "%s\n", n.to_string().c_str());
  }
}

std::vector<std::string> files_of(std::span<char* const> args) {
  std::vector<std::string> files;
  for (char* a : args) files.emplace_back(a);
  return files;
}

int check(std::span<char* const> args) {
  const auto files = files_of(args);
  const RuleSet set = parse_files(files);
  print_diagnostics(set);
  if (!set.ok()) {
    std::fprintf(stderr, "%zu error%s\n", set.errors.size(), set.errors.size() == 1 ? "" : "s");
    return 1;
  }
  std::printf("%zu rule%s OK\n", set.rules.size(), set.rules.size() == 1 ? "" : "s");
  return 0;
}

int dump(std::span<char* const> args) {
  const auto files = files_of(args);
  const RuleSet set = parse_files(files);
  print_diagnostics(set);
  std::string line;
  for (const Rule& r : set.rules) {
    line.clear();
    core::JsonWriter w(line);
    w.begin_object();
    w.key("file").string(r.where.file);
    w.key("line").number(r.where.line);
    w.key("rule").string(r.text);
    w.key("hex").string(core::hex_encode(
        std::string_view(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size())));
    w.end_object();
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return set.ok() ? 0 : 1;
}

// Dispatch point for `auspex rules list`: the netlink module reads the kernel's rules
// (AUDIT_LIST_RULES) and prints each with rules::to_auditctl_text.

int advise_cli(std::span<char* const> args) {
  std::string hits_file;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::string_view(args[i]) == "--hits" && i + 1 < args.size()) hits_file = args[++i];
    else files.emplace_back(args[i]);
  }
  if (hits_file.empty() || files.empty()) {
    std::fprintf(stderr, "auspex rules advise: give --hits FILE and at least one rule file\n");
    return 2;
  }
  std::ifstream f(hits_file, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "auspex rules advise: cannot read %s\n", hits_file.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  std::map<std::string, uint64_t> hits;
  std::string error;
  if (!parse_hits(ss.str(), hits, error)) {
    std::fprintf(stderr, "auspex rules advise: %s: %s\n", hits_file.c_str(), error.c_str());
    return 2;
  }
  const RuleSet set = parse_files(files);
  print_diagnostics(set);
  if (!set.ok()) return 1;
  const Advice a = advise(set, hits);
  std::printf("# %s\n", a.changed ? "suggested order (busiest first):" : "the current order is already busiest first:");
  for (size_t k : a.order) {
    const Rule& r = set.rules[k];
    std::printf("%s  # %s:%d, %llu events\n", r.text.c_str(), r.where.file.c_str(), r.where.line,
                static_cast<unsigned long long>(a.hits[k]));
  }
  for (const auto& n : a.notes) std::printf("# why: %s\n", n.c_str());
  return 0;
}

}  // namespace

int rules_cli_main(std::span<char* const> args) {
  if (args.empty()) {
    usage(stderr);
    return 2;
  }
  const std::string_view sub = args[0];
  const auto rest = args.subspan(1);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    usage(stdout);
    return 0;
  }
  if (sub == "check" || sub == "dump") {
    if (rest.empty()) {
      std::fprintf(stderr, "auspex rules %s: give at least one rule file\n", args[0]);
      usage(stderr);
      return 2;
    }
    return sub == "check" ? check(rest) : dump(rest);
  }
  if (sub == "advise") return advise_cli(rest);
  std::fprintf(stderr, "auspex rules: unknown subcommand '%s'\n", args[0]);
  usage(stderr);
  return 2;
}

}  // namespace rules
