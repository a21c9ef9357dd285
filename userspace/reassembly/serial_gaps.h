// Counts serials that never arrived. Live, a gap is loss (the kernel skipped or dropped
// events); in auditd logs gaps are normal (events without a matching rule still consume
// serials), so replay reports them as `serial_gaps`, never as loss.
//
// Serials wrap at 2^32 and arrive slightly out of order: a window of recent serials is
// kept per node, and a serial counts as missing once it falls out of the window unseen
// (or at finish()).
#pragma once

#include <cstdint>
#include <vector>

namespace reassembly {

class SerialGapTracker {
 public:
  explicit SerialGapTracker(uint32_t window = 4096);
  void observe(uint32_t node_id, uint32_t serial);
  // Counts every still-unseen serial between the lowest and highest seen.
  void finish();
  uint64_t missing() const { return missing_; }

 private:
  struct Node {
    bool started = false;
    uint32_t high = 0;           // highest serial seen (modulo 2^32 order)
    uint32_t low = 0;            // lowest serial still tracked by the window
    std::vector<uint8_t> seen;   // ring: seen[s % window]
  };
  void slide_to(Node& n, uint32_t new_high);
  uint32_t window_;
  std::vector<Node> nodes_;
  uint64_t missing_ = 0;
};

}  // namespace reassembly
