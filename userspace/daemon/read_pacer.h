// How long the reader pauses before a read, so that records gather into batches: one
// wake-up of the reader, each worker and the writer per batch instead of per record or two.
#pragma once

#include <cstddef>

namespace daemon_cli {

class ReadPacer {
 public:
  // target: records a batch aims at; max_ms: the longest pause (the latency it may add).
  ReadPacer(double target, double max_ms) : target_(target), max_ms_(max_ms) { set_max_ms(max_ms); }

  // The pause before the next read, from min(2, max) to max ms.
  double pause_ms() const { return pause_ms_; }
  void set_max_ms(double max_ms);

  // After each read: how long the reader paused before it (0: none), the records it got,
  // and whether it stopped at its bound with more queued.
  void after_read(double paused_ms, size_t got, bool behind);

  double records_per_ms() const { return records_per_ms_; }

 private:
  void resize();
  double target_, max_ms_;
  double pause_ms_ = 5;
  double records_per_ms_ = 0;  // moving average over pauses: workloads arrive in bursts
};

}  // namespace daemon_cli
