// Audit record type names and numbers. Names come from libaudit's table (every type the
// installed audit userspace knows) plus `UNKNOWN[N]`, which auditd writes for numbers it
// has no name for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace record {

// Message types the reassembler needs by number (linux/audit.h).
inline constexpr uint16_t kSyscall = 1300;
inline constexpr uint16_t kPath = 1302;
inline constexpr uint16_t kExecve = 1309;
inline constexpr uint16_t kEoe = 1320;
inline constexpr uint16_t kProctitle = 1327;

// 0 if the name is unknown. Accepts UNKNOWN[N].
uint16_t type_from_name(std::string_view name);

// Canonical name, or "UNKNOWN[N]" for numbers without one (written into out's storage).
std::string_view type_name(uint16_t type, std::string& scratch);

// Records that are a whole event by themselves: the kernel never follows them with more
// records of the same serial plus EOE (user-space messages 1100-1299, 2100-2999 and the
// auditd daemon messages 1200-1299, per linux/audit.h ranges).
bool is_standalone(uint16_t type);

// auditd's own records (DAEMON_START, DAEMON_END, ... 1200-1299). auditd numbers them with
// its own counter, which can equal a kernel serial, so they never join a kernel event.
inline bool is_daemon_record(uint16_t type) { return type >= 1200 && type <= 1299; }

}  // namespace record
