#include "daemon/loss_report.h"

#include <chrono>

#include "core/json_writer.h"
#include "core/time_format.h"

namespace daemon_cli {

std::string loss_document(const LossCounters& now, const LossCounters& before) {
  std::string out, ts;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  core::append_rfc3339_ms(ts, ms / 1000, static_cast<uint32_t>(ms % 1000));
  core::JsonWriter w(out);
  w.begin_object();
  w.key("@timestamp").string(ts);
  w.key("ecs").begin_object().key("version").string("8.11.0").end_object();
  w.key("event").begin_object();
  w.key("kind").string("metric");
  w.key("action").string("audit-events-lost");
  w.key("outcome").string("failure");
  w.key("module").string("auditd");
  w.key("dataset").string("auditd_manager.auditd");
  w.end_object();
  std::string msg = "audit events lost since the last report:";
  // A counter below its last value was reset (auditctl --reset-lost): count from zero.
  auto delta = [](uint64_t a, uint64_t b) { return a >= b ? a - b : a; };
  auto part = [&](const char* what, uint64_t a, uint64_t b) {
    if (a != b) msg += std::string(" ") + what + " +" + std::to_string(delta(a, b));
  };
  part("kernel lost records", now.kernel_lost, before.kernel_lost);
  part("receive-buffer overruns (ENOBUFS)", now.enobufs, before.enobufs);
  part("events dropped at auspex's queue", now.dropped_events, before.dropped_events);
  part("serials never received", now.sequence_gaps, before.sequence_gaps);
  w.key("message").string(msg);
  w.key("auditd").begin_object().key("data").begin_object();
  w.key("kernel_lost").unsigned_number(delta(now.kernel_lost, before.kernel_lost));
  w.key("enobufs").unsigned_number(delta(now.enobufs, before.enobufs));
  w.key("dropped_events").unsigned_number(delta(now.dropped_events, before.dropped_events));
  w.key("dropped_records").unsigned_number(delta(now.dropped_records, before.dropped_records));
  w.key("sequence_gaps").unsigned_number(delta(now.sequence_gaps, before.sequence_gaps));
  w.end_object().end_object();
  w.key("tags").begin_array().string("auspex_loss").end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace daemon_cli
