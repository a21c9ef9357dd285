#include "daemon/run_stats.h"

#include <unistd.h>

#include <fstream>

#include "core/json_writer.h"
#include "daemon/metrics_server.h"

namespace daemon_cli {

uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// The same counters as the stats line, as Prometheus text.
std::string metrics_text(const Stats& s) {
  PromText p;
  const auto c = s.pipe->counters();
  p.counter("auspex_events_total", "Documents written.", s.pipe->events_written());
  p.counter("auspex_records_total", "Audit records received.", s.source->records.load());
  p.gauge("auspex_kernel_lost", "The kernel's audit lost counter.", s.source->kernel_lost.load());
  p.counter("auspex_kernel_lost_since_start_total", "Records the kernel dropped since auspex started.",
            s.source->kernel_lost_since_open());
  p.gauge("auspex_kernel_backlog", "Records queued in the kernel.", s.source->kernel_backlog.load());
  p.counter("auspex_enobufs_total", "Receive-buffer overruns: records the kernel could not deliver (not always in its lost counter).",
            s.source->enobufs.load());
  p.counter("auspex_bad_records_total", "Records that did not parse.", s.bad_records.load());
  p.counter("auspex_rule_drift_total", "Checks that found our kernel rules changed behind our back.", s.rule_drift.load());
  p.counter("auspex_sequence_gaps_total", "Kernel event serials never received.", s.sequence_gaps.load());
  p.gauge("auspex_reassembly_in_flight", "Events being assembled.", static_cast<double>(s.pipe->in_flight()));
  p.counter("auspex_events_completed_total", "Events closed, by how.", c.completed_eoe, "how=\"eoe\"");
  p.counter("auspex_events_completed_total", "Events closed, by how.", c.completed_standalone, "how=\"standalone\"");
  p.counter("auspex_events_completed_total", "Events closed, by how.", c.completed_timeout, "how=\"timeout\"");
  p.counter("auspex_events_completed_total", "Events closed, by how.", c.evicted_cap, "how=\"cap_evicted\"");
  p.counter("auspex_events_completed_total", "Events closed, by how.", c.flushed_end, "how=\"end_flush\"");
  p.counter("auspex_late_records_total", "Records that arrived after their event was written.", c.late_records);
  p.counter("auspex_duplicate_records_total", "Byte-identical repeated records skipped.", c.duplicate_records);
  p.gauge("auspex_latency_p50_ms", "Event timestamp to write, median.", static_cast<double>(s.pipe->latency_percentile(50)));
  p.gauge("auspex_latency_p99_ms", "Event timestamp to write, 99th percentile.",
          static_cast<double>(s.pipe->latency_percentile(99)));
  p.gauge("auspex_queue_ticks", "Batches queued between pipeline stages.", static_cast<double>(s.pipe->queued_ticks()));
  p.counter("auspex_quiet_ticks_total", "Batches joined, formatted and written on the reader thread.",
            s.pipe->quiet_ticks());
  p.counter("auspex_dropped_records_total", "Records dropped at our queue (backpressure userspace).",
            s.pipe->dropped_records());
  p.counter("auspex_dropped_events_total", "Events that lost records at our queue.", s.pipe->dropped_events());
  if (s.session) {
    p.counter("auspex_session_enriched_total", "Documents with session metadata.", s.session->enriched());
    p.counter("auspex_session_cached_total",
              "Documents enriched from the worker's cache (no tree lookup, no lock).", s.session->cached());
    p.counter("auspex_session_rendering_reused_total",
              "Documents whose tree answer reused an earlier rendering of the same process.",
              s.session->rendering_reused());
    for (auto m : {enrich::SessionMiss::kNoPid, enrich::SessionMiss::kNotFound, enrich::SessionMiss::kTimedOut})
      p.counter("auspex_session_missed_total", "Documents without session metadata, by reason.", s.session->missed(m),
                std::string("reason=\"") + enrich::to_string(m) + "\"");
  }
  p.counter("auspex_sink_errors_total", "Failed writes to the output.", s.sink->errors());
  if (s.hits) {
    for (const auto& [k, v] : s.hits->snapshot()) {
      std::string esc;
      for (char ch : k) {
        if (ch == '\\' || ch == '"') esc.push_back('\\');
        if (ch == '\n') { esc += "\\n"; continue; }
        esc.push_back(ch);
      }
      p.counter("auspex_rule_hits_total", "Events per rule key (SYSCALL key=).", v, "key=\"" + esc + "\"");
    }
  }
  p.gauge("auspex_rss_bytes", "Resident memory.", static_cast<double>(rss_bytes()));
  return std::move(p.text());
}

std::string stats_json(const Stats& s, double interval_s, uint64_t& last_events, uint64_t& last_records,
                       bool final) {
  const auto c = s.pipe->counters();
  const uint64_t events = s.pipe->events_written();
  const uint64_t records = s.source->records.load();
  std::string out;
  core::JsonWriter w(out);
  w.begin_object();
  w.key("stats").string(final ? "final" : "interval");
  w.key("events").unsigned_number(events);
  w.key("records").unsigned_number(records);
  if (interval_s > 0) {
    w.key("events_per_second").unsigned_number(static_cast<uint64_t>((events - last_events) / interval_s));
    w.key("records_per_second").unsigned_number(static_cast<uint64_t>((records - last_records) / interval_s));
  }
  last_events = events;
  last_records = records;
  w.key("kernel").begin_object();
  w.key("lost").unsigned_number(s.source->kernel_lost.load());
  w.key("lost_since_start").unsigned_number(s.source->kernel_lost_since_open());
  w.key("backlog").unsigned_number(s.source->kernel_backlog.load());
  w.end_object();
  w.key("enobufs").unsigned_number(s.source->enobufs.load());
  w.key("recv_errors").unsigned_number(s.source->recv_errors.load());
  w.key("bad_records").unsigned_number(s.bad_records.load());
  w.key("rule_drift").unsigned_number(s.rule_drift.load());
  w.key("sequence_gaps").unsigned_number(s.sequence_gaps.load());
  w.key("loss_reports").unsigned_number(s.loss_reports.load());
  w.key("reassembly").begin_object();
  w.key("in_flight").unsigned_number(s.pipe->in_flight());
  w.key("eoe").unsigned_number(c.completed_eoe);
  w.key("standalone").unsigned_number(c.completed_standalone);
  w.key("timeouts").unsigned_number(c.completed_timeout);
  w.key("evictions").unsigned_number(c.evicted_cap);
  w.key("late_records").unsigned_number(c.late_records);
  w.key("duplicate_records").unsigned_number(c.duplicate_records);
  w.end_object();
  w.key("latency_ms").begin_object();
  w.key("p50").number(s.pipe->latency_percentile(50));
  w.key("p99").number(s.pipe->latency_percentile(99));
  w.key("max").number(s.pipe->latency_percentile(100));
  w.end_object();
  w.key("queue").begin_object();
  w.key("queued_ticks").unsigned_number(s.pipe->queued_ticks());
  w.key("quiet_ticks").unsigned_number(s.pipe->quiet_ticks());
  w.key("dropped_records").unsigned_number(s.pipe->dropped_records());
  w.key("dropped_events").unsigned_number(s.pipe->dropped_events());
  w.end_object();
  if (s.session) {
    w.key("session").begin_object();
    w.key("enriched").unsigned_number(s.session->enriched());
    for (auto m : {enrich::SessionMiss::kNoPid, enrich::SessionMiss::kNotFound, enrich::SessionMiss::kTimedOut})
      w.key(enrich::to_string(m)).unsigned_number(s.session->missed(m));
    w.key("exe_differs").unsigned_number(s.session->exe_differs());
    w.key("cached").unsigned_number(s.session->cached());
    w.key("rendering_reused").unsigned_number(s.session->rendering_reused());
    w.end_object();
  }
  if (s.tree) {
    const auto ts = s.tree->stats();
    w.key("proctree").begin_object();
    w.key("processes").unsigned_number(ts.size);
    w.key("live").unsigned_number(ts.live);
    w.key("evicted").unsigned_number(ts.tree.evicted);
    w.key("rejected_full").unsigned_number(ts.tree.rejected_full);
    for (const auto& c : ts.source) w.key(c.name).unsigned_number(c.value);
    w.end_object();
  }
  if (s.hits) {
    w.key("rule_hits").begin_object();
    for (const auto& [k, v] : s.hits->snapshot()) w.key(k).unsigned_number(v);
    w.end_object();
  }
  w.key("sink_errors").unsigned_number(s.sink->errors());
  w.key("rss_bytes").unsigned_number(rss_bytes());
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace daemon_cli
