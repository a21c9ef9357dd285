#include "daemon/state_file.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace daemon_cli {

std::string state_file_path() {
  const char* dir = std::getenv("AUSPEX_STATE_DIR");
  return std::string(dir && *dir ? dir : "/run/auspex") + "/audit-state";
}

std::optional<SavedState> read_stale_state(const std::string& path, std::string& why) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  SavedState s;
  std::string key;
  uint32_t v = 0;
  bool any = false;
  while (f >> key >> v) {
    any = true;
    if (key == "owner_pid") s.owner_pid = v;
    else if (key == "enabled") s.original.enabled = v;
    else if (key == "failure") s.original.failure = v;
    else if (key == "rate_limit") s.original.rate_limit = v;
    else if (key == "backlog_limit") s.original.backlog_limit = v;
    else if (key == "backlog_wait_time") s.original.backlog_wait_time = v;
  }
  if (!any) {
    why = path + ": unreadable, ignored";
    return std::nullopt;
  }
  if (s.owner_pid && s.owner_pid != static_cast<uint32_t>(getpid()) &&
      (kill(static_cast<pid_t>(s.owner_pid), 0) == 0 || errno == EPERM)) {
    why = path + ": written by a running auspex (pid " + std::to_string(s.owner_pid) + ")";
    return std::nullopt;
  }
  why = path + ": left by auspex pid " + std::to_string(s.owner_pid) +
        ", which did not stop cleanly; its original audit settings will be restored at exit";
  return s;
}

core::Result<void> write_state(const std::string& path, const SavedState& s) {
  const std::string dir = path.substr(0, path.rfind('/'));
  ::mkdir(dir.c_str(), 0700);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return core::make_error(tmp + ": cannot write: " + std::strerror(errno), errno);
    f << "owner_pid " << s.owner_pid << "\nenabled " << s.original.enabled << "\nfailure " << s.original.failure
      << "\nrate_limit " << s.original.rate_limit << "\nbacklog_limit " << s.original.backlog_limit
      << "\nbacklog_wait_time " << s.original.backlog_wait_time << "\n";
    if (!f) return core::make_error(tmp + ": write failed", EIO);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return core::make_error(path + ": rename failed: " + std::strerror(errno), errno);
  return {};
}

void remove_state(const std::string& path) { ::unlink(path.c_str()); }

}  // namespace daemon_cli
