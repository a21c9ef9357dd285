#include "netlink/data_socket.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>

#include "netlink/control_client.h"
#include "netlink/datagram.h"

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

core::Result<size_t> DataSocket::read_available(const RecordCallback& cb,
                                                std::chrono::milliseconds wait,
                                                Counters& counters) {
  pollfd p{sock_.fd(), POLLIN, 0};
  int pr = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (pr < 0 && errno != EINTR) return core::make_error("poll(audit data socket)", errno);
  if (pr <= 0) return size_t{0};
  size_t handed = 0;
  DatagramStats st;
  // Bounded so the caller sees its stop flag and polls status even under a flood.
  for (int i = 0; i < kMaxDatagramsPerCall; ++i) {
    auto got = sock_.recv_datagram(buf_, true);
    if (!got) {
      int e = got.error().code;
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
        return core::make_error("recv(audit data socket): " + got.error().message, e);
      break;
    }
    const size_t n = got.value();
    if (n == 0) {
      counters.foreign_senders.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    for_each_record(std::span<const uint8_t>(buf_.data(), n), st,
                    [&](uint16_t type, std::string_view payload) {
                      if (type == AUDIT_REPLACE) {
                        // Payload: the 4-byte pid of whoever tried AUDIT_SET pid while we
                        // hold it; the kernel asks whether we are alive (kernel/audit.c
                        // audit_replace). Reading it is the answer.
                        counters.replace_pings.fetch_add(1, std::memory_order_relaxed);
                        return;
                      }
                      if (type == NLMSG_ERROR || type == NLMSG_DONE || type == NLMSG_NOOP)
                        return;
                      ++handed;
                      counters.bytes.fetch_add(payload.size(), std::memory_order_relaxed);
                      cb(type, payload);
                    });
  }
  counters.records.fetch_add(handed, std::memory_order_relaxed);
  counters.short_nlmsg_len.fetch_add(st.short_nlmsg_len, std::memory_order_relaxed);
  counters.malformed.fetch_add(st.malformed, std::memory_order_relaxed);
  return handed;
}

}  // namespace netlink
