// `auspex proctree --backend ebpf` end to end (root, BTF): fork, exec and end of a child,
// with its leaders, and nothing of ours loaded afterwards.
#include <signal.h>

#include <cerrno>

#include <gtest/gtest.h>

#include <simdjson.h>

#include <thread>

#include "bpf_objects.h"
#include "proctree/cli_run.h"

namespace proctree::testing {
namespace {

TEST(ProctreeCliKernel, EbpfBackendReportsForkExecEnd) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (BPF)";
  pid_t child = 0;
  CliRun r = run_proctree_cli({"--backend", "ebpf", "--duration", "1.5"}, [&] {
    child = run_and_wait("/bin/sh", {"sh", "-c", "exit 3"});
  });
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  EXPECT_NE(r.err.find("bpf.ringbuf_full=0"), std::string::npos) << r.err;
  simdjson::dom::parser parser;
  std::vector<std::string> actions;
  for (const auto& line : r.lines) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    if (doc["process"]["pid"].get_int64().value_unsafe() != child) continue;
    std::string_view action = doc["event"]["action"].get_string().value_unsafe();
    actions.emplace_back(action);
    EXPECT_EQ(doc["process"]["parent"]["pid"].get_int64().value_unsafe(), getpid());
    // A leader that has exited (e.g. the shell that started ctest, when it ran in the
    // background) is unknown to the tree, and SESSION_VIEW.md §1 says to omit it.
    auto leader_pid = [&](const char* which) {
      int64_t v = 0;
      return doc["process"][which]["pid"].get(v) == simdjson::SUCCESS ? v : int64_t{0};
    };
    auto alive = [](pid_t p) { return kill(p, 0) == 0 || errno == EPERM; };
    EXPECT_EQ(leader_pid("session_leader"), alive(getsid(0)) ? getsid(0) : 0);
    EXPECT_EQ(leader_pid("group_leader"), alive(getpgid(0)) ? getpgid(0) : 0);
    if (action == "exec") {
      EXPECT_EQ(doc["process"]["executable"].get_string().value_unsafe(), "/usr/bin/dash");
      EXPECT_EQ(doc["process"]["args"].at(2).get_string().value_unsafe(), "exit 3");
    }
    if (action == "end") EXPECT_EQ(doc["process"]["exit_code"].get_int64().value_unsafe(), 3);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"fork", "exec", "end"}));
  // The CLI's objects are its own (another process): none of ours exist, and the CLI
  // printed 0 drops and exited 0 above; its unloading is the session test's business.
  EXPECT_TRUE(bpf_objects_held_by_self().empty());
}

}  // namespace
}  // namespace proctree::testing
