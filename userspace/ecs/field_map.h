// A small string -> string map for the fields of one record or event. Events carry tens of
// fields, so a flat vector with linear search beats hashing, and the entries are reused from
// event to event: clear() keeps every buffer, so a warmed-up formatter does not allocate per
// field. Keys and values are views: into the event's text when the record's text is used as
// is (no copy), into another map's entry of the same event, or into the entry's own buffers
// when they were decoded, rewritten or built (the *_stable and *_like calls take the key as
// a view; the others copy it).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ecs {

class FieldMap {
 public:
  struct Entry {
    std::string_view key;
    // The value: a view into the event's text (most values), a static literal, or own_.
    // own_ is a heap buffer, so its address survives the Entry moving (vector growth, swap).
    std::string_view value;
    bool quoted = false;  // the value was "..." in the record: never kernel hex
    bool plain = false;   // known to need no JSON escaping (the record split checked it)

    // Copies v into this entry's own buffer (v may point into that buffer).
    void assign(std::string_view v) {
      if (v.size() > own_cap_) {
        std::unique_ptr<char[]> fresh = grown(own_cap_, v.size(), 32);
        std::memcpy(fresh.get(), v.data(), v.size());
        own_ = std::move(fresh);  // frees the old buffer after the copy
      } else if (!v.empty()) {
        std::memmove(own_.get(), v.data(), v.size());
      }
      value = std::string_view(own_.get(), v.size());
      plain = false;
    }
    // True when the value lives in this entry's own buffer.
    bool value_is_own() const { return own_ && value.data() == own_.get(); }
    // The entry's own buffer with room for n bytes, for a value decoded straight into it
    // (then set value to it). The current value must not live there (value_is_own()).
    char* own_room(size_t n) {
      if (n > own_cap_) own_ = grown(own_cap_, n, 32);
      return own_.get();
    }

    // Member by member: cheaper than std::swap's three moves of the whole entry. Views into
    // either entry's buffers stay valid (the heap buffers move with their views).
    friend void swap(Entry& a, Entry& b) noexcept {
      std::swap(a.key, b.key);
      std::swap(a.value, b.value);
      std::swap(a.quoted, b.quoted);
      std::swap(a.plain, b.plain);
      std::swap(a.hash_, b.hash_);
      a.own_.swap(b.own_);
      std::swap(a.own_cap_, b.own_cap_);
      a.key_own_.swap(b.key_own_);
      std::swap(a.key_cap_, b.key_cap_);
    }

   private:
    friend class FieldMap;
    // A fresh buffer for at least n bytes (cap doubled from `first`); cap becomes its size.
    static std::unique_ptr<char[]> grown(size_t& cap, size_t n, size_t first) {
      size_t c = cap ? cap : first;
      while (c < n) c *= 2;
      cap = c;
      return std::unique_ptr<char[]>(new char[c]);
    }
    bool key_is_own() const { return key_own_ && key.data() == key_own_.get(); }
    // Copies k into the entry's own key buffer (k never points into it: callers check).
    void copy_key(std::string_view k) {
      if (k.size() > key_cap_) key_own_ = grown(key_cap_, k.size(), 16);
      if (!k.empty()) std::memcpy(key_own_.get(), k.data(), k.size());
      key = std::string_view(key_own_.get(), k.size());
    }
    uint8_t hash_ = 0;  // hash(key)
    std::unique_ptr<char[]> own_;
    size_t own_cap_ = 0;
    // A heap buffer, like own_, so views into it survive the entry moving.
    std::unique_ptr<char[]> key_own_;
    size_t key_cap_ = 0;
  };

