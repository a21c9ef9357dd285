#include "netlink/data_socket.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include "netlink/control_client.h"
#include "netlink/datagram.h"
#include "netlink/errno_name.h"

namespace netlink {

namespace {
constexpr int kMaxDatagramsPerCall = 4096;
}  // namespace

core::Result<DataSocket> DataSocket::open(SocketType type, const DataSocketOptions& opt) {
  if (type == SocketType::automatic)
    return core::make_error("DataSocket::open: resolve socket_type auto first (choose_socket)");
  auto s = AuditSocket::open(type == SocketType::multicast ? kReadlogGroupMask : 0);
  if (!s) return s.error();
  if (auto r = s->set_receive_buffer(opt.receive_buffer); !r) return r.error();
  if (auto r = s->set_no_enobufs(opt.no_enobufs); !r) return r.error();
  // Unicast: only the kernel may send to us, and the kernel enforces it for a connected
  // socket, so reads need not ask for each datagram's sender (move_addr_to_user was ~5 %
  // of the reader's time under a flood). A multicast group takes datagrams from any sender
  // with CAP_NET_ADMIN: there every sender is checked.
  if (type == SocketType::unicast) {
    if (auto r = s->connect_to_kernel(); !r) return r.error();
  }
  return DataSocket(std::move(s.value()), type, opt.request_timeout);
}

core::Result<void> DataSocket::register_pid(uint32_t pid, Counters& counters) {
  if (type_ != SocketType::unicast)
    return core::make_error("AUDIT_SET pid: only a unicast data socket registers");
  return request_set(sock_, StatusChange().pid(pid), timeout_,
                     [&](uint16_t, std::span<const uint8_t>) {
                       counters.records_during_requests.fetch_add(1, std::memory_order_relaxed);
                     });
}

core::Result<bool> DataSocket::wait_readable(std::chrono::milliseconds wait) {
  pollfd p{sock_.fd(), POLLIN, 0};
  int pr = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (pr < 0 && errno != EINTR) return core::make_error("poll(audit data socket)", errno);
  return pr > 0;
}

core::Result<size_t> DataSocket::read_available(const RecordCallback& cb,
                                                std::chrono::milliseconds wait,
                                                Counters& counters) {
  more_queued_ = false;
  if (wait.count() > 0) {
    // Without a wait the non-blocking recvmmsg below answers the same question.
    auto ready = wait_readable(wait);
    if (!ready) return ready.error();
    if (!*ready) return size_t{0};
  }
  size_t handed = 0;
  DatagramStats st;
  auto deliver = [&](const uint8_t* data, size_t n) {
    for_each_record(std::span<const uint8_t>(data, n), st, [&](uint16_t type, std::string_view payload) {
      if (type == AUDIT_REPLACE) {
        // Payload: the 4-byte pid of whoever tried AUDIT_SET pid while we hold it; the
        // kernel asks whether we are alive (kernel/audit.c audit_replace). Reading it is
        // the answer.
        counters.replace_pings.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      if (type == NLMSG_ERROR || type == NLMSG_DONE || type == NLMSG_NOOP) return;
      ++handed;
      counters.bytes.fetch_add(payload.size(), std::memory_order_relaxed);
      cb(type, payload);
    });
  };
  // One record per datagram: recvmmsg takes up to kBatch of them per system call, which at
  // tens of thousands of records per second is most of the reader's kernel time saved.
  // Bounded so the caller sees its stop flag and polls status even under a flood.
  const bool check_sender = type_ != SocketType::unicast;  // see open()
  int taken = 0;
  while (taken < kMaxDatagramsPerCall) {
    for (size_t i = 0; i < kBatch; ++i) {
      iov_[i] = {batch_.data() + i * kSlot, kSlot};
      msgs_[i] = {};
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
      if (check_sender) {
        msgs_[i].msg_hdr.msg_name = &from_[i];
        msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_nl);
      }
    }
    const int got = ::recvmmsg(sock_.fd(), msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (got < 0) {
      const int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (e == EINTR) continue;
      if (e == ENOBUFS) {
        // The socket's receive queue overflowed: the kernel dropped records for us
        // (netlink(7)). Not fatal; the queue keeps what it had.
        counters.enobufs.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      counters.recv_errors.fetch_add(1, std::memory_order_relaxed);
      if (e == EBADF || e == ENOTSOCK || e == EINVAL)
        return core::make_error(std::string("recvmmsg(audit data socket): ") + errno_name(e), e);
      break;
    }
    for (int i = 0; i < got; ++i) {
      // Only the kernel (portid 0) may speak to us: a local process could otherwise forge
      // records (on unicast the kernel refused them already).
      if ((check_sender && from_[i].nl_pid != 0) || msgs_[i].msg_len == 0) {
        counters.foreign_senders.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) {
        st.malformed++;  // longer than a slot: cannot happen for audit (8970-byte cap)
        continue;
      }
      deliver(batch_.data() + i * kSlot, msgs_[i].msg_len);
    }
    taken += got;
    if (got < static_cast<int>(kBatch)) break;  // the queue is empty for now
  }
  more_queued_ = taken >= kMaxDatagramsPerCall;
  counters.records.fetch_add(handed, std::memory_order_relaxed);
  counters.short_nlmsg_len.fetch_add(st.short_nlmsg_len, std::memory_order_relaxed);
  counters.malformed.fetch_add(st.malformed, std::memory_order_relaxed);
  return handed;
}

}  // namespace netlink
