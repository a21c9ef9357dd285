#include "audit_reset.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "netlink/control_client.h"
#include "netlink/process_info.h"

namespace netlink_test {

using netlink::Status;
using netlink::StatusChange;

Status machine_rest_state() {
  Status s;
  s.enabled = 0;
  s.failure = 1;
  s.pid = 0;
  s.rate_limit = 0;
  s.backlog_limit = 64;
  s.backlog_wait_time = 15000;
  return s;
}

core::Result<void> write_state_file(const std::string& path, const Status& s) {
  std::ofstream f(path);
  f << "enabled " << s.enabled << "\nfailure " << s.failure << "\npid " << s.pid
    << "\nrate_limit " << s.rate_limit << "\nbacklog_limit " << s.backlog_limit
    << "\nbacklog_wait_time " << s.backlog_wait_time << "\n";
  if (!f) return core::make_error("cannot write " + path);
  return {};
}

core::Result<Status> read_state_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return core::make_error("cannot read " + path);
  std::map<std::string, uint32_t> v;
  std::string k;
  uint32_t n;
  while (f >> k >> n) v[k] = n;
  for (const char* need : {"enabled", "failure", "rate_limit", "backlog_limit", "backlog_wait_time"})
    if (!v.count(need)) return core::make_error(path + ": missing " + need);
  Status s;
  s.enabled = v["enabled"];
  s.failure = v["failure"];
  s.pid = v["pid"];
  s.rate_limit = v["rate_limit"];
  s.backlog_limit = v["backlog_limit"];
  s.backlog_wait_time = v["backlog_wait_time"];
  return s;
}

core::Result<void> reset_audit_state(const Status& rest) {
  auto c = netlink::ControlClient::open();
  if (!c) return c.error();
  std::string errors;
  auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
  if (auto rules = c->list_rules()) {
    for (const auto& r : rules.value())
      if (auto d = c->delete_rule(r); !d) note(d.error().message);
  } else {
    note(rules.error().message);
  }
  auto st = c->get_status();
  if (!st) return st.error();
  const uint32_t me = static_cast<uint32_t>(::getpid());
  if (st->pid != 0 && st->pid != rest.pid) {
    auto holder = netlink::process_info(st->pid);
    if (holder.alive && st->pid != me) {
      note("audit pid held by live " + netlink::describe_process(holder) + ": left alone");
    } else {
      // A dead holder stays registered until the next record or AUDIT_SET pid
      // (MACHINE.md): take it over, then give it back.
      if (st->pid != me)
        if (auto r = c->set(StatusChange().pid(me)); !r) note(r.error().message);
      if (auto r = c->set(StatusChange().pid(0)); !r) note(r.error().message);
    }
  }
  StatusChange back;
  back.enabled(rest.enabled)
      .failure(rest.failure)
      .rate_limit(rest.rate_limit)
      .backlog_limit(rest.backlog_limit)
      .backlog_wait_time(rest.backlog_wait_time);
  if (auto r = c->set(back); !r) note(r.error().message);
  if (!errors.empty()) return core::make_error(errors);
  return {};
}

std::string diff_from_rest(const Status& rest) {
  auto c = netlink::ControlClient::open();
  if (!c) return c.error().message;
  auto st = c->get_status();
  if (!st) return st.error().message;
  std::ostringstream d;
  auto cmp = [&](const char* name, uint32_t now, uint32_t want) {
    if (now != want) d << name << "=" << now << " (want " << want << ") ";
  };
  cmp("enabled", st->enabled, rest.enabled);
  cmp("failure", st->failure, rest.failure);
  cmp("pid", st->pid, rest.pid);
  cmp("rate_limit", st->rate_limit, rest.rate_limit);
  cmp("backlog_limit", st->backlog_limit, rest.backlog_limit);
  cmp("backlog_wait_time", st->backlog_wait_time, rest.backlog_wait_time);
  auto rules = c->list_rules();
  if (!rules) d << rules.error().message;
  else if (!rules->empty()) d << rules->size() << " rule(s) left ";
  return d.str();
}

AuditLock::AuditLock() {
  fd_ = ::open(kAuditLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ >= 0) ::flock(fd_, LOCK_EX);
}

AuditLock::~AuditLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace netlink_test
