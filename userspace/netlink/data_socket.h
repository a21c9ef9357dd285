// The socket records arrive on: unicast (our pid registered with AUDIT_SET pid, the kernel's
// one reliable reader) or multicast (AUDIT_NLGRP_READLOG, best effort, read-only).
#pragma once

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "netlink/audit_socket.h"
#include "netlink/counters.h"
#include "netlink/socket_choice.h"

namespace netlink {

// One record: type (linux/audit.h, e.g. 1300 SYSCALL) and its text, which is not
// NUL-terminated and valid only during the call.
using RecordCallback = std::function<void(uint16_t type, std::string_view payload)>;

struct DataSocketOptions {
  // SO_RCVBUFFORCE bytes. Bursts of exec events are ~2 KiB each; 32 MiB rides out a stall
  // of several seconds at thousands of events/s. The kernel stores twice the value.
  int receive_buffer = 32 << 20;
  // NETLINK_NO_ENOBUFS. Off: an overrun shows up as ENOBUFS (counted), which is the only
  // sign of multicast loss (it is not counted in the kernel's `lost`).
  bool no_enobufs = false;
  std::chrono::milliseconds request_timeout{2000};
};

class DataSocket {
 public:
  static core::Result<DataSocket> open(SocketType type, const DataSocketOptions& opt);

  SocketType type() const { return type_; }
  // AUDIT_SET pid on this socket: the kernel records its portid as the unicast destination
  // (kernel/audit.c auditd_set) and acks before the first record. Unicast only.
  core::Result<void> register_pid(uint32_t pid, Counters& counters);

  // Waits up to `wait` for data, then reads every datagram available and hands out its
  // records. AUDIT_REPLACE (1329) is counted, not handed out. ENOBUFS is counted and reading
  // goes on. Returns the number of records handed out.
  core::Result<size_t> read_available(const RecordCallback& cb, std::chrono::milliseconds wait,
                                      Counters& counters);
  // Waits up to `wait` for data without reading it: true when some is queued.
  core::Result<bool> wait_readable(std::chrono::milliseconds wait);
  // The last read_available stopped at its bound (4096 datagrams) with more queued: the
  // reader is behind. Otherwise it read the socket empty.
  bool more_queued() const { return more_queued_; }

  AuditSocket& socket() { return sock_; }
  const AuditSocket& socket() const { return sock_; }

 private:
  DataSocket(AuditSocket s, SocketType t, std::chrono::milliseconds timeout)
      : sock_(std::move(s)), type_(t), timeout_(timeout), buf_(kBufferSize), batch_(kBatch * kSlot),
        msgs_(kBatch), iov_(kBatch), from_(kBatch) {}
  // Larger than the largest record (MAX_AUDIT_MESSAGE_LENGTH 8970 in libaudit.h).
  static constexpr size_t kBufferSize = 64 * 1024;
  // recvmmsg batch: slots of the largest audit datagram (MAX_AUDIT_MESSAGE_LENGTH 8970
  // plus the netlink header), rounded up.
  static constexpr size_t kBatch = 64;
  static constexpr size_t kSlot = 9216;
  AuditSocket sock_;
  SocketType type_;
  std::chrono::milliseconds timeout_;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> batch_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iov_;
  std::vector<sockaddr_nl> from_;
  bool more_queued_ = false;
};

}  // namespace netlink
