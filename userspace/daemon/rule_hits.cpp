#include "daemon/rule_hits.h"

#include "core/hex.h"

namespace daemon_cli {

void RuleHits::count_syscall(std::string_view payload) {
  // key= is the last field the kernel writes in SYSCALL (kernel/auditsc.c audit_log_exit);
  // an ENRICHED log has more after 0x1d, netlink payloads do not.
  const size_t at = payload.rfind(" key=");
  if (at == std::string_view::npos) return;
  std::string_view v = payload.substr(at + 5);
  const size_t end = v.find_first_of(" \x1d");
  if (end != std::string_view::npos) v = v.substr(0, end);
  std::string decoded;
  if (v == "(null)") {
    v = {};
  } else if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
  } else if (core::hex_decode_append(v, decoded)) {
    v = decoded;  // several keys (joined by 0x01) or a key with odd bytes
  }
  std::lock_guard<std::mutex> lock(mu_);
  size_t start = 0;
  for (;;) {
    const size_t sep = v.find('\x01', start);
    const std::string_view k = v.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
    auto it = hits_.find(k);
    if (it == hits_.end()) it = hits_.emplace(std::string(k), 0).first;
    ++it->second;
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
}

std::map<std::string, uint64_t> RuleHits::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {hits_.begin(), hits_.end()};
}

}  // namespace daemon_cli
