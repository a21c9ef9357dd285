// Which data socket to use, from the configured socket_type and the kernel's status, and
// why (USERS.md #1, #7). A pure function so every branch is unit-tested, immutable included
// (which cannot be tested live: `-e 2` lasts until reboot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "netlink/process_info.h"
#include "netlink/status.h"

namespace netlink {

enum class SocketType {
  unicast,    // register our pid (AUDIT_SET pid): the one reader the kernel waits for
  multicast,  // AUDIT_NLGRP_READLOG: best-effort read-only copy, several readers
  automatic,  // unicast when the pid is free (or its holder is dead), multicast otherwise
};

std::optional<SocketType> parse_socket_type(std::string_view s);  // unicast|multicast|auto
std::string_view socket_type_name(SocketType t);

struct SocketChoice {
  SocketType type = SocketType::unicast;  // unicast or multicast, never automatic
  bool take_over_stale_pid = false;        // a dead holder is still registered
  bool may_change_rules = true;            // false: someone else owns the audit config
  bool may_change_status = true;           // false when immutable
  std::string why;                         // one sentence for the log / `ready` line
};

// holder: process_info(status.pid) (ignored when status.pid is 0 or self_pid).
// Errors when the requested type cannot work (unicast while a live holder or immutable).
core::Result<SocketChoice> choose_socket(SocketType requested, const Status& status,
                                         const ProcessInfo& holder, uint32_t self_pid);

}  // namespace netlink
