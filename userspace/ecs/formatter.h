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
};

// Makes a fresh formatter for each worker thread.
class FormatterFactory {
 public:
  virtual ~FormatterFactory() = default;
  virtual std::unique_ptr<EventFormatter> make() const = 0;
};

}  // namespace ecs
