#include "core/hex.h"

#include <cstdint>
#include <cstring>

#include "core/swar.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
#if defined(__SSE2__)
  // Sixteen characters -> eight bytes per step.
  for (; i + 16 <= len; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));  // before the store
    // Signed compares: bytes >= 0x80 are negative and fail both ranges.
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('F' + 1)));
    if (_mm_movemask_epi8(_mm_or_si128(digit, upper)) != 0xFFFF) return kNotKernelHex;
    // '0'-'9' -> low nibble; 'A'-'F' (bit 6 set) -> low nibble + 9.
    const __m128i six = _mm_and_si128(_mm_srli_epi16(x, 6), _mm_set1_epi8(1));
    const __m128i v = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0F)), _mm_add_epi8(_mm_slli_epi16(six, 3), six));
    // Each 16-bit lane holds (high nibble, low nibble): combine, then pack to bytes.
    const __m128i w = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 4), _mm_srli_epi16(v, 8));
    __m128i out = _mm_packus_epi16(w, w);
    const __m128i zero = _mm_cmpeq_epi8(out, _mm_setzero_si128());
    if (const unsigned z = static_cast<unsigned>(_mm_movemask_epi8(zero)) & 0xFF) {
      if (stop_at_nul && cut == kNotKernelHex) cut = n + static_cast<size_t>(__builtin_ctz(z));
      out = _mm_or_si128(out, _mm_and_si128(zero, _mm_set1_epi8(' ')));  // NUL -> ' '
    }
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + n), out);
    n += 8;
  }
#endif
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
