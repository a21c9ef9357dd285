// Errors as values on every path that can fail (STYLE: no exceptions on the hot path).
// Result<T> has the shape of C++23 std::expected<T, Error>, which gcc 12/clang 14 lack.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace core {

// A fatal or reportable error: a message that names the thing (file, line, field, errno).
struct Error {
  std::string message;
  int code = 0;  // errno or a stage-specific code; 0 when none applies
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(std::string message, int code = 0) {
  return Error{std::move(message), code};
}

}  // namespace core
