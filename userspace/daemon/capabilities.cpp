#include "daemon/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace daemon_cli {
namespace {

struct Caps {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
};

}  // namespace

core::Result<void> keep_only_capabilities(std::initializer_list<int> caps) {
  Caps c;
  for (int cap : caps) {
    const unsigned word = static_cast<unsigned>(cap) / 32, bit = 1u << (static_cast<unsigned>(cap) % 32);
    c.data[word].effective |= bit;
    c.data[word].permitted |= bit;
  }
  // Drop the rest from the bounding set too, so nothing can come back through an exec.
  for (int cap = 0; cap <= 63; ++cap) {
    bool keep = false;
    for (int k : caps) keep = keep || k == cap;
    if (!keep && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  }
  if (syscall(SYS_capset, &c.header, c.data) != 0)
    return core::make_error(std::string("capset: ") + std::strerror(errno), errno);
  return {};
}

uint64_t effective_capabilities() {
  Caps c;
  if (syscall(SYS_capget, &c.header, c.data) != 0) return 0;
  return uint64_t{c.data[0].effective} | uint64_t{c.data[1].effective} << 32;
}

std::string capability_names(uint64_t mask) {
  static const char* const kNames[] = {
      "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
      "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
      "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
      "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
      "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
      "CHECKPOINT_RESTORE"};
  std::string out;
  for (unsigned i = 0; i < 64; ++i) {
    if (!(mask >> i & 1)) continue;
    if (!out.empty()) out += ",";
    out += i < sizeof kNames / sizeof *kNames ? kNames[i] : "CAP_" + std::to_string(i);
  }
  return out;
}

}  // namespace daemon_cli
