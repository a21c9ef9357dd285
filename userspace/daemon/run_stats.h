// What `auspex run` reports about itself: the stats line (JSON on stderr, every
// stats_interval and at the end) and the same counters as Prometheus text (--metrics).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "daemon/rule_hits.h"
#include "enrich/session_enricher.h"
#include "netlink/counters.h"
#include "pipeline/sharded_reassembly.h"
#include "proctree/service.h"
#include "sinks/sink.h"

namespace daemon_cli {

// Everything the reports read; all of it safe to read from the metrics thread.
struct Stats {
  const netlink::Counters* source = nullptr;
  const pipeline::ShardedReassembly* pipe = nullptr;
  const sinks::Sink* sink = nullptr;
  std::atomic<uint64_t> bad_records{0};
  std::atomic<uint64_t> rule_drift{0};     // checks that found our rules changed behind our back
  std::atomic<uint64_t> sequence_gaps{0};  // kernel serials never received (live: loss)
  std::atomic<uint64_t> loss_reports{0};   // loss documents written into the output
  const enrich::SessionEnricher* session = nullptr;
  const RuleHits* hits = nullptr;
  proctree::Service* tree = nullptr;
};

// One JSON line. interval_s > 0 adds rates since the previous call (last_* are updated).
std::string stats_json(const Stats& s, double interval_s, uint64_t& last_events, uint64_t& last_records,
                       bool final);
std::string metrics_text(const Stats& s);
uint64_t rss_bytes();

}  // namespace daemon_cli
