// The eBPF backend: loads bpf/proctree.bpf.c (skeleton), consumes its ring buffer, decodes
// samples with AbiDecoder. Everything loaded is released by the destructor.
#pragma once

#include <cstdio>
#include <memory>

#include "proctree/abi_decode.h"
#include "proctree/event_source.h"

namespace proctree {

class BpfSource final : public EventSource {
 public:
  explicit BpfSource(uint64_t ns_per_tick = 10'000'000);
  ~BpfSource() override;
  BpfSource(const BpfSource&) = delete;
  BpfSource& operator=(const BpfSource&) = delete;

  std::string_view name() const override { return "ebpf"; }
  core::Result<void> start() override;
  core::Result<size_t> poll(int timeout_ms, EventSink& sink) override;
  void wake() override;
  bool drained() const override;
  bool try_consume(EventSink& sink) override;
  std::vector<Counter> counters() const override;

  // Also appends every sample to f (recorded_source.h format); call before start().
  void record_to(std::FILE* f);

  // Called by the ring-buffer callback.
  int on_sample(const void* data, size_t size);

 private:
  core::Result<size_t> consume_locked(EventSink& sink);  // holding Impl::consume_mu
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace proctree
