// The BPF programs, maps and links this process holds (from /proc/self/fd + fdinfo), and
// whether they are still loaded in the kernel. By id, not by name: another auspex on the
// machine (a developer's `auspex run`) loads programs with the same names.
// MACHINE.md: a closed loader's programs linger about 1 s; callers wait before judging.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <bpf/bpf.h>

namespace proctree::testing {

struct BpfObject {
  std::string kind;  // prog, map, link
  uint32_t id = 0;
};

inline std::vector<BpfObject> bpf_objects_held_by_self() {
  std::vector<BpfObject> out;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    char target[256];
    std::string fd_path = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = readlink(fd_path.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = 0;
    std::string t(target);
    std::string kind = t == "anon_inode:bpf-prog" ? "prog"
                       : t == "anon_inode:bpf-map" ? "map"
                       : t == "anon_inode:bpf_link" ? "link"
                                                    : "";
    if (kind.empty()) continue;
    std::ifstream info(std::string("/proc/self/fdinfo/") + e->d_name);
    for (std::string line; std::getline(info, line);) {
      if (line.rfind(kind + "_id:", 0) == 0) {
        out.push_back({kind, uint32_t(std::strtoul(line.c_str() + kind.size() + 4, nullptr, 10))});
        break;
      }
    }
  }
  closedir(d);
  return out;
}

// Those of objects still loaded (an fd can still be had for the id).
inline std::vector<BpfObject> still_loaded(const std::vector<BpfObject>& objs) {
  std::vector<BpfObject> out;
  for (const auto& o : objs) {
    int fd = o.kind == "prog"  ? bpf_prog_get_fd_by_id(o.id)
             : o.kind == "map" ? bpf_map_get_fd_by_id(o.id)
                               : bpf_link_get_fd_by_id(o.id);
    if (fd >= 0) {
      close(fd);
      out.push_back(o);
    }
  }
  return out;
}

}  // namespace proctree::testing
