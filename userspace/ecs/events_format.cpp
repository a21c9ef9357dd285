#include "ecs/events_format.h"

#include <cstring>
#include <functional>
#include <vector>

#include "core/json_writer.h"
#include "core/time_format.h"
#include "record/fields.h"
#include "record/types.h"

namespace ecs {
namespace {

class EventsFormatter final : public EventFormatter {
 public:
  void append(const reassembly::Event& e, std::string& out) override {
    core::JsonWriter w(out);
    w.begin_object();
    w.key("node");
    if (e.node.empty()) w.null();
    else w.string(e.node);
    w.key("sequence").unsigned_number(e.serial);
    time_.clear();
    core::append_rfc3339_ms(time_, e.sec, e.msec);
    w.key("timestamp").string(time_);
    w.key("records").begin_array();
    for (size_t i = 0; i < e.records.size(); ++i) {
      record::split_fields(e.record_body(i), fields_);
      w.begin_object();
      w.key("type").string(record::type_name(e.records[i].type, scratch_));
      w.key("fields").begin_object();
      write_level(w, [](const record::Field& f) { return !f.nested && !f.enriched; },
                  /*msg_nested=*/true);
      w.end_object();
      if (has_enriched()) {
        w.key("enriched").begin_object();
        write_level(w, [](const record::Field& f) { return f.enriched && !f.nested; }, false);
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
    w.end_object();
    out.push_back('\n');
  }

 private:
  bool has_enriched() const {
    for (const auto& f : fields_)
      if (f.enriched) return true;
    return false;
  }

  template <typename Pred>
  void write_level(core::JsonWriter& w, Pred pick, bool msg_nested) {
    seen_.reset(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      const record::Field& f = fields_[i];
      if (!pick(f) || !seen_.insert(f.key)) continue;
      if (f.key_plain) w.plain_key(f.key);
      else w.key(f.key);
      // msg='...' of a user-space record: its own k=v follow it with nested=true.
      if (msg_nested && f.key == "msg" && i + 1 < fields_.size() && fields_[i + 1].nested) {
        w.begin_object();
        nested_seen_.reset(fields_.size());
        for (size_t j = i + 1; j < fields_.size() && fields_[j].nested; ++j) {
          const auto& g = fields_[j];
          if (!nested_seen_.insert(g.key)) continue;
          if (g.key_plain) w.plain_key(g.key);
          else w.key(g.key);
          value(w, g);
        }
        w.end_object();
        continue;
      }
      value(w, f);
    }
  }

  // Raw text on purpose, (null)/(none) included: this format shows what the kernel wrote.
  static void value(core::JsonWriter& w, const record::Field& f) {
    if (f.value_plain) w.plain_string(f.value);
    else w.string(f.value);
  }

  std::vector<record::Field> fields_;
  // Keys already written at one level. Duplicates are rare, so a 1024-bit filter answers
  // "new" for almost every key; only a filter hit scans the keys so far. EXECVE records carry
  // hundreds of keys (a0..aN), so past 32 keys a hash set takes over (no quadratic scan).
  class KeySet {
   public:
    void reset(size_t n) {
      std::memset(bits_, 0, sizeof bits_);
      keys_.clear();
      big_ = n > 32;
      if (big_) {
        size_t cap = 64;
        while (cap < n * 2) cap <<= 1;
        slots_.assign(cap, std::string_view());
        used_.assign(cap, 0);
      }
    }
    bool insert(std::string_view k) {
      const size_t h = hash(k);
      if (big_) return insert_big(k, h);
      uint64_t& word = bits_[(h >> 6) & 15];
      const uint64_t bit = uint64_t{1} << (h & 63);
      if (word & bit) {
        for (auto s : keys_)
          if (s == k) return false;
      }
      word |= bit;
      keys_.push_back(k);
      return true;
    }

   private:
    bool insert_big(std::string_view k, size_t h) {
      const size_t mask = slots_.size() - 1;
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (!used_[i]) {
          used_[i] = 1;
          slots_[i] = k;
          return true;
        }
        if (slots_[i] == k) return false;
      }
    }
    // Length and the first and last two bytes tell audit keys apart (a0..a299, a1[0],
    // arch, auid ...); a collision only costs a compare, so no full hash is needed.
    static size_t hash(std::string_view k) {
      const size_t n = k.size();
      if (n == 0) return 0;
      const size_t first = static_cast<unsigned char>(k[0]) | (n > 1 ? static_cast<unsigned char>(k[1]) << 8 : 0);
      const size_t last = static_cast<unsigned char>(k[n - 1]) | static_cast<unsigned char>(k[n > 1 ? n - 2 : 0]) << 8;
      return (n * 0x9E3779B1u) ^ (first * 0x85EBCA77u) ^ (last * 0xC2B2AE3Du) ^ (last >> 3);
    }
    uint64_t bits_[16] = {};
    std::vector<std::string_view> keys_;
    bool big_ = false;
    std::vector<std::string_view> slots_;
    std::vector<uint8_t> used_;
  };
  KeySet seen_, nested_seen_;
  std::string scratch_, time_;
};

class EventsFactory final : public FormatterFactory {
 public:
  std::unique_ptr<EventFormatter> make() const override { return std::make_unique<EventsFormatter>(); }
};

}  // namespace

std::unique_ptr<FormatterFactory> make_events_factory() { return std::make_unique<EventsFactory>(); }

}  // namespace ecs
