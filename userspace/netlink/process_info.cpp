#include "netlink/process_info.h"

#include <dirent.h>
#include <linux/netlink.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace netlink {

namespace {

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

}  // namespace

ProcessInfo process_info(uint32_t pid, const std::string& proc_root) {
  ProcessInfo p;
  p.pid = pid;
  if (pid == 0) return p;
  const std::string dir = proc_root + "/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  if (!stat) return p;
  std::string line;
  std::getline(stat, line);
  // "pid (comm) S ...": comm may hold spaces and ')', so the state follows the last ')'.
  auto rp = line.rfind(')');
  char state = (rp != std::string::npos && rp + 2 < line.size()) ? line[rp + 2] : '?';
  p.alive = state != 'Z' && state != 'X' && state != 'x';
  std::ifstream comm(dir + "/comm");
  std::getline(comm, p.comm);
  return p;
}

std::string describe_process(const ProcessInfo& p) {
  if (!p.alive) return "pid " + std::to_string(p.pid) + " (exited)";
  std::string name = p.comm.empty() ? "?" : p.comm;
  return name + " (pid " + std::to_string(p.pid) + ")";
}

std::vector<ProcessInfo> find_processes_by_comm(const std::string& comm,
                                                const std::string& proc_root) {
  std::vector<ProcessInfo> out;
  DIR* d = ::opendir(proc_root.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (!all_digits(e->d_name)) continue;
    std::ifstream f(proc_root + "/" + e->d_name + "/comm");
    std::string c;
    if (!std::getline(f, c) || c != comm) continue;
    auto p = process_info(static_cast<uint32_t>(std::stoul(e->d_name)), proc_root);
    if (p.alive) out.push_back(p);
  }
  ::closedir(d);
  return out;
}

std::vector<AuditSocketOwner> audit_sockets(const std::string& proc_root) {
  std::vector<AuditSocketOwner> socks;
  // /proc/net/netlink (net/netlink/af_netlink.c netlink_seq_show):
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  std::ifstream f(proc_root + "/net/netlink");
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string sk, drops_s;
    int eth = -1;
    uint32_t portid = 0;
    std::string groups_hex;
    uint64_t rmem, wmem, dump, locks, drops, inode = 0;
    if (!(in >> sk >> eth >> portid >> groups_hex >> rmem >> wmem >> dump >> locks >> drops >> inode))
      continue;
    if (eth != NETLINK_AUDIT || portid == 0) continue;  // portid 0: the kernel's own socket
    AuditSocketOwner s;
    s.portid = portid;
    s.groups = static_cast<uint32_t>(std::stoul(groups_hex, nullptr, 16));
    s.inode = inode;
    socks.push_back(s);
  }
  if (socks.empty()) return socks;
  std::map<uint64_t, size_t> by_inode;
  for (size_t i = 0; i < socks.size(); ++i) by_inode[socks[i].inode] = i;
  DIR* d = ::opendir(proc_root.c_str());
  if (!d) return socks;
  while (dirent* e = ::readdir(d)) {
    if (!all_digits(e->d_name)) continue;
    const std::string fddir = proc_root + "/" + e->d_name + "/fd";
    DIR* fds = ::opendir(fddir.c_str());
    if (!fds) continue;
    while (dirent* fe = ::readdir(fds)) {
      if (!all_digits(fe->d_name)) continue;
      char target[64];
      ssize_t n = ::readlink((fddir + "/" + fe->d_name).c_str(), target, sizeof(target) - 1);
      if (n <= 0) continue;
      target[n] = 0;
      unsigned long long ino = 0;
      if (std::sscanf(target, "socket:[%llu]", &ino) != 1) continue;
      auto it = by_inode.find(ino);
      if (it != by_inode.end() && socks[it->second].process.pid == 0)
        socks[it->second].process =
            process_info(static_cast<uint32_t>(std::stoul(e->d_name)), proc_root);
    }
    ::closedir(fds);
  }
  ::closedir(d);
  return socks;
}

}  // namespace netlink
