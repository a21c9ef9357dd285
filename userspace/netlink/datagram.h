// Splitting one received datagram into audit records.
//
// Kernel quirk (kernel/audit.c audit_log_end vs kauditd_send_multicast_skb): on the unicast
// socket a record's nlmsg_len is the payload length only, 16 bytes (NLMSG_HDRLEN) less than
// what recv() returned; the multicast copy gets the correct length. The payload is not
// NUL-terminated and not padded. So the received length is trusted, never nlmsg_len alone.
// Measured on this machine: /work/shared/MACHINE.md "Audit netlink".
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace netlink {

struct DatagramStats {
  uint64_t records = 0;
  uint64_t short_nlmsg_len = 0;  // unicast quirk seen (nlmsg_len == received - 16)
  uint64_t malformed = 0;        // nlmsg_len neither right nor the quirk: rest of datagram taken
};

// Calls fn(type, payload) for each message in the datagram. Payloads point into `data`.
template <typename Fn>
void for_each_record(std::span<const uint8_t> data, DatagramStats& stats, Fn&& fn);

// Implementation detail, exposed for the template: one step. Returns the bytes consumed
// (0 at the end).
size_t next_record(std::span<const uint8_t> data, size_t off, DatagramStats& stats,
                   uint16_t& type, std::string_view& payload);

template <typename Fn>
void for_each_record(std::span<const uint8_t> data, DatagramStats& stats, Fn&& fn) {
  size_t off = 0;
  uint16_t type;
  std::string_view payload;
  while (size_t used = next_record(data, off, stats, type, payload)) {
    fn(type, payload);
    off += used;
  }
}

}  // namespace netlink
