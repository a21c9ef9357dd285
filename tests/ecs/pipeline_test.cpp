// Pipeline tests: the integration's own ingest-pipeline test cases
// (_dev/test/pipeline/test-*-events.json-expected.json). For each expected stored document we
// take its raw records (auditd.messages), format them with preserve_original_event on (the
// test configuration set that tag) and the golden uid table, and require every field the
// expected document holds to have the same value in ours.
#include <gtest/gtest.h>

#include <cstdio>

#include "ecs_test_support.h"

namespace {

using ecs_test::Flat;

const std::string kDir =
    std::string(AUSPEX_CORPUS) + "/integrations-auditd_manager/data_stream/auditd/_dev/test/pipeline";
const std::string kBeats = std::string(AUSPEX_CORPUS) + "/beats/auditbeat/module/auditd/testdata";

std::string table(const std::string& name, const char* which, const char* idkey) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::string text = "root:x:0:0::/root:/bin/sh\n";
  simdjson::dom::parser p;
  simdjson::dom::element env = p.load(kBeats + "/golden_test_environment.json");
  simdjson::dom::array people = env[which].get_array();
  for (auto e : people) {
    std::string_view n = e["name"].get_string().value(), id = e[idkey].get_string().value();
    text += std::string(n) + ":x:" + std::string(id) + ":" + std::string(id) + "::/home/x:/bin/sh\n";
  }
  FILE* f = std::fopen(path.c_str(), "w");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

class PipelineCase : public ::testing::TestWithParam<const char*> {};

TEST_P(PipelineCase, ExpectedFieldsEqual) {
  ecs::Options opt;
  opt.preserve_original_event = true;
  opt.passwd_file = table("pipe_passwd", "known_users", "uid");
  opt.group_file = table("pipe_group", "known_groups", "gid");
  auto factory = ecs::make_ecs_factory(opt);

  simdjson::dom::parser gp;
  simdjson::dom::element golden = gp.load(kDir + "/" + GetParam());
  simdjson::dom::array expected = golden["expected"].get_array();
  size_t total = 0, equal = 0;
  for (auto want_doc : expected) {
    ++total;
    std::string log;
    simdjson::dom::array msgs = want_doc["auditd"]["messages"].get_array();
    for (auto m : msgs) {
      log += std::string_view(m.get_string().value());
      log += "\n";
    }
    auto docs = ecs_test::format_all(*factory, ecs_test::events_from_log(log));
    ASSERT_EQ(docs.size(), 1u);
    simdjson::dom::parser dp;
    simdjson::dom::element d;
    ASSERT_EQ(dp.parse(docs[0]).get(d), simdjson::SUCCESS);
    Flat got = ecs_test::flatten(d);
    Flat want = ecs_test::flatten(want_doc);
    size_t diffs = 0;
    for (const auto& [k, v] : want) {
      // ecs.version: the passwd expectations come from an older pipeline run (8.6.0).
      if (k == "ecs.version") continue;
      if (got.count(k) && got[k] == v) continue;
      ++diffs;
      ADD_FAILURE() << GetParam() << " seq " << want["event.sequence"] << " " << k << ": want " << v << " got "
                    << (got.count(k) ? got[k] : std::string("<missing>"));
    }
    if (diffs == 0) ++equal;
  }
  std::printf("[ pipeline ] %s: %zu/%zu documents hold the expected values\n", GetParam(), equal, total);
}

INSTANTIATE_TEST_SUITE_P(Integration, PipelineCase,
                         ::testing::Values("test-auditlogin-events.json-expected.json",
                                           "test-passwd-events.json-expected.json"));

}  // namespace
