// The NDJSON shape of `auspex proctree` (SESSION_VIEW.md §1 names), on the fixture.
#include <gtest/gtest.h>

#include "proctree/ecs_json.h"
#include "session_fixture.h"

namespace proctree::testing {
namespace {

HostClock clock_vector() {
  HostClock c;
  c.pidns_inode = 4026531836ull;
  c.boot_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  c.btime_s = 1718000000;
  c.ticks_per_s = 100;
  return c;
}

std::string fake_ip(int32_t) { return "192.0.2.7"; }

TEST(EcsJson, ExecOfLsInTheSshSession) {
  TreeOptions o;
  o.source_ip_reader = fake_ip;
  ProcessTree t(o);
  Synth s;
  build_session_fixture(t, s);
  std::string out;
  append_change_json(out, EventKind::kExec, *t.lookup(1003), clock_vector(), 0);
  for (const char* want : {
           R"("event":{"action":"exec","kind":"event"})",
           R"("process":{"pid":1003,)",
           R"("executable":"/bin/ls","args":["ls","-l"],"working_directory":"/home/u","interactive":true,"user":{"id":"0"})",
           R"("tty":{"char_device":{"major":136,"minor":0}})",
           R"("parent":{"pid":1002,)",
           R"("group_leader":{"pid":1003,)",
           R"("session_leader":{"pid":1002,)",
           R"("entry_leader":{"pid":1002,)",
           R"("same_as_process":false,"entry_meta":{"type":"sshd","source":{"ip":"192.0.2.7"}}})",
       })
    EXPECT_NE(out.find(want), std::string::npos) << want << "\nin " << out;
  // the group leader is the process itself
  EXPECT_NE(out.find(R"("same_as_process":true)"), std::string::npos);
  // entity_id of pid 1002 started at btime + 10.02 s: whole seconds 1718000010
  EXPECT_NE(out.find(entity_id(4026531836ull, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 1002, 1718000010)),
            std::string::npos);
}

TEST(EcsJson, EndHasExitCodeAndNoTtyWithoutOne) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec({1, 0, 1, 1}, "/sbin/init"));
  t.apply(s.fork({900, 1, 900, 900}, 1));
  t.apply(s.exit({900, 1, 900, 900}, 7));
  std::string out;
  append_change_json(out, EventKind::kExit, *t.lookup(900), clock_vector(), 0);
  EXPECT_NE(out.find(R"("action":"end")"), std::string::npos);
  EXPECT_NE(out.find(R"("exit_code":7)"), std::string::npos);
  EXPECT_EQ(out.find(R"("tty")"), std::string::npos);
  EXPECT_NE(out.find(R"("interactive":false)"), std::string::npos);
}

}  // namespace
}  // namespace proctree::testing
