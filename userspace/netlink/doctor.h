// `auspex doctor`: what stands between auspex and a clean audit stream on this machine, each
// with its fix (issue 5; USERS.md #1, #2, #3, #7, #13, #14). Facts are gathered from the
// kernel and /proc first; diagnose() is pure so every finding is unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netlink/process_info.h"
#include "netlink/status.h"

namespace netlink {

enum class Severity { ok, note, warn, error };
std::string_view severity_name(Severity s);  // "ok", "note", "warn", "error"

struct Finding {
  Severity severity = Severity::ok;
  std::string check;    // "audit_pid", "auditd", "journald", "enabled", "backlog", "lost", ...
  std::string message;  // what is the case
  std::string fix;      // what to do ("" when nothing)
};

struct DoctorFacts {
  uint32_t self_pid = 0;
  bool root = false;
  std::optional<Status> status;        // first sample
  std::string status_error;            // why status is missing
  std::optional<Status> status_later;  // second sample, lost_interval later
  std::chrono::milliseconds lost_interval{1000};
  ProcessInfo holder;                        // process_info(status.pid)
  std::vector<ProcessInfo> auditd;           // live processes named auditd
  std::vector<AuditSocketOwner> audit_sockets;  // NETLINK_AUDIT sockets in /proc/net/netlink
  std::optional<size_t> rule_count;          // kernel rules (nullopt: could not list)
  size_t syscall_rule_count = 0;             // of them, on the exit list
  // Rules that will be installed (from --rules), if any; the backlog check uses the larger.
  size_t planned_rule_count = 0;
};

DoctorFacts gather_doctor_facts(std::chrono::milliseconds lost_interval);

// backlog_limit below which a syscall rule set loses records in bursts: auditd's own sample
// rules (audit-userspace rules/10-base-config.rules) ship `-b 8192`.
inline constexpr uint32_t kRecommendedBacklogLimit = 8192;

std::vector<Finding> diagnose(const DoctorFacts& facts);

// True when nothing is warn or error.
bool healthy(const std::vector<Finding>& findings);

std::string format_findings_text(const std::vector<Finding>& findings);

// The warn/error findings only, without the 1 s lost sampling: what `auspex run` prints
// when it cannot register or install ("" when nothing is wrong).
std::string quick_diagnosis();
std::string format_findings_json(const std::vector<Finding>& findings);  // one object per line

}  // namespace netlink
