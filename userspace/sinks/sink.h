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
  // Several pieces in order, as if written one after the other. Sinks that can hand them to
  // the kernel without copying (writev) override it.
  virtual void write_parts(const std::string_view* parts, size_t n) {
    for (size_t i = 0; i < n; ++i) write(parts[i]);
  }
  // write_parts, then flush: the pieces reach the kernel now, so a sink may hand them over
  // without copying them into its buffer first (a live writer with nothing else waiting).
  virtual void write_parts_now(const std::string_view* parts, size_t n) {
    write_parts(parts, n);
    flush();
  }
  virtual void flush() {}
  // Whether a write can wait on someone else indefinitely (a pipe or socket nobody reads, a
  // terminal): a caller that must never block, the live reader, then leaves writing to a
  // thread of its own. A regular file's writes only wait on the disk.
  virtual bool may_stall() const { return true; }
  virtual uint64_t errors() const = 0;
  virtual uint64_t bytes_written() const = 0;
};

}  // namespace sinks
