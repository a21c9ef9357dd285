// Events per rule key, counted from the key= of SYSCALL records as they arrive (the key
// names the rule that matched). Feeds the stats line, the metrics and `auspex rules advise`.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace daemon_cli {

class RuleHits {
 public:
  // payload: a SYSCALL record's text. Counts each key once ("(null)" as the empty key).
  void count_syscall(std::string_view payload);
  std::map<std::string, uint64_t> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t, std::less<>> hits_;
};

}  // namespace daemon_cli
