// What every event source (BPF, procfs, synthetic, recorded) feeds the tree: one struct per
// kernel fact, independent of where it came from. The tree never sees the ring-buffer ABI.
#pragma once

#include <cstdint>
#include <string_view>

namespace proctree {

enum class EventKind : uint8_t {
  kFork,     // a new process (not a thread)
  kExec,     // a successful execve/execveat
  kExit,     // the process's last thread exited
  kSetsid,   // setsid() succeeded: pid == pgid == sid
  kSetpgid,  // setpgid(target_pid, target_pgid) succeeded
};

std::string_view event_kind_name(EventKind k);  // fork, exec, end, setsid, setpgid

// Task flags (bpf/auspex_abi.h AUSPEX_TASK_*), copied through unchanged.
inline constexpr uint32_t kTaskChildSubreaper = 1u << 0;
inline constexpr uint32_t kTaskHasSubreaper = 1u << 1;

// The kernel's view of one process at the event. Ids are host (initial pid ns) ids.
struct TaskSnapshot {
  int32_t pid = 0;  // tgid
  int32_t tid = 0;
  int32_t ppid = 0;
  int32_t pgid = 0;
  int32_t sid = 0;
  uint64_t start_ticks = 0;  // start since boot in 1/CLK_TCK (/proc stat field 22)
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint32_t tty_major = 0, tty_minor = 0;  // 0/0: no controlling tty
  uint32_t flags = 0;                     // kTask*
  bool ids_known = true;  // false when a procfs source could not read the process
  std::string_view comm;
};

// One event. Views point into the source's buffer and live until the apply call returns.
struct TreeEvent {
  EventKind kind = EventKind::kFork;
  uint64_t ts_boot_ns = 0;  // CLOCK_BOOTTIME of the kernel hook (or of the procfs read)
  TaskSnapshot task;        // fork: the child; setpgid: the caller

  // kFork
  int32_t parent_pid = 0;
  uint64_t parent_start_ticks = 0;
  // kExec
  int32_t old_pid = 0;
  std::string_view filename;
  std::string_view argv;  // NUL-separated (as /proc/PID/cmdline)
  std::string_view cwd;   // absolute path, or empty when unknown
  std::string_view exe;   // the resolved binary (/proc/PID/exe, audit exe=); empty: unknown
  bool argv_truncated = false;
  // kExit
  int32_t exit_code = 0;  // wait status: (code << 8) | signal
  bool exit_code_known = false;
  // kSetpgid
  int32_t target_pid = 0;
  int32_t target_pgid = 0;
};

}  // namespace proctree
