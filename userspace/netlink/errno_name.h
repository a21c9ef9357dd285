// Naming errnos and audit netlink request types in messages: "AUDIT_SET pid=0: EACCES
// (Permission denied)" says what was asked and what the kernel answered.
#pragma once

#include <cstdint>
#include <string>

namespace netlink {

// "EEXIST (File exists)"; "errno 4242" for numbers glibc has no name for.
std::string errno_name(int err);

// "AUDIT_GET", "AUDIT_ADD_RULE", ...; record types by libaudit's name ("SYSCALL");
// "type 1234" otherwise.
std::string message_type_name(uint16_t type);

}  // namespace netlink
