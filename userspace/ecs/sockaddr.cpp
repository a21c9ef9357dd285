#include "ecs/sockaddr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace ecs {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool hex_bytes(std::string_view s, uint8_t* out, size_t n) {
  if (s.size() < n * 2) return false;
  for (size_t i = 0; i < n; ++i) {
    const int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

void put_number(FieldMap& out, std::string_view key, uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.set(key, std::string_view(buf, static_cast<size_t>(p - buf)));
}

}  // namespace

bool decode_sockaddr(std::string_view s, FieldMap& out) {
  uint8_t fam[2];
  if (!hex_bytes(s, fam, 2)) return false;
  // sa_family is host order; the logs we read come from little-endian hosts (a big-endian
  // ppc64 log decodes to an unknown family and keeps its raw saddr, as laurel does).
  const unsigned family = fam[0] | fam[1] << 8;
  switch (family) {
    case 1: {  // AF_UNIX: sun_path up to the first NUL (abstract names start with NUL)
      std::string_view rest = s.substr(4);
      if (rest.size() % 2) return false;
      std::string path;
      for (size_t i = 0; i + 1 < rest.size(); i += 2) {
        const int hi = hex_digit(rest[i]), lo = hex_digit(rest[i + 1]);
        if (hi < 0 || lo < 0) return false;
        const char c = static_cast<char>(hi << 4 | lo);
        if (c == '\0') break;
        path.push_back(c);
      }
      out.set("family", "unix");
      out.set("path", path);
      return true;
    }
    case 2: {  // AF_INET: port (network order), then the address
      uint8_t b[6];
      if (!hex_bytes(s.substr(4), b, 6)) return false;
      char ip[INET_ADDRSTRLEN];
      if (!inet_ntop(AF_INET, b + 2, ip, sizeof ip)) return false;
      out.set("family", "ipv4");
      out.set("addr", ip);
      put_number(out, "port", static_cast<unsigned>(b[0] << 8 | b[1]));
      return true;
    }
    case 10: {  // AF_INET6: port, flowinfo, address
      uint8_t b[22];
      if (!hex_bytes(s.substr(4), b, 22)) return false;
      char ip[INET6_ADDRSTRLEN];
      // Go's net.IP prints a v4-mapped address (::ffff:a.b.c.d) as plain a.b.c.d.
      static constexpr uint8_t kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      const bool mapped = std::equal(kV4Mapped, kV4Mapped + 12, b + 6);
      if (!inet_ntop(mapped ? AF_INET : AF_INET6, mapped ? b + 18 : b + 6, ip, sizeof ip)) return false;
      out.set("family", "ipv6");
      out.set("addr", ip);
      put_number(out, "port", static_cast<unsigned>(b[0] << 8 | b[1]));
      const uint32_t flow = static_cast<uint32_t>(b[2]) << 24 | b[3] << 16 | b[4] << 8 | b[5];
      if (flow > 0) put_number(out, "flow", flow);
      return true;
    }
    case 16:  // AF_NETLINK
      out.set("family", "netlink");
      out.set("saddr", s);
      return true;
    default:
      put_number(out, "family", family);
      out.set("saddr", s);
      return true;
  }
}

}  // namespace ecs
