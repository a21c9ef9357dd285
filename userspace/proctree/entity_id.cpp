#include "proctree/entity_id.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace proctree {

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // Sized once and written through a pointer: every document with session metadata carries
  // several of these (the process and each of its leaders).
  std::string out((in.size() + 2) / 3 * 4, '\0');
  char* o = out.data();
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    *o++ = kAlphabet[(v >> 18) & 63];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    *o++ = kAlphabet[(v >> 18) & 63];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
  return out;
}

std::string entity_id(uint64_t pidns_inode, std::string_view boot_id, int32_t pid, int64_t start_s) {
  // "<pidns inode>__<boot id>__<pid>__<start s>" in a stack buffer (a boot id is a 36-byte
  // UUID; any length fits the string fallback), then base64: one allocation, not five.
  char stack[256];
  std::string heap;
  char* buf = stack;
  const size_t room = 3 * 20 + 3 * 2 + boot_id.size();
  if (room > sizeof stack) {
    heap.resize(room);
    buf = heap.data();
  }
  char* p = std::to_chars(buf, buf + room, pidns_inode).ptr;
  *p++ = '_';
  *p++ = '_';
  if (!boot_id.empty()) std::memcpy(p, boot_id.data(), boot_id.size());
  p += boot_id.size();
  *p++ = '_';
  *p++ = '_';
  p = std::to_chars(p, buf + room, pid).ptr;
  *p++ = '_';
  *p++ = '_';
  p = std::to_chars(p, buf + room, start_s).ptr;
  return base64_encode(std::string_view(buf, static_cast<size_t>(p - buf)));
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
