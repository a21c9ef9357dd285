// Helpers for the audit kernel tests: a fixture that restores the audit state on every path,
// child processes that hold the audit pid or a multicast socket under a chosen name, exec
// workloads and record collection.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "audit_reset.h"
#include "netlink/live_source.h"

namespace netlink_test {

struct Record {
  uint16_t type;
  std::string text;
};

// Number of open fds of this process (/proc/self/fd).
size_t open_fd_count();

// "audit(1764122400.123:456): ..." -> "456" ("" when absent).
std::string serial_of(const std::string& text);

// fork+exec `path` n times, waiting for each.
void run_program(const char* path, int n);

// A child process named `comm` that registers its pid (unicast) or binds AUDIT_NLGRP_READLOG
// (multicast) and then reads its socket until killed. pid 0 if it could not (error set).
struct Child {
  pid_t pid = 0;
  std::string error;
};
Child spawn_holder(const std::string& comm, bool multicast);
void kill_child(Child& c);  // SIGKILL + reap

class AuditKernelTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Children are SIGKILLed in TearDown if the test did not.
  Child& holder(const std::string& comm, bool multicast = false);
  // Reads from src until pred(records) or timeout; returns pred's last answer.
  template <typename Pred>
  bool receive_until(netlink::LiveSource& src, std::vector<Record>& out, Pred pred,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  netlink::Status rest_;
  size_t fds_at_start_ = 0;  // open fds: a test must close every socket it opened
  std::unique_ptr<AuditLock> lock_;
  std::deque<Child> children_;
};

template <typename Pred>
bool AuditKernelTest::receive_until(netlink::LiveSource& src, std::vector<Record>& out,
                                    Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred(out)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    auto r = src.receive_once(
        [&](uint16_t t, std::string_view p) { out.push_back({t, std::string(p)}); },
        std::chrono::milliseconds(50));
    if (!r) {
      ADD_FAILURE() << r.error().message;
      return false;
    }
  }
  return true;
}

}  // namespace netlink_test
