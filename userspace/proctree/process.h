// One process as the tree holds it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proctree {

// Processes are keyed by (pid, start): pid reuse never merges two processes.
struct ProcKey {
  int32_t pid = 0;
  uint64_t start_ticks = 0;
  bool operator==(const ProcKey&) const = default;
  bool valid() const { return pid != 0; }
};

// SESSION_VIEW.md §1 entry_meta.type.
enum class EntryType : uint8_t { kNone, kInit, kSshd, kSsm, kContainer, kTerminal, kConsole, kUnknown };
std::string_view entry_type_name(EntryType t);

// What exec sets; shared (immutable) between a parent and its forked children, so a fork
// costs a reference count, not a copy of argv.
struct Image {
  std::string executable;
  std::string name;  // basename of executable, or comm when the executable is unknown
  std::vector<std::string> args;
  std::string cwd;
  bool args_truncated = false;
};

struct Process {
  ProcKey key;
  int32_t ppid = 0;
  int32_t pgid = 0;
  int32_t sid = 0;
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint32_t tty_major = 0, tty_minor = 0;
  uint32_t task_flags = 0;
  bool ids_known = true;
  std::shared_ptr<const Image> image;

  ProcKey entry_leader;  // invalid (pid 0): none
  EntryType entry_type = EntryType::kNone;
  // On an sshd entry leader itself: the client address (SSH_CONNECTION of its environment),
  // entry_meta.source.ip. Empty when unknown.
  std::string entry_source_ip;

  uint64_t last_ts_boot_ns = 0;  // newest event applied; older events do not overwrite
  uint64_t exit_ts_boot_ns = 0;
  int32_t exit_code = 0;  // wait status
  bool exited = false;
  bool exit_code_known = false;
  uint32_t live_children = 0;  // approximate: decides when an exit needs a reparent pass

  bool has_tty() const { return tty_major != 0 || tty_minor != 0; }
  // SESSION_VIEW.md §1: a pts (majors 136-143) or a virtual console/serial (major 4).
  bool interactive() const {
    return (tty_major >= 136 && tty_major <= 143) || (tty_major == 4 && tty_minor <= 255);
  }
  std::string_view name() const { return image ? std::string_view(image->name) : std::string_view(); }
};

// A process with its leaders resolved: what a query returns (copies; images are shared).
struct ProcessInfo {
  Process self;
  bool has_parent = false, has_group_leader = false, has_session_leader = false,
       has_entry_leader = false;
  Process parent, group_leader, session_leader, entry_leader;
};

}  // namespace proctree
