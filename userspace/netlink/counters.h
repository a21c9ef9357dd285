// Counters of the live source, readable from any thread (stats, `run`'s periodic report).
// Every drop has its own counter (STYLE: count every drop by cause).
#pragma once

#include <atomic>
#include <cstdint>

namespace netlink {

struct Counters {
  std::atomic<uint64_t> records{0};        // records handed to the callback
  std::atomic<uint64_t> bytes{0};          // their payload bytes
  // recv() ENOBUFS: our socket overran and the kernel could not deliver records to us.
  // Loss either way: multicast drops are never in the kernel's `lost`; unicast ones are
  // retried, then dropped, and counted in `lost` only on kernels booted with audit=1.
  std::atomic<uint64_t> enobufs{0};
  std::atomic<uint64_t> short_nlmsg_len{0};  // unicast nlmsg_len quirk seen (not a loss)
  std::atomic<uint64_t> malformed{0};      // datagrams whose lengths made no sense (kept)
  std::atomic<uint64_t> replace_pings{0};  // AUDIT_REPLACE: another process tried to take the pid
  std::atomic<uint64_t> foreign_senders{0};  // datagrams not from the kernel (dropped)
  std::atomic<uint64_t> recv_errors{0};    // other recv() errors (reading went on)
  std::atomic<uint64_t> records_during_requests{0};  // records read while awaiting an ack (dropped)
  // Kernel status, polled every status_poll_interval on the control socket.
  std::atomic<uint32_t> kernel_lost{0};
  std::atomic<uint32_t> kernel_backlog{0};
  std::atomic<uint32_t> kernel_lost_at_open{0};
  std::atomic<uint64_t> status_polls{0};
  std::atomic<uint64_t> status_poll_errors{0};

  // kernel `lost` grew by this much since we opened (wraps like the kernel's u32).
  uint32_t kernel_lost_since_open() const {
    return kernel_lost.load(std::memory_order_relaxed) -
           kernel_lost_at_open.load(std::memory_order_relaxed);
  }
};

}  // namespace netlink
