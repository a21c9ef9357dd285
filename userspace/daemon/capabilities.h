// Once set up (sockets open, BPF attached, rules installed), the daemon keeps only the
// capabilities it still uses, in effective, permitted and inheritable sets alike:
//  - CAP_AUDIT_CONTROL: reload, drift checks, and removing our rules / giving the pid back
//  - CAP_AUDIT_READ: the multicast group
//  - CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH: /proc/PID/{exe,cwd,environ} of other users'
//    processes for the process tree
//  - CAP_BPF: reading the BPF programs' drop counters (with unprivileged BPF off, every
//    bpf() call needs it, lookups included)
// Everything else (CAP_SYS_ADMIN, CAP_PERFMON, CAP_NET_ADMIN, CAP_DAC_OVERRIDE, ...) is
// gone. Capabilities are per thread: the process tree's thread, started before the drop,
// drops its own (and keeps no audit capability).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "core/result.h"

namespace daemon_cli {

// Keeps exactly these capabilities (numbers from linux/capability.h) in every set.
core::Result<void> keep_only_capabilities(std::initializer_list<int> caps);
// The effective set of this process, as a bit mask (bit n = capability n).
uint64_t effective_capabilities();
std::string capability_names(uint64_t mask);

}  // namespace daemon_cli
