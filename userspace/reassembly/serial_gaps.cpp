#include "reassembly/serial_gaps.h"

namespace reassembly {

SerialGapTracker::SerialGapTracker(uint32_t window) : window_(window ? window : 1) {}

void SerialGapTracker::slide_to(Node& n, uint32_t new_high) {
  // Invariant: ring slots outside [low, high] are 0, and [low, high] spans < window.
  const uint32_t target_low = new_high - window_ + 1;
  if (static_cast<int32_t>(target_low - n.low) > 0) {
    // Settle [low, target_low): tracked serials unseen are missing, and serials past the
    // old high that the window skips entirely are missing in bulk (no per-serial loop).
    const uint32_t tracked_end =
        static_cast<int32_t>(target_low - (n.high + 1)) > 0 ? n.high + 1 : target_low;
    for (uint32_t v = n.low; v != tracked_end; ++v) {
      uint8_t& s = n.seen[v % window_];
      if (!s) ++missing_;
      s = 0;
    }
    if (tracked_end != target_low) missing_ += target_low - tracked_end;
    n.low = target_low;
  }
  n.high = new_high;
}

void SerialGapTracker::observe(uint32_t node_id, uint32_t serial) {
  if (node_id >= nodes_.size()) nodes_.resize(node_id + 1);
  Node& n = nodes_[node_id];
  if (!n.started) {
    n.started = true;
    n.seen.assign(window_, 0);
    n.high = n.low = serial;
    n.seen[serial % window_] = 1;
    return;
  }
  const int32_t ahead = static_cast<int32_t>(serial - n.high);
  if (ahead > 0) {
    if (static_cast<uint32_t>(ahead) > (1u << 30)) return;  // nonsense jump: ignore
    slide_to(n, serial);
    n.seen[serial % window_] = 1;
    return;
  }
  // At or below high: inside the window it fills a hole; below low it is older than
  // anything still tracked (already counted or before our start).
  if (static_cast<int32_t>(serial - n.low) >= 0) n.seen[serial % window_] = 1;
}

void SerialGapTracker::finish() {
  for (Node& n : nodes_) {
    if (!n.started) continue;
    for (uint32_t v = n.low; static_cast<int32_t>(n.high - v) >= 0; ++v) {
      if (!n.seen[v % window_]) ++missing_;
      n.seen[v % window_] = 0;
    }
    n.low = n.high + 1;
    n.started = false;
  }
}

}  // namespace reassembly
