#include "core/json_writer.h"

#include <bit>
#include <charconv>
#include <cstring>

#include "core/swar.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace core {
namespace {

// Length of the valid UTF-8 sequence starting at p (1..4), or 0 if the byte at p does not
// start one. Follows RFC 3629 / Unicode Table 3-7 (no overlongs, no surrogates).
size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return p + i < end && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Bytes JSON cannot take as they are, or that need a UTF-8 check: < 0x20, '"', '\\', >= 0x80.
// The lowest flagged byte of a word is always a true one (has_less/has_byte only give false
// positives above a true positive), so its index is exact.
inline uint64_t special_bytes(uint64_t w) {
  return swar::has_less(w, 0x20) | swar::has_byte(w, '"') | swar::has_byte(w, '\\') | (w & swar::kHighs);
}

inline bool special_byte(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

}  // namespace

char* json_escape(char* dst, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  for (;;) {
    // Plain bytes are copied a vector or word at a time: stored before they are checked,
    // keeping only the plain prefix (the caller's room covers the overhang: a store of 16
    // bytes happens with >= 16 bytes of input left, whose bound is >= 96).
#if defined(__SSE2__)
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
      if (const unsigned m = json_escape_hits(v)) {
        const unsigned k = static_cast<unsigned>(std::countr_zero(m));
        p += k;
        dst += k;
        goto special;
      }
      p += 16;
      dst += 16;
    }
#if !defined(AUSPEX_NO_OVERREAD)
    // The last 1-15 bytes in one vector: the load may run past the input but not into the
    // next page (so it cannot fault), the store stays within the caller's 16 bytes of
    // slack, and only hits inside the input count.
    if (p < end && (reinterpret_cast<uintptr_t>(p) & 4095) <= 4096 - 16) {
      const size_t left = static_cast<size_t>(end - p);
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
      const unsigned m = json_escape_hits(v) & ((1u << left) - 1);
      if (!m) return dst + left;
      const unsigned k = static_cast<unsigned>(std::countr_zero(m));
      p += k;
      dst += k;
      goto special;
    }
#endif
#endif
    if constexpr (std::endian::native == std::endian::little) {
      while (end - p >= 8) {
        const uint64_t w = swar::load(reinterpret_cast<const char*>(p));
        std::memcpy(dst, &w, 8);
        if (const uint64_t m = special_bytes(w)) {
          const unsigned k = static_cast<unsigned>(std::countr_zero(m)) >> 3;
          p += k;
          dst += k;
          goto special;
        }
        p += 8;
        dst += 8;
      }
    }
    while (p < end && !special_byte(*p)) *dst++ = static_cast<char>(*p++);
    if (p == end) return dst;
  special:
    const unsigned char c = *p;
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(p, end);
      if (n == 3 && c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
        std::memcpy(dst, p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        dst += 6;
        p += 3;
      } else if (n) {
        for (size_t i = 0; i < n; ++i) *dst++ = static_cast<char>(p[i]);
        p += n;
      } else {
        std::memcpy(dst, "\\ufffd", 6);
        dst += 6;
        ++p;
      }
      continue;
    }
    dst[0] = '\\';
    switch (c) {
      case '"': dst[1] = '"'; dst += 2; break;
      case '\\': dst[1] = '\\'; dst += 2; break;
      case '\n': dst[1] = 'n'; dst += 2; break;
      case '\r': dst[1] = 'r'; dst += 2; break;
      case '\t': dst[1] = 't'; dst += 2; break;
      case '\b': dst[1] = 'b'; dst += 2; break;
      case '\f': dst[1] = 'f'; dst += 2; break;
      default:
        std::memcpy(dst + 1, "u00", 3);
        dst[4] = kHex[c >> 4];
        dst[5] = kHex[c & 15];
        dst += 6;
    }
    ++p;
  }
}

void json_append_string(std::string& out, std::string_view s) {
  const size_t base = out.size();
  out.resize(base + json_escape_bound(s.size()) + 2);
  char* dst = out.data() + base;
  *dst++ = '"';
  dst = json_escape(dst, s);
  *dst++ = '"';
  out.resize(static_cast<size_t>(dst - out.data()));
}

JsonWriter& JsonWriter::number(int64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::unsigned_number(uint64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  return *this;
}

}  // namespace core
