// process.args from the EXECVE records of one event. The kernel (kernel/auditsc.c
// audit_log_execve_info) writes argc once, then each argument as aN="text" or aN=HEX, and an
// argument too long for one record as aN_len=TOTAL followed by aN[0]=.. aN[1]=.. chunks, which
// may continue in the next EXECVE record; arguments may also be missing when the record budget
// ran out. go-libaudit gives up on all of these (no args at all, elastic/beats#29601); we
// rebuild every argument present, keep argc as process.args_count and warn when some are missing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ecs/audit_event.h"
#include "ecs/field_map.h"

namespace ecs {

class ExecveArgs {
 public:
  void begin();
  void add(const FieldMap& execve_fields);
  // Writes args/args_count into process and data["argc"]; appends warnings.
  void finish(ProcessInfo& process, FieldMap& data, std::vector<std::string>& warnings);
  bool seen() const { return seen_; }

 private:
  struct Arg {
    std::string text;
    bool present = false;
  };
  Arg* slot(uint64_t index);

  std::vector<Arg> args_;
  size_t used_ = 0;
  int64_t argc_ = -1;
  std::string argc_text_;
  bool seen_ = false;
  uint64_t out_of_range_ = 0;
};

// Upper bound on argc we allocate for: the kernel caps argv at MAX_ARG_STRINGS (0x7FFFFFFF)
// but audit logs at most what fits its budget, so a larger claimed argc is only a number.
inline constexpr int64_t kMaxExecveArgs = 1 << 17;

}  // namespace ecs