  void clear() {
    size_ = 0;
    bloom_[0] = bloom_[1] = bloom_[2] = bloom_[3] = 0;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Entry* begin() { return entries_.data(); }
  Entry* end() { return entries_.data() + size_; }
  const Entry* begin() const { return entries_.data(); }
  const Entry* end() const { return entries_.data() + size_; }

  // The filter test inline (with a literal key, a constant): most probes end here.
  Entry* find_entry(std::string_view key) {
    const unsigned h = hash(key);
    if (!(bloom_[h >> 6] & (uint64_t{1} << (h & 63)))) return nullptr;
    return find_hashed(key, h);
  }
  const Entry* find_entry(std::string_view key) const {
    return const_cast<FieldMap*>(this)->find_entry(key);
  }
  const std::string_view* find(std::string_view key) const {
    const Entry* e = find_entry(key);
    return e ? &e->value : nullptr;
  }
  std::string_view get(std::string_view key) const {
    const Entry* e = find_entry(key);
    return e ? e->value : std::string_view();
  }
  bool contains(std::string_view key) const { return find_entry(key) != nullptr; }

  // Sets key (copied) to a copy of value (last write wins, as in a Go map), returns the entry.
  Entry& set(std::string_view key, std::string_view value, bool quoted = false) {
    const unsigned h = hash(key);
    Entry* e = find_hashed(key, h);
    if (!e) e = &append_hashed<true>(key, h);
    e->assign(value);
    e->quoted = quoted;
    return *e;
  }
  // Sets key (copied) to value without copying the value: value must outlive this map's use
  // for the current event (the event's text, a string literal, another map's entry of this
  // event).
  Entry& set_view(std::string_view key, std::string_view value, bool quoted = false, bool plain = false) {
    return set_view_impl<true>(key, value, quoted, plain);
  }
  // set_view for a key that, like the value, outlives this map's use for the current event.
  Entry& set_view_stable(std::string_view key, std::string_view value, bool quoted = false, bool plain = false) {
    return set_view_impl<false>(key, value, quoted, plain);
  }
  // Adds a new entry without checking for an existing one (caller knows it is absent).
  Entry& append_entry(std::string_view key) { return append_hashed<true>(key, hash(key)); }
  // The same for a key that outlives this map's use for the current event.
  Entry& append_entry_stable(std::string_view key) { return append_hashed<false>(key, hash(key)); }
  // The same for the key of an entry of another map of this event (its stored hash reused).
  Entry& append_entry_like(const Entry& other) { return append_hashed<false>(other.key, other.hash_); }
  // Whether this map has the key of an entry of another map (its stored hash reused).
  bool contains_like(const Entry& other) const {
    return const_cast<FieldMap*>(this)->find_hashed(other.key, other.hash_) != nullptr;
  }
  friend void swap(FieldMap& a, FieldMap& b) noexcept {
    a.entries_.swap(b.entries_);
    a.hashes_.swap(b.hashes_);
    std::swap(a.size_, b.size_);
    for (int i = 0; i < 4; ++i) std::swap(a.bloom_[i], b.bloom_[i]);
  }

  bool erase(std::string_view key) {
    Entry* e = find_entry(key);
    if (!e) return false;
    erase_at(static_cast<size_t>(e - entries_.data()));
    return true;
  }
  // Removes entry i: the last entry takes its place (so only the last one moves).
  void erase_at(size_t i) {
    // Swap, not move-assign, so the erased entry's buffers stay in the pool.
    if (i != size_ - 1) {
      swap(entries_[i], entries_[size_ - 1]);
      std::swap(hashes_[i], hashes_[size_ - 1]);
    }
    --size_;
  }

 private:
  template <bool kCopyKey>
  Entry& set_view_impl(std::string_view key, std::string_view value, bool quoted, bool plain) {
    const unsigned h = hash(key);
    // A record's keys are mostly new to the map: the filter says so without a call.
    Entry* e = (bloom_[h >> 6] & (uint64_t{1} << (h & 63))) ? find_hashed(key, h) : nullptr;
    if (!e) e = &append_hashed<kCopyKey>(key, h);
    e->value = value;
    e->quoted = quoted;
    e->plain = plain;
    return *e;
  }

  // Most lookups are for keys a record does not have (enrichment probes for auid, res,
  // exit, ...): a small bit filter answers those without a scan; a scan compares keys only
  // where the stored hash matches.
  Entry* find_hashed(std::string_view key, unsigned h) {
    if (!(bloom_[h >> 6] & (uint64_t{1} << (h & 63)))) return nullptr;
    const uint8_t* hs = hashes_.data();
#if defined(__SSE2__)
    // Sixteen stored hashes per compare (hashes_ has 16 bytes of slack past the entries).
    const __m128i want = _mm_set1_epi8(static_cast<char>(h));
    for (size_t i = 0; i < size_; i += 16) {
      unsigned m = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hs + i)), want)));
      if (size_ - i < 16) m &= (1u << (size_ - i)) - 1;
      for (; m; m &= m - 1) {
        const size_t j = i + static_cast<size_t>(__builtin_ctz(m));
        if (same(entries_[j].key, key)) return &entries_[j];
      }
    }
#else
    for (size_t i = 0; i < size_; ++i)
      if (hs[i] == h && same(entries_[i].key, key)) return &entries_[i];
#endif
    return nullptr;
  }
  template <bool kCopyKey>
  Entry& append_hashed(std::string_view key, unsigned h) {
    if (size_ == entries_.size()) [[unlikely]]
      grow();
    hashes_[size_] = static_cast<uint8_t>(h);
    Entry& e = entries_[size_++];
    bloom_[h >> 6] |= uint64_t{1} << (h & 63);
    if constexpr (kCopyKey) {
      // Records of one kind repeat their keys in the same order, so the slot reused from
      // the last event often holds this key in its own buffer already: a compare is
      // cheaper than a copy. (A key that is a view may point into freed text: not compared.)
      if (!(e.key_is_own() && e.hash_ == h && same(e.key, key))) e.copy_key(key);
    } else {
      e.key = key;
    }
    e.hash_ = static_cast<uint8_t>(h);
    e.value = {};
    e.quoted = false;
    e.plain = false;
    return e;
  }

  // Out of line, so the append path stays small (warmed-up maps do not grow).
  [[gnu::noinline]] void grow() {
    entries_.emplace_back();
    hashes_.resize(entries_.size() + 16);
  }

  // Keys are a few bytes: a byte loop beats a call to memcmp.
  static bool same(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    const char* p = a.data();
    for (size_t i = 0; i < b.size(); ++i)
      if (p[i] != b[i]) return false;
    return true;
  }
  // 8 bits of a cheap hash: first, middle and last byte and the length.
  static unsigned hash(std::string_view k) {
    if (k.empty()) return 0;
    const unsigned h = static_cast<unsigned char>(k.front()) * 31u + static_cast<unsigned char>(k.back()) * 7u +
                       static_cast<unsigned char>(k[k.size() / 2]) * 131u + static_cast<unsigned>(k.size()) * 17u;
    return (h ^ (h >> 8)) & 255;
  }

  std::vector<Entry> entries_;
  // hash(key) of entry i at i, contiguous for a vector compare; 16 bytes longer than
  // entries_ so a compare may read a whole block past the last entry.
  std::vector<uint8_t> hashes_;
  size_t size_ = 0;
  // One bit per hash(key) of every key added since clear() (erase leaves bits set): with
  // 256 bits a record of 30 fields answers "absent" for ~9 in 10 absent keys.
  uint64_t bloom_[4] = {0, 0, 0, 0};
};

}  // namespace ecs
