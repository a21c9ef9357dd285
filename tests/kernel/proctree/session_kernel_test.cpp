// On the kernel (root, BTF): load the programs, build a real session and check every leader
// and parent the tree reports against what the processes say about themselves.
//
//   test process
//   └─ leader (fork; setsid; pty slave as ctty)          reports itself, then execs bash
//      ├─ short  (fork, reports, _exit: lives < 1 ms)
//      └─ bash -c 'set -m; a | b; c & wait'  (same pid as leader)
//         ├─ pipe_a ─┐ one process group (pgid = pipe_a)
//         ├─ pipe_b ─┘
//         ├─ bg        its own group (a background job)
//         ├─ threaded  a second thread execs (de_thread: the process keeps its pid)
//         └─ lastthread the leader thread exits first; another thread ends the process
//
// Each process reports "name pid ppid pgid sid" (getppid/getpgid/getsid) into a file; the
// reporters are this binary re-executed with AUSPEX_REPORT set (see report_hook below).
// The procfs backend runs on the same session at the same time (parity).
#include <fcntl.h>
#include <pty.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "bpf_objects.h"
#include "proctree/service.h"

namespace {

void write_report(const char* spec) {
  // spec = "FILE:NAME"
  std::string s(spec);
  size_t colon = s.rfind(':');
  std::string line = s.substr(colon + 1) + " " + std::to_string(getpid()) + " " +
                     std::to_string(getppid()) + " " + std::to_string(getpgid(0)) + " " +
                     std::to_string(getsid(0)) + "\n";
  int fd = open(s.substr(0, colon).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    (void)!write(fd, line.data(), line.size());  // one write: lines do not interleave
    close(fd);
  }
}

std::string self_exe();

// Runs before gtest's main when this binary is a workload process.
const int report_hook = [] {
  const char* spec = std::getenv("AUSPEX_REPORT");
  if (!spec) return 0;
  write_report(spec);
  if (std::getenv("AUSPEX_REPORT_THREAD_EXEC")) {
    // exec from a non-leader thread: it reports its tid, then execs this binary again,
    // which reports as after_thread_exec with the process's (unchanged) pid.
    std::string file(spec);
    file.resize(file.rfind(':'));
    unsetenv("AUSPEX_REPORT_THREAD_EXEC");
    setenv("AUSPEX_REPORT", (file + ":after_thread_exec").c_str(), 1);
    std::thread([file] {
      std::string line = "thread " + std::to_string(gettid()) + " 0 0 0\n";
      int fd = open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
      (void)!write(fd, line.data(), line.size());
      close(fd);
      const std::string exe = self_exe();
      execl(exe.c_str(), exe.c_str(), "thread-exec-marker", (char*)nullptr);
      _exit(127);
    }).detach();
    for (;;) pause();
  }
  if (std::getenv("AUSPEX_REPORT_LEADER_EXITS_FIRST")) {
    // The exit hook then runs in a thread whose own start differs from the process's.
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      // exit_group from a non-leader thread: the last thread to die is not the leader
      // (also with a sanitizer's own background thread, which a plain exit would leave)
      syscall(SYS_exit_group, 5);
    }).detach();
    syscall(SYS_exit, 0);  // the leader thread only (a zombie until the group is gone)
  }
  if (const char* ms = std::getenv("AUSPEX_REPORT_SLEEP_MS"))
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
  _exit(0);
}();

struct Reported {
  int32_t pid, ppid, pgid, sid;
};

std::map<std::string, Reported> read_reports(const std::string& path) {
  std::map<std::string, Reported> out;
  std::ifstream f(path);
  std::string name;
  Reported r;
  while (f >> name >> r.pid >> r.ppid >> r.pgid >> r.sid) out[name] = r;
  return out;
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf);
  return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

