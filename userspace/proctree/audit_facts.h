// What the procfs backend needs from audit events (SESSION_VIEW.md §3/§4), as plain structs
// so the daemon can feed it without proctree depending on the audit modules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace proctree {

// A successful execve/execveat (SYSCALL + EXECVE + CWD records).
struct AuditExec {
  int64_t time_unix_ns = 0;
  int32_t pid = 0;
  int32_t ppid = 0;
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  std::string exe;
  std::vector<std::string> args;
  std::string cwd;
};

// exit_group(a0).
struct AuditExit {
  int64_t time_unix_ns = 0;
  int32_t pid = 0;
  int32_t exit_code = 0;  // a0 & 0xff
};

// A successful setsid().
struct AuditSetsid {
  int64_t time_unix_ns = 0;
  int32_t pid = 0;
  int32_t ppid = 0;
};

// Thread-safe: called from the daemon's audit thread.
class AuditFactSink {
 public:
  virtual ~AuditFactSink() = default;
  virtual void on_audit_exec(const AuditExec& e) = 0;
  virtual void on_audit_exit(const AuditExit& e) = 0;
  virtual void on_audit_setsid(const AuditSetsid& e) = 0;
};

}  // namespace proctree
