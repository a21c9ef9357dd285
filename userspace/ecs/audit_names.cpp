#include "ecs/audit_names.h"

#include <libaudit.h>

#include <charconv>
#include <cstring>

namespace ecs {

bool arch_name(std::string_view hex_arch, std::string& out) {
  unsigned long long v = 0;
  auto [p, ec] = std::from_chars(hex_arch.data(), hex_arch.data() + hex_arch.size(), v, 16);
  if (ec != std::errc() || p != hex_arch.data() + hex_arch.size() || v > 0xffffffffULL) return false;
  const int machine = audit_elf_to_machine(static_cast<unsigned int>(v));
  if (machine < 0) return false;
  const char* name = audit_machine_to_name(machine);
  if (!name) return false;
  out.assign(name);
  return true;
}

bool syscall_name(std::string_view arch, std::string_view number, std::string& out) {
  int n = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (ec != std::errc() || p != number.data() + number.size()) return false;
  char buf[32];
  if (arch.size() >= sizeof buf) return false;
  std::memcpy(buf, arch.data(), arch.size());
  buf[arch.size()] = '\0';
  const int machine = audit_name_to_machine(buf);
  if (machine < 0) return false;
  const char* name = audit_syscall_to_name(n, machine);
  if (!name) return false;
  out.assign(name);
  return true;
}

const char* errno_name(int err) { return audit_errno_to_name(err); }

bool signal_name(int sig, std::string& out) {
  if (sig <= 0 || sig >= 65) return false;
  const char* abbrev = sigabbrev_np(sig);
  if (!abbrev) return false;
  out.assign("SIG");
  out.append(abbrev);
  return true;
}

}  // namespace ecs
