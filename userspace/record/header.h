// The part of an audit record every stage needs before the fields: type, node, time, serial.
// Parsed cheaply by the reader thread so records can be routed to a shard by serial.
#pragma once

#include <cstdint>
#include <string_view>

namespace record {

struct Header {
  uint16_t type = 0;          // AUDIT_* message type (linux/audit.h)
  uint16_t msec = 0;          // milliseconds part of audit(SEC.MSEC:SERIAL)
  uint32_t serial = 0;        // per-boot event serial; wraps at 2^32
  int64_t sec = 0;            // Unix seconds
  std::string_view node;      // `node=NAME ` prefix of auditd logs; empty when absent
  std::string_view body;      // text after "audit(...): ", the key=value part

  int64_t time_ms() const { return sec * 1000 + msec; }
};

// Why a line was not a record. One value per cause so replay counts them separately.
enum class HeaderError : uint8_t {
  kNone = 0,
  kEmpty,          // blank line
  kNoType,         // no `type=` where the record must start
  kUnknownType,    // `type=NAME` with a NAME no table knows (UNKNOWN[N] is fine)
  kNoMsg,          // no ` msg=audit(`
  kBadTimestamp,   // audit(SEC.MSEC:SERIAL) malformed or truncated
  kBadType,        // netlink type outside the audit range
};

const char* to_string(HeaderError e);

// auditd log line: [node=NAME ]type=NAME msg=audit(SEC.MSEC:SERIAL): k=v ...
HeaderError parse_log_header(std::string_view line, Header& out);

// Netlink payload: the type from nlmsghdr, text `audit(SEC.MSEC:SERIAL): k=v ...`.
HeaderError parse_netlink_header(uint16_t type, std::string_view payload, Header& out);

// Parses "audit(SEC.MSEC:SERIAL)" at the start of s (after an optional "msg=").
// On success, rest is the text after the closing paren and an optional ": " / ":".
HeaderError parse_audit_stamp(std::string_view s, Header& out, std::string_view& rest);

}  // namespace record
