// Requests to the kernel's audit subsystem over a NETLINK_AUDIT socket: status get/set and
// rule transport. Needs CAP_AUDIT_CONTROL (status set, rules) / CAP_AUDIT_READ.
//
// The pid registration (AUDIT_SET pid) binds the *sending socket's* portid as the unicast
// destination (kernel/audit.c auditd_set), so it is made on the data socket (data_socket.h);
// this client is the separate control socket for everything else.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "netlink/audit_socket.h"
#include "netlink/status.h"

namespace netlink {

using RuleBytes = std::vector<uint8_t>;  // one struct audit_rule_data with its buf[]

class ControlClient {
 public:
  static core::Result<ControlClient> open(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  core::Result<Status> get_status();
  core::Result<void> set(const StatusChange& change);

  // AUDIT_LIST_RULES: the kernel's rules in evaluation order.
  core::Result<std::vector<RuleBytes>> list_rules();
  core::Result<void> add_rule(std::span<const uint8_t> rule);
  core::Result<void> delete_rule(std::span<const uint8_t> rule);

  AuditSocket& socket() { return sock_; }

 private:
  ControlClient(AuditSocket s, std::chrono::milliseconds t) : sock_(std::move(s)), timeout_(t) {}
  AuditSocket sock_;
  std::chrono::milliseconds timeout_;
};

// Shared by the control and data sockets.
core::Result<Status> request_status(AuditSocket& sock, std::chrono::milliseconds timeout,
                                    const ReplyHandler& other = {});
core::Result<void> request_set(AuditSocket& sock, const StatusChange& change,
                               std::chrono::milliseconds timeout, const ReplyHandler& other = {});

}  // namespace netlink
