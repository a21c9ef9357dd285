// Turns one complete event into one NDJSON line. One formatter object per worker thread:
// implementations keep scratch buffers and need no locking.
#pragma once

#include <memory>
#include <string>

#include "reassembly/event.h"

namespace ecs {

class EventFormatter {
 public:
  virtual ~EventFormatter() = default;
  // Appends exactly one JSON document followed by '\n' to out.
  virtual void append(const reassembly::Event& event, std::string& out) = 0;
  // The same document written at offset `at` of out (at <= out.size()), whose bytes from
  // there on are room, not content: out may be resized either way, and the bytes past the
  // returned end are garbage. Lets a caller keep a buffer at full size and have documents
  // written in place. The default truncates and appends.
  virtual size_t write_at(const reassembly::Event& event, std::string& out, size_t at) {
    out.resize(at);
    append(event, out);
    return out.size();
  }
};

// Makes a fresh formatter for each worker thread.
class FormatterFactory {
 public:
  virtual ~FormatterFactory() = default;
  virtual std::unique_ptr<EventFormatter> make() const = 0;
};

}  // namespace ecs
