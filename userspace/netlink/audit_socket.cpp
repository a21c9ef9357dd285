#include "netlink/audit_socket.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "netlink/errno_name.h"

namespace netlink {

namespace {

// Replies are small (status, one rule each); 64 KiB also holds the largest record.
constexpr size_t kReplyBuffer = 64 * 1024;

core::Error sys_error(std::string what, int err) {
  return core::make_error(what + ": " + errno_name(err), err);
}

}  // namespace

core::Result<AuditSocket> AuditSocket::open(uint32_t groups) {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return sys_error("socket(AF_NETLINK, NETLINK_AUDIT)", errno);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = groups;  // nl_pid 0: the kernel assigns a unique portid
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int e = errno;
    ::close(fd);
    return sys_error(groups ? "bind(NETLINK_AUDIT, group AUDIT_NLGRP_READLOG)"
                            : "bind(NETLINK_AUDIT)",
                     e);
  }
  return AuditSocket(fd);
}

core::Result<void> AuditSocket::connect_to_kernel() {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) != 0)
    return sys_error("connect(NETLINK_AUDIT, kernel)", errno);
  return {};
}

AuditSocket::AuditSocket(AuditSocket&& o) noexcept : fd_(o.fd_), next_seq_(o.next_seq_) {
  o.fd_ = -1;
}

AuditSocket& AuditSocket::operator=(AuditSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    next_seq_ = o.next_seq_;
    o.fd_ = -1;
  }
  return *this;
}

AuditSocket::~AuditSocket() { close(); }

void AuditSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

core::Result<void> AuditSocket::set_receive_buffer(int bytes) {
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0) return {};
  int e = errno;
  if (e != EPERM) return sys_error("setsockopt(SO_RCVBUFFORCE)", e);
  // Without CAP_NET_ADMIN: capped by net.core.rmem_max, still better than the default.
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0) return {};
  return sys_error("setsockopt(SO_RCVBUF)", errno);
}

core::Result<int> AuditSocket::receive_buffer() const {
  int v = 0;
  socklen_t len = sizeof(v);
  if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &v, &len) != 0)
    return sys_error("getsockopt(SO_RCVBUF)", errno);
  return v;
}

core::Result<void> AuditSocket::set_no_enobufs(bool on) {
  int v = on ? 1 : 0;
  if (::setsockopt(fd_, SOL_NETLINK, NETLINK_NO_ENOBUFS, &v, sizeof(v)) != 0)
    return sys_error("setsockopt(NETLINK_NO_ENOBUFS)", errno);
  return {};
}

core::Result<size_t> AuditSocket::recv_datagram(std::span<uint8_t> buf, bool dontwait) {
  sockaddr_nl from{};
  socklen_t fromlen = sizeof(from);
  ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), dontwait ? MSG_DONTWAIT : 0,
                         reinterpret_cast<sockaddr*>(&from), &fromlen);
  if (n < 0) return core::make_error(errno_name(errno), errno);
  // Only the kernel (portid 0) may speak to us: a local process could otherwise forge records.
  if (from.nl_pid != 0) return size_t{0};
  return static_cast<size_t>(n);
}

core::Result<void> AuditSocket::request(uint16_t type, std::span<const uint8_t> payload,
                                        int expect_data, const ReplyHandler& on_reply,
                                        std::chrono::milliseconds timeout,
                                        const ReplyHandler& other, std::string_view what) {
  std::string name = message_type_name(type);
  if (!what.empty()) {
    name += ' ';
    name += what;
  }
  const uint32_t seq = next_seq_++;
  std::vector<uint8_t> msg(NLMSG_SPACE(payload.size()), 0);
  auto* nlh = reinterpret_cast<nlmsghdr*>(msg.data());
  nlh->nlmsg_len = NLMSG_LENGTH(payload.size());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = seq;
  if (!payload.empty()) std::memcpy(NLMSG_DATA(nlh), payload.data(), payload.size());
  sockaddr_nl to{};
  to.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = ::sendto(fd_, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return sys_error(name + ": sendto", errno);

  bool acked = false;
  bool data_done = expect_data == 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<uint8_t> buf(kReplyBuffer);
  while (!(acked && data_done)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return core::make_error(name + ": no " + (acked ? "reply" : "ack") + " from the kernel within " +
                                  std::to_string(timeout.count()) + " ms",
                              ETIMEDOUT);
    pollfd p{fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, static_cast<int>(left.count()));
    if (pr < 0) {
      if (errno == EINTR) continue;
      return sys_error(name + ": poll", errno);
    }
    if (pr == 0) continue;
    auto got = recv_datagram(buf, true);
    if (!got) {
      int e = got.error().code;
      // ENOBUFS on a data socket means records were dropped, not that our reply was:
      // netlink acks are sent with the socket's own allocation. Keep waiting.
      if (e == EAGAIN || e == EINTR || e == ENOBUFS) continue;
      return sys_error(name + ": recv", e);
    }
    size_t n = got.value();
    size_t off = 0;
    while (off + NLMSG_HDRLEN <= n) {
      auto* h = reinterpret_cast<const nlmsghdr*>(buf.data() + off);
      size_t len = h->nlmsg_len;
      // Kernel records on a unicast socket carry nlmsg_len = payload length only
      // (kernel/audit.c audit_log_end): those are never part of a reply; take the rest.
      if (len < NLMSG_HDRLEN || off + len > n) len = n - off;
      std::span<const uint8_t> body(buf.data() + off + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
      const bool ours = h->nlmsg_seq == seq && h->nlmsg_type < AUDIT_FIRST_USER_MSG;
      if (!ours) {
        if (other) other(h->nlmsg_type, body);
      } else if (h->nlmsg_type == NLMSG_ERROR) {
        if (body.size() < sizeof(nlmsgerr))
          return core::make_error(name + ": truncated NLMSG_ERROR", EPROTO);
        nlmsgerr err;
        std::memcpy(&err, body.data(), sizeof(err));
        if (err.error != 0) return sys_error(name, -err.error);
        acked = true;
      } else if (h->nlmsg_type == NLMSG_DONE) {
        data_done = true;
      } else {
        if (on_reply) on_reply(h->nlmsg_type, body);
        if (expect_data == 1) data_done = true;
      }
      off += NLMSG_ALIGN(len);
    }
  }
  return {};
}

}  // namespace netlink
