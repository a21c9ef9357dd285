// Helpers for the ECS tests: events from log text (grouped by node+serial in order of first
// appearance, the grouping Auditbeat's reassembler makes for these small logs), formatting,
// and flattening JSON documents to dotted paths for field-by-field comparison.
#pragma once

#include <simdjson.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/ecs_formatter.h"
#include "reassembly/event.h"
#include "record/header.h"

namespace ecs_test {

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    pos = eol + 1;
  }
  return out;
}

// Builds one Event per (node, serial); lines that are not records are skipped.
inline std::vector<std::unique_ptr<reassembly::Event>> events_from_log(std::string_view text) {
  std::vector<std::unique_ptr<reassembly::Event>> events;
  std::map<std::pair<std::string, uint32_t>, reassembly::Event*> by_key;
  uint64_t line_no = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_no;
    record::Header h;
    if (record::parse_log_header(line, h) != record::HeaderError::kNone) continue;
    auto key = std::make_pair(std::string(h.node), h.serial);
    reassembly::Event*& e = by_key[key];
    if (!e) {
      events.push_back(std::make_unique<reassembly::Event>());
      e = events.back().get();
    }
    e->append_copy(h, line, line_no);
  }
  return events;
}

// One event from whole record texts (which may hold bytes a log line cannot, e.g. '\n'
// inside a user message read from netlink). Records that do not parse are skipped.
inline std::unique_ptr<reassembly::Event> make_event(const std::vector<std::string>& records) {
  auto e = std::make_unique<reassembly::Event>();
  for (const std::string& line : records) {
    record::Header h;
    if (record::parse_log_header(line, h) != record::HeaderError::kNone) continue;
    e->append_copy(h, line);
  }
  return e;
}

inline std::vector<std::string> format_all(const ecs::FormatterFactory& factory,
                                           const std::vector<std::unique_ptr<reassembly::Event>>& events) {
  auto f = factory.make();
  std::vector<std::string> docs;
  for (const auto& e : events) {
    std::string out;
    f->append(*e, out);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    docs.push_back(std::move(out));
  }
  return docs;
}

// Flattened document: dotted path -> canonical JSON text of the leaf. Arrays of scalars are
// one leaf ("[\"a\",\"b\"]"); arrays of objects become path[i].key leaves.
using Flat = std::map<std::string, std::string>;

inline void scalar_text(simdjson::dom::element v, std::string& out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view s = v.get_string().value();
      out += '"';
      out += s;
      out += '"';
      break;
    }
    case simdjson::dom::element_type::INT64: out += std::to_string(int64_t(v.get_int64().value())); break;
    case simdjson::dom::element_type::UINT64: out += std::to_string(uint64_t(v.get_uint64().value())); break;
    case simdjson::dom::element_type::DOUBLE: out += std::to_string(double(v.get_double().value())); break;
    case simdjson::dom::element_type::BOOL: out += v.get_bool().value() ? "true" : "false"; break;
    case simdjson::dom::element_type::NULL_VALUE: out += "null"; break;
    default: out += simdjson::minify(v); break;
  }
}

inline void flatten_into(simdjson::dom::element v, const std::string& path, Flat& out) {
  if (v.type() == simdjson::dom::element_type::OBJECT) {
    simdjson::dom::object obj = v.get_object().value();
    for (auto [k, child] : obj) {
      flatten_into(child, path.empty() ? std::string(k) : path + "." + std::string(k), out);
    }
    return;
  }
  if (v.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array arr = v.get_array().value();
    bool objects = false;
    for (auto x : arr) objects = objects || x.type() == simdjson::dom::element_type::OBJECT;
    if (objects) {
      size_t i = 0;
      for (auto x : arr) flatten_into(x, path + "[" + std::to_string(i++) + "]", out);
      return;
    }
    std::string s = "[";
    bool first = true;
    for (auto x : arr) {
      if (!first) s += ",";
      first = false;
      scalar_text(x, s);
    }
    s += "]";
    out[path] = s;
    return;
  }
  std::string s;
  scalar_text(v, s);
  out[path] = s;
}

inline Flat flatten(simdjson::dom::element v) {
  Flat f;
  flatten_into(v, "", f);
  return f;
}

inline std::string jq(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace ecs_test