// Runs the session; returns the pts minor of its terminal.
int run_session(const std::string& report_file, int sleep_ms) {
  int master, slave;
  char name[64];
  if (openpty(&master, &slave, name, nullptr, nullptr) != 0) return -1;
  int minor = std::atoi(std::strrchr(name, '/') + 1);
  const std::string exe = self_exe();
  const std::string r = "AUSPEX_REPORT_SLEEP_MS=" + std::to_string(sleep_ms) + " AUSPEX_REPORT=" + report_file;
  const std::string script = "set -m\n" + r + ":pipe_a " + exe + " | " + r + ":pipe_b " + exe +
                             "\n" + r + ":bg " + exe + " &\nAUSPEX_REPORT_THREAD_EXEC=1 " + r +
                             ":threaded " + exe + "\nAUSPEX_REPORT_LEADER_EXITS_FIRST=1 " + r +
                             ":lastthread " + exe + "\nwait\n";
  pid_t leader = fork();
  if (leader == 0) {
    close(master);
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2) close(slave);
    write_report((report_file + ":leader").c_str());
    pid_t shortlived = fork();
    if (shortlived == 0) {
      write_report((report_file + ":short").c_str());
      _exit(0);
    }
    waitpid(shortlived, nullptr, 0);
    execl("/bin/bash", "bash", "--noprofile", "--norc", "-c", script.c_str(), (char*)nullptr);
    _exit(127);
  }
  close(slave);
  // Drain the terminal so nothing blocks on a full pty buffer; the fd is closed only after
  // the drain thread is done with it.
  std::atomic<bool> stop{false};
  std::thread drain([master, &stop] {
    char buf[256];
    while (!stop) {
      pollfd p{master, POLLIN, 0};
      if (poll(&p, 1, 50) > 0 && read(master, buf, sizeof buf) <= 0) break;
    }
  });
  int status = 0;
  waitpid(leader, &status, 0);
  stop = true;
  drain.join();
  close(master);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? minor : -2;
}

// Waits until none of objs is loaded (up to 3 s: MACHINE.md, they linger ~1 s after the
// last fd closes); returns those left.
std::vector<proctree::testing::BpfObject> wait_until_unloaded(
    const std::vector<proctree::testing::BpfObject>& objs) {
  std::vector<proctree::testing::BpfObject> left;
  for (int i = 0; i < 30; ++i) {
    left = proctree::testing::still_loaded(objs);
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return left;
}

class SessionKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (BPF)";
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) GTEST_SKIP() << "needs kernel BTF";
  }
  // Every test, on every path (the services are scoped inside the test bodies): what this
  // process held while its eBPF service ran is gone.
  void TearDown() override {
    if (geteuid() != 0) return;
    EXPECT_TRUE(proctree::testing::bpf_objects_held_by_self().empty());
    auto left = wait_until_unloaded(held_);
    EXPECT_TRUE(left.empty()) << "left loaded: " << left.front().kind << " " << left.front().id;
  }
  std::vector<proctree::testing::BpfObject> held_;
};

proctree::ServiceOptions options(proctree::Backend b) {
  proctree::ServiceOptions o;
  o.backend = b;
  o.tree.grace_ns = 60'000'000'000ull;  // every record stays for the checks
  o.procfs_rescan = std::chrono::milliseconds(20);
  return o;
}

