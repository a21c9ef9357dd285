#include "core/hex.h"

namespace core {
namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
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
