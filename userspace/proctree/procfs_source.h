// The procfs backend (SESSION_VIEW.md §4): no kernel hooks. Audit facts (exec, exit_group,
// setsid) fed by the daemon drive it; a periodic /proc rescan catches what no audit event
// reported (and is all the CLI has without the daemon). No fork events exist here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>

#include "proctree/audit_facts.h"
#include "proctree/event_source.h"
#include "proctree/procfs_reader.h"

namespace proctree {

class ProcfsSource final : public EventSource, public AuditFactSink {
 public:
  // rescan: period of the /proc diff (0: never; only audit facts).
  explicit ProcfsSource(std::chrono::milliseconds rescan = std::chrono::milliseconds(1000),
                        std::string proc_root = "/proc");

  std::string_view name() const override { return "procfs"; }
  core::Result<void> start() override;
  core::Result<size_t> poll(int timeout_ms, EventSink& sink) override;
  void wake() override;
  std::vector<Counter> counters() const override;
  AuditFactSink* audit_facts() override { return this; }

  void on_audit_exec(const AuditExec& e) override;
  void on_audit_exit(const AuditExit& e) override;
  void on_audit_setsid(const AuditSetsid& e) override;

 private:
  using Fact = std::variant<AuditExec, AuditExit, AuditSetsid>;
  size_t apply_fact(const Fact& f, EventSink& sink);
  size_t rescan(EventSink& sink);
  uint64_t to_boot_ns(int64_t unix_ns) const;

  std::chrono::milliseconds rescan_period_;
  std::string proc_root_;
  std::chrono::steady_clock::time_point next_rescan_{};
  // What this source has reported alive, for the rescan diff: an exec in place keeps pid
  // and start, so the image (exe + cmdline) is compared too.
  struct Seen {
    uint64_t start_ticks = 0;
    size_t image_hash = 0;
  };
  static Seen seen(const ProcfsProcess& p);
  std::unordered_map<int32_t, Seen> known_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Fact> facts_;
  bool woken_ = false;
  std::atomic<uint64_t> facts_applied_{0}, gone_at_exec_{0}, rescans_{0};
};

}  // namespace proctree
