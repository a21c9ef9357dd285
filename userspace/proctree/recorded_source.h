// Ring-buffer samples recorded to a file (`auspex proctree --record FILE`) and replayed
// without root or BPF (`--replay FILE`, tests). Format: per sample a little-endian u32 size,
// then the sample bytes exactly as the ring buffer handed them.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "proctree/abi_decode.h"
#include "proctree/event_source.h"

namespace proctree {

// Appends one sample; false on a write error.
bool write_recorded_sample(std::FILE* f, const void* data, size_t size);

class RecordedSource final : public EventSource {
 public:
  explicit RecordedSource(std::string path, uint64_t ns_per_tick = 10'000'000);
  ~RecordedSource() override;
  std::string_view name() const override { return "replay"; }
  core::Result<void> start() override;
  // Delivers the whole file on the first call (in order), then nothing.
  core::Result<size_t> poll(int timeout_ms, EventSink& sink) override;
  void wake() override {}
  // Everything is delivered by the first poll: lookups need not wait after it.
  bool drained() const override { return done_.load(); }
  std::vector<Counter> counters() const override;

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  AbiDecoder decoder_;
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> samples_{0}, decode_errors_{0}, truncated_{0};  // read by counters()
};

}  // namespace proctree
