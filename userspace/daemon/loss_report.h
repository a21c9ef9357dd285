// Loss is reported in the output stream too (USERS.md #3: not only in internal metrics):
// `auspex run` writes one document whenever a loss counter moved, with how much since the
// last report, so the reports in the output add up to the final stats.
#pragma once

#include <cstdint>
#include <string>

namespace daemon_cli {

struct LossCounters {
  uint64_t kernel_lost = 0, enobufs = 0, dropped_events = 0, dropped_records = 0, sequence_gaps = 0;
  bool operator==(const LossCounters&) const = default;
};

// One NDJSON line: event.action audit-events-lost, the deltas under auditd.data.*.
std::string loss_document(const LossCounters& now, const LossCounters& before);

}  // namespace daemon_cli
