#include "daemon/config.h"

#include <simdjson.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "daemon/embedded_rules.h"

namespace daemon_cli {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "?";
}

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}
  core::Error err(std::string_view key, const std::string& what) const {
    return core::make_error(std::string(file_) + ": key '" + std::string(key) + "': " + what);
  }
  std::optional<core::Error> boolean(element v, std::string_view key, bool& out) {
    if (!v.is_bool()) return err(key, "expected a boolean (true/false), got " + type_name(v.type()));
    out = v.get_bool().value();
    return std::nullopt;
  }
  std::optional<core::Error> string(element v, std::string_view key, std::string& out) {
    if (!v.is_string()) return err(key, "expected a string, got " + type_name(v.type()));
    out = std::string(v.get_string().value());
    return std::nullopt;
  }
  std::optional<core::Error> u32(element v, std::string_view key, uint32_t& out, uint64_t max = UINT32_MAX) {
    if (v.is_uint64() || v.is_int64()) {
      const int64_t x = v.is_int64() ? v.get_int64().value() : static_cast<int64_t>(v.get_uint64().value());
      if (x < 0 || static_cast<uint64_t>(x) > max)
        return err(key, "must be between 0 and " + std::to_string(max) + ", got " + std::to_string(x));
      out = static_cast<uint32_t>(x);
      return std::nullopt;
    }
    return err(key, "expected a whole number, got " + type_name(v.type()));
  }
  std::optional<core::Error> one_of(element v, std::string_view key, std::string& out,
                                    std::initializer_list<const char*> allowed) {
    if (auto e = string(v, key, out)) return e;
    std::string list;
    for (const char* a : allowed) {
      if (out == a) return std::nullopt;
      list += list.empty() ? a : std::string(", ") + a;
    }
    return err(key, "'" + out + "' is not one of " + list);
  }

 private:
  std::string_view file_;
};

// Size with an optional unit: 1048576, "100MB", "1GiB".
std::optional<uint64_t> parse_size(element v) {
  if (v.is_uint64() || (v.is_int64() && v.get_int64().value() >= 0))
    return v.is_uint64() ? v.get_uint64().value() : static_cast<uint64_t>(v.get_int64().value());
  if (!v.is_string()) return std::nullopt;
  std::string s(v.get_string().value());
  size_t i = 0;
  uint64_t n = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) n = n * 10 + static_cast<uint64_t>(s[i++] - '0');
  if (i == 0) return std::nullopt;
  std::string unit = s.substr(i);
  for (auto& c : unit) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  if (unit.empty() || unit == "B") return n;
  if (unit == "KB" || unit == "KIB" || unit == "K") return n << 10;
  if (unit == "MB" || unit == "MIB" || unit == "M") return n << 20;
  if (unit == "GB" || unit == "GIB" || unit == "G") return n << 30;
  return std::nullopt;
}

}  // namespace

const char* to_string(Backpressure b) {
  switch (b) {
    case Backpressure::kAuto: return "auto";
    case Backpressure::kKernel: return "kernel";
    case Backpressure::kUserspace: return "userspace";
    case Backpressure::kBoth: return "both";
    case Backpressure::kNone: return "none";
  }
  return "?";
}

Config embedded_default() {
  Config c;
  c.source = "(embedded default)";
  c.audit_rules = kSessionViewRules;
  c.session_metadata = true;
  return c;
}

