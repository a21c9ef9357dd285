#include "record/header.h"

#include <charconv>

#include "record/types.h"

namespace record {

const char* to_string(HeaderError e) {
  switch (e) {
    case HeaderError::kNone: return "ok";
    case HeaderError::kEmpty: return "empty line";
    case HeaderError::kNoType: return "no type= at the start of the record";
    case HeaderError::kUnknownType: return "unknown record type name";
    case HeaderError::kNoMsg: return "no msg=audit( after the type";
    case HeaderError::kBadTimestamp: return "malformed audit(SEC.MSEC:SERIAL) stamp";
    case HeaderError::kBadType: return "netlink message type outside the audit range";
  }
  return "?";
}

namespace {

template <typename T>
bool parse_uint(std::string_view s, T& v) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The stamp as the kernel prints it (%llu.%03lu:%u, then ')') in one pass: digits, '.', three
// digits, ':', digits, ')'. Sets close to the ')' and returns true only when the general
// parse below would accept the stamp with the same values; anything else goes to it.
bool parse_stamp_fast(std::string_view s, uint64_t& sec, uint32_t& msec, uint32_t& serial, size_t& close) {
  const char* p = s.data();
  const char* end = p + s.size();
  uint64_t v = 0;
  const char* start = p;
  while (p < end && is_digit(*p) && p - start < 14) v = v * 10 + static_cast<unsigned>(*p++ - '0');
  if (p == start || p - start >= 14 || v > (uint64_t{1} << 40) || end - p < 6 || p[0] != '.' ||
      !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]) || p[4] != ':')
    return false;
  sec = v;
  msec = static_cast<uint32_t>((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
  p += 5;
  start = p;
  v = 0;
  while (p < end && is_digit(*p) && p - start < 11) v = v * 10 + static_cast<unsigned>(*p++ - '0');
  if (p == start || p == end || *p != ')' || v > UINT32_MAX) return false;
  serial = static_cast<uint32_t>(v);
  close = static_cast<size_t>(p - s.data());
  return true;
}

}  // namespace

HeaderError parse_audit_stamp(std::string_view s, Header& out, std::string_view& rest) {
  constexpr std::string_view kAudit = "audit(";
  if (s.substr(0, 4) == "msg=") s.remove_prefix(4);
  if (s.substr(0, kAudit.size()) != kAudit) return HeaderError::kNoMsg;
  s.remove_prefix(kAudit.size());
  uint64_t sec = 0;
  uint32_t msec = 0;
  uint32_t serial = 0;
  size_t close = 0;
  if (!parse_stamp_fast(s, sec, msec, serial, close)) {
    close = s.find(')');
    if (close == std::string_view::npos) return HeaderError::kBadTimestamp;
    const std::string_view stamp = s.substr(0, close);
    const size_t dot = stamp.find('.');
    const size_t colon = stamp.find(':');
    if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot)
      return HeaderError::kBadTimestamp;
    const std::string_view ms = stamp.substr(dot + 1, colon - dot - 1);
    // The kernel prints %llu.%03lu:%u (kernel/audit.c audit_log_start).
    if (!parse_uint(stamp.substr(0, dot), sec) || ms.size() != 3 || !parse_uint(ms, msec) ||
        !parse_uint(stamp.substr(colon + 1), serial) || sec > (uint64_t{1} << 40))
      return HeaderError::kBadTimestamp;
  }
  out.sec = static_cast<int64_t>(sec);
  out.msec = static_cast<uint16_t>(msec);
  out.serial = serial;
  s.remove_prefix(close + 1);
  if (!s.empty() && s[0] == ':') s.remove_prefix(1);
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  rest = s;
  return HeaderError::kNone;
}

HeaderError parse_log_header(std::string_view line, Header& out) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return HeaderError::kEmpty;
  out.node = {};
  if (line.substr(0, 5) == "node=") {
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return HeaderError::kNoType;
    out.node = line.substr(5, sp - 5);
    line.remove_prefix(sp + 1);
  }
  if (line.substr(0, 5) != "type=") return HeaderError::kNoType;
  line.remove_prefix(5);
  // A type name is a few bytes: a loop, not a call to memchr.
  size_t sp = 0;
  while (sp < line.size() && line[sp] != ' ') ++sp;
  if (sp == line.size()) return HeaderError::kNoMsg;
  out.type = type_from_name(line.substr(0, sp));
  if (out.type == 0) return HeaderError::kUnknownType;
  line.remove_prefix(sp + 1);
  return parse_audit_stamp(line, out, out.body);
}

HeaderError parse_netlink_header(uint16_t type, std::string_view payload, Header& out) {
  // Records use 1006 (LOGIN) and 1100..2999 (linux/audit.h); the rest of 1000..1099 are
  // commands and replies, and NLMSG_* control types are below 1000.
  if (type != 1006 && (type < 1100 || type > 2999)) return HeaderError::kBadType;
  out.type = type;
  out.node = {};
  return parse_audit_stamp(payload, out, out.body);
}

}  // namespace record
