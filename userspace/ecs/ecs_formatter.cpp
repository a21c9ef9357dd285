#include "ecs/ecs_formatter.h"

#include <charconv>
#include <climits>
#include <optional>

#include "ecs/audit_event.h"
#include "ecs/coalesce.h"
#include "ecs/document_writer.h"
#include "ecs/resolve_ids.h"
#include "enrich/id_resolver.h"
#include "enrich/session_enricher.h"

namespace ecs {
namespace {

class EcsFormatter final : public EventFormatter {
 public:
  EcsFormatter(const Options& options, std::shared_ptr<FormatterStats> stats)
      : options_(options), stats_(std::move(stats)), writer_(options_) {
    if (options_.resolve_ids) {
      ids_.emplace(enrich::IdResolverOptions{options_.passwd_file, options_.group_file,
                                             options_.id_recheck_interval_ms});
    }
  }

  void append(const reassembly::Event& event, std::string& out) override {
    CoalesceCounters counters;
    coalescer_.build(event, model_, counters);
    if (ids_) {
      ids_->refresh();
      resolve_ids(model_, *ids_);
    }
    // Documents run to about 2.5x the raw text (event.original plus the fields): one growth.
    out.reserve(out.size() + event.text.size() * 3 + 1024);
    const enrich::SessionResult* session = nullptr;
    if (options_.session) {
      session_ = lookup_session(event);
      session = &session_;
      if (session_.miss == enrich::SessionMiss::kNone) {
        stats_->session_enriched.fetch_add(1, std::memory_order_relaxed);
      } else if (session_.miss != enrich::SessionMiss::kNoPid) {
        stats_->session_missed.fetch_add(1, std::memory_order_relaxed);
        model_.warnings.push_back(std::string("session metadata not added: ") + enrich::to_string(session_.miss));
      }
    }
    writer_.write(model_, event, out, session);
    out.push_back('\n');
    stats_->documents.fetch_add(1, std::memory_order_relaxed);
    if (!model_.warnings.empty()) stats_->warnings.fetch_add(model_.warnings.size(), std::memory_order_relaxed);
    if (counters.unknown_record_types)
      stats_->unknown_record_types.fetch_add(counters.unknown_record_types, std::memory_order_relaxed);
    if (counters.missing_syscall) stats_->missing_syscall.fetch_add(counters.missing_syscall, std::memory_order_relaxed);
    if (counters.no_normalization)
      stats_->no_normalization.fetch_add(counters.no_normalization, std::memory_order_relaxed);
  }

 private:
  // The event's process in the tree as of the event's time. exe= lets the tree tell a
  // reused pid or a later exec from the process the event is about.
  enrich::SessionResult lookup_session(const reassembly::Event& event) {
    int64_t pid = 0;
    const auto& ps = model_.process.pid;
    auto [ptr, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), pid);
    if (ec != std::errc() || ptr != ps.data() + ps.size() || pid <= 0 || pid > INT32_MAX) return {};
    const int64_t unix_ns = event.sec * 1'000'000'000 + int64_t{event.msec} * 1'000'000;
    return options_.session->lookup(static_cast<int32_t>(pid), unix_ns, model_.process.exe);
  }

  Options options_;
  std::shared_ptr<FormatterStats> stats_;
  enrich::SessionResult session_;
  Coalescer coalescer_;
  AuditEvent model_;
  DocumentWriter writer_;
  std::optional<enrich::IdResolver> ids_;
};

}  // namespace

EcsFormatterFactory::EcsFormatterFactory(Options options)
    : options_(std::move(options)), stats_(std::make_shared<FormatterStats>()) {}

std::unique_ptr<EventFormatter> EcsFormatterFactory::make() const {
  return std::make_unique<EcsFormatter>(options_, stats_);
}

std::unique_ptr<FormatterFactory> make_ecs_factory(const Options& options) {
  return std::make_unique<EcsFormatterFactory>(options);
}

}  // namespace ecs
