// The kernel's audit status (struct audit_status, linux/audit.h) and partial updates of it.
#pragma once

#include <cstdint>
#include <string>

namespace netlink {

// Values of `enabled` (kernel/audit.c: AUDIT_OFF, AUDIT_ON, AUDIT_LOCKED).
inline constexpr uint32_t kAuditDisabled = 0;
inline constexpr uint32_t kAuditEnabled = 1;
inline constexpr uint32_t kAuditImmutable = 2;  // `auditctl -e 2`: locked until reboot

struct Status {
  uint32_t mask = 0;
  uint32_t enabled = 0;
  uint32_t failure = 0;        // 0 silent, 1 printk, 2 panic
  uint32_t pid = 0;            // registered unicast reader (0: none)
  uint32_t rate_limit = 0;     // records/s, 0 unlimited
  uint32_t backlog_limit = 0;  // queued records before loss or wait
  uint32_t lost = 0;           // records the kernel dropped since boot (or last reset)
  uint32_t backlog = 0;        // records queued now
  uint32_t feature_bitmap = 0; // AUDIT_FEATURE_BITMAP_*
  uint32_t backlog_wait_time = 0;         // jiffies a task may wait on a full backlog
  uint32_t backlog_wait_time_actual = 0;  // kernels >= 5.10

  bool immutable() const { return enabled == kAuditImmutable; }
};

// A set of fields for AUDIT_SET; only the ones set are sent (audit_status.mask).
class StatusChange {
 public:
  StatusChange& enabled(uint32_t v);
  StatusChange& failure(uint32_t v);
  StatusChange& pid(uint32_t v);
  StatusChange& rate_limit(uint32_t v);
  StatusChange& backlog_limit(uint32_t v);
  StatusChange& backlog_wait_time(uint32_t v);
  // AUDIT_STATUS_LOST: the kernel resets `lost` to 0 (the value is ignored).
  StatusChange& reset_lost();

  uint32_t mask() const { return s_.mask; }
  const Status& values() const { return s_; }
  // "enabled=1 pid=1234" for messages.
  std::string describe() const;

 private:
  Status s_;
};

// Renders the status like `auditctl -s` (one "name value" per line).
std::string format_status(const Status& s);

}  // namespace netlink
