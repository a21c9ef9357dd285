// `auspex proctree --backend procfs` end to end, without root: a process that lives past a
// rescan shows up as an exec and an end, in the ECS shape.
#include <signal.h>

#include <gtest/gtest.h>

#include <simdjson.h>

#include "cli_run.h"

namespace proctree::testing {
namespace {

TEST(ProctreeCli, ProcfsBackendReportsAProcess) {
  pid_t child = 0;
  CliRun r = run_proctree_cli({"--backend", "procfs", "--duration", "3.5"}, [&] {
    child = run_and_wait("/bin/sleep", {"sleep", "1.3"});  // > one 1 s rescan
  });
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  EXPECT_NE(r.err.find("backend procfs ready"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("procfs.rescans="), std::string::npos) << r.err;
  simdjson::dom::parser parser;
  bool exec = false, end = false;
  for (const auto& line : r.lines) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    int64_t pid = doc["process"]["pid"].get_int64().value_unsafe();
    if (pid != child) continue;
    std::string_view action = doc["event"]["action"].get_string().value_unsafe();
    if (action == "exec") {
      exec = true;
      EXPECT_EQ(doc["process"]["executable"].get_string().value_unsafe(), "/usr/bin/sleep");
      EXPECT_EQ(doc["process"]["parent"]["pid"].get_int64().value_unsafe(), getpid());
      // Our session's leader, if it still runs; CI starts tests in a session whose leader
      // exited long before: then no session leader (never invented).
      const pid_t sid = getsid(0);
      if (sid > 0 && kill(sid, 0) == 0)
        EXPECT_EQ(doc["process"]["session_leader"]["pid"].get_int64().value_unsafe(), sid);
      else
        EXPECT_TRUE(doc["process"]["session_leader"].error()) << line;
      EXPECT_FALSE(doc["process"]["entity_id"].get_string().value_unsafe().empty());
    }
    if (action == "end") end = true;
  }
  EXPECT_TRUE(exec);
  EXPECT_TRUE(end);
}

TEST(ProctreeCli, RejectsUnknownBackend) {
  CliRun r = run_proctree_cli({"--backend", "kprobes"}, [] {});
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2);
  EXPECT_NE(r.err.find("usage"), std::string::npos);
}

}  // namespace
}  // namespace proctree::testing
