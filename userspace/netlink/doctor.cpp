#include "netlink/doctor.h"

#include <linux/audit.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <thread>

#include "core/json_writer.h"
#include "netlink/control_client.h"

namespace netlink {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::ok: return "ok";
    case Severity::note: return "note";
    case Severity::warn: return "warn";
    case Severity::error: return "error";
  }
  return "?";
}

DoctorFacts gather_doctor_facts(std::chrono::milliseconds lost_interval) {
  DoctorFacts f;
  f.self_pid = static_cast<uint32_t>(::getpid());
  f.root = ::geteuid() == 0;
  f.lost_interval = lost_interval;
  f.auditd = find_processes_by_comm("auditd");
  f.audit_sockets = audit_sockets();
  auto c = ControlClient::open();
  if (!c) {
    f.status_error = c.error().message;
    return f;
  }
  auto st = c->get_status();
  if (!st) {
    f.status_error = st.error().message;
    return f;
  }
  f.status = st.value();
  if (st->pid) f.holder = process_info(st->pid);
  if (auto rules = c->list_rules()) {
    f.rule_count = rules->size();
    for (const auto& r : rules.value()) {
      audit_rule_data hdr{};
      if (r.size() >= sizeof(hdr)) {
        std::memcpy(&hdr, r.data(), sizeof(hdr));
        if ((hdr.flags & ~AUDIT_FILTER_PREPEND) == AUDIT_FILTER_EXIT) ++f.syscall_rule_count;
      }
    }
  }
  if (lost_interval.count() > 0) {
    std::this_thread::sleep_for(lost_interval);
    if (auto later = c->get_status()) f.status_later = later.value();
  }
  return f;
}

namespace {

std::string stop_fix(const ProcessInfo& p) {
  const std::string pid = std::to_string(p.pid);
  if (p.comm == "auditd")
    return "stop auditd: `systemctl disable --now auditd` (no systemd: `kill " + pid +
           "`; SIGTERM leaves enabled=1 behind), or run auspex with socket_type: multicast "
           "to read alongside it without touching its rules";
  if (p.comm.rfind("systemd-journal", 0) == 0)
    return "`systemctl mask --now systemd-journald-audit.socket && systemctl restart "
           "systemd-journald`, or use socket_type: multicast";
  return "stop " + (p.comm.empty() ? std::string("it") : p.comm) + " (`kill " + pid +
         "`), or run auspex with socket_type: multicast to read alongside it";
}

}  // namespace

