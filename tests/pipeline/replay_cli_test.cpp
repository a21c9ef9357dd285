// `auspex replay` as users run it: bad input never stops it, errors name file and line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>

#include "testing/subprocess.h"

namespace {

std::string bin() { return AUSPEX_BINARY; }

std::string write_temp(const std::string& content) {
  char path[] = "/tmp/auspex-replay-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ReplayCli, BadLinesAreCountedAndReportedWithFileAndLine) {
  const std::string log =
      "type=SYSCALL msg=audit(1.000:1): a=1\n"
      "this is not a record\n"
      "type=BOGUS msg=audit(1.000:2): a=1\n"
      "\n"
      "type=SYSCALL msg=audit(1.0:3): a=1\n"
      "type=EOE msg=audit(1.000:1): \n";
  const std::string path = write_temp(log);
  auto r = testing_support::run(bin() + " replay --stats " + path);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.err.find(path + ":2: no type="), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":3: unknown record type"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":5: malformed audit("), std::string::npos) << r.err;
  simdjson::dom::parser p;
  auto stats = p.parse(last_json_line(r.err));
  ASSERT_EQ(stats.error(), simdjson::SUCCESS);
  EXPECT_EQ(stats["events"].get_uint64().value(), 1u);
  EXPECT_EQ(stats["records"].get_uint64().value(), 2u);
  EXPECT_EQ(stats["bad_lines"]["no_type"].get_uint64().value(), 1u);
  EXPECT_EQ(stats["bad_lines"]["unknown_type"].get_uint64().value(), 1u);
  EXPECT_EQ(stats["bad_lines"]["bad_timestamp"].get_uint64().value(), 1u);
  EXPECT_EQ(stats["blank_lines"].get_uint64().value(), 1u);
  EXPECT_EQ(stats["completed"]["eoe"].get_uint64().value(), 1u);
  std::remove(path.c_str());
}

TEST(ReplayCli, ReadsStdin) {
  auto r = testing_support::run(bin() + " replay -",
                                "type=USER_CMD msg=audit(1.000:9): pid=1 msg='cmd=6C73 res=success'\n");
  ASSERT_EQ(r.rc, 0) << r.err;
  simdjson::dom::parser p;
  auto d = p.parse(r.out);
  ASSERT_EQ(d.error(), simdjson::SUCCESS) << r.out;
  EXPECT_EQ(d["sequence"].get_uint64().value(), 9u);
  EXPECT_EQ(d["timestamp"].get_string().value(), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(d["records"].at(0)["fields"]["msg"]["cmd"].get_string().value(), "6C73");
}

TEST(ReplayCli, HostileBytesGiveValidJson) {
  std::string log = "type=PATH msg=audit(1.000:1): name=\"a\\\"b\" x=\xff\xfe\x01 y=\"\x1b[31m\"\n";
  log += "type=EXECVE msg=audit(1.000:1): argc=1 a0=\"" + std::string(100000, 'A') + "\"\n";
  auto r = testing_support::run(bin() + " replay -", log);
  ASSERT_EQ(r.rc, 0) << r.err;
  simdjson::dom::parser p;
  auto d = p.parse(r.out);
  ASSERT_EQ(d.error(), simdjson::SUCCESS);
  // Control bytes end an unquoted value (the kernel would have hex-encoded them).
  EXPECT_EQ(d["records"].at(0)["fields"]["x"].get_string().value(), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(d["records"].at(0)["fields"]["y"].get_string().value(), "\x1b[31m");
  EXPECT_EQ(d["records"].at(1)["fields"]["a0"].get_string().value().size(), 100000u);
}

TEST(ReplayCli, RepeatedKeyKeepsItsFirstValue) {
  // JSON objects must not repeat a key; small records and EXECVE-sized ones alike.
  std::string many;
  for (int i = 0; i < 300; ++i) many += " a" + std::to_string(i) + "=v" + std::to_string(i);
  auto r = testing_support::run(bin() + " replay -",
                                "type=PATH msg=audit(1.000:1): a=1 b=2 a=3\n"
                                "type=EXECVE msg=audit(1.000:1): argc=300" + many + " a7=dup a299=dup\n");
  ASSERT_EQ(r.rc, 0) << r.err;
  simdjson::dom::parser p;
  auto d = p.parse(r.out);
  ASSERT_EQ(d.error(), simdjson::SUCCESS);
  auto f0 = d["records"].at(0)["fields"].get_object();
  EXPECT_EQ(f0.value().size(), 2u);
  EXPECT_EQ(f0["a"].get_string().value(), "1");
  auto f1 = d["records"].at(1)["fields"].get_object();
  EXPECT_EQ(f1.value().size(), 301u);
  EXPECT_EQ(f1["a7"].get_string().value(), "v7");
  EXPECT_EQ(f1["a299"].get_string().value(), "v299");
}

TEST(ReplayCli, EcsStatsCountDocumentsAndUnknownTypes) {
  auto r = testing_support::run(bin() + " replay --format ecs --stats -",
                                "type=UNKNOWN[1999] msg=audit(1.000:1): x=1\n"
                                "type=USER_CMD msg=audit(1.000:2): pid=1 uid=0 msg='cmd=6C73 res=success'\n");
  ASSERT_EQ(r.rc, 0) << r.err;
  simdjson::dom::parser p;
  auto stats = p.parse(last_json_line(r.err));
  ASSERT_EQ(stats.error(), simdjson::SUCCESS) << r.err;
  EXPECT_EQ(stats["ecs"]["documents"].get_uint64().value(), 2u);
  EXPECT_EQ(stats["ecs"]["unknown_record_types"].get_uint64().value(), 1u);
}

TEST(ReplayCli, ProgressLineOnRequest) {
  std::string log;
  for (int i = 0; i < 10000; ++i) log += "type=USER_CMD msg=audit(1.000:" + std::to_string(i + 1) + "): pid=1\n";
  const std::string path = write_temp(log);
  auto r = testing_support::run(bin() + " replay --progress " + path);
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.err.find("\rreplay: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" records"), std::string::npos);
  auto quiet = testing_support::run(bin() + " replay " + path);  // stderr is a file: no progress
  EXPECT_EQ(quiet.err.find("replay: "), std::string::npos) << quiet.err;
  std::remove(path.c_str());
}

TEST(ReplayCli, MissingFileNamesIt) {
  auto r = testing_support::run(bin() + " replay /nonexistent/audit.log");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("/nonexistent/audit.log"), std::string::npos);
}

TEST(ReplayCli, BadOptionsExplain) {
  auto r = testing_support::run(bin() + " replay --shards x f");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--shards"), std::string::npos);
  r = testing_support::run(bin() + " replay --format yaml f");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("yaml"), std::string::npos);
  r = testing_support::run(bin() + " replay");
  EXPECT_EQ(r.rc, 2);
}

}  // namespace

