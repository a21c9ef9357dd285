// The JSON writer of the document writer: core::JsonWriter's shape, with keys written
// without the escaping pass when they are plain ASCII names (every key of ours is: record
// keys are filtered to [a-z0-9_-] before they get here), which is a tenth of the time of a
// document. Values go through core::json_append_string (hostile-input safe).
#pragma once

#include <charconv>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace ecs {

class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}

  JsonOut& begin_object() { sep(); out_.push_back('{'); first_ = true; return *this; }
  JsonOut& end_object() { out_.push_back('}'); first_ = false; return *this; }
  JsonOut& begin_array() { sep(); out_.push_back('['); first_ = true; return *this; }
  JsonOut& end_array() { out_.push_back(']'); first_ = false; return *this; }
  JsonOut& key(std::string_view k) {
    if (plain(k)) {
      // One resize and one copy: keys are the most frequent write of a document.
      const size_t n = out_.size();
      const size_t comma = first_ ? 0 : 1;
      out_.resize(n + comma + k.size() + 3);
      char* p = out_.data() + n;
      if (comma) *p++ = ',';
      *p++ = '"';
      std::memcpy(p, k.data(), k.size());
      p += k.size();
      p[0] = '"';
      p[1] = ':';
    } else {
      sep();
      core::json_append_string(out_, k);
      out_.push_back(':');
    }
    first_ = true;
    return *this;
  }
  // A key known at compile time to be a plain name: no check, one append.
  JsonOut& lit(std::string_view k) {
    if (k.size() > 56) return key(k);
    char buf[64];
    size_t n = 0;
    if (!first_) buf[n++] = ',';
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
    first_ = true;
    return *this;
  }
  JsonOut& string(std::string_view s) {
    // Most values are short and plain (ids, names, hex arguments): one check, one append.
    // Anything else goes through the full escaper.
    if (s.size() <= 48) {
      char buf[52];
      size_t n = 0;
      if (!first_) buf[n++] = ',';
      buf[n++] = '"';
      bool plain_text = true;
      for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        plain_text = plain_text && u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
        buf[n++] = c;
      }
      if (plain_text) {
        buf[n++] = '"';
        out_.append(buf, n);
        first_ = false;
        return *this;
      }
    }
    sep();
    core::json_append_string(out_, s);
    return *this;
  }
  // A value the record split already found free of bytes that need escaping.
  JsonOut& plain_string(std::string_view s) {
    const size_t n = out_.size();
    const size_t comma = first_ ? 0 : 1;
    out_.resize(n + comma + s.size() + 2);
    char* p = out_.data() + n;
    if (comma) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '"';
    first_ = false;
    return *this;
  }
  JsonOut& number(int64_t v) { sep(); append_num(v); return *this; }
  JsonOut& boolean(bool b) { sep(); out_ += b ? "true" : "false"; return *this; }
  // Members ("k":v,"k2":v2) already written as valid JSON elsewhere, joined to this object.
  JsonOut& members(std::string_view json) {
    if (json.empty()) return *this;
    sep();
    out_.append(json);
    return *this;
  }
  JsonOut& unsigned_number(uint64_t v) { sep(); append_num(v); return *this; }

 private:
  static bool plain(std::string_view k) {
    for (char c : k) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
                      c == '@' || (c >= 'A' && c <= 'Z');
      if (!ok) return false;
    }
    return true;
  }
  template <typename T>
  void append_num(T v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<size_t>(p - buf));
  }
  void sep() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace ecs
