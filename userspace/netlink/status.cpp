#include "netlink/status.h"

#include <linux/audit.h>

namespace netlink {

StatusChange& StatusChange::enabled(uint32_t v) { s_.mask |= AUDIT_STATUS_ENABLED; s_.enabled = v; return *this; }
StatusChange& StatusChange::failure(uint32_t v) { s_.mask |= AUDIT_STATUS_FAILURE; s_.failure = v; return *this; }
StatusChange& StatusChange::pid(uint32_t v) { s_.mask |= AUDIT_STATUS_PID; s_.pid = v; return *this; }
StatusChange& StatusChange::rate_limit(uint32_t v) { s_.mask |= AUDIT_STATUS_RATE_LIMIT; s_.rate_limit = v; return *this; }
StatusChange& StatusChange::backlog_limit(uint32_t v) { s_.mask |= AUDIT_STATUS_BACKLOG_LIMIT; s_.backlog_limit = v; return *this; }
StatusChange& StatusChange::backlog_wait_time(uint32_t v) { s_.mask |= AUDIT_STATUS_BACKLOG_WAIT_TIME; s_.backlog_wait_time = v; return *this; }
StatusChange& StatusChange::reset_lost() { s_.mask |= AUDIT_STATUS_LOST; return *this; }

std::string StatusChange::describe() const {
  std::string out;
  auto add = [&](uint32_t bit, const char* name, uint32_t v) {
    if (!(s_.mask & bit)) return;
    if (!out.empty()) out += ' ';
    out += name;
    out += '=';
    out += std::to_string(v);
  };
  add(AUDIT_STATUS_ENABLED, "enabled", s_.enabled);
  add(AUDIT_STATUS_FAILURE, "failure", s_.failure);
  add(AUDIT_STATUS_PID, "pid", s_.pid);
  add(AUDIT_STATUS_RATE_LIMIT, "rate_limit", s_.rate_limit);
  add(AUDIT_STATUS_BACKLOG_LIMIT, "backlog_limit", s_.backlog_limit);
  add(AUDIT_STATUS_BACKLOG_WAIT_TIME, "backlog_wait_time", s_.backlog_wait_time);
  if (s_.mask & AUDIT_STATUS_LOST) out += out.empty() ? "lost=reset" : " lost=reset";
  return out;
}

std::string format_status(const Status& s) {
  std::string out;
  auto line = [&](const char* name, uint32_t v) {
    out += name;
    out += ' ';
    out += std::to_string(v);
    out += '\n';
  };
  line("enabled", s.enabled);
  line("failure", s.failure);
  line("pid", s.pid);
  line("rate_limit", s.rate_limit);
  line("backlog_limit", s.backlog_limit);
  line("lost", s.lost);
  line("backlog", s.backlog);
  line("backlog_wait_time", s.backlog_wait_time);
  line("backlog_wait_time_actual", s.backlog_wait_time_actual);
  line("feature_bitmap", s.feature_bitmap);
  return out;
}

}  // namespace netlink
