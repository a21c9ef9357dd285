#include "sinks/rotating_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sinks {

core::Result<std::unique_ptr<RotatingFileSink>> RotatingFileSink::open(std::string path, uint64_t max_bytes,
                                                                       uint32_t keep) {
  std::unique_ptr<RotatingFileSink> s(new RotatingFileSink(std::move(path), max_bytes, keep));
  if (auto r = s->open_file(); !r) return r.error();
  return s;
}

RotatingFileSink::~RotatingFileSink() {
  flush();
  out_.reset();
  if (fd_ >= 0) ::close(fd_);
}

core::Result<void> RotatingFileSink::open_file() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) return core::make_error("output " + path_ + ": cannot open: " + std::strerror(errno), errno);
  struct stat st{};
  current_ = ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  out_ = std::make_unique<FdSink>(fd_);
  return {};
}

void RotatingFileSink::rotate() {
  out_->flush();
  errors_ += out_->errors();
  out_.reset();
  ::close(fd_);
  fd_ = -1;
  if (keep_ == 0) {
    ::unlink(path_.c_str());
  } else {
    ::unlink((path_ + "." + std::to_string(keep_)).c_str());
    for (uint32_t i = keep_; i > 1; --i)
      ::rename((path_ + "." + std::to_string(i - 1)).c_str(), (path_ + "." + std::to_string(i)).c_str());
    ::rename(path_.c_str(), (path_ + ".1").c_str());
  }
  ++rotations_;
  if (!open_file()) ++errors_;
}

void RotatingFileSink::write(std::string_view bytes) {
  // Pipelines hand over several documents at once; split at line ends so each file holds
  // whole lines and stays under max_ where a single line allows it.
  while (!bytes.empty()) {
    if (!out_) {
      ++errors_;
      return;
    }
    size_t take = bytes.size();
    if (max_ && current_ + take > max_) {
      const size_t room = current_ < max_ ? static_cast<size_t>(max_ - current_) : 0;
      const size_t cut = room ? bytes.substr(0, room).rfind('\n') : std::string_view::npos;
      if (cut != std::string_view::npos) {
        take = cut + 1;
      } else if (current_ > 0) {
        rotate();
        continue;
      } else {
        // One line longer than max_: it gets a file of its own.
        const size_t nl = bytes.find('\n');
        take = nl == std::string_view::npos ? bytes.size() : nl + 1;
      }
    }
    out_->write(bytes.substr(0, take));
    current_ += take;
    total_ += take;
    bytes.remove_prefix(take);
  }
}

void RotatingFileSink::write_parts(const std::string_view* parts, size_t n) { write_batch(parts, n, false); }

void RotatingFileSink::write_parts_now(const std::string_view* parts, size_t n) { write_batch(parts, n, true); }

void RotatingFileSink::write_batch(const std::string_view* parts, size_t n, bool now) {
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) bytes += parts[i].size();
  if (!out_ || (max_ && current_ + bytes > max_)) {
    // Piece by piece: rotation cuts between lines.
    if (now) Sink::write_parts_now(parts, n);
    else Sink::write_parts(parts, n);
    return;
  }
  if (now) out_->write_parts_now(parts, n);
  else out_->write_parts(parts, n);
  current_ += bytes;
  total_ += bytes;
}

void RotatingFileSink::flush() {
  if (out_) out_->flush();
}

}  // namespace sinks
