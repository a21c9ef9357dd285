// A small string -> string map for the fields of one record or event. Events carry tens of
// fields, so a flat vector with linear search beats hashing, and the entries are reused from
// event to event: clear() keeps every string's capacity, so a warmed-up formatter does not
// allocate per field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecs {

class FieldMap {
 public:
  struct Entry {
    std::string key;
    std::string value;
    bool quoted = false;  // the value was "..." in the record: never kernel hex
  };

  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Entry* begin() { return entries_.data(); }
  Entry* end() { return entries_.data() + size_; }
  const Entry* begin() const { return entries_.data(); }
  const Entry* end() const { return entries_.data() + size_; }

  Entry* find_entry(std::string_view key) {
    for (size_t i = 0; i < size_; ++i)
      if (entries_[i].key == key) return &entries_[i];
    return nullptr;
  }
  const Entry* find_entry(std::string_view key) const {
    return const_cast<FieldMap*>(this)->find_entry(key);
  }
  const std::string* find(std::string_view key) const {
    const Entry* e = find_entry(key);
    return e ? &e->value : nullptr;
  }
  std::string* find(std::string_view key) {
    Entry* e = find_entry(key);
    return e ? &e->value : nullptr;
  }
  std::string_view get(std::string_view key) const {
    const Entry* e = find_entry(key);
    return e ? std::string_view(e->value) : std::string_view();
  }
  bool contains(std::string_view key) const { return find_entry(key) != nullptr; }

  // Sets key to value (last write wins, as in a Go map), returns the entry.
  Entry& set(std::string_view key, std::string_view value, bool quoted = false) {
    Entry* e = find_entry(key);
    if (!e) e = &append_entry(key);
    e->value.assign(value);
    e->quoted = quoted;
    return *e;
  }
  // Adds a new entry without checking for an existing one (caller knows it is absent).
  Entry& append_entry(std::string_view key) {
    if (size_ == entries_.size()) entries_.emplace_back();
    Entry& e = entries_[size_++];
    e.key.assign(key);
    e.value.clear();
    e.quoted = false;
    return e;
  }
  bool erase(std::string_view key) {
    for (size_t i = 0; i < size_; ++i) {
      if (entries_[i].key != key) continue;
      // Swap, not move, so the erased strings' buffers stay in the pool.
      if (i != size_ - 1) std::swap(entries_[i], entries_[size_ - 1]);
      --size_;
      return true;
    }
    return false;
  }

 private:
  std::vector<Entry> entries_;
  size_t size_ = 0;
};

}  // namespace ecs
