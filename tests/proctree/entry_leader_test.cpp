// SESSION_VIEW.md §5 scenarios 2-4 and rule 1, through the tree (the fixture covers 1, 5).
#include <gtest/gtest.h>

#include "proctree/entry_leader.h"
#include "proctree/tree.h"
#include "synthetic.h"

namespace proctree::testing {
namespace {

const P kInit{1, 0, 1, 1};

ProcessTree with_init(Synth& s) {
  ProcessTree t;
  t.bootstrap(s.exec(kInit, "/sbin/init"));
  return t;
}

int32_t entry_pid(const ProcessTree& t, int32_t pid) {
  auto i = t.lookup(pid);
  return i && i->has_entry_leader ? i->entry_leader.key.pid : 0;
}
EntryType entry_type(const ProcessTree& t, int32_t pid) { return t.lookup(pid)->self.entry_type; }

TEST(EntryLeader, KernelRootsHaveNone) {
  Synth s;
  ProcessTree t = with_init(s);
  t.bootstrap(s.exec({2, 0, 0, 0}, ""));
  t.bootstrap(s.exec({3, 2, 0, 0}, ""));
  EXPECT_EQ(entry_pid(t, 1), 0);
  EXPECT_EQ(entry_pid(t, 2), 0);
  EXPECT_EQ(entry_pid(t, 3), 0);
}

TEST(EntryLeader, Service) {  // §5.2
  Synth s;
  ProcessTree t = with_init(s);
  t.apply(s.fork({900, 1, 900, 900}, 1));
  t.apply(s.exec({900, 1, 900, 900}, "/usr/bin/backupd"));
  t.apply(s.fork({950, 900, 900, 900}, 900));
  t.apply(s.exec({950, 900, 900, 900}, "/bin/sh"));
  t.apply(s.fork({951, 950, 900, 900}, 950));
  t.apply(s.exec({951, 950, 900, 900}, "/bin/tar"));
  EXPECT_EQ(entry_pid(t, 900), 900);
  EXPECT_EQ(entry_type(t, 900), EntryType::kInit);
  auto tar = t.lookup(951);
  EXPECT_EQ(tar->entry_leader.key.pid, 900);
  EXPECT_EQ(tar->session_leader.key.pid, 900);
  EXPECT_EQ(tar->group_leader.key.pid, 900);
  EXPECT_EQ(tar->parent.key.pid, 950);
  EXPECT_FALSE(tar->self.interactive());
  EXPECT_FALSE(tar->self.has_tty());
}

TEST(EntryLeader, ConsoleLogin) {  // §5.3
  Synth s;
  ProcessTree t = with_init(s);
  const P getty{1200, 1, 1200, 1200, 0, 4, 1};
  t.apply(s.fork(getty, 1));
  t.apply(s.exec(getty, "/sbin/agetty"));
  EXPECT_EQ(entry_type(t, 1200), EntryType::kInit);
  t.apply(s.exec(getty, "/bin/login"));  // same pid: re-evaluated at exec
  EXPECT_EQ(entry_pid(t, 1200), 1200);
  EXPECT_EQ(entry_type(t, 1200), EntryType::kConsole);
  const P bash{1250, 1200, 1250, 1250, 0, 4, 1};
  t.apply(s.fork({1250, 1200, 1200, 1200, 0, 4, 1}, 1200));
  t.apply(s.setsid(bash));
  t.apply(s.exec(bash, "/bin/bash"));
  EXPECT_EQ(entry_pid(t, 1250), 1200);
  EXPECT_EQ(entry_type(t, 1250), EntryType::kConsole);
  const P id{1260, 1250, 1260, 1250, 0, 4, 1};
  t.apply(s.fork(id, 1250));
  t.apply(s.exec(id, "/usr/bin/id"));
  auto i = t.lookup(1260);
  EXPECT_EQ(i->entry_leader.key.pid, 1200);
  EXPECT_EQ(i->session_leader.key.pid, 1250);
  EXPECT_EQ(i->group_leader.key.pid, 1260);
}

TEST(EntryLeader, SerialTerminal) {  // §5.3, ttyS0
  Synth s;
  ProcessTree t = with_init(s);
  t.apply(s.fork({1200, 1, 1200, 1200, 0, 4, 64}, 1));
  t.apply(s.exec({1200, 1, 1200, 1200, 0, 4, 64}, "/bin/login"));
  const P bash{1250, 1200, 1250, 1250, 0, 4, 64};
  t.apply(s.fork(bash, 1200));
  t.apply(s.exec(bash, "/bin/bash"));
  EXPECT_EQ(entry_pid(t, 1250), 1250);
  EXPECT_EQ(entry_type(t, 1250), EntryType::kTerminal);
}

TEST(EntryLeader, Container) {  // §5.4
  Synth s;
  ProcessTree t = with_init(s);
  t.apply(s.fork({100, 1, 100, 100}, 1));
  t.apply(s.exec({100, 1, 100, 100}, "/usr/bin/containerd"));
  t.apply(s.fork({1000, 100, 100, 100}, 100));
  t.apply(s.exec({1000, 1, 100, 100}, "/usr/bin/containerd-shim-runc-v2"));
  const P bash{1001, 1000, 1001, 1001, 0, 136, 3};
  t.apply(s.fork(bash, 1000));
  t.apply(s.exec(bash, "/bin/bash"));
  const P ps{1002, 1001, 1002, 1001, 0, 136, 3};
  t.apply(s.fork(ps, 1001));
  t.apply(s.exec(ps, "/bin/ps"));
  EXPECT_EQ(entry_type(t, 100), EntryType::kInit);
  EXPECT_EQ(entry_pid(t, 1000), 100);
  EXPECT_EQ(entry_pid(t, 1001), 1001);
  EXPECT_EQ(entry_type(t, 1001), EntryType::kContainer);
  auto i = t.lookup(1002);
  EXPECT_EQ(i->entry_leader.key.pid, 1001);
  EXPECT_EQ(i->session_leader.key.pid, 1001);
  EXPECT_EQ(i->group_leader.key.pid, 1002);
}

TEST(EntryLeader, UnknownParentSessionLeaderIsUnknown) {  // rule 4
  Synth s;
  ProcessTree t;
  t.bootstrap(s.exec({1600, 1500, 1600, 1600, 0, 136, 1}, "/bin/bash"));
  EXPECT_EQ(entry_pid(t, 1600), 1600);
  EXPECT_EQ(entry_type(t, 1600), EntryType::kUnknown);
  t.bootstrap(s.exec({1610, 1599, 1610, 1610 + 1}, "/bin/x"));  // not a session leader
  EXPECT_EQ(entry_pid(t, 1610), 0);
}

TEST(EntryLeader, Basename) {
  EXPECT_EQ(path_basename("/usr/sbin/sshd"), "sshd");
  EXPECT_EQ(path_basename("sshd"), "sshd");
  EXPECT_EQ(path_basename("/"), "");
}

}  // namespace
}  // namespace proctree::testing
