// Schema: every document we emit for every corpus log parses with simdjson, and every field
// name in it is declared in ecs/fields.txt (the integration's fields) or ecs/ecs_fields.txt
// (ECS). auditd.paths is `flattened` (anything below it is fine); auditd.data.a* stands for
// the syscall arguments a0, a1, ...
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "ecs_test_support.h"
#include "testing/subprocess.h"

namespace {

const std::string kCorpus = AUSPEX_CORPUS;
const std::string kShared = AUSPEX_SHARED;

std::set<std::string> declared() {
  std::set<std::string> names;
  for (const char* f : {"/ecs/fields.txt", "/ecs/ecs_fields.txt"}) {
    const std::string text = ecs_test::slurp(kShared + f);
    for (std::string_view line : ecs_test::split_lines(text)) {
      if (line.empty() || line[0] == '#') continue;
      const size_t end = line.find_first_of(" \t");
      names.emplace(line.substr(0, end));
    }
  }
  return names;
}

// Fields Auditd Manager itself emits that its package does not declare. Listed, not hidden:
//  - group.target.*: Auditbeat writes the group an account event acts on there (beats golden
//    centos7.log, ADD_GROUP); ECS has no group.target, the package maps it dynamically.
//  - auditd.data.<field> for raw audit field names the package's fields.yml does not list:
//    Auditbeat copies every field of a record it does not map elsewhere into auditd.data
//    (aucoalesce addFieldsToEventData), so Auditd Manager emits the same names, mapped
//    dynamically as keyword. Each one here comes from a corpus log:
const char* const kUndeclaredData[] = {
    "denied_mask", "requested_mask", "operation", "profile", "peer", "info",  // AppArmor AVC
    "fsuid", "ouid", "gid", "uid",  // ids of a second record (AVC, ANOM_PROMISCUOUS) join data
    "path",                         // SERVICE_START / AVC path=
    "uring_op",                     // URINGOP (io_uring audit, Linux 5.16+)
    "subj_apparmor",                // UNKNOWN[1420] (LSM subject of a second LSM)
    "dev",                          // ANOM_PROMISCUOUS dev= (network device)
    "name",                         // USER_* name= / AVC name=
};
bool known_undeclared(const std::string& path) {
  if (path == "group.target.id" || path == "group.target.name") return true;
  if (!path.starts_with("auditd.data.")) return false;
  for (const char* f : kUndeclaredData)
    if (path.substr(12) == f) return true;
  return false;
}

bool is_declared(const std::set<std::string>& names, std::string path) {
  // Array-of-object leaves: auditd.paths[0].name -> under the flattened auditd.paths.
  if (path.starts_with("auditd.paths[")) return names.count("auditd.paths") > 0;
  if (names.count(path)) return true;
  if (path.starts_with("auditd.data.a")) {
    std::string_view rest = std::string_view(path).substr(13);
    bool digits = !rest.empty();
    for (char c : rest) digits = digits && c >= '0' && c <= '9';
    if (digits) return true;
  }
  return known_undeclared(path);
}

std::vector<std::string> corpus_logs() {
  std::vector<std::string> out;
  for (const char* dir : {"/beats/auditbeat/module/auditd/testdata", "/go-libaudit/testdata",
                          "/go-libaudit/auparse/testdata", "/laurel/src/testdata", "/laurel/src/testdata/tree",
                          "/audit-userspace/auparse/test"}) {
    if (!std::filesystem::exists(kCorpus + dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(kCorpus + dir)) {
      const std::string ext = e.path().extension().string();
      if (ext == ".log" || (ext == ".txt" && e.path().filename().string() != "README.txt"))
        out.push_back(e.path().string());
    }
  }
  // aucoalesce cases: the yaml files hold raw lines indented in blocks; the lines parse as
  // records once the indentation is stripped (the event grouping is by serial anyway).
  for (const auto& e : std::filesystem::directory_iterator(kCorpus + "/go-libaudit/aucoalesce/testdata"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(EcsSchema, EveryCorpusFieldIsDeclaredAndEveryLineParses) {
  const std::set<std::string> names = declared();
  ASSERT_GT(names.size(), 300u);
  ecs::Options opt;
  opt.include_warnings = true;
  opt.preserve_original_event = true;  // auditd.messages too
  auto factory = ecs::make_ecs_factory(opt);
  std::map<std::string, std::string> undeclared;  // field -> first file
  size_t documents = 0;
  for (const std::string& file : corpus_logs()) {
    std::string text = ecs_test::slurp(file);
    if (file.ends_with(".yaml")) {
      std::string stripped;
      for (std::string_view l : ecs_test::split_lines(text)) {
        const size_t i = l.find_first_not_of(' ');
        if (i != std::string_view::npos) stripped += std::string(l.substr(i)) + "\n";
      }
      text = stripped;
    }
    auto docs = ecs_test::format_all(*factory, ecs_test::events_from_log(text));
    for (const std::string& doc : docs) {
      ++documents;
      simdjson::dom::parser p;
      simdjson::dom::element d;
      ASSERT_EQ(p.parse(doc).get(d), simdjson::SUCCESS) << file << ": " << doc;
      for (const auto& [k, v] : ecs_test::flatten(d))
        if (!is_declared(names, k)) undeclared.emplace(k, file);
    }
  }
  for (const auto& [k, file] : undeclared) ADD_FAILURE() << "undeclared field " << k << " (first in " << file << ")";
  std::printf("[ schema ] %zu documents, %zu undeclared field names\n", documents, undeclared.size());
}

// The same through `auspex replay --format ecs` (its own reader and reassembler).
TEST(EcsSchema, ReplayCliOutputIsDeclaredAndParses) {
  const std::set<std::string> names = declared();
  std::map<std::string, std::string> undeclared;
  size_t documents = 0;
  for (const std::string& file : corpus_logs()) {
    if (file.ends_with(".yaml")) continue;
    auto r = testing_support::run(std::string(AUSPEX_BINARY) +
                                  " replay --format ecs --warnings --preserve-original-event " + file);
    ASSERT_EQ(r.rc, 0) << file << ": " << r.err;
    for (std::string_view line : ecs_test::split_lines(r.out)) {
      ++documents;
      simdjson::dom::parser p;
      simdjson::dom::element d;
      ASSERT_EQ(p.parse(line).get(d), simdjson::SUCCESS) << file << ": " << line;
      for (const auto& [k, v] : ecs_test::flatten(d))
        if (!is_declared(names, k)) undeclared.emplace(k, file);
    }
  }
  for (const auto& [k, file] : undeclared) ADD_FAILURE() << "undeclared field " << k << " (first in " << file << ")";
  std::printf("[ schema replay ] %zu documents, %zu undeclared field names\n", documents, undeclared.size());
}

}  // namespace
