// One parsed user or group database (passwd(5) / group(5) format): id <-> name, both ways.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace enrich {

// Heterogeneous lookup so a string_view from a record finds a key without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class IdTable {
 public:
  // Parses "name:x:ID:..." lines (field 3 is the id in both passwd and group files).
  // Malformed lines are skipped and counted; the first entry for an id or name wins, as
  // getpwuid/getpwnam do with the files backend.
  void parse(std::string_view text);
  void clear();
  // go-libaudit seeds 0 -> root before any lookup; keep that so a database without a root
  // line (a replay table, a minimal container) still names id 0 as Auditbeat does.
  void ensure_root();

  std::string_view name_of(std::string_view id) const;
  std::string_view id_of(std::string_view name) const;
  size_t size() const { return by_id_.size(); }
  size_t malformed_lines() const { return malformed_; }

 private:
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> by_id_;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> by_name_;
  size_t malformed_ = 0;
};

}  // namespace enrich
