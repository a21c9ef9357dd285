// Numbers in audit records turned into the names Auditbeat shows, from libaudit's tables
// (the same per-arch syscall tables ausearch -i uses).
#pragma once

#include <string>
#include <string_view>

namespace ecs {

// arch=c000003e -> "x86_64" (libaudit's static string); empty when the text is not hex or
// the arch is unknown.
std::string_view arch_name(std::string_view hex_arch);
// Syscall number -> name (static) for an arch given as its name ("x86_64"); empty when
// unknown.
std::string_view syscall_name(std::string_view arch, std::string_view number);
// Positive errno -> "EACCES"; nullptr when unknown.
const char* errno_name(int err);
// Signal number -> "SIGSEGV"; false when unknown.
bool signal_name(int sig, std::string& out);

}  // namespace ecs
