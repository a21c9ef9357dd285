#include "rules/golden_yaml.h"

namespace rules_test {

bool base64_decode(std::string_view in, std::vector<uint8_t>& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return true;
}

std::vector<GoldenRule> read_golden_yaml(std::string_view text, std::string& error) {
  std::vector<GoldenRule> out;
  std::string b64;
  bool in_bytes = false;
  bool in_flags = false;  // a long flags scalar continues on more-indented lines
  int line_no = 0;
  auto finish = [&]() -> bool {
    if (out.empty() || !in_bytes) return true;
    in_bytes = false;
    if (!base64_decode(b64, out.back().bytes)) {
      error = "line " + std::to_string(out.back().line) + ": bad base64";
      return false;
    }
    b64.clear();
    return true;
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (line == "rules:") continue;
    constexpr std::string_view kFlags = "- flags: ";
    constexpr std::string_view kBytes = "  bytes: !!binary |";
    if (line.substr(0, kFlags.size()) == kFlags) {
      if (!finish()) return {};
      out.push_back(GoldenRule{std::string(line.substr(kFlags.size())), {}, line_no});
      in_flags = true;
      continue;
    }
    if (in_flags && line.substr(0, 4) == "    ") {
      // YAML folds a plain scalar's line breaks into single spaces.
      const size_t text_at = line.find_first_not_of(' ');
      out.back().flags += " ";
      out.back().flags.append(line.substr(text_at));
      continue;
    }
    in_flags = false;
    if (line == kBytes) {
      if (out.empty()) {
        error = "line " + std::to_string(line_no) + ": bytes before flags";
        return {};
      }
      in_bytes = true;
      continue;
    }
    if (in_bytes && line.substr(0, 4) == "    ") {
      b64.append(line.substr(4));
      continue;
    }
    error = "line " + std::to_string(line_no) + ": unexpected '" + std::string(line) + "'";
    return {};
  }
  if (!finish()) return {};
  return out;
}

}  // namespace rules_test
