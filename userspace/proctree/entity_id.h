// entity_id of SESSION_VIEW.md §2: base64 (standard, padded) of
// "<pidns>__<boot_id>__<pid>__<start_s>", the same for every backend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace proctree {

// The per-host inputs of entity_id and of start times.
struct HostClock {
  uint64_t pidns_inode = 0;  // inode of the collector's /proc/self/ns/pid
  std::string boot_id;       // /proc/sys/kernel/random/boot_id, no newline
  int64_t btime_s = 0;       // /proc/stat btime: Unix seconds at boot
  uint64_t ticks_per_s = 100;  // sysconf(_SC_CLK_TCK)

  // Whole Unix seconds of a process start given in ticks since boot.
  int64_t start_unix_s(uint64_t start_ticks) const {
    return btime_s + static_cast<int64_t>(start_ticks / ticks_per_s);
  }
  // Unix milliseconds of the start, truncated to a tick so BPF and /proc agree.
  int64_t start_unix_ms(uint64_t start_ticks) const {
    return btime_s * 1000 + static_cast<int64_t>(start_ticks * 1000 / ticks_per_s);
  }
};

// Reads HostClock from /proc of this machine.
core::Result<HostClock> read_host_clock();

std::string base64_encode(std::string_view in);

std::string entity_id(uint64_t pidns_inode, std::string_view boot_id, int32_t pid, int64_t start_s);
inline std::string entity_id(const HostClock& c, int32_t pid, uint64_t start_ticks) {
  return entity_id(c.pidns_inode, c.boot_id, pid, c.start_unix_s(start_ticks));
}

}  // namespace proctree
