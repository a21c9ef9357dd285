#include "proctree/service.h"

#include <time.h>

#include <cstdio>

#include "core/thread_name.h"
#include "proctree/procfs_reader.h"
#include "proctree/procfs_source.h"
#ifdef AUSPEX_HAVE_BPF
#include "proctree/bpf_source.h"
#endif

namespace proctree {
namespace {

// Between polls the ring wakes us itself once 1 MiB is queued (proctree.bpf.c), and a lookup
// that needs the newest events consumes them or wakes us: the idle poll only moves the
// watermark on and reaps (once a second, ServiceOptions::reap_interval). Each wake-up costs
// ~20-60 us of this thread's CPU on a VM however little it does (bench/README.md): at 50 ms
// that was most of an idle collector's CPU, and at 250 ms still 3 wake-ups a second more
// than reaping needs, each ~70 us at exec-heavy load.
constexpr int kIdlePollMs = 1000;


}  // namespace

std::optional<Backend> parse_backend(std::string_view s) {
  if (s == "auto") return Backend::kAuto;
  if (s == "ebpf") return Backend::kEbpf;
  if (s == "procfs") return Backend::kProcfs;
  return std::nullopt;
}

namespace {
std::string ssh_client_ip(int32_t pid) { return read_ssh_client_ip(pid); }
TreeOptions with_ip_reader(TreeOptions o, bool from_proc) {
  if (from_proc && !o.source_ip_reader) o.source_ip_reader = ssh_client_ip;
  return o;
}
}  // namespace

Service::Service(std::unique_ptr<EventSource> source, ServiceOptions options)
    : source_(std::move(source)),
      options_(std::move(options)),
      tree_(with_ip_reader(options_.tree, options_.bootstrap_from_proc)) {
  tree_.set_observer(options_.observer);
}

core::Result<std::unique_ptr<Service>> Service::start(ServiceOptions options) {
  auto log = options.log ? options.log : [](std::string_view s) {
    std::fprintf(stderr, "auspex proctree: %.*s\n", int(s.size()), s.data());
  };
  options.log = log;
  const uint64_t ns_per_tick = options.tree.ns_per_tick;
  (void)ns_per_tick;
  if (options.backend != Backend::kProcfs) {
#ifdef AUSPEX_HAVE_BPF
    auto bpf = std::make_unique<BpfSource>(ns_per_tick);
    if (options.record) bpf->record_to(options.record);
    auto r = bpf->start();
    if (r.ok()) {
      log("backend ebpf: tp_btf programs attached");
      return start_with(std::move(bpf), std::move(options));
    }
    if (options.backend == Backend::kEbpf) return r.error();
    log("backend auto: eBPF unavailable (" + r.error().message + "), falling back to procfs");
#else
    if (options.backend == Backend::kEbpf)
      return core::make_error("backend ebpf: built without BPF (AUSPEX_BPF=OFF)");
    log("backend auto: built without BPF, using procfs");
#endif
  }
  auto procfs = std::make_unique<ProcfsSource>(options.procfs_rescan);
  if (auto r = procfs->start(); !r.ok()) return r.error();
  return start_with(std::move(procfs), std::move(options));
}

core::Result<std::unique_ptr<Service>> Service::start_with(std::unique_ptr<EventSource> source,
                                                          ServiceOptions options) {
  std::unique_ptr<Service> s(new Service(std::move(source), std::move(options)));
  if (s->options_.bootstrap_from_proc) {
    // After the source attached: a process that appears during the scan is either read
    // here or reported by an event; events older than a record's read are skipped.
    const uint64_t ts = boottime_now_ns();
    auto procs = scan_procfs();
    std::lock_guard lock(s->mu_);
    for (const auto& p : procs) s->tree_.bootstrap(p.as_event(EventKind::kExec, ts));
  }
  s->running_ = true;
  s->thread_ = std::thread([p = s.get()] {
    core::name_this_thread("auspex-tree");
    p->run();
  });
  return s;
}

Service::~Service() { stop(); }

void Service::stop() {
  if (!running_.exchange(false)) return;
  source_->wake();
  if (thread_.joinable()) thread_.join();
  caught_up_.notify_all();
}

void Service::apply_event(const TreeEvent& e) {
  const uint64_t evicted = tree_.stats().evicted;
  tree_.apply(e);
  // The cap evicted a record: maybe a leader someone's answer names.
  if (tree_.stats().evicted != evicted) return bump(0);
  // A fork adds a process and changes no tracked one. A reused pid needs no bump: its
  // previous process's exit did that.
  if (e.kind == EventKind::kFork) return;
  // Each kind changes the record of its task; an exit also reparents the task's children
  // (their answers name it as parent); exec from another thread takes over old_pid's
  // record; setpgid changes its target's group.
  bump(e.task.pid);
  if (e.kind == EventKind::kExec && e.old_pid > 0 && e.old_pid != e.task.pid) bump(e.old_pid);
  if (e.kind == EventKind::kSetpgid && e.target_pid > 0 && e.target_pid != e.task.pid) bump(e.target_pid);
}

void Service::bump(int32_t pid) {
  const uint64_t g = generation_.load(std::memory_order_relaxed) + 1;
  changes_[g % kChangeLog].store((g << 32) | static_cast<uint32_t>(pid > 0 ? pid : 0), std::memory_order_release);
  generation_.store(g, std::memory_order_release);
}

bool Service::unchanged_for(uint64_t since, std::span<const int32_t> pids, uint64_t& now) const {
  now = generation_.load(std::memory_order_acquire);
  if (now == since) return true;
  // Half the log: a writer moving on meanwhile overwrites slots ahead of the ones read.
  if (now < since || now - since > kChangeLog / 2) return false;
  for (uint64_t g = since + 1; g <= now; ++g) {
    const uint64_t c = changes_[g % kChangeLog].load(std::memory_order_acquire);
    if ((c >> 32) != (g & 0xffffffffu)) return false;
    const int32_t pid = static_cast<int32_t>(static_cast<uint32_t>(c));
    if (pid == 0) return false;
    for (int32_t p : pids)
      if (p == pid) return false;
  }
  return true;
}

void Service::run() {
  if (options_.on_thread_start) options_.on_thread_start();
  struct Locked final : EventSink {
    Service* s;
    void on_event(const TreeEvent& e) override {
      std::lock_guard lock(s->mu_);
      s->apply_event(e);
    }
  } sink;
  sink.s = this;
  auto next_reap = std::chrono::steady_clock::now() + options_.reap_interval;
  while (running_) {
    const uint64_t before = boottime_now_ns();
    // With a lookup waiting, only drain: it needs a read that started after its call.
    const int timeout = waiters_.load() > 0 ? 0 : kIdlePollMs;
    auto r = source_->poll(timeout, sink);
    if (!r.ok()) {
      options_.log("event source failed: " + r.error().message);
      std::lock_guard lock(mu_);
      thread_error_ = r.error();
      running_ = false;
      break;
    }
    {
      std::lock_guard lock(mu_);
      // The hooks run inside the syscalls they report: an event of a syscall that returned
      // before `before` was submitted before it, and this poll's consume has read it.
      watermark_ns_ = std::max(watermark_ns_, before);
      if (std::chrono::steady_clock::now() >= next_reap) {
        if (tree_.reap(boottime_now_ns()) > 0) bump(0);
        next_reap = std::chrono::steady_clock::now() + options_.reap_interval;
      }
    }
    caught_up_.notify_all();
  }
  // Stopped: apply what the kernel already queued (the programs wake this thread only once
  // the ring fills, so the last events may still be there), unless the source failed.
  if (thread_error_.message.empty()) (void)source_->poll(0, sink);
  caught_up_.notify_all();
}

uint64_t Service::unix_to_boot_ns(int64_t unix_ns) const {
  timespec rt{}, bt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_BOOTTIME, &bt);
  const int64_t offset = (int64_t(rt.tv_sec) - int64_t(bt.tv_sec)) * 1'000'000'000 +
                         (int64_t(rt.tv_nsec) - int64_t(bt.tv_nsec));
  const int64_t b = unix_ns - offset;
  return b > 0 ? uint64_t(b) : 1;
}

