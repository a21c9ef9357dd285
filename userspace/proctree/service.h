// The tree as a running service: a thread applies one event source's events to a
// ProcessTree; the daemon queries it. This is the API the daemon calls:
//
//   auto svc = proctree::Service::start({.backend = proctree::Backend::kAuto});
//   // for each audit event with a pid, after it was received:
//   proctree::LookupResult r = svc.value()->lookup(pid, event_unix_ns, std::chrono::milliseconds(200), exe);
//   if (r.status == proctree::LookupStatus::kFound) use(r.info);
//   // procfs backend only (no-op otherwise): feed exec / exit_group / setsid facts
//   svc.value()->on_audit_exec(fact);
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"
#include "proctree/audit_facts.h"
#include "proctree/event_source.h"
#include "proctree/tree.h"

namespace proctree {

enum class Backend { kAuto, kEbpf, kProcfs };
std::optional<Backend> parse_backend(std::string_view s);

struct ServiceOptions {
  Backend backend = Backend::kAuto;
  TreeOptions tree;
  // Told of every change, with the tree locked: on the service thread, or on the thread of
  // a lookup that caught the tree up itself (Service::lookup). Keep it short.
  TreeObserver* observer = nullptr;
  // Diagnostics (backend choice, fallback reason). Default: stderr.
  std::function<void(std::string_view)> log;
  std::chrono::milliseconds reap_interval{1000};
  std::chrono::milliseconds procfs_rescan{1000};
  bool bootstrap_from_proc = true;  // tests with a synthetic source turn it off
  // eBPF backend: also append every ring-buffer sample to this file (open for the
  // service's lifetime; RecordedSource replays it).
  std::FILE* record = nullptr;
  // Runs first on the service thread (the daemon drops that thread's capabilities here:
  // capabilities are per thread, and this one starts while the process still has all).
  std::function<void()> on_thread_start;
};

enum class LookupStatus {
  kFound,
  kNotFound,     // the tree caught up with the call and has no such pid
  kTimedOut,     // max_wait passed before the tree caught up (info may be set, maybe stale)
  kExeMismatch,  // caught up, found, but another executable than the audit event's
};

struct LookupResult {
  LookupStatus status = LookupStatus::kNotFound;
  std::optional<ProcessInfo> info;  // set for kFound and kExeMismatch
  uint64_t generation = 0;          // generation() when info was read
};

struct ServiceStats {
  TreeStats tree;
  size_t size = 0, live = 0;
  std::vector<Counter> source;
  uint64_t lookups = 0, lookup_found = 0, lookup_not_found = 0, lookup_timed_out = 0,
           lookup_exe_mismatch = 0;
  uint64_t lookup_without_wait = 0;  // the source was drained at the call
  uint64_t lookup_consumed_inline = 0;  // caught the tree up on the caller's thread
};

class Service {
 public:
  // Chooses and starts the backend (auto: eBPF, else procfs, logging why), bootstraps the
  // tree from /proc after the source is attached, and starts the thread.
  static core::Result<std::unique_ptr<Service>> start(ServiceOptions options);
  // The same with a given source (synthetic, recorded), already start()ed by the caller.
  static core::Result<std::unique_ptr<Service>> start_with(std::unique_ptr<EventSource> source,
                                                          ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The process pid as of event_unix_ns (the audit event's time; 0 = now), once the tree has
  // applied every kernel event produced before this call, waiting at most max_wait. Call it
  // after the audit event was received: the audit timestamp is the syscall's entry, earlier
  // than the exec hook, so it is not a time to wait for. expected_exe (the audit exe=), when
  // given, is compared with the record's executable (SESSION_VIEW.md §3 auspex).
  //
  // settled: the caller knows the event cannot change what the tree holds for this process
  // (not an exec, setsid or setpgid). Then a record that is already there and runs
  // expected_exe is returned at once, without waiting for pending kernel events: at high
  // event rates the ring buffer is rarely empty, and the wait is most of a lookup's cost.
  LookupResult lookup(int32_t pid, int64_t event_unix_ns, std::chrono::milliseconds max_wait,
                      std::string_view expected_exe = {}, bool settled = false);

  // Audit facts for the procfs backend (SESSION_VIEW.md §4); ignored by the eBPF backend.
  // learns_from_audit: whether they are used (callers need not build them otherwise).
  bool learns_from_audit() const { return source_->audit_facts() != nullptr; }
  void on_audit_exec(const AuditExec& e);
  void on_audit_exit(const AuditExit& e);
  void on_audit_setsid(const AuditSetsid& e);

  // Changes each time the tree applies something that can change what a lookup of an
  // already tracked, live process returns (exec, exit, setsid, setpgid, reparenting, a
  // record reaped or evicted); a fork of a new process does not change it. A caller may
  // keep what a lookup returned, and what it made of it, for as long as this stays equal to
  // LookupResult::generation: the lock-free path of enrich::SessionEnricher.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Which processes each generation touched, so a kept result can outlive changes to other
  // processes: true when no change in (since, now] touched a record of `pids` (a process
  // and those its answer names: parent, group, session and entry leader), with `now` the
  // generation the result holds at from then on. False when one did, when a change touched
  // records in bulk (a reap, a cap eviction), or when more changed than the log keeps.
  // Lock-free. On a machine that forks and execs all the time the generation moves between
  // any two events of a process; this keeps the enricher's reuse for the processes that
  // did not change.
  bool unchanged_for(uint64_t since, std::span<const int32_t> pids, uint64_t& now) const;

  ServiceStats stats() const;
  std::string_view backend() const { return source_->name(); }
  void stop();

 private:
  Service(std::unique_ptr<EventSource> source, ServiceOptions options);
  void run();
  void apply_event(const TreeEvent& e);  // holding mu_
  void bump(int32_t pid);                // holding mu_: the next generation; pid 0: any
  uint64_t unix_to_boot_ns(int64_t unix_ns) const;

  std::unique_ptr<EventSource> source_;
  ServiceOptions options_;
  mutable std::mutex mu_;
  std::condition_variable caught_up_;
  ProcessTree tree_;
  uint64_t watermark_ns_ = 0;  // every kernel event with ts below it has been applied
  std::atomic<int> waiters_{0};
  std::atomic<uint64_t> generation_{1};  // written under mu_
  // Slot g % kChangeLog: (g << 32) | the pid generation g touched (0: any). Written before
  // generation_ moves to g; the tag tells an overwritten slot.
  static constexpr uint64_t kChangeLog = 1024;
  std::array<std::atomic<uint64_t>, kChangeLog> changes_{};
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::atomic<uint64_t> lookups_{0}, found_{0}, not_found_{0}, timed_out_{0}, exe_mismatch_{0},
      fast_{0}, settled_fast_{0}, inline_{0};
  core::Error thread_error_;
};

}  // namespace proctree
