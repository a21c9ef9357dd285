// Reads one process, or all, from /proc: the bootstrap of every backend and the whole of
// the procfs backend (SESSION_VIEW.md §4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proctree/event.h"

namespace proctree {

struct ProcfsProcess {
  TaskSnapshot task;  // task.comm points into comm below: do not copy-then-use
  std::string comm;
  std::string exe;      // readlink exe ("" for kernel threads or when unreadable)
  std::string cmdline;  // NUL-separated
  std::string cwd;
  char state = 'R';  // stat field 3; 'Z': exited, not yet waited for (exe, cmdline empty)

  bool kthread = false;  // PF_KTHREAD in stat flags: no exe, cmdline or cwd by nature

  // The reads (exe, cwd, cmdline: one file each) straddled the process's exit (exit_mm()
  // empties exe and cmdline, exit_fs() cwd) or exec. Not a usable image.
  bool torn() const { return !kthread && (exe.empty() || cmdline.empty() || cwd.empty()); }

  // An exec-like event of this process at ts (views into this object).
  TreeEvent as_event(EventKind kind, uint64_t ts_boot_ns) const;
};

// nullopt when the process is gone (or not a process: a thread id, "self").
std::optional<ProcfsProcess> read_procfs_process(int32_t pid, const std::string& proc_root = "/proc");

// Every process, sorted by start time then pid (parents before children).
std::vector<ProcfsProcess> scan_procfs(const std::string& proc_root = "/proc");

// /proc stat tty_nr -> major, minor (include/linux/kdev_t.h new_decode_dev).
inline void decode_tty_nr(uint32_t nr, uint32_t& major, uint32_t& minor) {
  major = (nr >> 8) & 0xfff;
  minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
}

// The client address of an SSH session from /proc/PID/environ (SSH_CONNECTION's first
// field, else SSH_CLIENT's); "" when absent or unreadable.
std::string read_ssh_client_ip(int32_t pid, const std::string& proc_root = "/proc");

// Current CLOCK_BOOTTIME in ns.
uint64_t boottime_now_ns();

}  // namespace proctree
