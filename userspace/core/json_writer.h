// Append-only JSON writer used on the hot path (replay events, ECS documents).
// Strings from the kernel are hostile: every byte sequence gives valid JSON.
//  - '"', '\\' and control bytes are escaped (\n \r \t \b \f short, others \u00XX);
//  - U+2028/U+2029 are escaped (\u2028) so the output is also safe as JavaScript;
//  - each byte that is not part of a valid UTF-8 sequence (overlong forms, surrogates,
//    > U+10FFFF and truncated sequences included) becomes U+FFFD, one per byte, which is
//    what Auditbeat's Go encoder does, so documents compare equal with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// json_escape reads up to 15 bytes past the end of a string (never past its page);
// AddressSanitizer and MemorySanitizer would report that, so sanitized builds do not.
#if defined(__SANITIZE_ADDRESS__)
#define AUSPEX_NO_OVERREAD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define AUSPEX_NO_OVERREAD 1
#endif
#endif

namespace core {

// Appends s as a JSON string literal (with quotes) to out.
void json_append_string(std::string& out, std::string_view s);

// The room json_escape needs for n input bytes: \u00XX and \ufffd take 6, and 16 bytes
// of slack let it store a whole vector at the tail of a string.
inline constexpr size_t json_escape_bound(size_t n) { return 6 * n + 16; }

// Writes the escaped text of s (no quotes) at dst and returns the end of what it wrote.
// dst must have room for json_escape_bound(s.size()) bytes; bytes between the returned end
// and that bound may be overwritten (runs of plain bytes are copied a word at a time).
// For writers that own their buffer: no capacity check per byte or per run.
char* json_escape(char* dst, std::string_view s);

#if defined(__SSE2__)
// One bit per byte of v that json_escape must look at: '"', '\\', and (signed) < 0x20,
// which is the control bytes and every byte >= 0x80.
inline unsigned json_escape_hits(__m128i v) {
  const __m128i hit =
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                   _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

// json_escape with an inline first step: a string of 1-16 bytes that needs no escaping
// (most values of a document) is checked with one vector compare, without a call.
inline char* json_escape_short(char* dst, std::string_view s) {
#if defined(__SSE2__) && !defined(AUSPEX_NO_OVERREAD)
  if (s.size() - 1 < 16 && (reinterpret_cast<uintptr_t>(s.data()) & 4095) <= 4096 - 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
    if (!(json_escape_hits(v) & ((1u << s.size()) - 1))) return dst + s.size();
  }
#endif
  return json_escape(dst, s);
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { sep(); out_.push_back('{'); first_ = true; return *this; }
  JsonWriter& end_object() { out_.push_back('}'); first_ = false; return *this; }
  JsonWriter& begin_array() { sep(); out_.push_back('['); first_ = true; return *this; }
  JsonWriter& end_array() { out_.push_back(']'); first_ = false; return *this; }
  // Object key; the next value call writes the value.
  JsonWriter& key(std::string_view k) {
    sep();
    json_append_string(out_, k);
    out_.push_back(':');
    first_ = true;  // the value needs no comma
    return *this;
  }
  JsonWriter& string(std::string_view s) { sep(); json_append_string(out_, s); return *this; }
  // A key or string the caller has checked needs no escaping (no byte < 0x20, '"', '\\'
  // or >= 0x80): copied as is.
  JsonWriter& plain_key(std::string_view k) {
    sep();
    out_.push_back('"');
    out_.append(k);
    out_ += "\":";
    first_ = true;
    return *this;
  }
  JsonWriter& plain_string(std::string_view s) {
    sep();
    out_.push_back('"');
    out_.append(s);
    out_.push_back('"');
    return *this;
  }
  JsonWriter& number(int64_t v);
  JsonWriter& unsigned_number(uint64_t v);
  JsonWriter& boolean(bool b) { sep(); out_ += b ? "true" : "false"; return *this; }
  JsonWriter& null() { sep(); out_ += "null"; return *this; }
  // Already-valid JSON text (a nested document built elsewhere).
  JsonWriter& raw(std::string_view json) { sep(); out_ += json; return *this; }

  std::string& out() { return out_; }

 private:
  void sep() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace core
