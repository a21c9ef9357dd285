#include "rules/tokenize.h"

namespace rules {
namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
}  // namespace

core::Result<std::vector<std::string>> tokenize_line(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && is_space(line[i])) ++i;
    if (i >= n) break;
    if (line[i] == '#') break;  // comment to end of line
    std::string word;
    while (i < n && !is_space(line[i])) {
      const char c = line[i];
      if (c == '\'') {
        const size_t end = line.find('\'', i + 1);
        if (end == std::string_view::npos)
          return core::make_error("unterminated single quote; close it with '");
        word.append(line.substr(i + 1, end - i - 1));
        i = end + 1;
      } else if (c == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          if (line[i] == '\\' && i + 1 < n && (line[i + 1] == '"' || line[i + 1] == '\\')) {
            word.push_back(line[i + 1]);
            i += 2;
          } else if (line[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            word.push_back(line[i++]);
          }
        }
        if (!closed) return core::make_error("unterminated double quote; close it with \"");
      } else if (c == '\\' && i + 1 < n && (is_space(line[i + 1]) || line[i + 1] == '\\')) {
        word.push_back(line[i + 1]);
        i += 2;
      } else {
        word.push_back(c);
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string quote_word(std::string_view word) {
  bool needs = word.empty();
  for (char c : word)
    if (is_space(c) || c == '\'' || c == '"' || c == '\\' || c == '#') needs = true;
  if (!needs) return std::string(word);
  if (word.find('\'') == std::string_view::npos) {
    std::string out = "'";
    out.append(word);
    out.push_back('\'');
    return out;
  }
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace rules
