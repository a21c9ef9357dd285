#include "pipeline/log_reader.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <unistd.h>

namespace pipeline {

void LogReader::report(record::HeaderError e, std::string_view line) {
  ++stats_.bad_lines[static_cast<size_t>(e)];
  if (!options_.errors) return;
  if (reported_ < options_.max_reported_errors) {
    const size_t shown = line.size() < 80 ? line.size() : 80;
    std::string preview;
    for (char c : line.substr(0, shown))
      preview.push_back(static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e ? '?' : c);
    std::fprintf(options_.errors, "%s:%llu: %s; skipped: %s%s\n", name_.c_str(),
                 static_cast<unsigned long long>(stats_.lines), record::to_string(e),
                 preview.c_str(), line.size() > shown ? "..." : "");
  } else if (reported_ == options_.max_reported_errors) {
    std::fprintf(options_.errors, "%s: further bad lines are counted but not shown (see --stats)\n",
                 name_.c_str());
  }
  ++reported_;
}

void LogReader::feed_line(std::string_view line) {
  ++stats_.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  reassembly::Input in;
  const record::HeaderError e = record::parse_log_header(line, in.header);
  if (e == record::HeaderError::kEmpty) {
    ++stats_.blank_lines;
    return;
  }
  if (e != record::HeaderError::kNone) {
    report(e, line);
    return;
  }
  ++stats_.records;
  in.line = line;
  in.node_id = nodes_.intern(in.header.node);
  in.index = index_++;
  in.line_no = stats_.lines;
  // The node's clock is the latest log time seen on it, so it never runs backwards and
  // events open in clock order (their timeouts then close in FIFO order, exactly).
  if (in.node_id >= node_clock_.size()) node_clock_.resize(in.node_id + 1, INT64_MIN);
  int64_t& clock = node_clock_[in.node_id];
  if (in.header.time_ms() > clock) clock = in.header.time_ms();
  in.clock_ms = clock;
  in.stable = stable_;
  gaps_.observe(in.node_id, in.header.serial);
  pipeline_.set_clock(in.node_id, in.clock_ms);
  pipeline_.add(in);
}

LogReader::~LogReader() {
  if (mapped_) ::munmap(mapped_, mapped_size_);
}

void LogReader::finish() {
  gaps_.finish();
  stats_.serial_gaps = gaps_.missing();
}

core::Result<void> LogReader::read_mapped(int fd, uint64_t size) {
  // A regular file is mapped whole: lines are views into the page cache, with no copy into
  // a read buffer and no carrying of split lines. Not MAP_POPULATE: mapping every page up
  // front took ~20 ms for a 43 MB log on this thread before the workers had anything to do;
  // faulted in as read (64 KiB at a time), the cost overlaps their work.
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return core::make_error(name_ + ": mmap failed: " + std::strerror(errno), errno);
  ::madvise(p, size, MADV_SEQUENTIAL);
  mapped_ = p;
  mapped_size_ = size;
  stable_ = true;  // events point into the mapping: no copy of any record
  const char* data = static_cast<const char*>(p);
  size_t start = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (start < size) {
    const void* nl = std::memchr(data + start, '\n', size - start);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
    feed_line(std::string_view(data + start, end - start));
    start = end + 1;
    stats_.bytes = start < size ? start : size;
    if (options_.progress && options_.errors && (stats_.lines & 0xfff) == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_progress >= std::chrono::milliseconds(options_.progress_interval_ms)) {
        last_progress = now;
        std::fprintf(options_.errors, "\rreplay: %llu/%llu MB, %llu records",
                     static_cast<unsigned long long>(stats_.bytes >> 20),
                     static_cast<unsigned long long>(size >> 20), static_cast<unsigned long long>(stats_.records));
        std::fflush(options_.errors);
      }
    }
  }
  stable_ = false;
  if (options_.progress && options_.errors) std::fprintf(options_.errors, "\r\033[K");
  return {};
}

core::Result<void> LogReader::read_fd(int fd, std::string_view name, uint64_t size_hint) {
  name_ = std::string(name);
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    return read_mapped(fd, static_cast<uint64_t>(st.st_size));
  std::string block;
  block.resize(options_.block_size);
  size_t carry = 0;  // bytes of an unfinished line kept at the start of block
  auto last_progress = std::chrono::steady_clock::now();
  for (;;) {
    if (carry == block.size()) block.resize(block.size() * 2);  // a line longer than a block
    ssize_t n = ::read(fd, block.data() + carry, block.size() - carry);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::make_error(name_ + ": read failed: " + std::strerror(errno), errno);
    }
    stats_.bytes += static_cast<uint64_t>(n);
    const size_t filled = carry + static_cast<size_t>(n);
    std::string_view data(block.data(), filled);
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(data.data() + start, '\n', filled - start);
      if (!nl) break;
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - data.data());
      feed_line(data.substr(start, end - start));
      start = end + 1;
    }
    if (n == 0) {
      if (start < filled) feed_line(data.substr(start));  // last line without newline
      break;
    }
    carry = filled - start;
    if (carry) std::memmove(block.data(), block.data() + start, carry);
    if (options_.progress && options_.errors) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_progress >= std::chrono::milliseconds(options_.progress_interval_ms)) {
        last_progress = now;
        if (size_hint)
          std::fprintf(options_.errors, "\rreplay: %llu/%llu MB, %llu records",
                       static_cast<unsigned long long>(stats_.bytes >> 20),
                       static_cast<unsigned long long>(size_hint >> 20),
                       static_cast<unsigned long long>(stats_.records));
        else
          std::fprintf(options_.errors, "\rreplay: %llu MB, %llu records",
                       static_cast<unsigned long long>(stats_.bytes >> 20),
                       static_cast<unsigned long long>(stats_.records));
        std::fflush(options_.errors);
      }
    }
  }
  if (options_.progress && options_.errors) std::fprintf(options_.errors, "\r\033[K");
  return {};
}

}  // namespace pipeline
