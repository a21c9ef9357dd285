#include "proctree/entry_leader.h"

namespace proctree {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// auspex: OpenSSH >= 9.8 runs each connection as sshd-session; treating it as sshd keeps the
// user's shell the entry leader (SESSION_VIEW.md §2, the auspex deviation).
std::string_view ssh_normalized(std::string_view base) {
  return base == "sshd-session" ? std::string_view("sshd") : base;
}

bool is_pts(const Process& p) { return p.tty_major >= 136 && p.tty_major <= 143; }

}  // namespace

std::string_view path_basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

EntryLeader evaluate_entry_leader(const Process& p, const Process* parent,
                                  const Process* session_leader, const Process* group_leader) {
  const int32_t pid = p.key.pid;
  // 1. the kernel's own roots have no entry leader
  if (pid == 1 || pid == 2 || p.ppid == 2) return {};
  const std::string_view base = ssh_normalized(p.name());
  if (pid == p.sid) {
    // 2(a) serial terminal, (b) console login, (c) a service started by init
    if (p.tty_major == 4 && p.tty_minor >= 64 && p.tty_minor <= 255)
      return {p.key, EntryType::kTerminal};
    if (p.tty_major == 4 && p.tty_minor <= 63 && base == "login") return {p.key, EntryType::kConsole};
    if (p.ppid == 1) return {p.key, EntryType::kInit};
    // 2(d)
    const bool runtime = starts_with(base, "runc") || starts_with(base, "containerd-shim") ||
                         starts_with(base, "calico-node") || starts_with(base, "check-status") ||
                         starts_with(base, "conmon");
    if (!runtime && parent) {
      const std::string_view pbase = ssh_normalized(parent->name());
      if (is_pts(p) && pbase == "ssm-session-worker") return {p.key, EntryType::kSsm};
      if (pbase == "sshd" && base != "sshd") return {p.key, EntryType::kSshd};
      if (starts_with(pbase, "containerd-shim") || starts_with(pbase, "runc") ||
          starts_with(pbase, "conmon"))
        return {p.key, EntryType::kContainer};
    }
  }
  // 3. inherit from the first known of parent, session leader, group leader that has one
  // (pid 1 is known but has none: a shim under init takes its session's, §5 scenario 4)
  for (const Process* q : {parent, session_leader, group_leader}) {
    if (q && q != &p && q->entry_leader.valid()) return {q->entry_leader, q->entry_type};
  }
  // 4.
  if (pid == p.sid) return {p.key, EntryType::kUnknown};
  return {};
}

}  // namespace proctree
