// The JSON writer of the document writer: core::JsonWriter's shape, writing through a
// pointer into a buffer the document writer owns and reuses (one room check per write, no
// std::string bookkeeping per piece; the finished document is appended to the output in
// one copy). Keys and values go through core::json_escape (hostile-input safe); short
// ones that need no escaping (every key of ours: record keys are filtered to [a-z0-9_-]
// before they get here) take one inline vector compare. Keys written as literals in our
// code skip the check.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/json_writer.h"

namespace ecs {

// A growable byte area that is never shrunk: a warmed-up writer does not allocate. Its own
// string, or the part of a caller's string from an offset on, so a document can be written
// where it will stay (the string's size is the room; its bytes past `at` are overwritten).
class JsonBuffer {
 public:
  JsonBuffer() : s_(&own_) {}
  JsonBuffer(std::string& s, size_t at) : s_(&s), at_(at) {}
  JsonBuffer(const JsonBuffer&) = delete;
  JsonBuffer& operator=(const JsonBuffer&) = delete;
  char* data() { return s_->data() + at_; }
  size_t capacity() const { return s_->size() - at_; }
  // Makes room for at least `need` bytes after the first `used`, keeping those.
  [[gnu::noinline]] void grow(size_t used, size_t need) {
    size_t cap = capacity() < 4096 ? 4096 : capacity();
    while (cap < used + need) cap *= 2;
    s_->resize(at_ + cap);  // only ever up: the zero fill happens once per size
  }

 private:
  std::string own_;
  std::string* s_;
  size_t at_ = 0;
};

class JsonOut {
 public:
  explicit JsonOut(JsonBuffer& buf) : buf_(buf), p_(buf.data()), end_(buf.data() + buf.capacity()) {}

  // The bytes written so far.
  std::string_view view() const { return std::string_view(buf_.data(), static_cast<size_t>(p_ - buf_.data())); }

  [[gnu::always_inline]] JsonOut& begin_object() { return open('{'); }
  [[gnu::always_inline]] JsonOut& end_object() { return close('}'); }
  [[gnu::always_inline]] JsonOut& begin_array() { return open('['); }
  [[gnu::always_inline]] JsonOut& end_array() { return close(']'); }
  // A key is escaped like any string (record keys are plain names, so that is one inline
  // vector compare for keys of up to 16 bytes).
  [[gnu::always_inline]] JsonOut& key(std::string_view k) {
    room(core::json_escape_bound(k.size()) + 4);
    if (!first_) *p_++ = ',';
    *p_++ = '"';
    p_ = core::json_escape_short(p_, k);
    p_[0] = '"';
    p_[1] = ':';
    p_ += 2;
    first_ = true;
    return *this;
  }
  // A key written as a literal in our code (a plain name): no check, and a copy of a size
  // known at compile time.
  template <size_t N>
  [[gnu::always_inline]] JsonOut& lit(const char (&k)[N]) {
    room(N + 3);
    if (!first_) *p_++ = ',';
    *p_++ = '"';
    std::memcpy(p_, k, N - 1);
    p_ += N - 1;
    p_[0] = '"';
    p_[1] = ':';
    p_ += 2;
    first_ = true;
    return *this;
  }
  [[gnu::always_inline]] JsonOut& string(std::string_view s) {
    room(core::json_escape_bound(s.size()) + 3);
    if (!first_) *p_++ = ',';
    *p_++ = '"';
    p_ = core::json_escape_short(p_, s);
    *p_++ = '"';
    first_ = false;
    return *this;
  }
  // A string value written in pieces: open_string(), then escaped(...) as often as needed,
  // then close_string().
  [[gnu::always_inline]] JsonOut& open_string() {
    room(2);
    if (!first_) *p_++ = ',';
    *p_++ = '"';
    return *this;
  }
  [[gnu::always_inline]] JsonOut& escaped(std::string_view s) {
    room(core::json_escape_bound(s.size()));
    p_ = core::json_escape(p_, s);
    return *this;
  }
  // Bytes known to need no escaping, inside an open string.
  [[gnu::always_inline]] JsonOut& verbatim(std::string_view s) {
    room(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
    return *this;
  }
  [[gnu::always_inline]] JsonOut& close_string() {
    room(1);
    *p_++ = '"';
    first_ = false;
    return *this;
  }
  // A value the record split already found free of bytes that need escaping.
  [[gnu::always_inline]] JsonOut& plain_string(std::string_view s) {
    room(s.size() + 3);
    if (!first_) *p_++ = ',';
    *p_++ = '"';
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
    *p_++ = '"';
    first_ = false;
    return *this;
  }
  [[gnu::always_inline]] JsonOut& number(int64_t v) { return num(v); }
  [[gnu::always_inline]] JsonOut& unsigned_number(uint64_t v) { return num(v); }
  [[gnu::always_inline]] JsonOut& boolean(bool b) { return raw(b ? std::string_view("true") : std::string_view("false")); }
  // Members ("k":v,"k2":v2) already written as valid JSON elsewhere, joined to this object.
  [[gnu::always_inline]] JsonOut& members(std::string_view json) {
    if (json.empty()) return *this;
    return raw(json);
  }

 private:
  [[gnu::always_inline]] void room(size_t n) {
    if (static_cast<size_t>(end_ - p_) >= n) [[likely]]
      return;
    const size_t used = static_cast<size_t>(p_ - buf_.data());
    buf_.grow(used, n);
    p_ = buf_.data() + used;
    end_ = buf_.data() + buf_.capacity();
  }
  [[gnu::always_inline]] JsonOut& open(char c) {
    room(2);
    if (!first_) *p_++ = ',';
    *p_++ = c;
    first_ = true;
    return *this;
  }
  [[gnu::always_inline]] JsonOut& close(char c) {
    room(1);
    *p_++ = c;
    first_ = false;
    return *this;
  }
  [[gnu::always_inline]] JsonOut& raw(std::string_view json) {
    room(json.size() + 1);
    if (!first_) *p_++ = ',';
    std::memcpy(p_, json.data(), json.size());
    p_ += json.size();
    first_ = false;
    return *this;
  }
  template <typename T>
  [[gnu::always_inline]] JsonOut& num(T v) {
    room(24);
    if (!first_) *p_++ = ',';
    p_ = std::to_chars(p_, p_ + 21, v).ptr;
    first_ = false;
    return *this;
  }

  JsonBuffer& buf_;
  char* p_;
  char* end_;
  bool first_ = true;
};

}  // namespace ecs
