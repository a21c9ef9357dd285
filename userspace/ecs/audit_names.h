// Numbers in audit records turned into the names Auditbeat shows, from libaudit's tables
// (the same per-arch syscall tables ausearch -i uses).
#pragma once

#include <string>
#include <string_view>

namespace ecs {

// arch=c000003e -> "x86_64". False when the text is not hex or the arch is unknown.
bool arch_name(std::string_view hex_arch, std::string& out);
// Syscall number -> name for an arch given as its name ("x86_64"); false when unknown.
bool syscall_name(std::string_view arch, std::string_view number, std::string& out);
// Positive errno -> "EACCES"; nullptr when unknown.
const char* errno_name(int err);
// Signal number -> "SIGSEGV"; false when unknown.
bool signal_name(int sig, std::string& out);

}  // namespace ecs
