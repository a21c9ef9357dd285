// Every way an event is closed and every record that did not join an event normally, by
// cause. Nothing is dropped without one of these moving.
#pragma once

#include <cstdint>

namespace reassembly {

struct Counters {
  uint64_t records = 0;            // records accepted into events
  uint64_t events = 0;             // events emitted (sum of the completion causes)
  uint64_t completed_eoe = 0;
  uint64_t completed_standalone = 0;
  uint64_t completed_timeout = 0;
  uint64_t completed_proctitle = 0;  // closed at PROCTITLE (Config::proctitle_closes)
  uint64_t evicted_cap = 0;        // forced out by the in-flight cap
  uint64_t flushed_end = 0;        // still open at end of input / shutdown
  uint64_t late_records = 0;       // arrived after their event was emitted; emitted alone
  uint64_t duplicate_records = 0;  // byte-identical to a record already in the event; skipped
  uint64_t trailing_eoe = 0;       // proctitle_closes: EOE after its event closed; absorbed

  Counters& operator+=(const Counters& o) {
    records += o.records;
    events += o.events;
    completed_eoe += o.completed_eoe;
    completed_standalone += o.completed_standalone;
    completed_timeout += o.completed_timeout;
    completed_proctitle += o.completed_proctitle;
    evicted_cap += o.evicted_cap;
    flushed_end += o.flushed_end;
    late_records += o.late_records;
    duplicate_records += o.duplicate_records;
    trailing_eoe += o.trailing_eoe;
    return *this;
  }
};

}  // namespace reassembly
