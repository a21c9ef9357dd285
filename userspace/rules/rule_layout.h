// Byte layout of the kernel's struct audit_rule_data (include/uapi/linux/audit.h), in host
// byte order as it crosses netlink, and the two changes the kernel makes to a rule it loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace rules {

inline constexpr size_t kMaxFields = 64;   // AUDIT_MAX_FIELDS
inline constexpr size_t kMaskWords = 64;   // AUDIT_BITMASK_SIZE
inline constexpr size_t kOffFlags = 0;
inline constexpr size_t kOffAction = 4;
inline constexpr size_t kOffFieldCount = 8;
inline constexpr size_t kOffMask = 12;
inline constexpr size_t kOffFields = kOffMask + 4 * kMaskWords;        // 268
inline constexpr size_t kOffValues = kOffFields + 4 * kMaxFields;      // 524
inline constexpr size_t kOffFieldFlags = kOffValues + 4 * kMaxFields;  // 780
inline constexpr size_t kOffBuflen = kOffFieldFlags + 4 * kMaxFields;  // 1036
inline constexpr size_t kHeaderSize = kOffBuflen + 4;                  // 1040

inline uint32_t read_u32(std::span<const uint8_t> b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

inline void write_u32(std::span<uint8_t> b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }

// The rule as the kernel lists it back (AUDIT_LIST_RULES) after loading these bytes:
//  - the top 16 bits of mask[63] select syscall classes and are cleared when the kernel
//    builds its krule (kernel/auditfilter.c audit_to_entry_common), so they never come back;
//  - the netlink payload is padded to 4 bytes with zeros (NLMSG_ALIGN).
// Compare our bytes with kernel-listed bytes (goldens, `auspex rules list`) through this.
std::vector<uint8_t> kernel_form(std::span<const uint8_t> rule_data);

}  // namespace rules
