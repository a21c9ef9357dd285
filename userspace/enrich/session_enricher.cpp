#include "enrich/session_enricher.h"

#include <array>

#include "proctree/ecs_json.h"
#include "proctree/service.h"

namespace enrich {

const char* to_string(SessionMiss m) {
  switch (m) {
    case SessionMiss::kNone: return "none";
    case SessionMiss::kNoPid: return "no_pid";
    case SessionMiss::kNotFound: return "not_found";
    case SessionMiss::kTimedOut: return "timed_out";
    case SessionMiss::kExeMismatch: return "exe_mismatch";
    case SessionMiss::kCount: break;
  }
  return "?";
}

bool SessionEnricher::learns_from_audit() const { return service_.learns_from_audit(); }
void SessionEnricher::observe_exec(const proctree::AuditExec& e) { service_.on_audit_exec(e); }
void SessionEnricher::observe_exit(const proctree::AuditExit& e) { service_.on_audit_exit(e); }
void SessionEnricher::observe_setsid(const proctree::AuditSetsid& e) { service_.on_audit_setsid(e); }

namespace {

// One thread's recent results, direct-mapped by pid. An entry is good while no change since
// the generation it holds at touched the process or those its answer names (parent, group,
// session and entry leader: Service::unchanged_for), for events no older than the process's
// start (a live record is the newest of its pid), and when the event names the same
// executable.
struct CacheEntry {
  uint64_t owner = 0;
  uint64_t generation = 0;
  int32_t pid = 0;
  int64_t start_unix_ms = 0;
  // Exited when found: its rendering may be shared (an exited process's later events), but
  // it is never an answer without the tree (its pid may come back as another process).
  bool live = false;
  std::shared_ptr<const SessionView> view;
};
constexpr size_t kCacheSlots = 512;
thread_local std::array<CacheEntry, kCacheSlots> t_cache;

CacheEntry& slot(int32_t pid) { return t_cache[static_cast<uint32_t>(pid) % kCacheSlots]; }

// The entry still holds (nothing changed for the process or those its answer names); then
// its generation moves on, so the next check starts from here.
bool holds(const proctree::Service& service, CacheEntry& c) {
  const proctree::Process& s = c.view->info.self;
  const int32_t named[] = {s.key.pid, s.ppid, s.pgid, s.sid, s.entry_leader.pid};
  uint64_t now = 0;
  if (!service.unchanged_for(c.generation, named, now)) return false;
  c.generation = now;
  return true;
}

}  // namespace

uint64_t SessionEnricher::next_id() {
  static std::atomic<uint64_t> ids{1};
  return ids.fetch_add(1, std::memory_order_relaxed);
}

SessionResult SessionEnricher::lookup(int32_t pid, int64_t event_unix_ns, std::string_view exe, bool settled) {
  SessionResult r;
  if (pid <= 0) {
    r.miss = SessionMiss::kNoPid;
    missed_[static_cast<size_t>(r.miss)].fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  if (settled) {
    CacheEntry& c = slot(pid);
    if (c.owner == id_ && c.pid == pid && c.live && event_unix_ns / 1'000'000 >= c.start_unix_ms &&
        (exe.empty() || (c.view->info.self.image && c.view->info.self.image->executable == exe)) &&
        holds(service_, c)) {
      r.miss = SessionMiss::kNone;
      r.view = c.view;
      r.info = &r.view->info;
      enriched_.fetch_add(1, std::memory_order_relaxed);
      cached_.fetch_add(1, std::memory_order_relaxed);
      return r;
    }
  }
  proctree::LookupResult l = service_.lookup(pid, event_unix_ns, max_wait_, exe, settled);
  switch (l.status) {
    case proctree::LookupStatus::kFound: r.miss = SessionMiss::kNone; break;
    case proctree::LookupStatus::kNotFound: r.miss = SessionMiss::kNotFound; break;
    case proctree::LookupStatus::kTimedOut: r.miss = SessionMiss::kTimedOut; break;
    case proctree::LookupStatus::kExeMismatch:
      // Same process (pid and start time), another image: the audit record names the exe
      // through symlinks resolved (/bin -> /usr/bin) or the process exec'd again since.
      // entity_id and leaders do not change on exec, and the document takes name and
      // executable from the audit records, so the event is enriched; counted apart.
      r.miss = SessionMiss::kNone;
      exe_differs_.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  if (r.miss != SessionMiss::kNone || !l.info) {
    if (r.miss == SessionMiss::kNone) r.miss = SessionMiss::kNotFound;
    missed_[static_cast<size_t>(r.miss)].fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  auto view = std::make_shared<SessionView>();
  view->info = std::move(*l.info);
  CacheEntry& c = slot(pid);
  if (c.owner == id_ && c.pid == pid && c.view && proctree::same_session_members(c.view->info, view->info)) {
    // Changed, but not in what the document shows (the process's own exit, an exec of a
    // process it does not name): the same text.
    view->rendered = c.view->rendered;
    rendering_reused_.fetch_add(1, std::memory_order_relaxed);
  } else {
    auto rendered = std::make_shared<SessionRendering>();
    proctree::render_session_members(view->info, clock_, rendered->members, rendered->parent_members);
    view->rendered = std::move(rendered);
  }
  r.view = std::move(view);
  r.info = &r.view->info;
  enriched_.fetch_add(1, std::memory_order_relaxed);
  // Only a live process's record is the newest of its pid for every later event; only a
  // found one (not another image) is what a settled event of this executable finds. An
  // exited one is kept for its rendering: at a batch's pace most short-lived processes have
  // exited by their exec event's lookup, and their exit_group event comes next.
  if (l.status == proctree::LookupStatus::kFound) {
    c.live = !r.info->self.exited;
    c.owner = id_;
    c.generation = l.generation;
    c.pid = pid;
    c.start_unix_ms = clock_.start_unix_ms(r.info->self.key.start_ticks);
    c.view = r.view;
  }
  return r;
}

}  // namespace enrich
