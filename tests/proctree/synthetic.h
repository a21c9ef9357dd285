// Synthetic tree events for the tests: a builder that owns the strings the events point to,
// and an EventSource that replays a queue of them (the "synthetic" implementation of the
// source interface).
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "proctree/event_source.h"
#include "proctree/tree.h"

namespace proctree::testing {

// pid; ppid, pgid, sid; start (ticks); ctty
struct P {
  int32_t pid, ppid, pgid, sid;
  uint64_t start = 0;
  uint32_t tty_major = 0, tty_minor = 0;
  uint32_t flags = 0;
};

class Synth {
 public:
  uint64_t ts = 1'000'000'000;  // boot ns; each event advances it by 1 ms

  TaskSnapshot task(const P& p, std::string_view comm = "") {
    TaskSnapshot t;
    t.pid = t.tid = p.pid;
    t.ppid = p.ppid;
    t.pgid = p.pgid;
    t.sid = p.sid;
    t.start_ticks = p.start ? p.start : uint64_t(p.pid);
    t.tty_major = p.tty_major;
    t.tty_minor = p.tty_minor;
    t.flags = p.flags;
    t.comm = keep(std::string(comm));
    return t;
  }
  TreeEvent fork(const P& child, int32_t parent_pid, uint64_t parent_start = 0) {
    TreeEvent e = base(EventKind::kFork, child);
    e.parent_pid = parent_pid;
    e.parent_start_ticks = parent_start ? parent_start : uint64_t(parent_pid);
    return e;
  }
  TreeEvent exec(const P& p, std::string_view exe, std::vector<std::string> args = {},
                 std::string_view cwd = "/") {
    TreeEvent e = base(EventKind::kExec, p);
    e.filename = keep(std::string(exe));
    std::string argv;
    if (args.empty()) args.push_back(std::string(exe.substr(exe.rfind('/') + 1)));
    for (const auto& a : args) {
      if (!argv.empty()) argv.push_back('\0');
      argv += a;
    }
    e.argv = keep(argv);
    e.cwd = keep(std::string(cwd));
    e.old_pid = p.pid;
    return e;
  }
  TreeEvent exit(const P& p, int code = 0) {
    TreeEvent e = base(EventKind::kExit, p);
    e.exit_code = code << 8;
    e.exit_code_known = true;
    return e;
  }
  TreeEvent setsid(const P& p) { return base(EventKind::kSetsid, p); }
  TreeEvent setpgid(const P& caller, int32_t target, int32_t pgid) {
    TreeEvent e = base(EventKind::kSetpgid, caller);
    e.target_pid = target;
    e.target_pgid = pgid;
    return e;
  }

 private:
  TreeEvent base(EventKind k, const P& p) {
    TreeEvent e;
    e.kind = k;
    ts += 1'000'000;
    e.ts_boot_ns = ts;
    e.task = task(p);
    return e;
  }
  std::string_view keep(std::string s) {
    store_.push_back(std::move(s));
    return store_.back();
  }
  std::deque<std::string> store_;
};

// Replays queued events; push() from the test thread, poll() from the service thread.
class SyntheticSource final : public EventSource {
 public:
  std::string_view name() const override { return "synthetic"; }
  core::Result<void> start() override { return {}; }
  core::Result<size_t> poll(int timeout_ms, EventSink& sink) override {
    polls.fetch_add(1);
    std::vector<TreeEvent> batch;
    {
      std::unique_lock lock(mu_);
      // Paused: stuck like a consumer thread busy elsewhere, deaf to wake().
      if (paused_) {
        cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !paused_; });
        return size_t(0);
      }
      cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return woken_ || !q_.empty(); });
      woken_ = false;
      batch.assign(q_.begin(), q_.end());
      q_.clear();
    }
    for (const auto& e : batch) sink.on_event(e);
    return batch.size();
  }
  void wake() override {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_all();
  }
  std::vector<Counter> counters() const override { return {}; }
  std::atomic<int> polls{0};  // poll() calls: how often the service thread came by
  // With inline_consume on, lookups may take the queue on their own thread (as BpfSource
  // does), paused or not.
  bool inline_consume = false;
  bool try_consume(EventSink& sink) override {
    if (!inline_consume) return false;
    std::vector<TreeEvent> batch;
    {
      std::lock_guard lock(mu_);
      batch.assign(q_.begin(), q_.end());
      q_.clear();
    }
    for (const auto& e : batch) sink.on_event(e);
    return true;
  }

  void push(const TreeEvent& e) {
    std::lock_guard lock(mu_);
    q_.push_back(e);
    cv_.notify_all();
  }
  // A paused source delivers nothing (a stuck ring buffer): lookups must time out.
  void pause(bool p) {
    std::lock_guard lock(mu_);
    paused_ = p;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<TreeEvent> q_;
  bool woken_ = false, paused_ = false;
};

}  // namespace proctree::testing
