// The JSON writer of the document writer: core::JsonWriter's shape, with keys written
// without the escaping pass when they are plain ASCII names (every key of ours is: record
// keys are filtered to [a-z0-9_-] before they get here), which is a tenth of the time of a
// document. Values go through core::json_append_string (hostile-input safe).
#pragma once

#include <charconv>
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
    sep();
    if (plain(k)) {
      out_.push_back('"');
      out_.append(k);
      out_.append("\":", 2);
    } else {
      core::json_append_string(out_, k);
      out_.push_back(':');
    }
    first_ = true;
    return *this;
  }
  JsonOut& string(std::string_view s) { sep(); core::json_append_string(out_, s); return *this; }
  JsonOut& number(int64_t v) { sep(); append_num(v); return *this; }
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
