// `--format ecs`: one document per event in the shape Elastic's Auditd Manager integration
// stores (after its ingest pipeline), so its dashboards, detection rules and Session View
// read auspex output unchanged. See README.md in this directory for the mapping choices.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "ecs/formatter.h"

namespace enrich {
class SessionEnricher;
}

namespace ecs {

struct Options {
  bool include_raw_message = true;   // event.original (integration default: true)
  bool include_warnings = false;     // auditd.warnings + error.message (default: false)
  bool resolve_ids = true;           // user/group names from ids (default: true)
  // Adds the preserve_original_event tag and keeps auditd.messages, as the integration does
  // when that option is set.
  bool preserve_original_event = false;
  std::string passwd_file = "/etc/passwd";  // --passwd: another host's database for replay
  std::string group_file = "/etc/group";    // --group
  int64_t id_recheck_interval_ms = 1000;    // how often a changed passwd/group is noticed
  std::string data_stream_namespace = "default";
  // Session View fields (add_session_metadata) from the process tree; null = off.
  enrich::SessionEnricher* session = nullptr;
};

// Totals over every formatter a factory made (relaxed atomics: read for stats only).
struct FormatterStats {
  std::atomic<uint64_t> documents{0};
  std::atomic<uint64_t> warnings{0};              // warnings attached to documents
  std::atomic<uint64_t> unknown_record_types{0};  // records kept in auditd.data as unknown
  std::atomic<uint64_t> missing_syscall{0};
  std::atomic<uint64_t> no_normalization{0};
  std::atomic<uint64_t> session_enriched{0};
  std::atomic<uint64_t> session_missed{0};  // by cause: enrich::SessionEnricher counters
};

class EcsFormatterFactory : public FormatterFactory {
 public:
  explicit EcsFormatterFactory(Options options);
  std::unique_ptr<EventFormatter> make() const override;
  const FormatterStats& stats() const { return *stats_; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::shared_ptr<FormatterStats> stats_;
};

std::unique_ptr<FormatterFactory> make_ecs_factory(const Options& options);

}  // namespace ecs
