// The tree from synthetic event sequences: the canonical fixture's leaders, event orders,
// pid reuse, reparenting, exec by a non-leader thread, orphaned groups, reaping, the cap.
#include <gtest/gtest.h>

#include "proctree/tree.h"
#include "session_fixture.h"

namespace proctree::testing {
namespace {

using namespace fixture;

struct Expect {
  int32_t pid, parent, group, session, entry;
  EntryType type;
};

void check(const ProcessTree& t, const Expect& x) {
  SCOPED_TRACE("pid " + std::to_string(x.pid));
  auto info = t.lookup(x.pid);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->has_parent ? info->parent.key.pid : 0, x.parent);
  EXPECT_EQ(info->has_group_leader ? info->group_leader.key.pid : 0, x.group);
  EXPECT_EQ(info->has_session_leader ? info->session_leader.key.pid : 0, x.session);
  EXPECT_EQ(info->has_entry_leader ? info->entry_leader.key.pid : 0, x.entry);
  EXPECT_EQ(info->self.entry_type, x.type);
}

TEST(ProcessTree, SessionFixtureLeaders) {
  ProcessTree t;
  Synth s;
  build_session_fixture(t, s);
  const Expect expected[] = {
      {1, 0, 1, 1, 0, EntryType::kNone},
      {800, 1, 800, 800, 800, EntryType::kInit},
      {1000, 800, 1000, 1000, 800, EntryType::kInit},
      {1001, 1000, 1000, 1000, 800, EntryType::kInit},
      {1002, 1001, 1002, 1002, 1002, EntryType::kSshd},
      {1003, 1002, 1003, 1002, 1002, EntryType::kSshd},
      {1004, 1002, 1004, 1002, 1002, EntryType::kSshd},
      {1005, 1002, 1004, 1002, 1002, EntryType::kSshd},  // pipeline: cat's group
      {1006, 1002, 1006, 1002, 1002, EntryType::kSshd},  // background job: own group
      {1007, 1002, 1007, 1002, 1002, EntryType::kSshd},
      {1500, 1007, 1500, 1500, 1002, EntryType::kSshd},  // setsid keeps the entry leader
      {1600, 1500, 1600, 1600, 1002, EntryType::kSshd},  // §5.5: inherited through tmux
      {1610, 1600, 1610, 1600, 1002, EntryType::kSshd},
  };
  for (const auto& x : expected) check(t, x);
  auto ls = t.lookup(1003);
  EXPECT_TRUE(ls->self.interactive());
  EXPECT_EQ(ls->self.image->executable, "/bin/ls");
  EXPECT_EQ(ls->self.image->args, (std::vector<std::string>{"ls", "-l"}));
  EXPECT_EQ(ls->self.image->cwd, "/home/u");
  // tmux never exec'd: it still runs sh's image
  EXPECT_EQ(t.lookup(1500)->self.image->executable, "/bin/sh");
  EXPECT_EQ(t.stats().unknown_parent, 0u);
}

// auspex: sshd-session (OpenSSH >= 9.8) counts as sshd, so the shell stays the entry leader.
TEST(ProcessTree, SshdSessionIsSshd) {
  ProcessTree t;
  Synth s;
  build_session_fixture(t, s, "/usr/lib/openssh/sshd-session");
  check(t, {1000, 800, 1000, 1000, 800, EntryType::kInit});
  check(t, {1002, 1001, 1002, 1002, 1002, EntryType::kSshd});
}

TEST(ProcessTree, PidReuseKeepsTwoProcesses) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  const P first{2000, 1, 2000, 2000, 500};
  const P second{2000, 1, 2000, 2000, 900};
  t.apply(s.fork(first, 1));
  t.apply(s.exec(first, "/bin/first"));
  t.apply(s.exit(first));
  t.apply(s.fork(second, 1));
  t.apply(s.exec(second, "/bin/second"));
  EXPECT_EQ(t.size(), 3u);
  // at a time between the two starts (ticks 500..899, 10 ms each) -> the first
  EXPECT_EQ(t.lookup(2000, 600 * 10'000'000ull)->self.image->executable, "/bin/first");
  EXPECT_EQ(t.lookup(2000, 950 * 10'000'000ull)->self.image->executable, "/bin/second");
  EXPECT_EQ(t.lookup(2000)->self.image->executable, "/bin/second");
  EXPECT_TRUE(t.find({2000, 500})->exited);
  EXPECT_FALSE(t.find({2000, 900})->exited);
}

