// libFuzzer: bytes -> records -> one event -> ECS document -> JSON, which must be one line of
// valid JSON (simdjson validates structure and UTF-8). Each input line is a record: a line
// that is not a record header gets one, its type picked by the line's first byte, so the
// fuzzer reaches every record-type path without having to invent "type=... msg=audit(...)".
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ecs/ecs_formatter.h"
#include "reassembly/event.h"
#include "record/header.h"

namespace {

constexpr const char* kTypes[] = {"SYSCALL", "EXECVE", "PATH", "SOCKADDR", "PROCTITLE", "CWD", "USER_LOGIN",
                                  "USER_CMD", "AVC", "LOGIN", "USER_START", "CRED_DISP", "SECCOMP", "CONFIG_CHANGE",
                                  "UNKNOWN[1999]", "TTY", "ADD_GROUP", "USER_MGMT", "ANOM_ABEND", "EOE"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ecs::EcsFormatterFactory factory([] {
    ecs::Options o;
    o.include_warnings = true;
    o.preserve_original_event = true;
    o.passwd_file = "/nonexistent";  // no dependence on the host's users
    o.group_file = "/nonexistent";
    o.id_recheck_interval_ms = 1 << 30;
    return o;
  }());
  static auto formatter = factory.make();
  static simdjson::dom::parser parser;

  std::string_view in(reinterpret_cast<const char*>(data), size);
  reassembly::Event ev;
  std::string line;
  size_t pos = 0;
  while (pos <= in.size()) {
    size_t eol = in.find('\n', pos);
    if (eol == std::string_view::npos) eol = in.size();
    std::string_view chunk = in.substr(pos, eol - pos);
    pos = eol + 1;
    if (chunk.empty()) continue;
    record::Header h;
    line.assign(chunk);
    if (record::parse_log_header(line, h) != record::HeaderError::kNone) {
      const char* type = kTypes[static_cast<uint8_t>(chunk[0]) % (sizeof kTypes / sizeof kTypes[0])];
      line = std::string("type=") + type + " msg=audit(1700000000.001:7): ";
      line.append(chunk.substr(1));
      if (record::parse_log_header(line, h) != record::HeaderError::kNone) continue;
    }
    ev.append_copy(h, line);
  }
  if (ev.records.empty()) return 0;
  std::string out;
  formatter->append(ev, out);
  if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1) std::abort();
  out.pop_back();
  simdjson::dom::element doc;
  if (parser.parse(out).get(doc) != simdjson::SUCCESS) std::abort();
  return 0;
}
