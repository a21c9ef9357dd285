// Interns node names (auditd's `node=` prefix) to small ids; 0 is "no node".
// Names stay at stable addresses for the table's lifetime.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pipeline {

class NodeTable {
 public:
  NodeTable() { names_.emplace_back(); }
  uint32_t intern(std::string_view name) {
    if (name.empty()) return 0;
    if (name == last_name_) return last_id_;
    auto it = ids_.find(name);
    if (it == ids_.end()) {
      names_.emplace_back(name);
      it = ids_.emplace(names_.back(), static_cast<uint32_t>(names_.size() - 1)).first;
    }
    last_name_ = it->first;
    last_id_ = it->second;
    return last_id_;
  }
  std::string_view name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> ids_;
  std::string_view last_name_;
  uint32_t last_id_ = 0;
};

}  // namespace pipeline
