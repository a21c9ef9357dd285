#include "record/types.h"

#include <libaudit.h>

#include <array>
#include <charconv>
#include <string>
#include <unordered_map>

namespace record {
namespace {

// Built once from libaudit's own table so every type the installed audit knows is accepted.
struct TypeTable {
  std::unordered_map<std::string_view, uint16_t> by_name;
  std::array<std::string_view, 10000> by_number{};  // views: no strlen per lookup
  TypeTable() {
    for (int t = 1000; t < 10000; ++t) {
      const char* n = audit_msg_type_to_name(t);
      if (!n) continue;
      by_number[t] = n;
      by_name.emplace(n, static_cast<uint16_t>(t));
    }
  }
};

const TypeTable& table() {
  static const TypeTable t;  // read-only after construction: safe across threads
  return t;
}

}  // namespace

uint16_t type_from_name(std::string_view name) {
  // The types that make up nearly every event, before the hash lookup.
  switch (name.size()) {
    case 3:
      if (name == "CWD") return 1307;
      if (name == "EOE") return 1320;
      break;
    case 4:
      if (name == "PATH") return kPath;
      break;
    case 6:
      if (name == "EXECVE") return kExecve;
      break;
    case 7:
      if (name == "SYSCALL") return kSyscall;
      break;
    case 8:
      if (name == "SOCKADDR") return 1306;
      break;
    case 9:
      if (name == "PROCTITLE") return kProctitle;
      break;
    default:
      break;
  }
  const auto& t = table();
  if (auto it = t.by_name.find(name); it != t.by_name.end()) return it->second;
  constexpr std::string_view kUnknown = "UNKNOWN[";
  if (name.size() > kUnknown.size() + 1 && name.substr(0, kUnknown.size()) == kUnknown &&
      name.back() == ']') {
    unsigned v = 0;
    auto digits = name.substr(kUnknown.size(), name.size() - kUnknown.size() - 1);
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size() && v > 0 && v < 65536)
      return static_cast<uint16_t>(v);
  }
  return 0;
}

std::string_view type_name(uint16_t type, std::string& scratch) {
  const auto& t = table();
  if (type < t.by_number.size() && !t.by_number[type].empty()) return t.by_number[type];
  scratch = "UNKNOWN[" + std::to_string(type) + "]";
  return scratch;
}

bool is_standalone(uint16_t type) {
  return (type >= 1100 && type <= 1299) || (type >= 2100 && type <= 2999);
}

}  // namespace record
