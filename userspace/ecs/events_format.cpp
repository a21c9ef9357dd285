#include "ecs/events_format.h"

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
    seen_.clear();
    for (size_t i = 0; i < fields_.size(); ++i) {
      const record::Field& f = fields_[i];
      if (!pick(f) || is_seen(f.key)) continue;
      seen_.push_back(f.key);
      w.key(f.key);
      // msg='...' of a user-space record: its own k=v follow it with nested=true.
      if (msg_nested && f.key == "msg" && i + 1 < fields_.size() && fields_[i + 1].nested) {
        w.begin_object();
        nested_seen_.clear();
        for (size_t j = i + 1; j < fields_.size() && fields_[j].nested; ++j) {
          const auto& g = fields_[j];
          bool dup = false;
          for (auto k : nested_seen_) dup = dup || k == g.key;
          if (dup) continue;
          nested_seen_.push_back(g.key);
          w.key(g.key);
          value(w, g);
        }
        w.end_object();
        continue;
      }
      value(w, f);
    }
  }

  // Raw text on purpose, (null)/(none) included: this format shows what the kernel wrote.
  static void value(core::JsonWriter& w, const record::Field& f) { w.string(f.value); }

  bool is_seen(std::string_view k) const {
    for (auto s : seen_)
      if (s == k) return true;
    return false;
  }

  std::vector<record::Field> fields_;
  std::vector<std::string_view> seen_, nested_seen_;
  std::string scratch_, time_;
};

class EventsFactory final : public FormatterFactory {
 public:
  std::unique_ptr<EventFormatter> make() const override { return std::make_unique<EventsFormatter>(); }
};

}  // namespace

std::unique_ptr<FormatterFactory> make_events_factory() { return std::make_unique<EventsFactory>(); }

}  // namespace ecs