std::vector<Finding> diagnose(const DoctorFacts& f) {
  std::vector<Finding> out;
  auto add = [&](Severity s, std::string check, std::string msg, std::string fix = "") {
    out.push_back({s, std::move(check), std::move(msg), std::move(fix)});
  };

  if (!f.status) {
    add(Severity::error, "access", "cannot read the audit status: " + f.status_error,
        f.root ? "check that the kernel has CONFIG_AUDIT and that no seccomp/LSM policy blocks "
                 "NETLINK_AUDIT"
               : "run as root (auspex needs CAP_AUDIT_CONTROL and CAP_AUDIT_READ)");
  }

  // Who holds the unicast pid (USERS.md #1).
  if (f.status && f.status->pid != 0 && f.status->pid != f.self_pid) {
    if (f.holder.alive)
      add(Severity::warn, "audit_pid",
          "the audit pid is held by " + describe_process(f.holder) +
              ": auspex cannot receive unicast and will not change the kernel's rules",
          stop_fix(f.holder));
    else
      add(Severity::note, "audit_pid",
          "the registered audit pid " + std::to_string(f.status->pid) +
              " has exited without unregistering (killed?)",
          "none needed: `auspex run` takes the stale registration over");
  } else if (f.status) {
    add(Severity::ok, "audit_pid", "no other process holds the audit pid");
  }

  // auditd running (whether or not it holds the pid right now).
  for (const auto& p : f.auditd) {
    if (f.status && f.status->pid == p.pid) continue;  // already reported as the holder
    add(Severity::warn, "auditd", "auditd is running (pid " + std::to_string(p.pid) +
                                      ") and may register as the audit pid or replace the rules",
        stop_fix(p));
  }
  if (f.auditd.empty()) add(Severity::ok, "auditd", "auditd is not running");

  // journald's audit socket (USERS.md #13) and other multicast readers.
  bool journald = false;
  for (const auto& s : f.audit_sockets) {
    if (s.process.pid == f.self_pid) continue;
    const bool multicast = s.groups & 1u;
    if (s.process.comm.rfind("systemd-journal", 0) == 0) {
      journald = true;
      add(Severity::warn, "journald",
          "systemd-journald has an audit netlink socket (" + describe_process(s.process) +
              (multicast ? ", multicast reader" : "") +
              "): systemd-journald-audit.socket makes it read and store every audit record too",
          "`systemctl mask --now systemd-journald-audit.socket && systemctl restart "
          "systemd-journald`");
    } else if (multicast && s.process.pid != 0 && s.process.comm != "auditd" &&
               s.process.pid != f.status.value_or(Status{}).pid) {
      add(Severity::note, "multicast_reader",
          describe_process(s.process) + " reads the audit multicast group (AUDIT_NLGRP_READLOG)",
          "");
    }
  }
  if (!journald) add(Severity::ok, "journald", "no systemd-journald audit socket");

  if (f.status) {
    const Status& s = *f.status;
    if (s.immutable())
      add(Severity::error, "enabled",
          "audit is immutable (enabled=2): rules and settings are locked until reboot; auspex "
          "can only read the installed rules' events via multicast",
          "remove `-e 2` from /etc/audit/rules.d/*.rules (or audit.rules) and reboot");
    else if (s.enabled == kAuditDisabled)
      add(Severity::note, "enabled", "audit is disabled (enabled=0)",
          "none needed for auspex: `auspex run` enables it and restores 0 on exit (by hand: "
          "`auditctl -e 1`)");
    else
      add(Severity::ok, "enabled", "audit is enabled");

    if (s.failure == 2)
      add(Severity::warn, "failure",
          "failure=2: the kernel panics when it cannot deliver records (a dead collector "
          "takes the machine down)",
          "`auditctl -f 1` (printk), or failure: 1 in the auspex config");

    const size_t rules = std::max(f.rule_count.value_or(0), f.planned_rule_count);
    const size_t syscall_rules = std::max(f.syscall_rule_count, f.planned_rule_count);
    const std::string fix_backlog = "`auditctl -b " + std::to_string(kRecommendedBacklogLimit) +
                                    "`, or `-b " + std::to_string(kRecommendedBacklogLimit) +
                                    "` in the rules file / backlog_limit: " +
                                    std::to_string(kRecommendedBacklogLimit) + " in the config";
    if (s.backlog_limit != 0 && s.backlog_limit < kRecommendedBacklogLimit) {
      if (syscall_rules > 0)
        add(Severity::warn, "backlog",
            "backlog_limit " + std::to_string(s.backlog_limit) + " is too low for " +
                std::to_string(rules) + " rule(s): one burst of exec events (~9 records each) " +
                "fills it, then records are lost" +
                (s.backlog_wait_time ? " after audited processes wait up to " +
                                           std::to_string(s.backlog_wait_time / 1000) + " s"
                                     : std::string()),
            fix_backlog);
      else
        add(Severity::note, "backlog",
            "backlog_limit " + std::to_string(s.backlog_limit) +
                " is fine with no syscall rules but too low once a rule set is installed",
            fix_backlog);
    } else {
      add(Severity::ok, "backlog", "backlog_limit " + std::to_string(s.backlog_limit));
    }
    if (s.backlog_limit && s.backlog * 2 > s.backlog_limit)
      add(Severity::warn, "backlog", "the backlog is " + std::to_string(s.backlog) + " of " +
                                         std::to_string(s.backlog_limit) +
                                         ": the reader is not keeping up",
          "check the process holding the audit pid is reading; raise backlog_limit");
    if (s.rate_limit)
      add(Severity::note, "rate_limit",
          "rate_limit=" + std::to_string(s.rate_limit) + ": records above that rate per second are dropped",
          "`auditctl -r 0` unless the limit is wanted");

    if (f.status_later) {
      const uint32_t grew = f.status_later->lost - s.lost;
      const double secs = f.lost_interval.count() / 1000.0;
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.1f", secs);
      if (grew > 0)
        add(Severity::error, "lost",
            "the kernel lost " + std::to_string(grew) + " record(s) in " + buf +
                " s (lost=" + std::to_string(f.status_later->lost) + ")",
            "raise backlog_limit (" + fix_backlog +
                "), make sure the audit pid holder reads, or narrow the rules");
      else if (s.lost > 0)
        add(Severity::note, "lost",
            "lost=" + std::to_string(s.lost) + " since boot or the last reset, not rising over " +
                buf + " s",
            "");
      else
        add(Severity::ok, "lost", std::string("lost=0, not rising over ") + buf + " s");
    }
  }
  return out;
}

bool healthy(const std::vector<Finding>& findings) {
  for (const auto& f : findings)
    if (f.severity == Severity::warn || f.severity == Severity::error) return false;
  return true;
}

std::string format_findings_text(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    std::string sev(severity_name(f.severity));
    for (auto& c : sev) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += sev;
    out.append(6 - std::min<size_t>(sev.size(), 5), ' ');
    out += f.check + ": " + f.message + "\n";
    if (!f.fix.empty()) out += "      fix: " + f.fix + "\n";
  }
  out += healthy(findings) ? "healthy\n" : "problems found\n";
  return out;
}

std::string quick_diagnosis() {
  auto findings = diagnose(gather_doctor_facts(std::chrono::milliseconds(0)));
  std::vector<Finding> problems;
  for (auto& f : findings)
    if (f.severity == Severity::warn || f.severity == Severity::error) problems.push_back(std::move(f));
  if (problems.empty()) return "";
  std::string out = format_findings_text(problems);
  // Drop the trailing verdict line: the caller has its own.
  auto cut = out.rfind("problems found\n");
  if (cut != std::string::npos) out.erase(cut);
  return out;
}

std::string format_findings_json(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    core::JsonWriter w(out);
    w.begin_object();
    w.key("severity").string(severity_name(f.severity));
    w.key("check").string(f.check);
    w.key("message").string(f.message);
    if (!f.fix.empty()) w.key("fix").string(f.fix);
    w.end_object();
    out += '\n';
  }
  return out;
}

}  // namespace netlink
