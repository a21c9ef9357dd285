// The audit settings as they were before auspex touched them, kept in a small file for as
// long as `auspex run` runs. A clean stop removes it. After a SIGKILL it stays, and the next
// run restores those original values at its own stop: otherwise the killed run's settings
// (enabled=1, backlog_limit, ...) would look original to the next one and stay for good.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "netlink/status.h"

namespace daemon_cli {

struct SavedState {
  uint32_t owner_pid = 0;  // the run that wrote it
  netlink::Status original;
};

// AUSPEX_STATE_DIR, else /run/auspex.
std::string state_file_path();
// The file a previous run left, if its owner is gone (a live owner: nullopt, and `why`).
std::optional<SavedState> read_stale_state(const std::string& path, std::string& why);
core::Result<void> write_state(const std::string& path, const SavedState& s);
void remove_state(const std::string& path);

}  // namespace daemon_cli
