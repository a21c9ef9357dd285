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
    out.resize(write_at(event, out, out.size()));
  }

  size_t write_at(const reassembly::Event& event, std::string& out, size_t at) override {
    CoalesceCounters counters;
    coalescer_.build(event, model_, counters);
    if (ids_) {
      ids_->refresh();
      resolve_ids(model_, *ids_, id_cache_);
    }
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
    const size_t end = writer_.write_at(model_, event, out, at, session);
    stats_->documents.fetch_add(1, std::memory_order_relaxed);
    if (!model_.warnings.empty()) stats_->warnings.fetch_add(model_.warnings.size(), std::memory_order_relaxed);
    if (counters.unknown_record_types)
      stats_->unknown_record_types.fetch_add(counters.unknown_record_types, std::memory_order_relaxed);
    if (counters.missing_syscall) stats_->missing_syscall.fetch_add(counters.missing_syscall, std::memory_order_relaxed);
    if (counters.no_normalization)
      stats_->no_normalization.fetch_add(counters.no_normalization, std::memory_order_relaxed);
    return end;
  }

 private:
  // The event's process in the tree as of the event's time. exe= lets the tree tell a
  // reused pid or a later exec from the process the event is about.
  enrich::SessionResult lookup_session(const reassembly::Event& event) {
    int64_t pid = 0;
    if (!parse_int(model_.process.pid, pid) || pid <= 0 || pid > INT32_MAX) return {};
    const int64_t unix_ns = event.sec * 1'000'000'000 + int64_t{event.msec} * 1'000'000;
    if (feeds_tree_) feed_tree(static_cast<int32_t>(pid), unix_ns);
    const std::string_view syscall = model_.data.get("syscall");
    const bool settled = !syscall.empty() && syscall != "execve" && syscall != "execveat" && syscall != "setsid" &&
                         syscall != "setpgid" && syscall != "clone" && syscall != "fork" && syscall != "vfork" &&
                         syscall != "clone3";
    return options_.session->lookup(static_cast<int32_t>(pid), unix_ns, model_.process.exe, settled);
  }

  static bool parse_int(std::string_view s, int64_t& v) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
  }

  // The procfs backend learns processes from these (SESSION_VIEW.md §4); failed calls
  // change nothing (elastic/beats#39243).
  void feed_tree(int32_t pid, int64_t unix_ns) {
    if (model_.result != "success") return;
    const std::string_view syscall = model_.data.get("syscall");
    int64_t ppid = 0;
    parse_int(model_.process.ppid, ppid);
    if (syscall == "execve" || syscall == "execveat") {
      proctree::AuditExec e;
      e.time_unix_ns = unix_ns;
      e.pid = pid;
      e.ppid = static_cast<int32_t>(ppid);
      int64_t id = 0;
      if (parse_int(model_.user_ids.get("uid"), id)) e.uid = static_cast<uint32_t>(id);
      if (parse_int(model_.user_ids.get("euid"), id)) e.euid = static_cast<uint32_t>(id);
      if (parse_int(model_.user_ids.get("gid"), id)) e.gid = static_cast<uint32_t>(id);
      if (parse_int(model_.user_ids.get("egid"), id)) e.egid = static_cast<uint32_t>(id);
      e.exe = model_.process.exe;
      e.args.assign(model_.process.args.begin(), model_.process.args.begin() + model_.process.nargs);
      e.cwd = model_.process.cwd;
      options_.session->observe_exec(e);
    } else if (syscall == "exit_group") {
      int64_t a0 = 0;
      const std::string_view hex = model_.data.get("a0");
      std::from_chars(hex.data(), hex.data() + hex.size(), a0, 16);
      options_.session->observe_exit({unix_ns, pid, static_cast<int32_t>(a0 & 0xff)});
    } else if (syscall == "setsid") {
      options_.session->observe_setsid({unix_ns, pid, static_cast<int32_t>(ppid)});
    }
  }

  Options options_;
  // The tree's backend learns from audit execs, exits and setsids (procfs; the eBPF one
  // sees them itself): only then are the facts built, copies of exe, args and cwd.
  const bool feeds_tree_ = options_.session && options_.session->learns_from_audit();
  std::shared_ptr<FormatterStats> stats_;
  enrich::SessionResult session_;
  Coalescer coalescer_;
  AuditEvent model_;
  DocumentWriter writer_;
  std::optional<enrich::IdResolver> ids_;
  IdNameCache id_cache_;
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
