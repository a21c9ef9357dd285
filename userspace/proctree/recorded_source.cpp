#include "proctree/recorded_source.h"

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace proctree {

bool write_recorded_sample(std::FILE* f, const void* data, size_t size) {
  const uint32_t n = static_cast<uint32_t>(size);
  uint8_t le[4] = {uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24)};
  return std::fwrite(le, 1, 4, f) == 4 && std::fwrite(data, 1, size, f) == size;
}

RecordedSource::RecordedSource(std::string path, uint64_t ns_per_tick)
    : path_(std::move(path)), decoder_(ns_per_tick) {}

RecordedSource::~RecordedSource() {
  if (f_) std::fclose(f_);
}

core::Result<void> RecordedSource::start() {
  f_ = std::fopen(path_.c_str(), "rb");
  if (!f_) return core::make_error("replay: open " + path_ + ": " + std::strerror(errno), errno);
  return {};
}

core::Result<size_t> RecordedSource::poll(int timeout_ms, EventSink& sink) {
  if (done_ || !f_) {
    // Nothing more will come: behave like an idle source, not a busy loop.
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    return size_t(0);
  }
  size_t n = 0;
  // 8-aligned like a ring-buffer sample; a size above 1 MiB is not a sample of ours.
  std::vector<uint64_t> buf;
  for (;;) {
    uint8_t le[4];
    size_t got = std::fread(le, 1, 4, f_);
    if (got == 0) break;
    const uint32_t size = le[0] | (le[1] << 8) | (le[2] << 16) | (uint32_t(le[3]) << 24);
    if (got != 4 || size > (1u << 20)) {
      ++truncated_;
      break;
    }
    buf.resize((size + 7) / 8);
    if (std::fread(buf.data(), 1, size, f_) != size) {
      ++truncated_;
      break;
    }
    ++samples_;
    TreeEvent e;
    if (decoder_.decode(buf.data(), size, e) != DecodeError::kNone) {
      ++decode_errors_;
      continue;
    }
    sink.on_event(e);
    ++n;
  }
  done_ = true;
  return n;
}

std::vector<Counter> RecordedSource::counters() const {
  return {{"replay.samples", samples_.load()}, {"replay.decode_errors", decode_errors_.load()},
          {"replay.truncated", truncated_.load()}};
}

}  // namespace proctree
