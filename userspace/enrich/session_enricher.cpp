#include "enrich/session_enricher.h"

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

void SessionEnricher::observe_exec(const proctree::AuditExec& e) { service_.on_audit_exec(e); }
void SessionEnricher::observe_exit(const proctree::AuditExit& e) { service_.on_audit_exit(e); }
void SessionEnricher::observe_setsid(const proctree::AuditSetsid& e) { service_.on_audit_setsid(e); }

SessionResult SessionEnricher::lookup(int32_t pid, int64_t event_unix_ns, std::string_view exe, bool settled) {
  SessionResult r;
  if (pid <= 0) {
    r.miss = SessionMiss::kNoPid;
  } else {
    proctree::LookupResult l = service_.lookup(pid, event_unix_ns, max_wait_, exe, settled);
    switch (l.status) {
      case proctree::LookupStatus::kFound:
        r.miss = SessionMiss::kNone;
        r.info = std::move(l.info);
        break;
      case proctree::LookupStatus::kNotFound: r.miss = SessionMiss::kNotFound; break;
      case proctree::LookupStatus::kTimedOut: r.miss = SessionMiss::kTimedOut; break;
      case proctree::LookupStatus::kExeMismatch:
        // Same process (pid and start time), another image: the audit record names the exe
        // through symlinks resolved (/bin -> /usr/bin) or the process exec'd again since.
        // entity_id and leaders do not change on exec, and the document takes name and
        // executable from the audit records, so the event is enriched; counted apart.
        r.miss = SessionMiss::kNone;
        r.info = std::move(l.info);
        exe_differs_.fetch_add(1, std::memory_order_relaxed);
        break;
    }
  }
  if (r.miss == SessionMiss::kNone) enriched_.fetch_add(1, std::memory_order_relaxed);
  else missed_[static_cast<size_t>(r.miss)].fetch_add(1, std::memory_order_relaxed);
  return r;
}

}  // namespace enrich
