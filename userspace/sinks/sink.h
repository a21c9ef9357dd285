// Where serialized NDJSON goes. Called from one writer thread only.
#pragma once

#include <cstdint>
#include <string_view>

namespace sinks {

class Sink {
 public:
  virtual ~Sink() = default;
  // Writes all of bytes or counts an error; never throws.
  virtual void write(std::string_view bytes) = 0;
  virtual void flush() {}
  virtual uint64_t errors() const = 0;
  virtual uint64_t bytes_written() const = 0;
};

}  // namespace sinks
