// Where tree events come from. Implementations: BpfSource (ring buffer), ProcfsSource
// (/proc scans + audit facts), and the synthetic ones of the tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "proctree/event.h"

namespace proctree {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const TreeEvent& e) = 0;
};

struct Counter {
  std::string name;  // e.g. "bpf.ringbuf_full"
  uint64_t value = 0;
};

class AuditFactSink;

class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual std::string_view name() const = 0;
  // Starts observing; from its return nothing is missed, so bootstrap from /proc after it.
  virtual core::Result<void> start() = 0;
  // Delivers pending events in order; waits up to timeout_ms (0: no wait) for the first.
  virtual core::Result<size_t> poll(int timeout_ms, EventSink& sink) = 0;
  // Makes a poll() blocked in another thread return soon. Thread-safe.
  virtual void wake() = 0;
  // True when everything the kernel produced so far has been delivered and applied (the
  // sink returned). Called with the service lock held, which every delivery takes, so a
  // true answer means no event is half-applied. Sources that cannot tell return false.
  virtual bool drained() const { return false; }
  // Delivers what is pending now on the calling thread, unless another thread is delivering
  // at this moment: then it delivers nothing and returns false (never waits for it). Lets
  // a lookup catch the tree up without waking the service thread and waiting for it.
  // Sources that cannot return false.
  virtual bool try_consume(EventSink& /*sink*/) { return false; }
  // Per-cause counters: drops, truncations, undecodable samples.
  virtual std::vector<Counter> counters() const = 0;
  // The procfs backend takes audit facts; others return nullptr.
  virtual AuditFactSink* audit_facts() { return nullptr; }
};

}  // namespace proctree
