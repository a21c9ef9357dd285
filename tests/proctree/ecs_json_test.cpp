// The NDJSON shape of `auspex proctree` (SESSION_VIEW.md §1 names), on the fixture.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

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

// Leaders come from a per-thread cache when every input of their rendering is the same: a
// process of an ssh session, then the same with one input of a leader (or of the process,
// or of the clock) changed at a time, rendered from the cache each time right after the
// unchanged one, must equal a rendering without the cache. An input the cache did not
// compare would give the unchanged leader's bytes here.
std::shared_ptr<const Image> image(std::string exe, std::vector<std::string> args) {
  auto i = std::make_shared<Image>();
  i->executable = exe;
  i->name = exe.substr(exe.rfind('/') + 1);
  i->args = std::move(args);
  i->cwd = "/home/u";
  return i;
}

// ls in an ssh session: every member and leader known.
ProcessInfo ls_in_ssh() {
  ProcessInfo base;
  base.self.key = {1003, 1200};
  base.self.euid = base.self.egid = 1000;
  base.self.tty_major = 136;
  base.self.image = image("/bin/ls", {"ls", "-l"});
  base.self.entry_type = EntryType::kSshd;
  base.has_parent = base.has_group_leader = base.has_session_leader = base.has_entry_leader = true;
  base.parent.key = {1002, 1002};
  base.parent.euid = base.parent.egid = 1000;
  base.parent.image = image("/bin/bash", {"-bash"});
  base.group_leader = base.self;
  base.session_leader = base.parent;
  base.session_leader.tty_major = 136;
  base.entry_leader.key = {1001, 0};  // start tick 0: its start is written while its ids are known
  base.entry_leader.image = image("/usr/sbin/sshd", {"sshd: u [priv]"});
  base.entry_leader.entry_source_ip = "192.0.2.7";
  return base;
}

using Change = std::function<void(ProcessInfo&, HostClock&)>;
// Changes to what the tree adds to a document (the process's own image is not among it).
const std::vector<std::pair<const char*, Change>>& shown_changes() {
  static const std::vector<std::pair<const char*, Change>> changes = {
      {"leader image", [](ProcessInfo& i, HostClock&) { i.session_leader.image = image("/bin/zsh", {"zsh"}); }},
      {"leader image, same path", [](ProcessInfo& i, HostClock&) { i.entry_leader.image = image("/usr/sbin/sshd", {"sshd: v"}); }},
      {"leader euid", [](ProcessInfo& i, HostClock&) { i.session_leader.euid = 0; }},
      {"leader egid, session", [](ProcessInfo& i, HostClock&) { i.session_leader.egid = 0; }},
      {"leader egid", [](ProcessInfo& i, HostClock&) { i.entry_leader.egid = 5; }},
      {"leader tty", [](ProcessInfo& i, HostClock&) { i.session_leader.tty_major = 0; }},
      {"leader ids unknown", [](ProcessInfo& i, HostClock&) { i.entry_leader.ids_known = false; }},
      {"leader start", [](ProcessInfo& i, HostClock&) { i.session_leader.key.start_ticks = 999; }},
      {"leader pid", [](ProcessInfo& i, HostClock&) { i.entry_leader.key.pid = 1000; }},
      {"no group leader", [](ProcessInfo& i, HostClock&) { i.has_group_leader = false; }},
      {"source ip", [](ProcessInfo& i, HostClock&) { i.entry_leader.entry_source_ip = "198.51.100.1"; }},
      {"entry type", [](ProcessInfo& i, HostClock&) { i.self.entry_type = EntryType::kTerminal; }},
      {"same as process", [](ProcessInfo& i, HostClock&) { i.self.key = i.session_leader.key; i.group_leader = i.session_leader; }},
      {"another process", [](ProcessInfo& i, HostClock&) { i.self.key = {1004, 1300}; }},
      {"own start", [](ProcessInfo& i, HostClock&) { i.self.key.start_ticks = 1201; }},
      {"own euid", [](ProcessInfo& i, HostClock&) { i.self.euid = 0; }},
      {"own egid", [](ProcessInfo& i, HostClock&) { i.self.egid = 0; }},
      {"own tty", [](ProcessInfo& i, HostClock&) { i.self.tty_minor = 3; }},
      {"own ids unknown", [](ProcessInfo& i, HostClock&) { i.self.ids_known = false; i.self.key.start_ticks = 0; }},
      {"parent image", [](ProcessInfo& i, HostClock&) { i.parent.image = image("/bin/bash", {"-bash"}); }},
      {"parent euid", [](ProcessInfo& i, HostClock&) { i.parent.euid = 0; }},
      {"parent egid", [](ProcessInfo& i, HostClock&) { i.parent.egid = 7; }},
      {"parent tty", [](ProcessInfo& i, HostClock&) { i.parent.tty_major = 136; }},
      {"parent ids unknown", [](ProcessInfo& i, HostClock&) { i.parent.ids_known = false; i.parent.key.start_ticks = 0; }},
      {"parent start", [](ProcessInfo& i, HostClock&) { i.parent.key.start_ticks = 1100; }},
      {"parent pid", [](ProcessInfo& i, HostClock&) { i.parent.key.pid = 1; }},
      {"no parent", [](ProcessInfo& i, HostClock&) { i.has_parent = false; }},
  };
  return changes;
}

