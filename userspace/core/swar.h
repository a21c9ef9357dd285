// Eight bytes at a time: tests used by the hot scanners (field splitting, JSON escaping)
// to skip runs of ordinary bytes. Each test may report a false positive in a word that
// also has a true one, never a false negative, so callers recheck flagged words bytewise.
#pragma once

#include <cstdint>
#include <cstring>

namespace core::swar {

inline constexpr uint64_t kOnes = 0x0101010101010101ull;
inline constexpr uint64_t kHighs = 0x8080808080808080ull;

inline uint64_t load(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
// Some byte < n (n <= 128).
inline uint64_t has_less(uint64_t x, uint8_t n) { return (x - kOnes * n) & ~x & kHighs; }
// Some byte == b.
inline uint64_t has_byte(uint64_t x, uint8_t b) {
  const uint64_t y = x ^ (kOnes * b);
  return (y - kOnes) & ~y & kHighs;
}

}  // namespace core::swar