LookupResult Service::lookup(int32_t pid, int64_t event_unix_ns, std::chrono::milliseconds max_wait,
                             std::string_view expected_exe, bool settled) {
  ++lookups_;
  const uint64_t called = boottime_now_ns();
  const uint64_t at = event_unix_ns ? unix_to_boot_ns(event_unix_ns) : 0;
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  LookupResult out;
  std::unique_lock lock(mu_);
  bool caught_up = false;
  // Fast path: nothing pending in the source (the common case for an audit event whose
  // exec was applied long ago): no wake-up, no wait.
  if (source_->drained()) {
    caught_up = true;
    ++fast_;
  } else if (settled) {
    // The record is there, runs the event's executable, and the event changes nothing the
    // tree tracks: pending kernel events cannot make the answer more right.
    auto known = tree_.lookup(pid, at);
    if (known && (expected_exe.empty() || (known->self.image && known->self.image->executable == expected_exe))) {
      ++settled_fast_;
      ++found_;
      out.status = LookupStatus::kFound;
      out.info = std::move(known);
      out.generation = generation_.load(std::memory_order_relaxed);
      return out;
    }
  }
  if (!caught_up && running_) {
    // Catch the tree up here rather than wake the service thread and wait for it (two
    // context switches per exec event). Only when no one else is consuming right now; the
    // lock order is mu_ then the source's, and the source never waits for it.
    struct Direct final : EventSink {
      Service* s;
      void on_event(const TreeEvent& e) override { s->apply_event(e); }
    } direct;
    direct.s = this;
    const uint64_t before = boottime_now_ns();
    if (source_->try_consume(direct)) {
      watermark_ns_ = std::max(watermark_ns_, before);
      caught_up = true;
      ++inline_;
      caught_up_.notify_all();
    }
  }
  ++waiters_;
  if (!caught_up) source_->wake();
  for (; !caught_up;) {
    if (watermark_ns_ >= called || !running_) {
      caught_up = true;
      break;
    }
    if (caught_up_.wait_until(lock, deadline) == std::cv_status::timeout) break;
  }
  out.info = tree_.lookup(pid, at);
  out.generation = generation_.load(std::memory_order_relaxed);
  if (!caught_up) {
    out.status = LookupStatus::kTimedOut;  // info, if any, may be stale: the caller decides
  } else if (!out.info) {
    out.status = LookupStatus::kNotFound;
  } else if (!expected_exe.empty() && out.info->self.image &&
             out.info->self.image->executable != expected_exe) {
    out.status = LookupStatus::kExeMismatch;
  } else {
    out.status = LookupStatus::kFound;
  }
  --waiters_;
  switch (out.status) {
    case LookupStatus::kFound: ++found_; break;
    case LookupStatus::kNotFound: ++not_found_; break;
    case LookupStatus::kTimedOut: ++timed_out_; break;
    case LookupStatus::kExeMismatch: ++exe_mismatch_; break;
  }
  return out;
}

void Service::on_audit_exec(const AuditExec& e) {
  if (auto* f = source_->audit_facts()) f->on_audit_exec(e);
}
void Service::on_audit_exit(const AuditExit& e) {
  if (auto* f = source_->audit_facts()) f->on_audit_exit(e);
}
void Service::on_audit_setsid(const AuditSetsid& e) {
  if (auto* f = source_->audit_facts()) f->on_audit_setsid(e);
}

ServiceStats Service::stats() const {
  ServiceStats s;
  {
    std::lock_guard lock(mu_);
    s.tree = tree_.stats();
    s.size = tree_.size();
    s.live = tree_.live();
  }
  s.source = source_->counters();
  s.lookups = lookups_;
  s.lookup_found = found_;
  s.lookup_not_found = not_found_;
  s.lookup_timed_out = timed_out_;
  s.lookup_exe_mismatch = exe_mismatch_;
  s.lookup_without_wait = fast_;
  s.lookup_consumed_inline = inline_;
  return s;
}

}  // namespace proctree
