#include "netlink/socket_choice.h"

#include <errno.h>

namespace netlink {

std::optional<SocketType> parse_socket_type(std::string_view s) {
  if (s == "unicast") return SocketType::unicast;
  if (s == "multicast") return SocketType::multicast;
  if (s == "auto") return SocketType::automatic;
  return std::nullopt;
}

std::string_view socket_type_name(SocketType t) {
  switch (t) {
    case SocketType::unicast: return "unicast";
    case SocketType::multicast: return "multicast";
    case SocketType::automatic: return "auto";
  }
  return "?";
}

core::Result<SocketChoice> choose_socket(SocketType requested, const Status& status,
                                         const ProcessInfo& holder, uint32_t self_pid) {
  SocketChoice c;
  if (status.immutable()) {
    // Rules, enabled and the other settings are locked (kernel/audit.c
    // audit_do_config_change returns EPERM when audit_enabled == AUDIT_LOCKED).
    if (requested == SocketType::unicast)
      return core::make_error(
          "socket_type unicast: audit is immutable (enabled=2, set by `auditctl -e 2`); rules "
          "and settings are locked until reboot. Use socket_type: multicast (or auto) to read "
          "the installed rules' events read-only",
          EPERM);
    c.type = SocketType::multicast;
    c.may_change_rules = false;
    c.may_change_status = false;
    c.why = "multicast (read-only): audit is immutable (enabled=2) until reboot; the installed "
            "rules are kept and read as they are";
    return c;
  }
  const bool free_pid = status.pid == 0 || status.pid == self_pid;
  const bool stale = !free_pid && !holder.alive;
  const bool held = !free_pid && holder.alive;
  if (held) {
    std::string who = describe_process(holder);
    if (requested == SocketType::unicast)
      return core::make_error(
          "socket_type unicast: the audit pid is held by " + who +
              "; only one process may hold it. Stop it, or use socket_type: multicast (or "
              "auto) to read alongside it. No rule was changed",
          EEXIST);
    c.type = SocketType::multicast;
    // The holder owns the audit configuration: neither its rules nor its status settings
    // (enabled, backlog_limit, ...) are ours to change or to "restore" later.
    c.may_change_rules = false;
    c.may_change_status = false;
    c.why = "multicast (read-only): the audit pid is held by " + who +
            ", which owns the rules and settings; they are left untouched";
    return c;
  }
  if (requested == SocketType::multicast) {
    c.type = SocketType::multicast;
    c.take_over_stale_pid = false;
    c.why = status.pid == 0 ? "multicast: configured; no process holds the audit pid"
                            : "multicast: configured; the registered audit pid " +
                                  std::to_string(status.pid) + " has exited";
    return c;
  }
  c.type = SocketType::unicast;
  c.take_over_stale_pid = stale;
  const char* mode = requested == SocketType::automatic ? "unicast (auto)" : "unicast";
  if (stale)
    c.why = std::string(mode) + ": the registered audit pid " + std::to_string(status.pid) +
            " has exited (killed without unregistering); taking it over";
  else if (status.pid == self_pid)
    c.why = std::string(mode) + ": this process already holds the audit pid";
  else
    c.why = std::string(mode) + ": no process holds the audit pid";
  return c;
}

}  // namespace netlink
