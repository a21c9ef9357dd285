// What /proc says about a pid: is it alive, what is it called. Used to name the audit pid
// holder (USERS.md #1) and to decide whether a registered pid is stale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netlink {

struct ProcessInfo {
  uint32_t pid = 0;
  bool alive = false;  // exists and is not a zombie (a zombie's sockets are closed)
  std::string comm;    // /proc/PID/comm, "" when unreadable
};

// proc_root is "/proc" except in tests.
ProcessInfo process_info(uint32_t pid, const std::string& proc_root = "/proc");

// "auditd (pid 812)" / "pid 812 (exited)".
std::string describe_process(const ProcessInfo& p);

// Every live process whose comm equals `comm` (comm is at most 15 bytes: TASK_COMM_LEN).
std::vector<ProcessInfo> find_processes_by_comm(const std::string& comm,
                                                const std::string& proc_root = "/proc");

// A NETLINK_AUDIT socket seen in /proc/net/netlink, with the process holding it.
struct AuditSocketOwner {
  uint32_t portid = 0;
  uint32_t groups = 0;  // bit 0: AUDIT_NLGRP_READLOG (multicast reader)
  uint64_t inode = 0;
  ProcessInfo process;  // pid 0 when no /proc/*/fd links the inode
};

// Lists NETLINK_AUDIT sockets (protocol 9) and, by inode, their owners.
std::vector<AuditSocketOwner> audit_sockets(const std::string& proc_root = "/proc");

}  // namespace netlink
