// auspex run [--config FILE] [--rules FILE]... [--output FILE] [--format ecs|events]
// The live collector: kernel audit records -> reassembly -> documents -> NDJSON.
#include <linux/capability.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/json_writer.h"
#include "core/time_format.h"
#include "daemon/capabilities.h"
#include "daemon/commands.h"
#include "daemon/config.h"
#include "daemon/file_watch.h"
#include "daemon/loss_report.h"
#include "daemon/metrics_server.h"
#include "daemon/read_pacer.h"
#include "daemon/rule_hits.h"
#include "daemon/run_stats.h"
#include "daemon/rule_sources.h"
#include "daemon/state_file.h"
#include "ecs/ecs_formatter.h"
#include "ecs/events_format.h"
#include "enrich/session_enricher.h"
#include "proctree/service.h"
#include "netlink/live_source.h"
#include "pipeline/sharded_reassembly.h"
#include "reassembly/serial_gaps.h"
#include "record/header.h"
#include "record/types.h"
#include "sinks/fd_sink.h"
#include "sinks/rotating_file_sink.h"

namespace daemon_cli {
namespace {

constexpr const char* kRunUsage =
    "usage: auspex run [--config FILE] [--rules FILE]... [--output FILE] [--format ecs|events]\n"
    "                  [--metrics 127.0.0.1:PORT]\n"
    "Collects kernel audit events live and writes one NDJSON document per event.\n"
    "With no --config: the embedded default (Session View rules, session metadata on,\n"
    "NDJSON to stdout). Prints `ready` on stderr once the rules are installed and it is\n"
    "receiving. SIGTERM/SIGINT: flush, remove our rules, give the audit pid back.\n"
    "  --config FILE   JSON config (keys: see README, Configuration)\n"
    "  --rules FILE    an auditctl-syntax rule file (repeatable; after the config's rules)\n"
    "  --output FILE   write documents to FILE instead of stdout (- = stdout)\n"
    "  --format F      ecs (default) or events\n"
    "  --metrics A     Prometheus text on http://A/metrics, A = 127.0.0.1:PORT (off by default)\n";

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<bool> g_reload{false};

void on_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

void on_hangup(int) { g_reload.store(true); }

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking recv returns EINTR and the loop sees g_stop
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_hangup;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout is a counted sink error, not a kill
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

core::Result<void> drop_capabilities() {
  return keep_only_capabilities({CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_BPF});
}

}  // namespace

int run_main(Args args) {
  std::string config_path, output, format, metrics_address;
  std::vector<std::string> extra_rules;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "auspex run: %s needs a value\n%s", args[i], kRunUsage);
        return false;
      }
      dst = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fputs(kRunUsage, stdout);
      return 0;
    } else if (a == "--config") {
      if (!value(config_path)) return 2;
    } else if (a == "--rules") {
      if (!value(v)) return 2;
      extra_rules.push_back(v);
    } else if (a == "--output") {
      if (!value(output)) return 2;
    } else if (a == "--metrics") {
      if (!value(metrics_address)) return 2;
    } else if (a == "--format") {
      if (!value(format)) return 2;
      if (format != "ecs" && format != "events") {
        std::fprintf(stderr, "auspex run: --format '%s': expected ecs or events\n", format.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "auspex run: unknown argument '%s'\n%s", args[i], kRunUsage);
      return 2;
    }
  }

  Config config = embedded_default();
  if (!config_path.empty()) {
    auto c = load_config(config_path);
    if (!c) {
      std::fprintf(stderr, "auspex run: %s\n", c.error().message.c_str());
      return 2;
    }
    config = std::move(c.value());
  }
  if (!output.empty()) config.output.path = output;
  if (!format.empty()) config.format = format;
  if (!metrics_address.empty()) config.metrics = metrics_address;

  RuleSources rs = gather_rules(config, extra_rules);
  for (const auto& d : rs.set.warnings) std::fprintf(stderr, "auspex run: warning: %s\n", d.to_string().c_str());
  for (const auto& d : rs.set.notices) std::fprintf(stderr, "auspex run: note: %s\n", d.to_string().c_str());
  for (const auto& d : rs.set.errors) std::fprintf(stderr, "auspex run: %s\n", d.to_string().c_str());
  if (!rs.set.errors.empty() && !config.ignore_errors) {
    std::fprintf(stderr, "auspex run: %zu rule error(s); nothing was changed in the kernel "
                         "(set \"ignore_errors\": true to install the valid rules anyway)\n",
                 rs.set.errors.size());
    return 2;
  }

  // Output first: a bad path must fail before the kernel is touched.
  std::unique_ptr<sinks::Sink> sink;
  if (config.output.path.empty() || config.output.path == "-") {
    sink = std::make_unique<sinks::FdSink>(1);
  } else {
    auto s = sinks::RotatingFileSink::open(config.output.path, config.output.rotate_bytes, config.output.rotate_keep);
    if (!s) {
      std::fprintf(stderr, "auspex run: %s\n", s.error().message.c_str());
      return 2;
    }
    sink = std::move(s.value());
  }

  // Session metadata: the process tree starts before the audit rules go in, so every
  // process an event names is already being tracked (BPF) or scanned (procfs).
  std::unique_ptr<proctree::Service> tree;
  std::unique_ptr<enrich::SessionEnricher> enricher;
  if (config.session_metadata && config.format == "ecs") {
    proctree::ServiceOptions so;
    so.backend = proctree::parse_backend(config.session_backend).value_or(proctree::Backend::kAuto);
    // The tree's thread needs no audit capability; CAP_BPF stays (see capabilities.h).
    so.on_thread_start = [] { (void)keep_only_capabilities({CAP_BPF, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH}); };
    so.log = [](std::string_view m) { std::fprintf(stderr, "auspex run: proctree: %.*s\n", int(m.size()), m.data()); };
    auto started = proctree::Service::start(std::move(so));
    auto clock = proctree::read_host_clock();
    if (!started || !clock) {
      std::fprintf(stderr, "auspex run: session metadata off: %s\n",
                   (!started ? started.error() : clock.error()).message.c_str());
    } else {
      tree = std::move(started.value());
      enricher = std::make_unique<enrich::SessionEnricher>(*tree, std::move(clock.value()));
      std::fprintf(stderr, "auspex run: session metadata on (backend %.*s)\n", int(tree->backend().size()),
                   tree->backend().data());
    }
  }

  std::unique_ptr<ecs::FormatterFactory> factory;
  if (config.format == "events") {
    factory = ecs::make_events_factory();
  } else {
    ecs::Options o;
    o.include_raw_message = config.include_raw_message;
    o.include_warnings = config.include_warnings;
    o.resolve_ids = config.resolve_ids;
    o.session = enricher.get();
    factory = ecs::make_ecs_factory(o);
  }

  netlink::LiveConfig lc;
  lc.socket_type = *netlink::parse_socket_type(config.socket_type);
  lc.keep_rules_on_exit = config.keep_rules_on_exit;
  lc.ignore_rule_errors = config.ignore_errors;
  auto failure = config.failure_mode == "panic" ? 2u : config.failure_mode == "log" ? 1u : 0u;
  const auto& fs = rs.set.settings;
  lc.settings.backlog_limit(fs.backlog_limit ? fs.backlog_limit->value : config.backlog_limit)
      .rate_limit(fs.rate_limit ? fs.rate_limit->value : config.rate_limit)
      .failure(fs.failure ? fs.failure->value : failure);
  // Never stall audited syscalls on a slow reader (USERS.md #2) unless told to (`none`).
  if (config.backpressure != Backpressure::kNone)
    lc.settings.backlog_wait_time(fs.backlog_wait_time ? fs.backlog_wait_time->value : 0);
  // USERS.md #6: someone may delete or add rules behind our back (auditctl -D). Checked on
  // the status poller's thread, like the kernel's lost counter: the reader never waits for
  // the kernel's reply threads.
  lc.rule_drift_interval = std::chrono::seconds(10);
  // AUDIT_GET and AUDIT_LIST_RULES: CAP_AUDIT_CONTROL is all that thread needs.
  lc.on_poller_start = [] { (void)keep_only_capabilities({CAP_AUDIT_CONTROL}); };

  install_signal_handlers();
  auto opened = netlink::LiveSource::open(lc);
  if (!opened) {
    std::fprintf(stderr, "auspex run: %s\n(`auspex doctor` explains the audit setup and what to change)\n",
                 opened.error().message.c_str());
    return 1;
  }
  auto& source = *opened.value();
  std::fprintf(stderr, "auspex run: %s\n", source.why().c_str());

  // Original settings for the next run in case this one is SIGKILLed; and the ones a killed
  // run left behind, which this run puts back at its stop (state_file.h).
  const std::string state_path = state_file_path();
  std::string state_why;
  const std::optional<SavedState> stale = read_stale_state(state_path, state_why);
  if (!state_why.empty()) std::fprintf(stderr, "auspex run: %s\n", state_why.c_str());
  const bool own_state = source.choice().may_change_status && state_why.find("running auspex") == std::string::npos;
  if (own_state) {
    SavedState mine{static_cast<uint32_t>(getpid()), stale ? stale->original : source.status_at_open()};
    if (auto w = write_state(state_path, mine); !w)
      std::fprintf(stderr, "auspex run: %s (a SIGKILL would leave settings behind)\n", w.error().message.c_str());
  }

  std::vector<netlink::RuleItem> items;
  for (const auto& r : rs.set.rules) items.push_back({r.bytes, r.where.file, r.where.line, r.text});
  if (source.choice().may_change_rules) {
    auto rep = source.install(items);
    if (!rep) {
      std::fprintf(stderr, "auspex run: installing rules failed: %s\n", rep.error().message.c_str());
      (void)source.restore();
      return 1;
    }
    std::fprintf(stderr, "auspex run: removed %zu existing rule(s), installed %zu (self-exclusion included)\n",
                 rep->removed, rep->added);
    for (const auto& e : rep->errors)
      std::fprintf(stderr, "auspex run: %s:%d: %s: %s\n", e.file.c_str(), e.line, e.text.c_str(), e.message.c_str());
    // `immutable` (-e 2) locks rules and settings until reboot: applied last, after our
    // rules are in. auspex can then neither reload nor remove its rules; said loudly.
    if (config.immutable || (rs.set.settings.enabled && rs.set.settings.enabled->value == 2)) {
      if (auto im = source.control().set(netlink::StatusChange().enabled(2)); !im)
        std::fprintf(stderr, "auspex run: making the audit configuration immutable failed: %s\n",
                     im.error().message.c_str());
      else
        std::fprintf(stderr, "auspex run: audit configuration is now immutable (-e 2): rules and settings stay "
                             "until reboot; reload and removal on exit will be refused by the kernel\n");
    }
  } else {
    std::fprintf(stderr, "auspex run: reading read-only: the kernel's rules are left as they are\n");
  }

  // Set up: keep only what the rest of the run needs (capabilities.h says why each). This
  // runs before the pipeline's threads start; the tree's thread drops its own (per-thread
  // capabilities, see ServiceOptions::on_thread_start).
  // priority_boost, relative like auditd's: on this (the reader's) thread before the
  // pipeline's threads start, which inherit it; the tree's thread started earlier keeps its
  // own. Needs CAP_SYS_NICE, dropped just below.
  if (config.priority_boost > 0) {
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && setpriority(PRIO_PROCESS, 0, now - static_cast<int>(config.priority_boost)) == 0)
      std::fprintf(stderr, "auspex run: reader and pipeline at nice %d (priority_boost %u)\n",
                   getpriority(PRIO_PROCESS, 0), config.priority_boost);
    else
      std::fprintf(stderr, "auspex run: priority_boost %u not applied: %s (needs CAP_SYS_NICE)\n",
                   config.priority_boost, std::strerror(errno));
  }
  {
    auto dropped = drop_capabilities();
    if (!dropped) std::fprintf(stderr, "auspex run: could not drop capabilities: %s\n", dropped.error().message.c_str());
    else std::fprintf(stderr, "auspex run: capabilities kept: %s\n", capability_names(effective_capabilities()).c_str());
  }

  pipeline::ShardConfig sc;
  sc.shards = config.shards;
  sc.reassembly.timeout_ms = config.event_timeout_ms;
  sc.reassembly.standalone_timeout_ms = std::min<int64_t>(200, config.event_timeout_ms);
  sc.records_per_tick = 1024;
  // Live ticks are a few milliseconds of records each: allow a worker to be ~100 ms of
  // quiet-time ticks behind (a descheduled thread, a burst) before the queue counts as
  // full. Under a flood ticks fill up (1,024 records), which bounds memory at ~64k records
  // per worker.
  sc.max_queued_ticks = 64;
  // Ticks are handled by the reader itself while it keeps up (no wake-up of workers and
  // writer); under a flood the workers take them in parallel. The reader may then also wait
  // for the process tree to learn of an event's new process (session metadata: up to its
  // max wait, normally microseconds, the BPF event coming first); the 32 MiB socket buffer
  // holds what arrives meanwhile.
  sc.quiet_ticks = true;
  sc.measure_latency = true;
  sc.drop_when_full = config.backpressure == Backpressure::kUserspace || config.backpressure == Backpressure::kBoth ||
                     config.backpressure == Backpressure::kAuto;
  pipeline::ShardedReassembly pipe(sc, *factory, *sink);

  RuleHits hits;
  reassembly::SerialGapTracker gaps;
  LossCounters reported;
  auto loss_now = [&] {
    LossCounters c;
    c.kernel_lost = source.counters().kernel_lost_since_open();
    c.enobufs = source.counters().enobufs.load();
    c.dropped_events = pipe.dropped_events();
    c.dropped_records = pipe.dropped_records();
    c.sequence_gaps = gaps.missing();
    return c;
  };
  auto next_loss_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  Stats stats;
  stats.source = &source.counters();
  stats.pipe = &pipe;
  stats.sink = sink.get();
  stats.session = enricher.get();
  stats.hits = &hits;
  stats.tree = tree.get();
  std::unique_ptr<MetricsServer> metrics;
  if (!config.metrics.empty()) {
    auto m = MetricsServer::start(config.metrics, [&stats] { return metrics_text(stats); });
    if (!m) {
      std::fprintf(stderr, "auspex run: %s\n", m.error().message.c_str());
      pipe.finish();
      (void)source.restore();
      return 2;
    }
    metrics = std::move(m.value());
    std::fprintf(stderr, "auspex run: metrics on http://%s/metrics (port %d)\n", config.metrics.c_str(), metrics->port());
  }
  std::string line;
  uint64_t index = 0;
  // Arrival time of the records of one read (for the reassembly timeouts): a read takes
  // microseconds, a clock call per record was ~1 % of the reader's CPU at exec-heavy load.
  int64_t read_clock_ms = now_ms();
  auto on_record = [&](uint16_t type, std::string_view payload) {
    reassembly::Input in;
    record::Header h;
    if (record::parse_netlink_header(type, payload, h) != record::HeaderError::kNone) {
      ++stats.bad_records;  // control replies, or damaged text: counted in stats
      return;
    }
    if (type == record::kSyscall) hits.count_syscall(payload);
    gaps.observe(0, h.serial);
    // The same text auditd would log (type=NAME msg=audit(...): ...), so documents and
    // event.original read the same live and in replay.
    std::string scratch;
    line.assign("type=");
    line.append(record::type_name(type, scratch));
    line.append(" msg=");
    const size_t payload_at = line.size();
    line.append(payload);
    in.header = h;
    in.header.body = std::string_view(line).substr(payload_at + static_cast<size_t>(h.body.data() - payload.data()),
                                                   h.body.size());
    in.line = line;
    in.index = index++;
    in.line_no = index;
    in.clock_ms = read_clock_ms;
    pipe.add(in);
  };
  // Wrapped once: a std::function made from this lambda at each read was a heap allocation
  // per batch (it captures more than fits inline).
  const netlink::RecordCallback record_cb = on_record;

  // Reload on SIGHUP or when a config/rule file changes: parse everything first; keep the
  // running rules when anything is wrong, else apply only the difference.
  FileWatch watch;
  auto watched_files = [&](const RuleSources& r) {
    std::vector<std::string> files = r.files;
    if (!config_path.empty()) files.push_back(config_path);
    for (const auto& x : extra_rules) files.push_back(x);
    return files;
  };
  watch.watch(watched_files(rs));
  constexpr double kBatchTarget = 256;  // records per hand-on the pause aims at
  ReadPacer pacer(kBatchTarget, config.max_read_delay_ms);
  auto reload = [&]() {
    Config next = embedded_default();
    if (!config_path.empty()) {
      auto c = load_config(config_path);
      if (!c) {
        std::fprintf(stderr, "auspex run: reload: %s; keeping the running rules and settings\n",
                     c.error().message.c_str());
        return;
      }
      next = std::move(c.value());
    }
    RuleSources nrs = gather_rules(next, extra_rules);
    if (!nrs.set.errors.empty() && !next.ignore_errors) {
      for (const auto& d : nrs.set.errors) std::fprintf(stderr, "auspex run: reload: %s\n", d.to_string().c_str());
      std::fprintf(stderr, "auspex run: reload: %zu rule error(s); keeping the running rules\n", nrs.set.errors.size());
      watch.watch(watched_files(nrs));
      return;
    }
    for (const char* key : {"output", "format", "shards", "socket_type", "processors"}) {
      const bool differs = (std::string_view(key) == "output" && next.output.path != config.output.path && output.empty()) ||
                           (std::string_view(key) == "format" && next.format != config.format && format.empty()) ||
                           (std::string_view(key) == "shards" && next.shards != config.shards) ||
                           (std::string_view(key) == "socket_type" && next.socket_type != config.socket_type) ||
                           (std::string_view(key) == "processors" && next.session_metadata != config.session_metadata);
      if (differs) std::fprintf(stderr, "auspex run: reload: '%s' changed: it takes effect at the next start\n", key);
    }
    if (!source.choice().may_change_rules) {
      std::fprintf(stderr, "auspex run: reload: read-only (another process owns the audit rules); rules not changed\n");
    } else {
      std::vector<netlink::RuleItem> next_items;
      for (const auto& r : nrs.set.rules) next_items.push_back({r.bytes, r.where.file, r.where.line, r.text});
      auto up = source.update(next_items);
      if (!up) {
        std::fprintf(stderr, "auspex run: reload: %s; the previous rules are back in place\n", up.error().message.c_str());
        watch.watch(watched_files(nrs));
        return;
      }
      std::fprintf(stderr, "auspex run: reload: rules: %zu kept, %zu removed, %zu added\n", up->kept, up->removed,
                   up->added);
    }
    config.audit_rules = next.audit_rules;
    config.audit_rule_files = next.audit_rule_files;
    config.stats_interval_s = next.stats_interval_s;
    config.max_read_delay_ms = next.max_read_delay_ms;
    pacer.set_max_ms(config.max_read_delay_ms);
    config.ignore_errors = next.ignore_errors;
    rs = std::move(nrs);
    watch.watch(watched_files(rs));
  };
  auto next_watch_check = std::chrono::steady_clock::now();

  std::fprintf(stderr, "ready\n");
  std::fflush(stderr);
  uint64_t last_events = 0, last_records = 0;
  auto next_stats = std::chrono::steady_clock::now() + std::chrono::duration<double>(config.stats_interval_s);
  auto last_tick = std::chrono::steady_clock::now();
  bool behind = false;        // the last read stopped at its bound: read again without a pause
  bool streaming = false;     // the last read had records: more are likely on the way
  int rc = 0;
  while (!g_stop.load()) {
    // With nothing in flight and nothing to inject no event can time out: a quiet system
    // then wakes 4 times a second instead of 50 (each tick wakes every worker and the
    // writer). Stats lines still come on time.
    const bool waiting = pipe.in_flight() > 0 || pipe.has_pending_documents();
    auto idle_tick = std::chrono::milliseconds(waiting ? 20 : 250);
    if (config.stats_interval_s > 0)
      idle_tick = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - std::chrono::steady_clock::now()),
                             std::chrono::milliseconds(1), idle_tick);
    // Coalesce: once records arrive, let more pile up before reading: one wake-up, one
    // recvmmsg and one pipeline tick (a wake-up of every worker and the writer) per batch
    // instead of per record or two. Wake-ups were the largest cost at a few hundred to a
    // few thousand events/s on this VM, and at fork/exec-heavy load every batch starts on
    // cold caches. The pause comes between the wake-up and the read, and what is read goes
    // into the pipeline at once: an event waits at most one pause. (Reading first and
    // ticking after the pause made the records that came during a pause wait for the next
    // one too: up to two pauses.) While records keep coming (the last read had some) the
    // pause starts without a poll, which would only wake us for the next batch's first
    // record: a second wake-up per batch for the same bound on latency.
    // The pause (ReadPacer) aims at kBatchTarget records at the rate recent reads saw, up to
    // max_read_delay_ms (the latency it may add; 0: none). A read stopped at its bound means
    // we are behind: no pause. A burst of 100k records/s into a
    // 40 ms pause sized for the trickle before it would be ~4 MiB of the 32 MiB socket
    // buffer (1000, the most a config may set: ~100 MiB, and the kernel's backlog holds the
    // rest).
    bool ready = streaming;
    if (!ready) {
      auto r = source.wait_readable(idle_tick);
      if (!r) {
        std::fprintf(stderr, "auspex run: receiving failed: %s\n", r.error().message.c_str());
        rc = 1;
        break;
      }
      ready = *r;
    }
    const double paused_ms = ready && !behind ? pacer.pause_ms() : 0;
    if (paused_ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(paused_ms));
    read_clock_ms = now_ms();
    auto got = source.receive_once(record_cb, std::chrono::milliseconds(0));
    if (!got) {
      std::fprintf(stderr, "auspex run: receiving failed: %s\n", got.error().message.c_str());
      rc = 1;
      break;
    }
    // Only a read stopped at its bound means we are behind; a burst larger than a batch
    // read whole is a rate to adapt the pause to (taking it for "behind" kept the pause at
    // its maximum under bursty load: every event waited the whole pause).
    behind = source.behind();
    streaming = *got > 0;
    pacer.after_read(paused_ms, *got, behind);
    const auto now = std::chrono::steady_clock::now();
    // Tick soon after records arrive (latency: an event closed by EOE goes out at the next
    // tick), and every 20 ms while events are open so their timeouts fire.
    if (now - last_tick >= (*got ? std::chrono::milliseconds(2) : idle_tick)) {
      pipe.set_clock(0, now_ms());
      pipe.tick();
      last_tick = now;
      // No status poll here: the source's status poller reads lost/backlog on its own
      // thread (each AUDIT_GET is a round trip answered from a kernel thread the kernel
      // starts per reply; at every tick that was hundreds a second, with the reader not
      // reading meanwhile).
    }
    if (now >= next_loss_check) {
      next_loss_check = now + std::chrono::seconds(1);
      const LossCounters c = loss_now();
      stats.sequence_gaps = c.sequence_gaps;
      if (!(c == reported)) {
        pipe.add_document(loss_document(c, reported));
        ++stats.loss_reports;
        reported = c;
      }
      // What the status poller's drift check found (USERS.md #6).
      for (const std::string& d : source.take_drift()) {
        ++stats.rule_drift;
        std::fprintf(stderr, "auspex run: rule drift: %s\n", d.c_str());
      }
    }
    // The watch is a read() on its inotify descriptor: 5 times a second is soon enough
    // for an edited file (a reload waits 100 ms for the writes to settle anyway).
    bool file_changed = false;
    if (now >= next_watch_check) {
      next_watch_check = now + std::chrono::milliseconds(200);
      file_changed = watch.changed();
    }
    if (g_reload.exchange(false) || file_changed) {
      // Let a burst of writes settle (an editor saves in several steps).
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      (void)watch.changed();
      reload();
    }
    if (config.stats_interval_s > 0 && now >= next_stats) {
      std::fputs(stats_json(stats, config.stats_interval_s, last_events, last_records, false).c_str(), stderr);
      next_stats = now + std::chrono::duration<double>(config.stats_interval_s);
    }
  }
  if (int sig = g_signal.load()) std::fprintf(stderr, "auspex run: %s: stopping\n", strsignal(sig));
  // Stop the kernel from sending (our rules out, pid given back), then read what it already
  // queued in our socket: those records are not lost, and nothing new arrives after this.
  auto restored = source.restore();
  if (stale && restored) {
    // A killed run's settings looked original to us: put the real originals back.
    const netlink::Status& o = stale->original;
    auto back = source.control().set(netlink::StatusChange()
                                          .failure(o.failure)
                                          .rate_limit(o.rate_limit)
                                          .backlog_limit(o.backlog_limit)
                                          .backlog_wait_time(o.backlog_wait_time)
                                          .enabled(o.enabled));
    if (!back) restored = back;
  }
  if (own_state && restored) remove_state(state_path);
  {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    size_t drained = 0;
    for (;;) {
      read_clock_ms = now_ms();
      auto got = source.receive_once(record_cb, std::chrono::milliseconds(0));
      if (!got || *got == 0 || std::chrono::steady_clock::now() > until) break;
      drained += *got;
    }
    if (drained) std::fprintf(stderr, "auspex run: read %zu records queued before the stop\n", drained);
  }
  // The last loss report, so the reports in the output add up to the final stats.
  (void)source.poll_status();
  gaps.finish();
  if (const LossCounters c = loss_now(); !(c == reported)) {
    stats.sequence_gaps = c.sequence_gaps;
    pipe.add_document(loss_document(c, reported));
    ++stats.loss_reports;
    reported = c;
  }
  pipe.finish();
  sink->flush();
  metrics.reset();
  if (!restored) {
    std::fprintf(stderr, "auspex run: restoring the kernel's audit state: %s\n", restored.error().message.c_str());
    rc = 1;
  }
  std::fputs(stats_json(stats, 0, last_events, last_records, true).c_str(), stderr);
  if (tree) tree->stop();
  return rc;
}

}  // namespace daemon_cli
