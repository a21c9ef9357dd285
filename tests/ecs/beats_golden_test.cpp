// Golden: every beats auditbeat/module/auditd/testdata/*.log against its *-expected.json.
// The goldens are Auditbeat's agent-side documents; we emit the stored shape, so the test
// applies the integration ingest pipeline's steps (ingest_pipeline/default.yml) to the
// expected document first, then compares field by field. Names resolve from the fixed table
// of golden_test_environment.json through the --passwd/--group override.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "ecs_test_support.h"
#include "testing/subprocess.h"

namespace {

using ecs_test::Flat;

const std::string kDir = std::string(AUSPEX_CORPUS) + "/beats/auditbeat/module/auditd/testdata";

// Fields we add that Auditbeat's agent-side document does not carry (the agent, the pipeline
// or Elasticsearch add them downstream, or they are ours).
bool ours_only(const std::string& path) {
  static const std::set<std::string> kExact = {
      "@timestamp",          // Auditbeat adds it outside the golden's Fields
      "ecs.version",         // set by the ingest pipeline (8.11.0)
      "event.module",        // set by the agent/integration (constant "auditd")
      "event.dataset",       // "auditd_manager.auditd", set by the integration
      "data_stream.type", "data_stream.dataset", "data_stream.namespace",  // set by the agent
      "process.args_count",  // ECS field Auditbeat leaves out; we keep argc (USERS.md #9)
  };
  return kExact.count(path) > 0;
}

// Deliberate differences between our document and the pipeline-transformed golden:
// {golden file, event.sequence, field path, reason}. Empty when there are none.
struct Difference {
  const char* file;
  uint32_t sequence;
  const char* path;
  const char* reason;
};
// userlogin.log-expected.json was written by an older Auditbeat (2019) than the other
// goldens and the integration's pipeline tests: it appends authentication_success/_failure to
// event.type (not ECS allowed values; the current table gives ["start"]) and turns an unset
// auid into user.name "unset" (current aucoalesce drops an unset user, as the auditlogin
// golden and test-auditlogin-events.json-expected.json show). We follow the newer behaviour.
const Difference kDeliberate[] = {
    {"userlogin.log", 110544844, "event.type", "older Auditbeat: authentication_failure type"},
    {"userlogin.log", 110544844, "user.name", "older Auditbeat: unset auid as user.name"},
    {"userlogin.log", 110544844, "related.user", "older Auditbeat: unset auid as a related user"},
    {"userlogin.log", 110276965, "event.type", "older Auditbeat: authentication_success type"},
};

bool is_deliberate(const std::string& file, uint32_t seq, const std::string& path) {
  for (const Difference& d : kDeliberate) {
    if (!d.file) continue;
    if (file == d.file && seq == d.sequence && path == d.path) return true;
  }
  return false;
}

std::string underscores(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

bool is_integer(const std::string& quoted_value) {
  if (quoted_value.size() < 3 || quoted_value.front() != '"') return false;
  std::string v = quoted_value.substr(1, quoted_value.size() - 2);
  size_t i = v[0] == '-' ? 1 : 0;
  if (i >= v.size()) return false;
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

// The ingest pipeline (default.yml), on a flattened agent-side document.
Flat apply_pipeline(const Flat& in, simdjson::dom::element doc) {
  Flat out;
  for (const auto& [k0, v] : in) {
    std::string k = underscores(k0);
    if (k == "event.original") continue;  // handled below from the array
    struct Rename {
      const char* from;
      const char* to;
    };
    static const Rename kRenames[] = {
        {"source.path", "source.address"},       {"destination.path", "destination.address"},
        {"user.audit.", "auditd.user.audit."},   {"user.new_auid.", "auditd.user.new_auid."},
        {"user.old_auid.", "auditd.user.old_auid."}, {"file.selinux.", "auditd.file.selinux."},
        {"user.selinux.", "auditd.user.selinux."}, {"user.saved.", "auditd.user.saved."},
        {"user.filesystem.", "auditd.user.filesystem."}, {"auditd.sequence", "event.sequence"},
        {"auditd.data.id", "event.id"},
    };
    for (const Rename& r : kRenames) {
      std::string_view from = r.from;
      if (from.back() == '.' ? k.starts_with(from) : k == from) {
        k = std::string(r.to) + k.substr(from.size());
        break;
      }
    }
    std::string value = v;
    if (k == "event.outcome" && value == "\"fail\"") value = "\"failure\"";
    static const std::set<std::string> kLong = {
        "auditd.data.removed", "auditd.data.items", "auditd.data.lport", "auditd.data.rport",
        "auditd.data.sport", "auditd.data.dport", "auditd.data.entries", "auditd.data.argc",
        "auditd.data.seqno", "auditd.data.nargs", "auditd.data.socket.port", "auditd.data.old_vcpu",
        "auditd.data.new_vcpu", "auditd.data.changed", "auditd.data.added", "destination.port",
        "source.port", "auditd.data.spid", "auditd.data.opid", "auditd.data.nlnk_pid",
        "auditd.data.vm_pid", "auditd.data.audit_pid", "process.pid", "process.exit_code"};
    if (kLong.count(k) && is_integer(value)) value = value.substr(1, value.size() - 2);
    if (value == "\"\"" || value == "[]") continue;
    out[k] = value;
  }
  // event.original: list of lines -> joined with "\n" (auditd.messages is dropped: no
  // preserve_original_event tag in these documents).
  simdjson::dom::array orig;
  if (doc["event"]["original"].get(orig) == simdjson::SUCCESS) {
    std::string joined;
    bool first = true;
    for (auto line : orig) {
      if (!first) joined += "\n";
      first = false;
      joined += std::string_view(line.get_string().value());
    }
    out["event.original"] = ecs_test::jq(joined);
  }
  // error.message (warnings list) -> auditd.warnings + joined error.message.
  simdjson::dom::array errs;
  if (doc["error"]["message"].get(errs) == simdjson::SUCCESS) {
    std::string joined, list = "[";
    bool first = true;
    for (auto m : errs) {
      std::string_view s = m.get_string().value();
      if (!first) { joined += "\n"; list += ","; }
      first = false;
      joined += s;
      list += ecs_test::jq(s);
    }
    out.erase("error.message");
    out["auditd.warnings"] = list + "]";
    out["error.message"] = ecs_test::jq(joined);
  }
  return out;
}

std::string write_table(const std::string& dir, const char* name, const char* which) {
  // golden_test_environment.json's users/groups, plus root (the goldens name uid 0 root).
  std::string path = dir + "/" + name;
  std::string text = std::string("root:x:0:0:root:/root:/bin/sh\n");
  simdjson::dom::parser p;
  auto env = p.load(kDir + "/golden_test_environment.json");
  simdjson::dom::array people = env[which].get_array();
  for (auto e : people) {
    std::string_view n = e["name"].get_string().value();
    std::string_view id = e[std::string_view(which) == "known_users" ? "uid" : "gid"].get_string().value();
    text += std::string(n) + ":x:" + std::string(id) + ":" + std::string(id) + "::/home/x:/bin/sh\n";
  }
  FILE* f = std::fopen(path.c_str(), "w");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

void compare_with_golden(const std::string& name, const std::vector<std::string>& docs, const char* how);

class BeatsGolden : public ::testing::TestWithParam<std::string> {};

// The formatter on events grouped by serial in the test.
TEST_P(BeatsGolden, DocumentsEqualPipelineOfExpected) {
  const std::string name = GetParam();
  const std::string tmp = ::testing::TempDir();
  ecs::Options opt;
  opt.include_raw_message = true;
  opt.include_warnings = true;
  opt.resolve_ids = true;
  opt.passwd_file = write_table(tmp, "golden_passwd", "known_users");
  opt.group_file = write_table(tmp, "golden_group", "known_groups");
  auto factory = ecs::make_ecs_factory(opt);

  auto events = ecs_test::events_from_log(ecs_test::slurp(kDir + "/" + name));
  compare_with_golden(name, ecs_test::format_all(*factory, events), "formatter");
}

// The whole path: `auspex replay --format ecs` (its reader, reassembler and shards).
TEST_P(BeatsGolden, ReplayCliEqualsPipelineOfExpected) {
  const std::string name = GetParam();
  const std::string tmp = ::testing::TempDir();
  const std::string passwd = write_table(tmp, "golden_passwd_cli", "known_users");
  const std::string group = write_table(tmp, "golden_group_cli", "known_groups");
  auto r = testing_support::run(std::string(AUSPEX_BINARY) + " replay --format ecs --warnings --passwd " + passwd +
                                " --group " + group + " " + kDir + "/" + name);
  ASSERT_EQ(r.rc, 0) << r.err;
  std::vector<std::string> docs;
  for (std::string_view line : ecs_test::split_lines(r.out)) docs.emplace_back(line);
  compare_with_golden(name, docs, "replay");
}

void compare_with_golden(const std::string& name, const std::vector<std::string>& docs, const char* how) {
  simdjson::dom::parser golden_parser;
  simdjson::dom::element golden = golden_parser.load(kDir + "/" + name + "-expected.json");
  std::vector<simdjson::dom::parser> parsers(docs.size());
  std::map<uint32_t, Flat> ours;
  for (size_t i = 0; i < docs.size(); ++i) {
    simdjson::dom::element d;
    if (parsers[i].parse(docs[i]).get(d) != simdjson::SUCCESS) {
      ADD_FAILURE() << docs[i];
      return;
    }
    Flat f = ecs_test::flatten(d);
    ours[static_cast<uint32_t>(std::stoul(f["event.sequence"]))] = f;
  }

  size_t expected_docs = 0, equal_docs = 0;
  simdjson::dom::array goldens = golden.get_array();
  for (auto g : goldens) {
    ++expected_docs;
    Flat want = apply_pipeline(ecs_test::flatten(g), g);
    const uint32_t seq = static_cast<uint32_t>(std::stoul(want["event.sequence"]));
    auto it = ours.find(seq);
    if (it == ours.end()) {
      ADD_FAILURE() << name << ": no document for sequence " << seq;
      continue;
    }
    const Flat& got = it->second;
    size_t diffs = 0;
    for (const auto& [k, v] : want) {
      auto g2 = got.find(k);
      if (g2 != got.end() && g2->second == v) continue;
      if (is_deliberate(name, seq, k)) continue;
      ++diffs;
      ADD_FAILURE() << name << " seq " << seq << " " << k << ": want " << v << " got "
                    << (g2 == got.end() ? std::string("<missing>") : g2->second);
    }
    for (const auto& [k, v] : got) {
      if (want.count(k) || ours_only(k) || is_deliberate(name, seq, k)) continue;
      ++diffs;
      ADD_FAILURE() << name << " seq " << seq << " " << k << ": unexpected " << v;
    }
    if (diffs == 0) ++equal_docs;
  }
  EXPECT_EQ(docs.size(), expected_docs) << name;
  std::printf("[ beats %s ] %s: %zu/%zu documents equal\n", how, name.c_str(), equal_docs, expected_docs);
}

std::vector<std::string> logs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".log") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BeatsGolden, ::testing::ValuesIn(logs()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