TEST(ProcessTree, ReparentToInitOnParentExit) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  t.apply(s.fork({10, 1, 10, 10}, 1));
  t.apply(s.fork({11, 10, 10, 10}, 10));
  t.apply(s.exit({10, 1, 10, 10}));
  auto child = t.lookup(11);
  EXPECT_EQ(child->self.ppid, 1);
  EXPECT_EQ(child->parent.key.pid, 1);
  EXPECT_EQ(t.stats().reparented, 1u);
  // the orphaned group and session still resolve to the exited leader
  EXPECT_TRUE(child->has_group_leader);
  EXPECT_TRUE(child->group_leader.exited);
}

TEST(ProcessTree, ReparentToSubreaper) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  t.apply(s.fork({20, 1, 20, 20, 0, 0, 0, kTaskChildSubreaper}, 1));  // e.g. a service manager
  t.apply(s.fork({21, 20, 20, 20, 0, 0, 0, kTaskHasSubreaper}, 20));
  t.apply(s.fork({22, 21, 20, 20, 0, 0, 0, kTaskHasSubreaper}, 21));
  t.apply(s.exit({21, 20, 20, 20, 0, 0, 0, kTaskHasSubreaper}));
  EXPECT_EQ(t.lookup(22)->self.ppid, 20);
}

TEST(ProcessTree, ExecByNonLeaderThread) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  t.apply(s.fork({30, 1, 30, 30}, 1));
  t.apply(s.exec({30, 1, 30, 30}, "/bin/threaded"));
  // thread 31 of process 30 execs: the kernel gives it the tgid (de_thread); old_pid = 31
  TreeEvent e = s.exec({30, 1, 30, 30}, "/bin/new", {"new", "arg"});
  e.old_pid = 31;
  e.task.tid = 30;
  t.apply(e);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.lookup(30)->self.image->executable, "/bin/new");
  EXPECT_EQ(t.lookup(31), std::nullopt);
}

TEST(ProcessTree, ChildEventsAfterParentExitStillInherit) {
  // Ring-buffer order across CPUs: the parent's exit can come before the child's exec.
  ProcessTree t;
  Synth s;
  build_session_fixture(t, s);
  t.apply(s.fork({1700, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.exit(kBash));
  t.apply(s.exec({1700, 1, 1002, 1002, 0, 136, 0}, "/bin/true"));
  auto info = t.lookup(1700);
  EXPECT_EQ(info->entry_leader.key.pid, 1002);  // via the session leader's record
  EXPECT_EQ(info->session_leader.key.pid, 1002);
}

TEST(ProcessTree, ExitBeforeAnythingElseIsKept) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  t.apply(s.exit({40, 1, 40, 40}, 3));
  EXPECT_EQ(t.stats().unknown_exit, 1u);
  auto info = t.lookup(40);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->self.exited);
  EXPECT_EQ(info->self.exit_code, 3 << 8);
}

TEST(ProcessTree, StaleEventAfterBootstrapIsSkipped) {
  ProcessTree t;
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  TreeEvent boot = s.exec({50, 1, 50, 50}, "/bin/after");  // what /proc showed at the scan
  TreeEvent older = s.exec({50, 1, 50, 50}, "/bin/before");
  older.ts_boot_ns = boot.ts_boot_ns - 500'000;  // an exec queued before the scan
  t.bootstrap(boot);
  t.apply(older);
  EXPECT_EQ(t.lookup(50)->self.image->executable, "/bin/after");
  EXPECT_EQ(t.stats().stale_skipped, 1u);
}

