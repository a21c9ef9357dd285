// The entry-leader rule of SESSION_VIEW.md §2, as a pure function of a process and the
// records the tree knows around it (so it is tested without a tree).
#pragma once

#include <string_view>

#include "proctree/process.h"

namespace proctree {

struct EntryLeader {
  ProcKey leader;  // invalid: none
  EntryType type = EntryType::kNone;
};

// p's own fields (pid, ppid, sid, tty, image) must be current. parent/session/group are the
// known records of p's ppid/sid/pgid, or nullptr.
EntryLeader evaluate_entry_leader(const Process& p, const Process* parent,
                                  const Process* session_leader, const Process* group_leader);

// Basename of a path ("/usr/sbin/sshd" -> "sshd").
std::string_view path_basename(std::string_view path);

}  // namespace proctree
