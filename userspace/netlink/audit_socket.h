// One NETLINK_AUDIT socket: open/bind, request with sequence number and timeout, raw recv.
// Control and data sockets are both built on it (control_client.h, data_socket.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace netlink {

// Multicast group bit for AUDIT_NLGRP_READLOG (linux/audit.h enum audit_nlgrps: group 1 ->
// bind mask 1 << (1 - 1)). Binding needs CAP_AUDIT_READ.
inline constexpr uint32_t kReadlogGroupMask = 1;

// A message of a request's reply: type and payload (header stripped).
using ReplyHandler = std::function<void(uint16_t type, std::span<const uint8_t> payload)>;

class AuditSocket {
 public:
  // groups: bind mask (0 for a control socket, kReadlogGroupMask for a multicast reader).
  static core::Result<AuditSocket> open(uint32_t groups = 0);

  AuditSocket() = default;
  AuditSocket(AuditSocket&& o) noexcept;
  AuditSocket& operator=(AuditSocket&& o) noexcept;
  AuditSocket(const AuditSocket&) = delete;
  AuditSocket& operator=(const AuditSocket&) = delete;
  ~AuditSocket();

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void close();

  // SO_RCVBUFFORCE (needs CAP_NET_ADMIN; ignores rmem_max). Falls back to SO_RCVBUF when
  // not permitted. The kernel doubles the value it stores (socket(7)).
  core::Result<void> set_receive_buffer(int bytes);
  // The kernel's SO_RCVBUF (the doubled value).
  core::Result<int> receive_buffer() const;
  // NETLINK_NO_ENOBUFS: off keeps overruns visible as ENOBUFS from recv (netlink(7)).
  core::Result<void> set_no_enobufs(bool on);
  // connect() to the kernel (portid 0): from then on the kernel refuses a unicast datagram
  // to this socket from any other sender (ECONNREFUSED to it; net/netlink/af_netlink.c
  // netlink_getsockbyportid). Multicast deliveries are not filtered.
  core::Result<void> connect_to_kernel();

  // Sends `type` with payload and NLM_F_REQUEST|NLM_F_ACK, then reads until the request is
  // complete: the ack (error 0) plus, for replies that carry data, the data. The kernel sends
  // AUDIT_GET / AUDIT_LIST_RULES data from a kthread (kernel/audit.c audit_send_reply), so
  // the ack often arrives before the data: wait for both.
  //   expect_data: 0 = ack only; 1 = one reply message; 2 = NLM_F_MULTI reply ended by
  //   NLMSG_DONE.
  // Messages not part of this request (records, replies to old sequence numbers) go to
  // `other` (may be empty: then dropped). Errors name the request: "AUDIT_SET: EPERM (...)".
  core::Result<void> request(uint16_t type, std::span<const uint8_t> payload, int expect_data,
                             const ReplyHandler& on_reply, std::chrono::milliseconds timeout,
                             const ReplyHandler& other = {}, std::string_view what = {});

  // One datagram into buf (non-blocking when dontwait). Returns bytes, or error with
  // code = errno (EAGAIN, ENOBUFS, EINTR, ...). Datagrams not from the kernel (nl_pid != 0)
  // are skipped and reported as size 0.
  core::Result<size_t> recv_datagram(std::span<uint8_t> buf, bool dontwait);

 private:
  explicit AuditSocket(int fd) : fd_(fd) {}
  int fd_ = -1;
  uint32_t next_seq_ = 1;
};

}  // namespace netlink
