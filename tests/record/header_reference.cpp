// The record header parse as it was before parse_audit_stamp's one-pass fast path
// (userspace/record/header.cpp): the reference header_differential_test checks it against.
#include "record/header_reference.h"

#include <charconv>

#include "record/types.h"

namespace record_reference {
using record::Header;
using record::HeaderError;
using record::type_from_name;

namespace {

template <typename T>
bool parse_uint(std::string_view s, T& v) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

HeaderError parse_audit_stamp(std::string_view s, Header& out, std::string_view& rest) {
  constexpr std::string_view kAudit = "audit(";
  if (s.substr(0, 4) == "msg=") s.remove_prefix(4);
  if (s.substr(0, kAudit.size()) != kAudit) return HeaderError::kNoMsg;
  s.remove_prefix(kAudit.size());
  const size_t close = s.find(')');
  if (close == std::string_view::npos) return HeaderError::kBadTimestamp;
  const std::string_view stamp = s.substr(0, close);
  const size_t dot = stamp.find('.');
  const size_t colon = stamp.find(':');
  if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot)
    return HeaderError::kBadTimestamp;
  const std::string_view ms = stamp.substr(dot + 1, colon - dot - 1);
  uint64_t sec = 0;
  uint32_t msec = 0;
  uint32_t serial = 0;
  // The kernel prints %llu.%03lu:%u (kernel/audit.c audit_log_start).
  if (!parse_uint(stamp.substr(0, dot), sec) || ms.size() != 3 || !parse_uint(ms, msec) ||
      !parse_uint(stamp.substr(colon + 1), serial) || sec > (uint64_t{1} << 40))
    return HeaderError::kBadTimestamp;
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
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return HeaderError::kNoMsg;
  out.type = type_from_name(line.substr(0, sp));
  if (out.type == 0) return HeaderError::kUnknownType;
  line.remove_prefix(sp + 1);
  return record_reference::parse_audit_stamp(line, out, out.body);
}

}  // namespace record_reference