core::Result<Config> parse_config(std::string_view json, std::string_view file) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto e = parser.parse(padded).get(root))
    return core::make_error(std::string(file) + ": not valid JSON: " + simdjson::error_message(e));
  if (!root.is_object()) return core::make_error(std::string(file) + ": the config must be a JSON object");
  Config c;
  c.source = std::string(file);
  Reader r(file);
  for (auto [k, v] : root.get_object()) {
    std::optional<core::Error> e;
    std::string s;
    if (k == "socket_type") {
      e = r.one_of(v, k, c.socket_type, {"unicast", "multicast", "auto"});
    } else if (k == "backlog_limit") {
      e = r.u32(v, k, c.backlog_limit);
    } else if (k == "rate_limit") {
      e = r.u32(v, k, c.rate_limit);
    } else if (k == "priority_boost") {
      e = r.u32(v, k, c.priority_boost, 20);
    } else if (k == "max_read_delay_ms") {
      e = r.u32(v, k, c.max_read_delay_ms, 1000);
    } else if (k == "failure_mode") {
      e = r.one_of(v, k, c.failure_mode, {"silent", "log", "panic"});
    } else if (k == "backpressure_strategy") {
      if (!(e = r.one_of(v, k, s, {"auto", "kernel", "userspace", "both", "none"}))) {
        c.backpressure = s == "kernel" ? Backpressure::kKernel
                         : s == "userspace" ? Backpressure::kUserspace
                         : s == "both" ? Backpressure::kBoth
                         : s == "none" ? Backpressure::kNone : Backpressure::kAuto;
      }
    } else if (k == "include_raw_message") {
      e = r.boolean(v, k, c.include_raw_message);
    } else if (k == "include_warnings") {
      e = r.boolean(v, k, c.include_warnings);
    } else if (k == "resolve_ids") {
      e = r.boolean(v, k, c.resolve_ids);
    } else if (k == "immutable") {
      e = r.boolean(v, k, c.immutable);
    } else if (k == "audit_rules") {
      e = r.string(v, k, c.audit_rules);
    } else if (k == "audit_rule_files") {
      if (!v.is_array()) {
        e = r.err(k, "expected an array of glob strings, got " + type_name(v.type()));
      } else {
        for (auto item : v.get_array()) {
          if (!item.is_string()) {
            e = r.err(k, "every entry must be a string (a path or glob), got " + type_name(item.type()));
            break;
          }
          c.audit_rule_files.emplace_back(item.get_string().value());
        }
      }
    } else if (k == "processors") {
      if (!v.is_array()) {
        e = r.err(k, "expected an array of processor objects, got " + type_name(v.type()));
      } else {
        for (auto p : v.get_array()) {
          if (!p.is_object()) {
            e = r.err(k, "each processor is an object like {\"add_session_metadata\": {\"backend\": \"auto\"}}");
            break;
          }
          for (auto [pk, pv] : p.get_object()) {
            if (pk != "add_session_metadata") {
              e = r.err(std::string(k) + "." + std::string(pk), "unknown processor (auspex has add_session_metadata)");
              break;
            }
            c.session_metadata = true;
            if (!pv.is_object()) {
              e = r.err("processors.add_session_metadata", "expected an object, got " + type_name(pv.type()));
              break;
            }
            for (auto [ok, ov] : pv.get_object()) {
              if (ok == "backend") {
                e = r.one_of(ov, "processors.add_session_metadata.backend", c.session_backend,
                             {"auto", "ebpf", "procfs"});
              } else {
                e = r.err("processors.add_session_metadata." + std::string(ok), "unknown key (known: backend)");
              }
              if (e) break;
            }
            if (e) break;
          }
          if (e) break;
        }
      }
    } else if (k == "output") {
      if (v.is_string()) {
        c.output.path = std::string(v.get_string().value());
      } else if (v.is_object()) {
        for (auto [ok, ov] : v.get_object()) {
          if (ok == "path") {
            e = r.string(ov, "output.path", c.output.path);
          } else if (ok == "rotate_size" || ok == "rotate_bytes") {
            auto n = parse_size(ov);
            if (!n) e = r.err("output." + std::string(ok), "expected a size like 104857600 or \"100MB\"");
            else c.output.rotate_bytes = *n;
          } else if (ok == "rotate_keep") {
            e = r.u32(ov, "output.rotate_keep", c.output.rotate_keep, 1000);
          } else {
            e = r.err("output." + std::string(ok), "unknown key (known: path, rotate_size, rotate_keep)");
          }
          if (e) break;
        }
      } else {
        e = r.err(k, "expected \"-\" / a file path, or {\"path\":..., \"rotate_size\":...}, got " + type_name(v.type()));
      }
    } else if (k == "stats_interval") {
      // A number of seconds or a duration string like "10s" / "1m".
      if (v.is_number()) {
        c.stats_interval_s = v.is_double() ? v.get_double().value()
                             : v.is_int64() ? static_cast<double>(v.get_int64().value())
                                            : static_cast<double>(v.get_uint64().value());
      } else if (v.is_string()) {
        std::string t(v.get_string().value());
        char* end = nullptr;
        double x = std::strtod(t.c_str(), &end);
        std::string unit = end ? end : "";
        if (end == t.c_str()) x = -1;
        if (unit == "ms") x /= 1000;
        else if (unit == "m") x *= 60;
        else if (unit != "s" && !unit.empty()) x = -1;
        c.stats_interval_s = x;
      } else {
        c.stats_interval_s = -1;
      }
      if (!(c.stats_interval_s >= 0) || !std::isfinite(c.stats_interval_s))
        e = r.err(k, "expected seconds (a number, or a string like \"10s\", \"500ms\", \"1m\"), at least 0");
    } else if (k == "format") {
      e = r.one_of(v, k, c.format, {"ecs", "events"});
    } else if (k == "shards") {
      uint32_t n = 0;
      if (!(e = r.u32(v, k, n, 64))) c.shards = n;
    } else if (k == "event_timeout_ms") {
      e = r.u32(v, k, c.event_timeout_ms, 600000);
    } else if (k == "keep_rules_on_exit") {
      e = r.boolean(v, k, c.keep_rules_on_exit);
    } else if (k == "ignore_errors") {
      e = r.boolean(v, k, c.ignore_errors);
    } else if (k == "metrics") {
      e = r.string(v, k, c.metrics);
    } else {
      e = r.err(k, "unknown key (see README \"Configuration\" for the keys auspex knows)");
    }
    if (e) return *e;
  }
  return c;
}

core::Result<Config> load_config(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return core::make_error(path + ": cannot read the config file: " + std::strerror(errno));
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_config(ss.str(), path);
}

}  // namespace daemon_cli
