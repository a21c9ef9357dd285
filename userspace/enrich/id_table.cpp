#include "enrich/id_table.h"

namespace enrich {

void IdTable::clear() {
  by_id_.clear();
  by_name_.clear();
  malformed_ = 0;
}

void IdTable::parse(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    // NIS compat entries (+name, -name, +) carry no id of their own.
    if (line[0] == '+' || line[0] == '-') continue;
    const size_t c1 = line.find(':');
    const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c1 == 0 || c2 == std::string_view::npos) {
      ++malformed_;
      continue;
    }
    const size_t c3 = line.find(':', c2 + 1);
    std::string_view name = line.substr(0, c1);
    std::string_view id = line.substr(c2 + 1, (c3 == std::string_view::npos ? line.size() : c3) - c2 - 1);
    bool numeric = !id.empty();
    for (char c : id) numeric = numeric && c >= '0' && c <= '9';
    if (!numeric) {
      ++malformed_;
      continue;
    }
    by_id_.try_emplace(std::string(id), name);
    by_name_.try_emplace(std::string(name), id);
  }
}

void IdTable::ensure_root() {
  by_id_.try_emplace("0", "root");
  by_name_.try_emplace("root", "0");
}

std::string_view IdTable::name_of(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view IdTable::id_of(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace enrich
