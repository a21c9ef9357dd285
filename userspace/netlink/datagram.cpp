#include "netlink/datagram.h"

#include <linux/netlink.h>

#include <cstring>

namespace netlink {

size_t next_record(std::span<const uint8_t> data, size_t off, DatagramStats& stats,
                   uint16_t& type, std::string_view& payload) {
  if (off + NLMSG_HDRLEN > data.size()) {
    if (off < data.size()) ++stats.malformed;  // trailing bytes too short for a header
    return 0;
  }
  nlmsghdr h;
  std::memcpy(&h, data.data() + off, sizeof(h));
  const size_t rest = data.size() - off;
  size_t len = h.nlmsg_len;
  size_t used;
  if (len == rest) {
    used = rest;
  } else if (off == 0 && len + NLMSG_HDRLEN == rest) {
    // The unicast quirk: one record per datagram, nlmsg_len without the header.
    ++stats.short_nlmsg_len;
    len = rest;
    used = rest;
  } else if (len >= NLMSG_HDRLEN && len < rest) {
    used = NLMSG_ALIGN(len) < rest ? NLMSG_ALIGN(len) : rest;  // several messages
  } else {
    ++stats.malformed;
    len = rest;
    used = rest;
  }
  type = h.nlmsg_type;
  payload = std::string_view(reinterpret_cast<const char*>(data.data() + off + NLMSG_HDRLEN),
                             len - NLMSG_HDRLEN);
  ++stats.records;
  return used;
}

}  // namespace netlink