std::string render(const ProcessInfo& i, const HostClock& c, bool reuse) {
  std::string m, pm;
  render_session_members(i, c, m, pm, reuse);
  return m + "|" + pm;
}

TEST(EcsJson, LeadersFromTheCacheEqualFreshOnes) {
  const ProcessInfo base = ls_in_ssh();
  const HostClock clock = clock_vector();
  std::vector<std::pair<const char*, Change>> changes = {{"none", [](ProcessInfo&, HostClock&) {}}};
  changes.insert(changes.end(), shown_changes().begin(), shown_changes().end());
  const std::vector<std::pair<const char*, Change>> clock_changes = {
      {"boot id", [](ProcessInfo&, HostClock& c) { c.boot_id = "ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d"; }},
      {"btime", [](ProcessInfo&, HostClock& c) { c.btime_s += 1; }},
      {"ticks per second", [](ProcessInfo&, HostClock& c) { c.ticks_per_s = 250; }},
      {"pid namespace", [](ProcessInfo&, HostClock& c) { c.pidns_inode += 1; }},
  };
  changes.insert(changes.end(), clock_changes.begin(), clock_changes.end());
  // Members of an object, without its braces: `{` + them + `}` is the object.
  {
    std::string m, pm;
    render_session_members(base, clock, m, pm);
    EXPECT_TRUE(m.starts_with(R"("entity_id":")")) << m;
    EXPECT_TRUE(m.ends_with(R"("source":{"ip":"192.0.2.7"}}})")) << m;
    EXPECT_NE(m.find(R"(,"group_leader":{"pid":1003,)"), std::string::npos) << m;
    EXPECT_TRUE(pm.starts_with(R"("entity_id":")")) << pm;
    EXPECT_TRUE(pm.ends_with(R"("group":{"id":"1000"})")) << pm;
  }
  for (int round = 0; round < 2; ++round) {
    for (const auto& [what, change] : changes) {
      ProcessInfo i = base;
      HostClock c = clock;
      change(i, c);
      // The unchanged process first: its leaders are in the cache when the changed one comes.
      ASSERT_EQ(render(base, clock, true), render(base, clock, false)) << "before " << what;
      ASSERT_EQ(render(i, c, true), render(i, c, false)) << what;
      ASSERT_EQ(render(i, c, true), render(i, c, false)) << what << ", again (from the cache)";
    }
  }
  // More leaders than the cache holds, twice over: evicted entries render afresh.
  for (int round = 0; round < 3; ++round) {
    for (int32_t pid = 2000; pid < 2020; ++pid) {
      ProcessInfo i = base;
      i.session_leader.key = {pid, static_cast<uint64_t>(pid)};
      ASSERT_EQ(render(i, clock, true), render(i, clock, false)) << pid;
    }
  }
  // Parents too: more than the cache holds.
  for (int round = 0; round < 3; ++round) {
    for (int32_t pid = 3000; pid < 3020; ++pid) {
      ProcessInfo i = base;
      i.parent.key = {pid, static_cast<uint64_t>(pid)};
      ASSERT_EQ(render(i, clock, true), render(i, clock, false)) << pid;
    }
  }
}

// same_session_members says "same" only where the rendering and the parent's image (the
// document's process.parent name, executable and args) are the same, and does say it for
// changes a document of the process does not show: its exit, its own image, its ppid.
TEST(EcsJson, SameSessionMembersOnlyWhereNothingShownChanged) {
  const ProcessInfo base = ls_in_ssh();
  const HostClock clock = clock_vector();
  EXPECT_TRUE(same_session_members(base, base));
  for (const auto& [what, change] : shown_changes()) {
    ProcessInfo i = base;
    HostClock c = clock;
    change(i, c);
    EXPECT_FALSE(same_session_members(base, i)) << what;
    EXPECT_FALSE(same_session_members(i, base)) << what;
    const bool parent_image_differs = i.has_parent && i.parent.image != base.parent.image;
    EXPECT_TRUE(render(i, c, false) != render(base, clock, false) || parent_image_differs)
        << what << ": shows nothing new, so it need not end the reuse";
  }
  const std::vector<std::pair<const char*, Change>> hidden = {
      {"own exit", [](ProcessInfo& i, HostClock&) { i.self.exited = true; i.self.exit_code_known = true; i.self.exit_code = 256; i.self.exit_ts_boot_ns = 99; }},
      {"own image", [](ProcessInfo& i, HostClock&) { i.self.image = image("/bin/cat", {"cat"}); }},
      {"own ppid", [](ProcessInfo& i, HostClock&) { i.self.ppid = 1; }},
      {"own newer event", [](ProcessInfo& i, HostClock&) { i.self.last_ts_boot_ns = 12345; }},
      {"leader exit", [](ProcessInfo& i, HostClock&) { i.session_leader.exited = true; }},
      {"copied images", [](ProcessInfo& i, HostClock&) { ProcessInfo copy = i; i = copy; }},
  };
  for (const auto& [what, change] : hidden) {
    ProcessInfo i = base;
    HostClock c = clock;
    change(i, c);
    EXPECT_TRUE(same_session_members(base, i)) << what;
    EXPECT_EQ(render(i, c, false), render(base, clock, false)) << what;
  }
}

}  // namespace
}  // namespace proctree::testing
