#include "sinks/fd_sink.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

namespace sinks {

FdSink::FdSink(int fd, size_t buffer_size) : fd_(fd), limit_(buffer_size) {
  buffer_.reserve(buffer_size);
  struct stat st;
  may_stall_ = !(::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode));
}

void FdSink::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > limit_) flush();
  if (bytes.size() >= limit_) {
    buffer_.append(bytes);
    flush();
    return;
  }
  buffer_.append(bytes);
}

void FdSink::write_parts(const std::string_view* parts, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += parts[i].size();
  // Small batches are cheaper to copy into the buffer; large ones go straight to the kernel
  // with writev, saving a copy of every document.
  if (total < limit_ / 2) {
    for (size_t i = 0; i < n; ++i) write(parts[i]);
    return;
  }
  flush();
  write_direct(parts, n);
}

void FdSink::write_parts_now(const std::string_view* parts, size_t n) {
  flush();
  write_direct(parts, n);
}

void FdSink::write_direct(const std::string_view* parts, size_t n) {
  std::vector<iovec>& iov = iov_;
  size_t i = 0;
  while (i < n) {
    iov.clear();
    for (size_t j = i; j < n && iov.size() < IOV_MAX; ++j)
      if (!parts[j].empty()) iov.push_back({const_cast<char*>(parts[j].data()), parts[j].size()});
    const size_t next = i + (n - i < static_cast<size_t>(IOV_MAX) ? n - i : static_cast<size_t>(IOV_MAX));
    size_t k = 0;
    while (k < iov.size()) {
      ssize_t w = ::writev(fd_, iov.data() + k, static_cast<int>(iov.size() - k));
      if (w < 0) {
        if (errno == EINTR) continue;
        last_errno_ = errno;
        ++errors_;
        return;
      }
      written_ += static_cast<uint64_t>(w);
      // Skip what was written, resuming inside a partly written piece.
      size_t left = static_cast<size_t>(w);
      while (k < iov.size() && left >= iov[k].iov_len) left -= iov[k++].iov_len;
      if (k < iov.size()) {
        iov[k].iov_base = static_cast<char*>(iov[k].iov_base) + left;
        iov[k].iov_len -= left;
      }
    }
    i = next;
  }
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