TEST(ProcessTree, ReapAfterGraceButKeepLeaders) {
  TreeOptions o;
  o.grace_ns = 5'000'000'000ull;
  ProcessTree t(o);
  Synth s;
  build_session_fixture(t, s);
  t.apply(s.exit(kLs));
  t.apply(s.exit(kBash));  // the session leader exits; tmux, the pane, sleep stay
  const uint64_t exit_ts = s.ts;
  EXPECT_EQ(t.reap(exit_ts + 1'000'000'000ull), 0u);  // within grace
  EXPECT_TRUE(t.lookup(1003));
  EXPECT_EQ(t.reap(exit_ts + 6'000'000'000ull), 1u);  // ls goes, bash stays
  EXPECT_FALSE(t.lookup(1003));
  auto vim = t.lookup(1610);
  ASSERT_TRUE(vim->has_entry_leader);
  EXPECT_EQ(vim->entry_leader.key.pid, 1002);  // §5.5: auspex keeps it, Ref loses it
  EXPECT_TRUE(vim->entry_leader.exited);
  EXPECT_GE(t.stats().retained_as_leader, 1u);
  // once nothing live refers to bash, it goes
  for (const P& p : {kGrep, kCat, kSleep, kSh, kVim, kPaneBash, kTmux}) t.apply(s.exit(p));
  t.reap(s.ts + 6'000'000'000ull);
  EXPECT_FALSE(t.lookup(1002));
}

TEST(ProcessTree, CapEvictsExitedThenRejects) {
  TreeOptions o;
  o.max_processes = 4;
  ProcessTree t(o);
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  for (int pid = 100; pid < 103; ++pid) t.apply(s.fork({pid, 1, pid, pid}, 1));
  t.apply(s.exit({100, 1, 100, 100}));
  t.apply(s.fork({103, 1, 103, 103}, 1));  // evicts exited 100
  EXPECT_EQ(t.stats().evicted, 1u);
  EXPECT_FALSE(t.lookup(100));
  t.apply(s.fork({104, 1, 104, 104}, 1));  // all live: not tracked
  EXPECT_EQ(t.stats().rejected_full, 1u);
  EXPECT_FALSE(t.lookup(104));
  EXPECT_EQ(t.size(), 4u);
}

TEST(ProcessTree, SetpgidMovesAnotherProcess) {
  ProcessTree t;
  Synth s;
  build_session_fixture(t, s);
  EXPECT_EQ(t.lookup(1005)->self.pgid, 1004);
  t.apply(s.setpgid(kBash, 1005, 1005));
  EXPECT_EQ(t.lookup(1005)->group_leader.key.pid, 1005);
}

TEST(ProcessTree, ObserverSeesEachChange) {
  struct Rec : TreeObserver {
    std::vector<std::pair<EventKind, int32_t>> seen;
    void on_change(const ProcessTree&, EventKind k, const Process& p) override { seen.push_back({k, p.key.pid}); }
  } rec;
  ProcessTree t;
  t.set_observer(&rec);
  Synth s;
  t.bootstrap(s.exec(kInit, "/sbin/init"));  // bootstrap is not a change
  t.apply(s.fork({60, 1, 1, 1}, 1));
  t.apply(s.setsid({60, 1, 60, 60}));
  t.apply(s.exec({60, 1, 60, 60}, "/bin/x"));
  t.apply(s.exit({60, 1, 60, 60}));
  ASSERT_EQ(rec.seen.size(), 4u);
  EXPECT_EQ(rec.seen[0].first, EventKind::kFork);
  EXPECT_EQ(rec.seen[1].first, EventKind::kSetsid);
  EXPECT_EQ(rec.seen[2].first, EventKind::kExec);
  EXPECT_EQ(rec.seen[3].first, EventKind::kExit);
}

}  // namespace
}  // namespace proctree::testing

namespace proctree::testing {
namespace {

std::string fake_ssh_ip(int32_t pid) { return pid == 1002 ? "192.0.2.7" : "wrong"; }

TEST(ProcessTree, SshdEntryLeaderSourceIp) {
  TreeOptions o;
  o.source_ip_reader = fake_ssh_ip;
  ProcessTree t(o);
  Synth s;
  build_session_fixture(t, s);
  auto vim = t.lookup(1610);
  ASSERT_TRUE(vim->has_entry_leader);
  EXPECT_EQ(vim->entry_leader.entry_source_ip, "192.0.2.7");  // read once, on bash 1002
  EXPECT_EQ(t.lookup(800)->self.entry_source_ip, "");         // init entries: not read
}

}  // namespace
}  // namespace proctree::testing
