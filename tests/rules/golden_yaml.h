// Reader for go-libaudit's rule goldens (rule/testdata/*.rules.golden.yml): just the shape
// those files have, not YAML in general:
//   # comment lines
//   rules:
//   - flags: <auditctl arguments; a long one folds onto more-indented lines>
//     bytes: !!binary |
//       <base64, wrapped over indented lines>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rules_test {

struct GoldenRule {
  std::string flags;
  std::vector<uint8_t> bytes;
  int line = 0;  // of the `- flags:` line, for messages
};

// Empty error string on success.
std::vector<GoldenRule> read_golden_yaml(std::string_view text, std::string& error);

// Standard alphabet, '=' padding; whitespace ignored. False on any other byte.
bool base64_decode(std::string_view in, std::vector<uint8_t>& out);

}  // namespace rules_test