TEST(ReplayCli, ProctitleClosesEventsOfALogWithoutEoe) {
  // auditd's logs hold no EOE: each event leaves at its PROCTITLE (the batch's end), not at
  // end of input or 2 s of log time later. An EOE far behind its event (another batch) is
  // absorbed and counted; all events are still there, in log order.
  std::string log;
  const int n = 3000;
  for (int s = 1; s <= n; ++s) {
    const std::string id = "msg=audit(1700000000." + std::to_string(100 + s / 10) + ":" + std::to_string(s) + "): ";
    log += "type=SYSCALL " + id + "arch=c000003e syscall=59 success=yes exit=0\n";
    log += "type=PROCTITLE " + id + "proctitle=6C73\n";
    if (s == 2500) log += "type=EOE msg=audit(1700000000.110:100): \n";
  }
  const std::string path = write_temp(log);
  for (const char* shards : {"0", "2"}) {
    auto r = testing_support::run(bin() + " replay --stats --shards " + shards + " " + path);
    ASSERT_EQ(r.rc, 0) << r.err;
    simdjson::dom::parser p;
    auto stats = p.parse(last_json_line(r.err));
    ASSERT_EQ(stats.error(), simdjson::SUCCESS) << r.err;
    EXPECT_EQ(stats["events"].get_uint64().value(), uint64_t{n});
    EXPECT_EQ(stats["completed"]["proctitle"].get_uint64().value(), uint64_t{n});
    EXPECT_EQ(stats["completed"]["end_flush"].get_uint64().value(), 0u);
    EXPECT_EQ(stats["completed"]["timeout"].get_uint64().value(), 0u);
    EXPECT_EQ(stats["trailing_eoe"].get_uint64().value(), 1u);
    EXPECT_EQ(stats["late_records"].get_uint64().value(), 0u);
    size_t lines = 0, pos = 0;
    uint64_t last = 0;
    simdjson::dom::parser lp;
    while (pos < r.out.size()) {
      const size_t nl = r.out.find('\n', pos);
      auto d = lp.parse(r.out.substr(pos, nl - pos));
      ASSERT_EQ(d.error(), simdjson::SUCCESS);
      const uint64_t seq = d["sequence"].get_uint64().value();
      EXPECT_GT(seq, last) << "out of log order at line " << lines + 1;
      EXPECT_EQ(d["records"].get_array().size(), 2u);
      last = seq;
      ++lines;
      pos = nl + 1;
    }
    EXPECT_EQ(lines, size_t{n});
  }
  std::remove(path.c_str());
}
