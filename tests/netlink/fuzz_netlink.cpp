// libFuzzer target: bytes as they could arrive on an audit socket. Splits a datagram into
// records (datagram.cpp: the unicast nlmsg_len quirk, several messages, garbage lengths);
// every payload must lie inside the input and the record count must add up.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "netlink/datagram.h"
#include "netlink/rule_drift.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  netlink::DatagramStats st;
  size_t records = 0;
  netlink::for_each_record(in, st, [&](uint16_t, std::string_view p) {
    const auto* b = reinterpret_cast<const uint8_t*>(p.data());
    if (p.size() && (b < data || b + p.size() > data + size)) std::abort();
    ++records;
  });
  if (records != st.records) std::abort();
  // Rule blobs from AUDIT_LIST_RULES are as untrusted: normalizing must not read past them.
  auto n = netlink::normalize_rule(in);
  if (n.size() != size) std::abort();
  return 0;
}
