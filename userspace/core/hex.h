// Hex decoding of audit field values: the kernel hex-encodes any value that contains '"',
// a byte < 0x21 or > 0x7e (kernel/audit.c audit_string_contains_control).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace core {

// True if s is a non-empty, even-length run of [0-9A-Fa-f].
bool is_hex(std::string_view s);

// Appends the decoded bytes of hex text to out. False (out unchanged) if s is not hex.
bool hex_decode_append(std::string_view s, std::string& out);

// The kernel's own hex (audit_log_n_hex: upper case only), checked and decoded in one pass:
// s must be non-empty, of even length and only [0-9A-F] (a lower-case value is text that
// merely looks like hex, as auparse decides). Writes s.size() / 2 bytes at most to dst
// (which may be s.data() itself: decoding runs forward) and returns how many; NUL bytes
// become spaces, or with stop_at_nul the output ends at the first one (the rest is still
// checked). Returns kNotKernelHex, dst then holding garbage, when s is not kernel hex.
inline constexpr size_t kNotKernelHex = static_cast<size_t>(-1);
size_t decode_kernel_hex(std::string_view s, char* dst, bool stop_at_nul);

// Lower-case hex of bytes (for dumps such as rule bytes).
std::string hex_encode(std::string_view bytes);

}  // namespace core
