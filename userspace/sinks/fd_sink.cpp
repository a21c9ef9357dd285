#include "sinks/fd_sink.h"

#include <cerrno>
#include <unistd.h>

namespace sinks {

void FdSink::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > limit_) flush();
  if (bytes.size() >= limit_) {
    buffer_.append(bytes);
    flush();
    return;
  }
  buffer_.append(bytes);
}

void FdSink::flush() {
  size_t off = 0;
  while (off < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      // A closed pipe or full disk: the bytes are lost, and counted as a sink error.
      last_errno_ = errno;
      ++errors_;
      break;
    }
    off += static_cast<size_t>(n);
    written_ += static_cast<uint64_t>(n);
  }
  buffer_.clear();
}

}  // namespace sinks
