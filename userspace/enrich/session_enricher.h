// Session View enrichment (Elastic's add_session_metadata): the process of an audit event
// looked up in the process tree, with its parent and its group, session and entry leaders.
// Called from every reassembly worker: lookups go through proctree::Service, which is
// thread-safe; the counters here are atomics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "proctree/audit_facts.h"
#include "proctree/entity_id.h"
#include "proctree/process.h"

namespace proctree {
class Service;
}

namespace enrich {

// Why an event went out without session fields. Each has a counter and, with
// include_warnings, a line in auditd.warnings.
enum class SessionMiss : uint8_t {
  kNone = 0,
  kNoPid,        // the event has no process (CONFIG_CHANGE alone, user records without pid)
  kNotFound,     // the tree caught up and has no such pid (exited before we saw it, or
                 // a pid from another pid namespace)
  kTimedOut,     // the tree did not catch up within max_wait
  kExeMismatch,  // unused as a miss: see exe_differs()
  kCount
};

const char* to_string(SessionMiss m);

// What the tree adds to a document, rendered (render_session_members).
struct SessionRendering {
  std::string members;         // process.* members the tree adds
  std::string parent_members;  // process.parent.* members the tree adds
};

// A found process with its rendering: shared by every event that finds the same process
// while nothing changed for it (see SessionEnricher::lookup). The rendering is shared
// further, with a later answer for the process whose rendering would be the same
// (proctree::same_session_members: its own exit, say).
struct SessionView {
  proctree::ProcessInfo info;
  std::shared_ptr<const SessionRendering> rendered;
};

struct SessionResult {
  SessionMiss miss = SessionMiss::kNoPid;
  std::shared_ptr<const SessionView> view;      // set when miss == kNone
  const proctree::ProcessInfo* info = nullptr;  // &view->info, or null
};

class SessionEnricher {
 public:
  SessionEnricher(proctree::Service& service, proctree::HostClock clock,
                  std::chrono::milliseconds max_wait = std::chrono::milliseconds(500))
      : service_(service), clock_(std::move(clock)), max_wait_(max_wait), id_(next_id()) {}

  // pid from the SYSCALL (or user) record, the event's time, its exe= (may be empty).
  // settled: the event's syscall changes nothing the tree tracks (not exec/setsid/setpgid).
  //
  // Settled events of a live process that this thread found before, with nothing changed
  // since for it, its parent or its leaders, reuse that rendered result: no lock, no tree
  // walk, no rendering (the common case: a process's events come in runs, and most of the
  // machine's execs and exits are other processes'). Each calling thread has its own small
  // cache; call from the same threads for the life of the enricher.
  SessionResult lookup(int32_t pid, int64_t event_unix_ns, std::string_view exe, bool settled = false);

  // Whether the backend learns from the facts below (procfs does, eBPF does not): a caller
  // may skip building them when it does not.
  bool learns_from_audit() const;
  // What the procfs backend learns from audit (SESSION_VIEW.md §4): successful execve,
  // exit_group and setsid. The eBPF backend ignores them. Call before lookup().
  void observe_exec(const proctree::AuditExec& e);
  void observe_exit(const proctree::AuditExit& e);
  void observe_setsid(const proctree::AuditSetsid& e);

  const proctree::HostClock& clock() const { return clock_; }
  uint64_t enriched() const { return enriched_.load(std::memory_order_relaxed); }
  uint64_t missed(SessionMiss m) const { return missed_[static_cast<size_t>(m)].load(std::memory_order_relaxed); }
  // Enriched events whose exe= differs from the tree's image (symlinks, a later exec).
  uint64_t exe_differs() const { return exe_differs_.load(std::memory_order_relaxed); }
  // Enriched events answered from the calling thread's cache (no tree lookup).
  uint64_t cached() const { return cached_.load(std::memory_order_relaxed); }
  // Enriched events that asked the tree and reused the rendering of an earlier answer for
  // the same process (nothing the document shows had changed).
  uint64_t rendering_reused() const { return rendering_reused_.load(std::memory_order_relaxed); }

 private:
  static uint64_t next_id();
  proctree::Service& service_;
  proctree::HostClock clock_;
  std::chrono::milliseconds max_wait_;
  std::atomic<uint64_t> enriched_{0};
  std::atomic<uint64_t> exe_differs_{0};
  std::atomic<uint64_t> cached_{0};
  std::atomic<uint64_t> rendering_reused_{0};
  const uint64_t id_;  // tells this enricher's entries in a thread's cache from another's
  std::array<std::atomic<uint64_t>, static_cast<size_t>(SessionMiss::kCount)> missed_{};
};

}  // namespace enrich
