#include "kernel_test_support.h"

#include <dirent.h>
#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "netlink/audit_socket.h"
#include "netlink/control_client.h"

namespace netlink_test {

size_t open_fd_count() {
  size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

std::string serial_of(const std::string& text) {
  auto open = text.find("audit(");
  if (open == std::string::npos) return "";
  auto colon = text.find(':', open);
  auto close = text.find(')', open);
  if (colon == std::string::npos || close == std::string::npos || close < colon) return "";
  return text.substr(colon + 1, close - colon - 1);
}

void run_program(const char* path, int n) {
  for (int i = 0; i < n; ++i) {
    pid_t p = ::fork();
    if (p == 0) {
      ::execl(path, path, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int st;
    ::waitpid(p, &st, 0);
  }
}

Child spawn_holder(const std::string& comm, bool multicast) {
  int fds[2];
  if (::pipe(fds) != 0) return {0, "pipe failed"};
  pid_t p = ::fork();
  if (p == 0) {
    ::close(fds[0]);
    ::prctl(PR_SET_NAME, comm.c_str());
    int err = 0;
    auto s = netlink::AuditSocket::open(multicast ? netlink::kReadlogGroupMask : 0);
    if (!s) {
      err = s.error().code ? s.error().code : EIO;
    } else if (!multicast) {
      auto r = netlink::request_set(s.value(),
                                    netlink::StatusChange().pid(static_cast<uint32_t>(::getpid())),
                                    std::chrono::milliseconds(2000));
      if (!r) err = r.error().code ? r.error().code : EIO;
    }
    (void)!::write(fds[1], &err, sizeof(err));
    ::close(fds[1]);
    if (err) ::_exit(1);
    std::vector<uint8_t> buf(65536);
    for (;;) (void)s->recv_datagram(buf, false);  // keep the socket drained until killed
  }
  ::close(fds[1]);
  int err = EIO;
  if (::read(fds[0], &err, sizeof(err)) != sizeof(err)) err = EIO;
  ::close(fds[0]);
  if (err) {
    int st;
    ::waitpid(p, &st, 0);
    return {0, std::string("holder child: ") + strerrorname_np(err)};
  }
  return {p, ""};
}

void kill_child(Child& c) {
  if (c.pid <= 0) return;
  ::kill(c.pid, SIGKILL);
  int st;
  ::waitpid(c.pid, &st, 0);
  c.pid = 0;
}

void AuditKernelTest::SetUp() {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root (CAP_AUDIT_CONTROL to change audit status and rules, "
                    "CAP_AUDIT_READ for multicast, CAP_NET_ADMIN for SO_RCVBUFFORCE); euid is "
                 << ::geteuid();
  lock_ = std::make_unique<AuditLock>();
  fds_at_start_ = open_fd_count();
  auto c = netlink::ControlClient::open();
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto st = c->get_status();
  ASSERT_TRUE(st.ok()) << st.error().message;
  rest_ = st.value();
  auto rules = c->list_rules();
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  if (rest_.pid != 0 || rest_.enabled != 0 || !rules->empty()) {
    // A previous run left something: start from the documented rest state.
    rest_ = machine_rest_state();
    auto r = reset_audit_state(rest_);
    ASSERT_TRUE(r.ok()) << "audit not at rest and reset failed: " << r.error().message;
  }
  rest_.pid = 0;
}

void AuditKernelTest::TearDown() {
  for (auto& ch : children_) kill_child(ch);
  children_.clear();
  if (!lock_) return;  // skipped
  auto r = reset_audit_state(rest_);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(diff_from_rest(rest_), "");
  EXPECT_EQ(open_fd_count(), fds_at_start_) << "the test left a socket or file open";
  lock_.reset();
}

Child& AuditKernelTest::holder(const std::string& comm, bool multicast) {
  children_.push_back(spawn_holder(comm, multicast));
  return children_.back();
}

}  // namespace netlink_test