TEST_F(SessionKernelTest, LeadersMatchWhatProcessesReport) {
  char tmpl[] = "/tmp/auspex-proctree-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::string report_file = tmpl;
  // Removed on every path, ASSERT returns included.
  struct Unlink {
    std::string path;
    ~Unlink() { unlink(path.c_str()); }
  } unlink_report{report_file};
  {
    auto ebpf = proctree::Service::start(options(proctree::Backend::kEbpf));
    ASSERT_TRUE(ebpf.ok()) << ebpf.error().message;
    auto procfs = proctree::Service::start(options(proctree::Backend::kProcfs));
    ASSERT_TRUE(procfs.ok()) << procfs.error().message;
    ASSERT_EQ(ebpf.value()->backend(), "ebpf");
    held_ = proctree::testing::bpf_objects_held_by_self();

    // Long enough for the procfs rescans (20 ms) to see each process.
    const int minor = run_session(report_file, 200);
    ASSERT_GE(minor, 0) << "workload failed";
    auto reports = read_reports(report_file);
    for (const char* n : {"leader", "short", "pipe_a", "pipe_b", "bg", "threaded", "thread",
                          "after_thread_exec", "lastthread"})
      ASSERT_TRUE(reports.count(n)) << "no report from " << n;
    const Reported leader = reports["leader"];

    auto self = ebpf.value()->lookup(getpid(), 0, std::chrono::seconds(2));
    ASSERT_EQ(self.status, proctree::LookupStatus::kFound);
    auto leader_info = ebpf.value()->lookup(leader.pid, 0, std::chrono::seconds(2));
    ASSERT_EQ(leader_info.status, proctree::LookupStatus::kFound);
    // The session leader's parent (this test) is no sshd/ssm/container. Rule 3: the entry
    // leader is inherited from it, the same for the whole session. But this test's own
    // ancestry can have none (CI runs it in a session whose leader exited before we
    // started: no session leader to inherit from), and then rule 4 makes the pty session
    // leader its own entry leader, type unknown, once it execs bash (§2: evaluated at exec,
    // inherited at fork, not at setsid). `short`, forked before that exec, inherited none.
    const bool inherited = self.info->self.entry_leader.valid();
    auto want_entry = [&](const std::string& name) {
      if (inherited) return self.info->self.entry_leader;
      return name == "short" ? proctree::ProcKey{} : leader_info.info->self.key;
    };
    auto want_type = [&](const std::string& name) {
      if (inherited) return self.info->self.entry_type;
      return name == "short" ? proctree::EntryType::kNone : proctree::EntryType::kUnknown;
    };

    for (const auto& [name, r] : reports) {
      if (name == "thread") continue;  // a thread id, not a process
      SCOPED_TRACE(name);
      auto got = ebpf.value()->lookup(r.pid, 0, std::chrono::seconds(2));
      ASSERT_EQ(got.status, proctree::LookupStatus::kFound);
      const auto& i = *got.info;
      EXPECT_TRUE(i.self.exited);
      ASSERT_TRUE(i.has_parent);
      EXPECT_EQ(i.parent.key.pid, r.ppid);
      ASSERT_TRUE(i.has_group_leader);
      EXPECT_EQ(i.group_leader.key.pid, r.pgid);
      ASSERT_TRUE(i.has_session_leader);
      EXPECT_EQ(i.session_leader.key.pid, r.sid);
      EXPECT_EQ(r.sid, leader.pid);
      // The session's terminal is our pty.
      EXPECT_EQ(i.self.tty_major, 136u);
      EXPECT_EQ(i.self.tty_minor, uint32_t(minor));
      EXPECT_TRUE(i.self.interactive());
      EXPECT_EQ(i.self.entry_leader, want_entry(name));
      EXPECT_EQ(i.self.entry_type, want_type(name));
    }
    // The shapes the issue names.
    EXPECT_EQ(reports["pipe_a"].pgid, reports["pipe_b"].pgid);  // a | b: one group
    EXPECT_EQ(reports["pipe_a"].pgid, reports["pipe_a"].pid);
    EXPECT_EQ(reports["bg"].pgid, reports["bg"].pid);          // background job: own group
    EXPECT_EQ(reports["short"].ppid, leader.pid);
    auto sh = ebpf.value()->lookup(leader.pid, 0, std::chrono::seconds(2));
    char bash[4096];
    ASSERT_TRUE(realpath("/bin/bash", bash));  // exe_file is resolved, as audit's exe=
    EXPECT_EQ(sh.info->self.image->executable, bash);
    auto a = ebpf.value()->lookup(reports["pipe_a"].pid, 0, std::chrono::seconds(2));
    EXPECT_EQ(a.info->self.image->executable, self_exe());
    ASSERT_GE(a.info->self.image->args.size(), 1u);
    char cwd[4096];
    ASSERT_TRUE(getcwd(cwd, sizeof cwd));
    EXPECT_EQ(a.info->self.image->cwd, cwd);
    // The short-lived child (fork only, < 1 ms): still the leader's image.
    auto shortlived = ebpf.value()->lookup(reports["short"].pid, 0, std::chrono::seconds(2));
    EXPECT_EQ(shortlived.info->self.image->executable, self_exe());

    // Exec by a non-leader thread: one process, the pid kept, the new image, no record
    // for the thread id.
    const Reported th = reports["threaded"];
    EXPECT_EQ(reports["after_thread_exec"].pid, th.pid);
    EXPECT_NE(reports["thread"].pid, th.pid);
    auto te = ebpf.value()->lookup(th.pid, 0, std::chrono::seconds(2));
    ASSERT_TRUE(te.info);
    ASSERT_EQ(te.info->self.image->args.size(), 2u);
    EXPECT_EQ(te.info->self.image->args[1], "thread-exec-marker");
    EXPECT_EQ(ebpf.value()->lookup(reports["thread"].pid, 0, std::chrono::seconds(2)).status,
              proctree::LookupStatus::kNotFound);

    // Ended by a non-leader thread: the exit still finds the process (keyed by the
    // leader's start), with the last thread's code.
    auto lt = ebpf.value()->lookup(reports["lastthread"].pid, 0, std::chrono::seconds(2));
    ASSERT_TRUE(lt.info);
    EXPECT_TRUE(lt.info->self.exited);
    EXPECT_TRUE(lt.info->self.exit_code_known);
    EXPECT_EQ(lt.info->self.exit_code, 5 << 8);
    // the exit found the exec'd record (an unknown exit would make one from comm alone)
    EXPECT_EQ(lt.info->self.image->executable, self_exe());

    // Lookups on a quiet ring buffer take the drained fast path (no wake-up, no wait).
    const auto before = ebpf.value()->stats().lookup_without_wait;
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 1000; ++k)
      ASSERT_EQ(ebpf.value()->lookup(getpid(), 0, std::chrono::seconds(1)).status,
                proctree::LookupStatus::kFound);
    const auto per = (std::chrono::steady_clock::now() - t0) / 1000;
    std::printf("lookup: %lld ns each, %llu of 1000 without waiting\n", (long long)per.count(),
                (unsigned long long)(ebpf.value()->stats().lookup_without_wait - before));
    EXPECT_GT(ebpf.value()->stats().lookup_without_wait, before);

    // Parity: the procfs backend on the same session, where it saw the process.
    int compared = 0;
    for (const auto& [name, r] : reports) {
      // fork only, gone in < 1 ms: procfs cannot see it; a thread id is no process; with
      // its leader thread gone, /proc/PID reads as a zombie (state Z, no exe): README
      if (name == "short" || name == "thread" || name == "lastthread") continue;
      SCOPED_TRACE("procfs " + name);
      auto got = procfs.value()->lookup(r.pid, 0, std::chrono::seconds(2));
      if (got.status != proctree::LookupStatus::kFound) {
        ADD_FAILURE() << "procfs missed " << name;
        continue;
      }
      const auto& i = *got.info;
      EXPECT_EQ(i.self.ppid, r.ppid);
      EXPECT_EQ(i.self.pgid, r.pgid);
      EXPECT_EQ(i.self.sid, r.sid);
      EXPECT_EQ(i.self.tty_minor, uint32_t(minor));
      auto b = ebpf.value()->lookup(r.pid, 0, std::chrono::seconds(2));
      EXPECT_EQ(i.self.image->executable, b.info->self.image->executable);
      EXPECT_EQ(i.self.image->args, b.info->self.image->args);
      EXPECT_EQ(i.self.image->cwd, b.info->self.image->cwd);
      ++compared;
    }
    EXPECT_EQ(compared, int(reports.size()) - 3);
    auto stats = ebpf.value()->stats();
    for (const auto& c : stats.source) {
      if (c.name == "bpf.ringbuf_full" || c.name.rfind("bpf.decode", 0) == 0) {
        EXPECT_EQ(c.value, 0u) << c.name;
      }
    }
  }
}

TEST_F(SessionKernelTest, NothingOfOursLeftLoaded) {
  {
    auto ebpf = proctree::Service::start(options(proctree::Backend::kEbpf));
    ASSERT_TRUE(ebpf.ok()) << ebpf.error().message;
    held_ = proctree::testing::bpf_objects_held_by_self();
    size_t progs = 0, maps = 0, links = 0;
    for (const auto& o : held_) (o.kind == "prog" ? progs : o.kind == "map" ? maps : links)++;
    EXPECT_EQ(progs, 4u);  // fork, exec, exit, sys_exit
    EXPECT_EQ(maps, 2u);   // ring buffer, counters
    EXPECT_EQ(links, 4u);
  }
  // TearDown checks they are gone.
}

}  // namespace
