#include "core/hex.h"

#include <cstdint>
#include <cstring>

#include "core/swar.h"

namespace core {
namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// [0-9A-F] only; -1 for anything else.
int upper_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool is_hex(std::string_view s) {
  if (s.empty() || (s.size() & 1)) return false;
  for (char c : s)
    if (nibble(c) < 0) return false;
  return true;
}

bool hex_decode_append(std::string_view s, std::string& out) {
  if (!is_hex(s)) return false;
  const size_t base = out.size();
  out.resize(base + s.size() / 2);
  for (size_t i = 0; i < s.size(); i += 2)
    out[base + i / 2] = static_cast<char>(nibble(s[i]) << 4 | nibble(s[i + 1]));
  return true;
}

size_t decode_kernel_hex(std::string_view s, char* dst, bool stop_at_nul) {
  const size_t len = s.size();
  if (len == 0 || (len & 1)) return kNotKernelHex;
  const char* src = s.data();
  size_t n = 0;       // bytes written
  size_t cut = kNotKernelHex;  // output length at the first NUL (stop_at_nul)
  size_t i = 0;
  using swar::kHighs;
  using swar::kOnes;
  // Eight characters -> four bytes per step. Every character is < 0x80 once the high-bit
  // test passes, so adding up to 0x50 to a byte cannot carry into the next one.
  for (; i + 8 <= len; i += 8) {
    const uint64_t x = swar::load(src + i);  // read before the (in-place) store below
    const uint64_t digit = (x + kOnes * (0x80 - '0')) & ~(x + kOnes * (0x80 - '9' - 1));
    const uint64_t upper = (x + kOnes * (0x80 - 'A')) & ~(x + kOnes * (0x80 - 'F' - 1));
    if ((x & kHighs) || ((digit | upper) & kHighs) != kHighs) return kNotKernelHex;
    // '0'-'9' -> low nibble; 'A'-'F' (bit 6 set) -> low nibble + 9.
    const uint64_t v = (x & (kOnes * 0x0F)) + ((x >> 6) & kOnes) * 9;
    // Little endian: the first character of each pair is the high nibble.
    uint64_t w = ((v & 0x00FF00FF00FF00FFull) << 4) | ((v >> 8) & 0x00FF00FF00FF00FFull);
    w = (w | (w >> 8)) & 0x0000FFFF0000FFFFull;
    uint32_t out = static_cast<uint32_t>(w | (w >> 16));
    // Exact zero-byte mask (no false positives: the add cannot carry past 0x7F + 0x7F).
    const uint32_t zero = ~(((out & 0x7F7F7F7Fu) + 0x7F7F7F7Fu) | out) & 0x80808080u;
    if (zero) {
      if (stop_at_nul && cut == kNotKernelHex) cut = n + static_cast<size_t>(__builtin_ctz(zero)) / 8;
      out |= zero >> 2;  // NUL -> ' '
    }
    std::memcpy(dst + n, &out, 4);
    n += 4;
  }
  for (; i < len; i += 2) {
    const int hi = upper_nibble(src[i]), lo = upper_nibble(src[i + 1]);
    if ((hi | lo) < 0) return kNotKernelHex;
    char c = static_cast<char>(hi << 4 | lo);
    if (c == '\0') {
      if (stop_at_nul && cut == kNotKernelHex) cut = n;
      c = ' ';
    }
    dst[n++] = c;
  }
  return cut == kNotKernelHex ? n : cut;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace core
