// `auspex run` configuration: one JSON file, keys named like Auditbeat's auditd module where
// one exists (defaults are the Auditd Manager integration's, see its policy tests), plus a
// few of auspex's own. Unknown keys and wrong types are errors that name the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace daemon_cli {

enum class Backpressure {
  kAuto,       // = both: the reader never stops reading, so the socket never overruns
               // (an overrun is ENOBUFS: records lost without a count), and every drop is
               // counted exactly, at our queue or in the kernel's `lost`
  kKernel,     // the reader blocks when the pipeline is full; the kernel backlog absorbs,
               // backlog_wait_time is set to 0 so audited syscalls never stall, the kernel
               // counts what it drops in `lost`
  kUserspace,  // the reader never blocks; records that do not fit are dropped, counted
  kBoth,       // userspace drops and backlog_wait_time 0
  kNone,       // block, and leave the kernel's backlog_wait_time as it is
};

struct OutputConfig {
  std::string path;               // "" or "-" = stdout
  uint64_t rotate_bytes = 0;      // 0 = never rotate
  uint32_t rotate_keep = 5;       // rotated files kept: PATH.1 .. PATH.N
};

struct Config {
  std::string source;             // file it came from, "(embedded default)" otherwise
  std::string socket_type = "auto";         // unicast | multicast | auto
  uint32_t backlog_limit = 8192;
  uint32_t rate_limit = 0;
  // auditd.conf's priority_boost: the reader and pipeline threads run at nice -N so a busy
  // machine cannot starve the reader into socket overruns (records the kernel may not count).
  uint32_t priority_boost = 4;
  // After a read that did not fill a batch, the reader pauses so that about 256 records
  // gather before it hands them on (one wake-up of the reader, each worker and the writer
  // per batch), but never longer than this: the latency added at low rates. 0: no pause.
  // 40: below ~6,000 records/s each batch starts on a CPU back from idle with cold caches,
  // so the batch's size decides what an event costs (bench/README.md run S: 100 would cost
  // ~20 % less at fork/exec-heavy load), but an event may wait one pause, and the
  // collector's latency target is p99 <= 50 ms (issue 7): 40 keeps p99 at ~44 ms.
  uint32_t max_read_delay_ms = 40;
  std::string failure_mode = "silent";      // silent | log | panic (never the default)
  Backpressure backpressure = Backpressure::kAuto;
  bool include_raw_message = true;
  bool include_warnings = false;
  bool resolve_ids = true;
  bool immutable = false;                   // -e 2 after installing (cannot be undone)
  std::string audit_rules;                  // inline rule text
  std::vector<std::string> audit_rule_files;  // globs
  bool session_metadata = false;            // processors: [{add_session_metadata: {...}}]
  std::string session_backend = "auto";     // auto | ebpf | procfs
  OutputConfig output;
  double stats_interval_s = 0;              // 0 = no periodic stats line
  // auspex's own
  std::string format = "ecs";               // ecs | events
  unsigned shards = 2;
  uint32_t event_timeout_ms = 2000;
  bool keep_rules_on_exit = false;
  bool ignore_errors = false;               // install the good rules when some are bad
  std::string metrics;                      // "127.0.0.1:PORT", off when empty
};

// Parses a JSON document. file names the source in messages.
core::Result<Config> parse_config(std::string_view json, std::string_view file);
core::Result<Config> load_config(const std::string& path);
// What `auspex run` uses with no --config: the Session View rules, session metadata on,
// NDJSON to stdout.
Config embedded_default();

const char* to_string(Backpressure b);

}  // namespace daemon_cli
