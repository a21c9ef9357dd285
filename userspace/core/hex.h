// Hex decoding of audit field values: the kernel hex-encodes any value that contains '"',
// a byte < 0x21 or > 0x7e (kernel/audit.c audit_string_contains_control).
#pragma once

#include <string>
#include <string_view>

namespace core {

// True if s is a non-empty, even-length run of [0-9A-Fa-f].
bool is_hex(std::string_view s);

// Appends the decoded bytes of hex text to out. False (out unchanged) if s is not hex.
bool hex_decode_append(std::string_view s, std::string& out);

// Lower-case hex of bytes (for dumps such as rule bytes).
std::string hex_encode(std::string_view bytes);

}  // namespace core
