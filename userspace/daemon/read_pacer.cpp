#include "daemon/read_pacer.h"

#include <algorithm>

namespace daemon_cli {

void ReadPacer::set_max_ms(double max_ms) {
  max_ms_ = max_ms;
  pause_ms_ = std::clamp(pause_ms_, std::min(2.0, max_ms_), max_ms_);
}

void ReadPacer::after_read(double paused_ms, size_t got, bool behind) {
  if (paused_ms <= 0 || got == 0) return;
  const double seen = static_cast<double>(got) / paused_ms;
  if (behind) {
    // The read stopped at its bound: what it got is less than what came during the pause,
    // so `seen` only bounds the rate from below. Raise to it, never lower. (Ignoring such
    // reads left a pause sized for a trickle in place under a flood that followed it: every
    // pause then filled the bound, and the estimate never moved again.)
    if (seen > records_per_ms_) records_per_ms_ = seen;
  } else {
    // Up at once (a burst must not wait out pauses sized for the trickle before it), down
    // slowly.
    records_per_ms_ = seen > records_per_ms_ ? seen : 0.75 * records_per_ms_ + 0.25 * seen;
  }
  resize();
}

void ReadPacer::resize() {
  pause_ms_ = std::clamp(target_ / records_per_ms_, std::min(2.0, max_ms_), max_ms_);
}

}  // namespace daemon_cli
