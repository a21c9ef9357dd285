#include "ecs/audit_names.h"

#include <libaudit.h>

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace ecs {
namespace {

// Every SYSCALL record asks for its arch and syscall names and most failed calls for an
// errno name: libaudit answers each with a string search of its tables, so the answers are
// kept per thread (libaudit's names are static strings). "" marks a number asked before
// that has no name; nullptr one not asked yet.
constexpr const char* kNoName = "";
constexpr size_t kCachedSyscalls = 1024;  // syscall numbers below this are cached
constexpr size_t kCachedErrnos = 256;

struct NameCache {
  // The last arch asked for, as hex and as name -> machine (records of one host share one).
  std::array<char, 16> hex{};
  size_t hex_len = SIZE_MAX;
  std::string_view hex_name;
  std::array<char, 32> arch{};
  size_t arch_len = SIZE_MAX;
  int machine = -1;
  std::vector<std::vector<const char*>> syscalls;  // by machine, then number
  std::array<const char*, kCachedErrnos> errnos{};
};

NameCache& cache() {
  thread_local NameCache c;
  return c;
}

std::string_view name_or_empty(const char* s) { return s ? std::string_view(s) : std::string_view(); }

}  // namespace

std::string_view arch_name(std::string_view hex_arch) {
  NameCache& c = cache();
  if (hex_arch.size() == c.hex_len && std::memcmp(hex_arch.data(), c.hex.data(), c.hex_len) == 0) return c.hex_name;
  unsigned long long v = 0;
  auto [p, ec] = std::from_chars(hex_arch.data(), hex_arch.data() + hex_arch.size(), v, 16);
  if (ec != std::errc() || p != hex_arch.data() + hex_arch.size() || v > 0xffffffffULL) return {};
  const int machine = audit_elf_to_machine(static_cast<unsigned int>(v));
  const std::string_view name = machine < 0 ? std::string_view() : name_or_empty(audit_machine_to_name(machine));
  if (hex_arch.size() <= c.hex.size()) {
    std::memcpy(c.hex.data(), hex_arch.data(), hex_arch.size());
    c.hex_len = hex_arch.size();
    c.hex_name = name;
  }
  return name;
}

std::string_view syscall_name(std::string_view arch, std::string_view number) {
  int n = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (ec != std::errc() || p != number.data() + number.size()) return {};
  NameCache& c = cache();
  if (!(arch.size() == c.arch_len && std::memcmp(arch.data(), c.arch.data(), c.arch_len) == 0)) {
    if (arch.size() >= c.arch.size()) return {};
    std::memcpy(c.arch.data(), arch.data(), arch.size());
    c.arch[arch.size()] = '\0';
    c.arch_len = arch.size();
    c.machine = audit_name_to_machine(c.arch.data());
  }
  const int machine = c.machine;
  if (machine < 0) return {};
  if (n < 0 || static_cast<size_t>(n) >= kCachedSyscalls) return name_or_empty(audit_syscall_to_name(n, machine));
  if (c.syscalls.size() <= static_cast<size_t>(machine)) c.syscalls.resize(static_cast<size_t>(machine) + 1);
  std::vector<const char*>& names = c.syscalls[static_cast<size_t>(machine)];
  if (names.empty()) names.assign(kCachedSyscalls, nullptr);
  const char*& slot = names[static_cast<size_t>(n)];
  if (!slot) {
    const char* name = audit_syscall_to_name(n, machine);
    slot = name ? name : kNoName;
  }
  return slot;
}

const char* errno_name(int err) {
  if (err < 0 || static_cast<size_t>(err) >= kCachedErrnos) return audit_errno_to_name(err);
  const char*& slot = cache().errnos[static_cast<size_t>(err)];
  if (!slot) {
    const char* name = audit_errno_to_name(err);
    slot = name ? name : kNoName;
  }
  return slot == kNoName ? nullptr : slot;
}

bool signal_name(int sig, std::string& out) {
  if (sig <= 0 || sig >= 65) return false;
  const char* abbrev = sigabbrev_np(sig);
  if (!abbrev) return false;
  out.assign("SIG");
  out.append(abbrev);
  return true;
}

}  // namespace ecs
