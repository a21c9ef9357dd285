// The process/session tree: applies TreeEvents in order, keeps exited processes for a grace
// period, bounds its size, and answers lookups. Single-threaded; proctree::Service adds the
// thread and the locking. Tested from synthetic event sequences (tests/proctree/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "proctree/event.h"
#include "proctree/process.h"

namespace proctree {

struct TreeOptions {
  // SESSION_VIEW.md §3: keep exited records >= 10 s so late audit events still find them.
  uint64_t grace_ns = 10'000'000'000ull;
  // Records (live + retained exited). At the cap the oldest exited record is evicted; with
  // none exited, the new process is not tracked. Both are counted.
  size_t max_processes = 262'144;
  uint64_t ns_per_tick = 10'000'000;  // 10^9 / CLK_TCK
  // Reads the client address of a new sshd entry leader (entry_meta.source.ip); the service
  // sets read_ssh_client_ip (/proc environ). Called only for a process that just became its
  // own sshd entry leader at exec or bootstrap: rare, and the process is alive then.
  std::string (*source_ip_reader)(int32_t pid) = nullptr;
};

struct TreeStats {
  uint64_t applied[5] = {};          // by EventKind
  uint64_t bootstrapped = 0;
  uint64_t stale_skipped = 0;        // event older than the record's newest (bootstrap race)
  uint64_t unknown_parent = 0;       // fork whose parent the tree did not know
  uint64_t unknown_exec = 0;         // exec of a process with no record (fork unseen)
  uint64_t unknown_exit = 0;         // exit of a process with no record
  uint64_t unknown_setpgid_target = 0;
  uint64_t reparented = 0;           // children moved to init/subreaper on a parent's exit
  uint64_t reaped = 0;               // exited records removed after the grace period
  uint64_t retained_as_leader = 0;   // reap passes that kept a record a live process needs
  uint64_t evicted = 0;              // removed before their grace period: the cap
  uint64_t rejected_full = 0;        // not tracked: the cap, and nothing exited to evict
};

// Told of every change the tree makes from an event (not of bootstrap records).
class ProcessTree;
class TreeObserver {
 public:
  virtual ~TreeObserver() = default;
  virtual void on_change(const ProcessTree& tree, EventKind action, const Process& p) = 0;
};

class ProcessTree {
 public:
  explicit ProcessTree(TreeOptions options = {});

  void set_observer(TreeObserver* o) { observer_ = o; }

  // Adds a process read from /proc (an exec-like event: task, filename, argv, cwd) at
  // bootstrap. Call in start-time order, parents first, so entry leaders resolve.
  void bootstrap(const TreeEvent& e);
  void apply(const TreeEvent& e);
  // Removes exited records whose grace period ended, unless a live process still refers to
  // them as parent or group/session/entry leader (SESSION_VIEW.md §3 auspex). Returns count.
  size_t reap(uint64_t now_boot_ns);

  const Process* find(ProcKey key) const;
  // The newest record of pid that started at or before max_start_ticks.
  const Process* find_at(int32_t pid, uint64_t max_start_ticks = UINT64_MAX) const;
  // The process pid as it was at at_boot_ns (0: the newest), with its leaders.
  std::optional<ProcessInfo> lookup(int32_t pid, uint64_t at_boot_ns = 0) const;
  ProcessInfo info(const Process& p) const;

  const TreeStats& stats() const { return stats_; }
  size_t size() const { return size_; }
  size_t live() const { return size_ - exited_count_; }
  const TreeOptions& options() const { return options_; }

 private:
  Process* find_mut(ProcKey key);
  // The event's process; a procfs event without a start time means the newest of its pid.
  Process* subject(const TaskSnapshot& t);
  Process* find_at_mut(int32_t pid, uint64_t max_start_ticks = UINT64_MAX);
  Process* insert(Process p);
  void erase(ProcKey key);
  bool make_room();
  void set_snapshot(Process& p, const TaskSnapshot& t);
  void set_image(Process& p, const TreeEvent& e);
  void evaluate_entry(Process& p);
  void reparent_children(const Process& dead);
  void notify(EventKind k, const Process& p) {
    if (observer_) observer_->on_change(*this, k, p);
  }

  void apply_fork(const TreeEvent& e);
  void apply_exec(const TreeEvent& e, bool bootstrap);
  void apply_exit(const TreeEvent& e);
  void apply_setsid(const TreeEvent& e);
  void apply_setpgid(const TreeEvent& e);

  struct Exited {
    ProcKey key;
    uint64_t exit_ts;
  };

  TreeOptions options_;
  TreeObserver* observer_ = nullptr;
  // Few records per pid (a live one plus exited ones awaiting reaping), sorted by start.
  std::unordered_map<int32_t, std::vector<Process>> by_pid_;
  std::deque<Exited> exited_;      // exit order = reap order
  std::vector<Exited> retained_;   // due, but referenced by a live process at the last reap
  size_t size_ = 0;
  size_t exited_count_ = 0;
  TreeStats stats_;
};

}  // namespace proctree
