#include "proctree/procfs_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace proctree {
namespace {

bool read_file(const std::string& path, std::string& out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1u << 20)) break;  // a pathological cmdline: enough
  }
  close(fd);
  return true;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string s(buf, static_cast<size_t>(n));
  // A deleted executable or cwd reads "path (deleted)": keep the path.
  constexpr std::string_view kDeleted = " (deleted)";
  if (s.size() > kDeleted.size() && s.compare(s.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
    s.resize(s.size() - kDeleted.size());
  return s;
}

// Second field of "Uid:\t0\t0\t0\t0" lines: real, effective.
void parse_ids(const std::string& status, const char* tag, uint32_t& real, uint32_t& eff) {
  size_t p = status.find(tag);
  if (p == std::string::npos) return;
  const char* s = status.c_str() + p + std::strlen(tag);
  char* end;
  real = static_cast<uint32_t>(std::strtoul(s, &end, 10));
  eff = static_cast<uint32_t>(std::strtoul(end, &end, 10));
}

}  // namespace

std::string read_ssh_client_ip(int32_t pid, const std::string& proc_root) {
  std::string env;
  if (!read_file(proc_root + "/" + std::to_string(pid) + "/environ", env)) return {};
  std::string_view rest = env;
  std::string_view client;
  while (!rest.empty()) {
    size_t nul = rest.find('\0');
    std::string_view var = rest.substr(0, nul);
    for (std::string_view name : {"SSH_CONNECTION=", "SSH_CLIENT="}) {
      if (var.substr(0, name.size()) == name && (client.empty() || name[4] == 'C'))
        client = var.substr(name.size());
    }
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return std::string(client.substr(0, client.find(' ')));
}

uint64_t boottime_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

TreeEvent ProcfsProcess::as_event(EventKind kind, uint64_t ts_boot_ns) const {
  TreeEvent e;
  e.kind = kind;
  e.ts_boot_ns = ts_boot_ns;
  e.task = task;
  e.task.comm = comm;
  e.filename = exe;
  e.exe = exe;
  e.argv = cmdline;
  if (!e.argv.empty() && e.argv.back() == '\0') e.argv.remove_suffix(1);
  e.cwd = cwd;
  e.old_pid = task.pid;
  return e;
}

std::optional<ProcfsProcess> read_procfs_process(int32_t pid, const std::string& proc_root) {
  const std::string dir = proc_root + "/" + std::to_string(pid);
  std::string stat;
  if (!read_file(dir + "/stat", stat)) return std::nullopt;
  // "pid (comm) S ppid pgrp session tty_nr tpgid flags ... starttime(22)": comm may hold
  // spaces and parentheses, so fields start after the last ')'.
  size_t open_paren = stat.find('(');
  size_t close_paren = stat.rfind(')');
  if (open_paren == std::string::npos || close_paren == std::string::npos || close_paren < open_paren)
    return std::nullopt;
  ProcfsProcess p;
  p.comm = stat.substr(open_paren + 1, close_paren - open_paren - 1);
  const char* s = stat.c_str() + close_paren + 2;  // at field 3 (state)
  char* end;
  p.state = *s;
  ++s;
  long ppid = std::strtol(s, &end, 10);
  long pgrp = std::strtol(end, &end, 10);
  long session = std::strtol(end, &end, 10);
  unsigned long tty_nr = std::strtoul(end, &end, 10);
  std::strtoll(end, &end, 10);  // 8: tpgid
  unsigned long flags = std::strtoul(end, &end, 10);  // 9: task->flags
  p.kthread = flags & 0x00200000;  // PF_KTHREAD, include/linux/sched.h
  // fields 10..21, then starttime (22)
  for (int f = 10; f <= 21; ++f) std::strtoll(end, &end, 10);
  unsigned long long start = std::strtoull(end, &end, 10);

  p.task.pid = pid;
  p.task.tid = pid;
  p.task.ppid = static_cast<int32_t>(ppid);
  p.task.pgid = static_cast<int32_t>(pgrp);
  p.task.sid = static_cast<int32_t>(session);
  p.task.start_ticks = start;
  decode_tty_nr(static_cast<uint32_t>(tty_nr), p.task.tty_major, p.task.tty_minor);

  std::string status;
  if (read_file(dir + "/status", status)) {
    // "Tgid:" differs from pid for a thread id reached by /proc/TID (not listed, but readable)
    size_t t = status.find("\nTgid:");
    if (t != std::string::npos && std::atoi(status.c_str() + t + 6) != pid) return std::nullopt;
    parse_ids(status, "\nUid:", p.task.uid, p.task.euid);
    parse_ids(status, "\nGid:", p.task.gid, p.task.egid);
  }
  p.exe = read_link(dir + "/exe");
  p.cwd = read_link(dir + "/cwd");
  read_file(dir + "/cmdline", p.cmdline);
  p.task.comm = p.comm;
  return p;
}

std::vector<ProcfsProcess> scan_procfs(const std::string& proc_root) {
  std::vector<ProcfsProcess> out;
  DIR* d = opendir(proc_root.c_str());
  if (!d) return out;
  while (dirent* ent = readdir(d)) {
    char* end;
    long pid = std::strtol(ent->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    if (auto p = read_procfs_process(static_cast<int32_t>(pid), proc_root)) out.push_back(std::move(*p));
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const ProcfsProcess& a, const ProcfsProcess& b) {
    return a.task.start_ticks != b.task.start_ticks ? a.task.start_ticks < b.task.start_ticks
                                                    : a.task.pid < b.task.pid;
  });
  for (auto& p : out) p.task.comm = p.comm;  // the vector moved the strings
  return out;
}

}  // namespace proctree
