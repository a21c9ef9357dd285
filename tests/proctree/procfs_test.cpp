// /proc reading and the procfs backend's audit facts, on this process (no root needed).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proctree/procfs_reader.h"
#include "proctree/procfs_source.h"
#include "proctree/tree.h"

namespace proctree {
namespace {

TEST(Procfs, ReadsSelfAsTheKernelReportsIt) {
  auto p = read_procfs_process(getpid());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->task.ppid, getppid());
  EXPECT_EQ(p->task.pgid, getpgid(0));
  EXPECT_EQ(p->task.sid, getsid(0));
  EXPECT_EQ(p->task.euid, geteuid());
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
  ASSERT_GT(n, 0);
  EXPECT_EQ(p->exe, std::string(exe, size_t(n)));
  EXPECT_GT(p->task.start_ticks, 0u);
  EXPECT_FALSE(p->cmdline.empty());
}

TEST(Procfs, TtyNrDecode) {
  uint32_t ma, mi;
  decode_tty_nr(34816, ma, mi);  // pts/0
  EXPECT_EQ(ma, 136u);
  EXPECT_EQ(mi, 0u);
  decode_tty_nr((136 << 8) | 5 | (1 << 20), ma, mi);  // pts/261
  EXPECT_EQ(ma, 136u);
  EXPECT_EQ(mi, 261u);
}

TEST(Procfs, ScanIsParentsFirst) {
  auto all = scan_procfs();
  ASSERT_FALSE(all.empty());
  bool self = false;
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].task.start_ticks, all[i].task.start_ticks);
  for (const auto& p : all) self |= p.task.pid == getpid();
  EXPECT_TRUE(self);
  // a thread id is not a process
  EXPECT_FALSE(read_procfs_process(999'999'999));
}

TEST(Procfs, SshClientIpFromEnviron) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    char* const argv[] = {const_cast<char*>("sleep"), const_cast<char*>("5"), nullptr};
    char* const envp[] = {const_cast<char*>("SSH_CLIENT=203.0.113.1 1 22"),
                          const_cast<char*>("SSH_CONNECTION=198.51.100.3 5555 10.0.0.1 22"), nullptr};
    close(ready[0]);
    fcntl(ready[1], F_SETFD, FD_CLOEXEC);  // closed by the exec: the parent knows it is done
    execve("/bin/sleep", argv, envp);
    _exit(127);
  }
  close(ready[1]);
  char c;
  (void)!read(ready[0], &c, 1);
  close(ready[0]);
  EXPECT_EQ(read_ssh_client_ip(child), "198.51.100.3");  // SSH_CONNECTION preferred
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

class Collect : public EventSink {
 public:
  void on_event(const TreeEvent& e) override { tree.apply(e); }
  ProcessTree tree;
};

TEST(Procfs, AuditFactsDriveTheTree) {
  ProcfsSource src(std::chrono::milliseconds(0));
  ASSERT_TRUE(src.start().ok());
  Collect sink;
  AuditExec live;
  live.pid = getpid();
  src.on_audit_exec(live);
  AuditExec gone;  // a short-lived process: /proc is gone, the audit values are used
  gone.pid = 999'999'998;
  gone.ppid = getpid();
  gone.exe = "/bin/true";
  gone.args = {"true", "x"};
  gone.cwd = "/tmp";
  src.on_audit_exec(gone);
  AuditExit ex;
  ex.pid = 999'999'998;
  ex.exit_code = 2;
  src.on_audit_exit(ex);
  auto n = src.poll(0, sink);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 3u);
  auto self = sink.tree.lookup(getpid());
  ASSERT_TRUE(self);
  EXPECT_EQ(self->self.sid, getsid(0));
  auto g = sink.tree.lookup(999'999'998);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->self.image->executable, "/bin/true");
  EXPECT_EQ(g->self.image->args, (std::vector<std::string>{"true", "x"}));
  EXPECT_EQ(g->self.ppid, getpid());
  EXPECT_EQ(g->self.sid, getsid(0));  // from the parent (SESSION_VIEW.md §4)
  EXPECT_TRUE(g->self.exited);
  EXPECT_EQ(g->self.exit_code, 2 << 8);
}

}  // namespace
}  // namespace proctree
