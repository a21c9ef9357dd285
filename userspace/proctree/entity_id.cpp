#include "proctree/entity_id.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace proctree {

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string entity_id(uint64_t pidns_inode, std::string_view boot_id, int32_t pid, int64_t start_s) {
  std::string s = std::to_string(pidns_inode);
  s += "__";
  s += boot_id;
  s += "__";
  s += std::to_string(pid);
  s += "__";
  s += std::to_string(start_s);
  return base64_encode(s);
}

core::Result<HostClock> read_host_clock() {
  HostClock c;
  struct stat st {};
  if (stat("/proc/self/ns/pid", &st) != 0)
    return core::make_error(std::string("stat /proc/self/ns/pid: ") + std::strerror(errno), errno);
  c.pidns_inode = st.st_ino;
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  if (!std::getline(boot, c.boot_id) || c.boot_id.empty())
    return core::make_error("read /proc/sys/kernel/random/boot_id failed");
  std::ifstream stat_file("/proc/stat");
  std::string line;
  bool found = false;
  while (std::getline(stat_file, line)) {
    if (line.rfind("btime ", 0) == 0) {
      c.btime_s = std::stoll(line.substr(6));
      found = true;
      break;
    }
  }
  if (!found) return core::make_error("no btime line in /proc/stat");
  long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) return core::make_error("sysconf(_SC_CLK_TCK) failed");
  c.ticks_per_s = static_cast<uint64_t>(hz);
  return c;
}

}  // namespace proctree
