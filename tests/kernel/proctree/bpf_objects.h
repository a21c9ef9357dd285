// Our BPF programs and maps still loaded in the kernel (names start with "auspex_"), found
// by id iteration as bpftool does. MACHINE.md: a closed loader's programs linger about 1 s.
#pragma once

#include <unistd.h>

#include <string>
#include <vector>

#include <bpf/bpf.h>

namespace proctree::testing {

inline std::vector<std::string> loaded_auspex_bpf_objects() {
  std::vector<std::string> out;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0) {
    int fd = bpf_prog_get_fd_by_id(id);
    if (fd < 0) continue;
    bpf_prog_info info{};
    __u32 len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && std::string(info.name).rfind("auspex_", 0) == 0)
      out.push_back("prog " + std::string(info.name));
    close(fd);
  }
  id = 0;
  while (bpf_map_get_next_id(id, &id) == 0) {
    int fd = bpf_map_get_fd_by_id(id);
    if (fd < 0) continue;
    bpf_map_info info{};
    __u32 len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && std::string(info.name).rfind("auspex_", 0) == 0)
      out.push_back("map " + std::string(info.name));
    close(fd);
  }
  return out;
}

}  // namespace proctree::testing
