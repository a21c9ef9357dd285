// Fuzzes the record parser: header, fields, and the events document built from them,
// which must always be one valid JSON line whatever the bytes; the field split must agree
// with the previous one (fields_reference.cpp).
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ecs/events_format.h"
#include "record/fields.h"
#include "record/fields_reference.h"
#include "record/header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  record::Header h;
  std::vector<record::Field> fields;
  record::FieldIssues issues;
  record::split_fields(line, fields, &issues);
  for (const auto& f : fields) {
    // Views must lie inside the input.
    if (f.key.data() < line.data() || f.key.data() + f.key.size() > line.data() + line.size()) std::abort();
    if (f.value.data() < line.data() || f.value.data() + f.value.size() > line.data() + line.size()) std::abort();
  }
  // The same fields, flags and issue counts as the previous split.
  std::vector<record::Field> ref;
  record::FieldIssues ref_issues;
  record_reference::split_fields(line, ref, &ref_issues);
  if (ref.size() != fields.size() || ref_issues.bare_tokens != issues.bare_tokens ||
      ref_issues.unterminated_quote != issues.unterminated_quote)
    std::abort();
  for (size_t i = 0; i < ref.size(); ++i) {
    const record::Field &a = fields[i], &b = ref[i];
    if (a.key.data() != b.key.data() || a.key.size() != b.key.size() || a.value.data() != b.value.data() ||
        a.value.size() != b.value.size() || a.kind != b.kind || a.nested != b.nested || a.enriched != b.enriched ||
        a.key_plain != b.key_plain || a.value_plain != b.value_plain)
      std::abort();
  }
  // Netlink form: first two bytes as the type.
  if (size >= 2) {
    record::Header nh;
    (void)record::parse_netlink_header(static_cast<uint16_t>(data[0] | data[1] << 8), line.substr(2), nh);
  }
  if (record::parse_log_header(line, h) != record::HeaderError::kNone) return 0;
  if (line.find('\n') != std::string_view::npos) return 0;  // a log line has none
  reassembly::Event e;
  e.serial = h.serial;
  e.sec = h.sec;
  e.msec = h.msec;
  e.text.assign(line);
  reassembly::RecordRef r;
  r.type = h.type;
  r.length = static_cast<uint32_t>(line.size());
  r.body_offset = static_cast<uint32_t>(h.body.data() - line.data());
  r.body_length = static_cast<uint32_t>(h.body.size());
  e.records.push_back(r);
  if (!h.node.empty()) e.node = std::string_view(e.text).substr(h.node.data() - line.data(), h.node.size());
  static auto factory = ecs::make_events_factory();
  static auto formatter = factory->make();
  std::string out;
  formatter->append(e, out);
  if (out.empty() || out.back() != '\n') std::abort();
  out.pop_back();
  if (out.find('\n') != std::string::npos) std::abort();
  static simdjson::dom::parser parser;
  if (parser.parse(out).error() != simdjson::SUCCESS) std::abort();
  return 0;
}
