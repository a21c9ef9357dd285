// NDJSON to a file descriptor (stdout, a file, a pipe) with one large user-space buffer so
// a write(2) carries many documents.
#pragma once

#include <sys/uio.h>

#include <string>
#include <vector>

#include "sinks/sink.h"

namespace sinks {

class FdSink final : public Sink {
 public:
  explicit FdSink(int fd, size_t buffer_size = 1 << 20);
  ~FdSink() override { flush(); }
  void write(std::string_view bytes) override;
  void write_parts(const std::string_view* parts, size_t n) override;
  void write_parts_now(const std::string_view* parts, size_t n) override;
  void flush() override;
  uint64_t errors() const override { return errors_; }
  uint64_t bytes_written() const override { return written_; }
  bool may_stall() const override { return may_stall_; }
  int last_errno() const { return last_errno_; }

 private:
  int fd_;
  size_t limit_;
  std::string buffer_;
  uint64_t errors_ = 0;
  uint64_t written_ = 0;
  int last_errno_ = 0;
  bool may_stall_ = true;  // not a regular file (fstat at construction)
  std::vector<iovec> iov_;  // write_direct's, kept: no allocation per write
  void write_direct(const std::string_view* parts, size_t n);
};

}  // namespace sinks
