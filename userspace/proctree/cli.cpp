// auspex proctree [--backend auto|ebpf|procfs] [--duration SECONDS] [--grace SECONDS] [--quiet]
//                 [--record FILE | --replay FILE]
// Prints one NDJSON line per tree change; counters go to stderr at the end.
#include "daemon/commands.h"

#include <signal.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "proctree/ecs_json.h"
#include "proctree/entity_id.h"
#include "proctree/recorded_source.h"
#include "proctree/service.h"

namespace proctree {
namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM only

void on_signal(int) { g_stop = true; }

int64_t boot_to_unix_ns() {
  timespec rt{}, bt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_BOOTTIME, &bt);
  return (int64_t(rt.tv_sec) - int64_t(bt.tv_sec)) * 1'000'000'000 + (rt.tv_nsec - bt.tv_nsec);
}

class Printer final : public TreeObserver {
 public:
  explicit Printer(HostClock c) : clock_(std::move(c)), offset_(boot_to_unix_ns()) {}
  void on_change(const ProcessTree& tree, EventKind action, const Process& p) override {
    line_.clear();
    append_change_json(line_, action, tree.info(p), clock_, offset_);
    line_.push_back('\n');
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    std::fflush(stdout);  // a reader (the tests) sees each change as it happens
  }

 private:
  HostClock clock_;
  int64_t offset_;
  std::string line_;
};

void usage(FILE* f) {
  std::fprintf(f,
               "usage: auspex proctree [--backend auto|ebpf|procfs] [--duration SECONDS] "
               "[--grace SECONDS] [--quiet] [--record FILE | --replay FILE]\n"
               "Prints one NDJSON line per process tree change (fork, exec, end, setsid, "
               "setpgid).\n");
}

}  // namespace

int cli_main(std::span<char* const> args) {
  ServiceOptions opt;
  double duration = 0;
  bool quiet = false;  // no NDJSON: measures the programs and the tree, not the printing
  std::string record_path, replay_path;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&]() -> const char* { return i + 1 < args.size() ? args[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--backend") {
      const char* v = value();
      auto b = v ? parse_backend(v) : std::nullopt;
      if (!b) {
        usage(stderr);
        return 2;
      }
      opt.backend = *b;
    } else if (a == "--duration") {
      const char* v = value();
      if (!v) return usage(stderr), 2;
      duration = std::atof(v);
    } else if (a == "--record") {
      const char* v = value();
      if (!v) return usage(stderr), 2;
      record_path = v;
    } else if (a == "--replay") {
      const char* v = value();
      if (!v) return usage(stderr), 2;
      replay_path = v;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--grace") {
      const char* v = value();
      if (!v) return usage(stderr), 2;
      opt.tree.grace_ns = uint64_t(std::atof(v) * 1e9);
    } else {
      std::fprintf(stderr, "auspex proctree: unknown argument '%s'\n", args[i]);
      usage(stderr);
      return 2;
    }
  }
  auto clock = read_host_clock();
  if (!clock.ok()) {
    std::fprintf(stderr, "auspex proctree: %s\n", clock.error().message.c_str());
    return 1;
  }
  opt.tree.ns_per_tick = 1'000'000'000ull / clock->ticks_per_s;
  Printer printer(*clock);
  if (!quiet) opt.observer = &printer;

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::FILE* record = nullptr;
  if (!record_path.empty()) {
    if (opt.backend == Backend::kProcfs) {
      std::fprintf(stderr, "auspex proctree: --record needs the ebpf backend\n");
      return 2;
    }
    record = std::fopen(record_path.c_str(), "wb");
    if (!record) {
      std::fprintf(stderr, "auspex proctree: %s: %s\n", record_path.c_str(), std::strerror(errno));
      return 1;
    }
    opt.record = record;
  }
  core::Result<std::unique_ptr<Service>> svc = core::make_error("no backend");
  if (!replay_path.empty()) {
    // A recording replays without root: no /proc bootstrap (it describes another moment).
    auto src = std::make_unique<RecordedSource>(replay_path, opt.tree.ns_per_tick);
    if (auto r = src->start(); !r.ok()) {
      std::fprintf(stderr, "auspex proctree: %s\n", r.error().message.c_str());
      return 1;
    }
    opt.bootstrap_from_proc = false;
    svc = Service::start_with(std::move(src), opt);
  } else {
    svc = Service::start(opt);
  }
  if (!svc.ok()) {
    std::fprintf(stderr, "auspex proctree: %s\n", svc.error().message.c_str());
    return 1;
  }
  // Ready: the tests start their workload after this line.
  std::fprintf(stderr, "auspex proctree: backend %.*s ready\n", int(svc.value()->backend().size()),
               svc.value()->backend().data());
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(duration);
  while (!g_stop && (duration <= 0 || std::chrono::steady_clock::now() < end))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  svc.value()->stop();
  if (record) std::fclose(record);  // after stop: the consumer thread no longer writes

  ServiceStats s = svc.value()->stats();
  std::fprintf(stderr,
               "auspex proctree: stats: records=%zu live=%zu bootstrapped=%llu fork=%llu exec=%llu "
               "end=%llu setsid=%llu setpgid=%llu stale_skipped=%llu unknown_parent=%llu "
               "unknown_exec=%llu unknown_exit=%llu reparented=%llu reaped=%llu evicted=%llu "
               "rejected_full=%llu\n",
               s.size, s.live, (unsigned long long)s.tree.bootstrapped,
               (unsigned long long)s.tree.applied[0], (unsigned long long)s.tree.applied[1],
               (unsigned long long)s.tree.applied[2], (unsigned long long)s.tree.applied[3],
               (unsigned long long)s.tree.applied[4], (unsigned long long)s.tree.stale_skipped,
               (unsigned long long)s.tree.unknown_parent, (unsigned long long)s.tree.unknown_exec,
               (unsigned long long)s.tree.unknown_exit, (unsigned long long)s.tree.reparented,
               (unsigned long long)s.tree.reaped, (unsigned long long)s.tree.evicted,
               (unsigned long long)s.tree.rejected_full);
  std::string counters;
  for (const auto& c : s.source) counters += " " + c.name + "=" + std::to_string(c.value);
  std::fprintf(stderr, "auspex proctree: counters:%s\n", counters.c_str());
  return 0;
}

}  // namespace proctree

int daemon_cli::proctree_main(Args args) { return proctree::cli_main(args); }
