#include "netlink/control_client.h"

#include <errno.h>
#include <linux/audit.h>

#include <cstring>

namespace netlink {

namespace {

// The kernel's struct may be shorter (older kernel) or longer (newer) than ours: copy the
// common prefix, zero the rest (kernel/audit.c audit_receive_msg copies min() likewise).
Status status_from(std::span<const uint8_t> p) {
  audit_status k{};
  std::memcpy(&k, p.data(), std::min(p.size(), sizeof(k)));
  Status s;
  s.mask = k.mask;
  s.enabled = k.enabled;
  s.failure = k.failure;
  s.pid = k.pid;
  s.rate_limit = k.rate_limit;
  s.backlog_limit = k.backlog_limit;
  s.lost = k.lost;
  s.backlog = k.backlog;
  s.feature_bitmap = k.feature_bitmap;
  s.backlog_wait_time = k.backlog_wait_time;
  s.backlog_wait_time_actual = k.backlog_wait_time_actual;
  return s;
}

}  // namespace

core::Result<Status> request_status(AuditSocket& sock, std::chrono::milliseconds timeout,
                                    const ReplyHandler& other) {
  Status st;
  bool got = false;
  auto r = sock.request(
      AUDIT_GET, {}, 1,
      [&](uint16_t type, std::span<const uint8_t> p) {
        if (type == AUDIT_GET) {
          st = status_from(p);
          got = true;
        }
      },
      timeout, other);
  if (!r) return r.error();
  if (!got) return core::make_error("AUDIT_GET: reply without status", EPROTO);
  return st;
}

core::Result<void> request_set(AuditSocket& sock, const StatusChange& change,
                               std::chrono::milliseconds timeout, const ReplyHandler& other) {
  const Status& v = change.values();
  audit_status k{};
  k.mask = v.mask;
  k.enabled = v.enabled;
  k.failure = v.failure;
  k.pid = v.pid;
  k.rate_limit = v.rate_limit;
  k.backlog_limit = v.backlog_limit;
  k.backlog_wait_time = v.backlog_wait_time;
  return sock.request(AUDIT_SET,
                      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&k), sizeof(k)),
                      0, {}, timeout, other, change.describe());
}

core::Result<ControlClient> ControlClient::open(std::chrono::milliseconds timeout) {
  auto s = AuditSocket::open(0);
  if (!s) return s.error();
  return ControlClient(std::move(s.value()), timeout);
}

core::Result<Status> ControlClient::get_status() { return request_status(sock_, timeout_); }

core::Result<void> ControlClient::set(const StatusChange& change) {
  return request_set(sock_, change, timeout_);
}

core::Result<std::vector<RuleBytes>> ControlClient::list_rules() {
  std::vector<RuleBytes> rules;
  auto r = sock_.request(
      AUDIT_LIST_RULES, {}, 2,
      [&](uint16_t type, std::span<const uint8_t> p) {
        if (type == AUDIT_LIST_RULES) rules.emplace_back(p.begin(), p.end());
      },
      timeout_);
  if (!r) return r.error();
  return rules;
}

core::Result<void> ControlClient::add_rule(std::span<const uint8_t> rule) {
  return sock_.request(AUDIT_ADD_RULE, rule, 0, {}, timeout_);
}

core::Result<void> ControlClient::delete_rule(std::span<const uint8_t> rule) {
  return sock_.request(AUDIT_DEL_RULE, rule, 0, {}, timeout_);
}

}  // namespace netlink
