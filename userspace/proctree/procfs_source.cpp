#include "proctree/procfs_source.h"

#include <time.h>

#include <algorithm>
#include <string>

namespace proctree {
namespace {

int64_t realtime_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

ProcfsSource::ProcfsSource(std::chrono::milliseconds rescan, std::string proc_root)
    : rescan_period_(rescan), proc_root_(std::move(proc_root)) {}

ProcfsSource::Seen ProcfsSource::seen(const ProcfsProcess& p) {
  return {p.task.start_ticks, std::hash<std::string>()(p.exe) ^ (std::hash<std::string>()(p.cmdline) * 31)};
}

core::Result<void> ProcfsSource::start() {
  // The service bootstraps the tree from /proc; remember the same set for the rescan diff.
  for (const auto& p : scan_procfs(proc_root_)) known_[p.task.pid] = seen(p);
  next_rescan_ = std::chrono::steady_clock::now() + rescan_period_;
  return {};
}

uint64_t ProcfsSource::to_boot_ns(int64_t unix_ns) const {
  if (unix_ns == 0) return boottime_now_ns();
  int64_t offset = realtime_now_ns() - int64_t(boottime_now_ns());
  int64_t b = unix_ns - offset;
  return b > 0 ? uint64_t(b) : 0;
}

void ProcfsSource::on_audit_exec(const AuditExec& e) {
  std::lock_guard lock(mu_);
  facts_.push_back(e);
  cv_.notify_one();
}
void ProcfsSource::on_audit_exit(const AuditExit& e) {
  std::lock_guard lock(mu_);
  facts_.push_back(e);
  cv_.notify_one();
}
void ProcfsSource::on_audit_setsid(const AuditSetsid& e) {
  std::lock_guard lock(mu_);
  facts_.push_back(e);
  cv_.notify_one();
}

void ProcfsSource::wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_one();
}

size_t ProcfsSource::apply_fact(const Fact& f, EventSink& sink) {
  ++facts_applied_;
  if (const auto* x = std::get_if<AuditExec>(&f)) {
    if (auto p = read_procfs_process(x->pid, proc_root_); p && !p->torn()) {
      known_[p->task.pid] = seen(*p);
      // Stamped with the read, not the audit time (the syscall's entry): what was read is
      // current now, and must not be skipped as older than a rescan that ran meanwhile.
      sink.on_event(p->as_event(EventKind::kExec, boottime_now_ns()));
      return 1;
    }
    const uint64_t ts = to_boot_ns(x->time_unix_ns);
    // Gone already (short-lived): what the audit event says. Unlike Ref, keep its exe and
    // args rather than blanking them.
    ++gone_at_exec_;
    std::string argv;
    for (const auto& a : x->args) {
      if (!argv.empty()) argv.push_back('\0');
      argv += a;
    }
    TreeEvent e;
    e.kind = EventKind::kExec;
    e.ts_boot_ns = ts;
    e.task.pid = x->pid;
    e.task.ppid = x->ppid;
    e.task.uid = x->uid, e.task.euid = x->euid, e.task.gid = x->gid, e.task.egid = x->egid;
    e.task.ids_known = false;
    e.filename = x->exe;
    e.argv = argv;
    e.cwd = x->cwd;
    sink.on_event(e);
    return 1;
  }
  if (const auto* x = std::get_if<AuditExit>(&f)) {
    TreeEvent e;
    e.kind = EventKind::kExit;
    e.ts_boot_ns = to_boot_ns(x->time_unix_ns);
    e.task.pid = x->pid;
    e.task.ids_known = false;
    e.exit_code = (x->exit_code & 0xff) << 8;
    e.exit_code_known = true;
    known_.erase(x->pid);
    sink.on_event(e);
    return 1;
  }
  const auto& x = std::get<AuditSetsid>(f);
  TreeEvent e;
  e.kind = EventKind::kSetsid;
  e.ts_boot_ns = to_boot_ns(x.time_unix_ns);
  auto p = read_procfs_process(x.pid, proc_root_);
  if (p) {
    e.ts_boot_ns = boottime_now_ns();  // as for exec: the read is current
    e.task = p->task;
    e.task.comm = p->comm;
  } else {
    e.task.pid = x.pid;
    e.task.ids_known = false;
  }
  sink.on_event(e);
  return 1;
}

size_t ProcfsSource::rescan(EventSink& sink) {
  ++rescans_;
  const uint64_t ts = boottime_now_ns();
  auto procs = scan_procfs(proc_root_);
  std::unordered_map<int32_t, Seen> now;
  now.reserve(procs.size());
  size_t n = 0;
  for (const auto& p : procs) {
    if (p.state == 'Z' || p.state == 'X') continue;  // exited: its image is gone, report the end
    auto it = known_.find(p.task.pid);
    if (p.torn()) {  // read during exit or exec: keep what was known, look again next time
      if (it != known_.end()) now[p.task.pid] = it->second;
      continue;
    }
    const Seen s = seen(p);
    now[p.task.pid] = s;
    if (it != known_.end() && it->second.start_ticks == s.start_ticks &&
        it->second.image_hash == s.image_hash)
      continue;
    if (it != known_.end() && it->second.start_ticks != s.start_ticks) {
      // pid reused: the old one ended unseen
      TreeEvent gone;
      gone.kind = EventKind::kExit;
      gone.ts_boot_ns = ts;
      gone.task.pid = p.task.pid;
      gone.task.start_ticks = it->second.start_ticks;
      gone.task.ids_known = false;
      sink.on_event(gone);
      ++n;
    }
    // New since the last scan, or an exec in place: reported as an exec (the fork itself
    // is invisible here).
    sink.on_event(p.as_event(EventKind::kExec, ts));
    ++n;
  }
  // Ends found by one scan, youngest first: a child gone in the same interval as its
  // parent must not be reparented to init by the parent's end.
  std::vector<std::pair<uint64_t, int32_t>> ended;
  for (const auto& [pid, old] : known_)
    if (!now.count(pid)) ended.push_back({old.start_ticks, pid});
  std::sort(ended.rbegin(), ended.rend());
  for (const auto& [start, pid] : ended) {
    TreeEvent gone;
    gone.kind = EventKind::kExit;
    gone.ts_boot_ns = ts;
    gone.task.pid = pid;
    gone.task.start_ticks = start;
    gone.task.ids_known = false;
    sink.on_event(gone);
    ++n;
  }
  known_ = std::move(now);
  return n;
}

core::Result<size_t> ProcfsSource::poll(int timeout_ms, EventSink& sink) {
  std::deque<Fact> batch;
  {
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (rescan_period_.count() > 0 && next_rescan_ < deadline) deadline = next_rescan_;
    cv_.wait_until(lock, deadline, [&] { return woken_ || !facts_.empty(); });
    woken_ = false;
    batch.swap(facts_);
  }
  size_t n = 0;
  for (const auto& f : batch) n += apply_fact(f, sink);
  if (rescan_period_.count() > 0 && std::chrono::steady_clock::now() >= next_rescan_) {
    n += rescan(sink);
    next_rescan_ = std::chrono::steady_clock::now() + rescan_period_;
  }
  return n;
}

std::vector<Counter> ProcfsSource::counters() const {
  return {{"procfs.audit_facts", facts_applied_.load()},
          {"procfs.gone_at_exec", gone_at_exec_.load()},
          {"procfs.rescans", rescans_.load()}};
}

}  // namespace proctree
