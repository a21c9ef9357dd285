// One complete audit event: every record of one (node, serial), in arrival order.
// The event owns the raw text of its records; record views stay valid while it lives.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "record/header.h"

namespace reassembly {

// How an event was closed. Counted per cause in Counters.
enum class Completion : uint8_t {
  kEoe,         // the kernel's EOE record arrived
  kStandalone,  // user-space message(s) whose short window passed with no syscall record
  kTimeout,     // no new record within the time window (log time in replay, wall time live)
  kProctitle,   // the PROCTITLE record arrived (replay: logs hold no EOE)
  kCapEvicted,  // forced out because too many events were in flight
  kEndFlush,    // end of input / shutdown
  kLate,        // a record for an event already emitted: emitted alone, marked late
};

const char* to_string(Completion c);

struct RecordRef {
  uint16_t type = 0;
  uint32_t offset = 0;       // of the record's line in Event::text (when data is null)
  uint32_t length = 0;
  uint32_t body_offset = 0;  // of the key=value body: in Event::text, or from data
  uint32_t body_length = 0;
  uint64_t line = 0;         // 1-based input line (replay) or datagram number (live)
  // Set when the source's buffer outlives the event (a mapped log file): the record is not
  // copied and points there.
  const char* data = nullptr;
};

struct Event {
  std::string_view node;     // interned by the source; empty when the log has no node=
  uint32_t node_id = 0;
  uint32_t serial = 0;
  int64_t sec = 0;           // timestamp of the event (its first record)
  uint16_t msec = 0;
  Completion completion = Completion::kEoe;
  uint64_t first_index = 0;  // global index of its first record: the stable output order
  std::string text;          // the raw records, each followed by '\n'
  std::vector<RecordRef> records;

  std::string_view record_text(size_t i) const {
    const RecordRef& r = records[i];
    return r.data ? std::string_view(r.data, r.length) : std::string_view(text).substr(r.offset, r.length);
  }
  std::string_view record_body(size_t i) const {
    const RecordRef& r = records[i];
    return r.data ? std::string_view(r.data + r.body_offset, r.body_length)
                  : std::string_view(text).substr(r.body_offset, r.body_length);
  }
  int64_t time_ms() const { return sec * 1000 + msec; }

  // Copies one record (its whole text; header.body points into line) to the end of text.
  // The first record also gives the event its serial and time.
  void append_copy(const record::Header& header, std::string_view line, uint64_t line_no = 0) {
    if (records.empty()) {
      serial = header.serial;
      sec = header.sec;
      msec = header.msec;
    }
    RecordRef r;
    r.type = header.type;
    r.offset = static_cast<uint32_t>(text.size());
    r.length = static_cast<uint32_t>(line.size());
    r.body_offset = r.offset + static_cast<uint32_t>(header.body.data() - line.data());
    r.body_length = static_cast<uint32_t>(header.body.size());
    r.line = line_no;
    text.append(line);
    text.push_back('\n');
    records.push_back(r);
  }

  // Reassembler bookkeeping (not part of the event's meaning).
  int64_t clock_ms = 0;      // the clock when the event was opened, for timeouts
  uint32_t node_offset = 0;  // node name inside text (node is set from it at completion,
  uint32_t node_length = 0;  // once text stops growing)
  std::string_view stable_node;  // the node when the first record was not copied
  uint8_t lane = 0;          // 0: normal window; 1: short window (user-space records only)
  bool closing = false;      // its PROCTITLE arrived: closes at Reassembler::settle()
  Event* fifo_prev = nullptr;
  Event* fifo_next = nullptr;

  void reset() {
    node = {};
    stable_node = {};
    text.clear();
    records.clear();
    fifo_prev = fifo_next = nullptr;
    closing = false;
  }
};

}  // namespace reassembly
