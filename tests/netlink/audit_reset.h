// Puts the kernel's audit state back to a recorded state at rest, whatever a test (or a
// crashed test) left: rules, a pid registered by a dead process, status fields. Used by the
// CTest cleanup fixture (audit_state_tool.cpp) and by each kernel test's TearDown.
#pragma once

#include <string>

#include "core/result.h"
#include "netlink/status.h"

namespace netlink_test {

// MACHINE.md "Audit subsystem at rest".
netlink::Status machine_rest_state();

core::Result<netlink::Status> read_state_file(const std::string& path);
core::Result<void> write_state_file(const std::string& path, const netlink::Status& s);

// Deletes every rule, releases a pid held by us or by a dead process (takes it over, then
// sets 0), and sets enabled/failure/rate_limit/backlog_limit/backlog_wait_time to `rest`.
// A live foreign holder is left alone and reported as an error.
core::Result<void> reset_audit_state(const netlink::Status& rest);

// Compares the kernel's state with rest; "" when equal, else what differs.
std::string diff_from_rest(const netlink::Status& rest);

// Cross-process lock (flock) so audit tests of different build dirs / engineers running at
// the same time on this VM do not interleave. CTest's RESOURCE_LOCK covers one ctest only.
class AuditLock {
 public:
  AuditLock();
  ~AuditLock();
 private:
  int fd_ = -1;
};

inline constexpr const char* kAuditLockPath = "/run/lock/auspex-audit-tests.lock";

}  // namespace netlink_test
