// Ring-buffer samples (bpf/auspex_abi.h) -> TreeEvent. Every {offset, len} pair is checked
// against the sample size before a byte is read; a bad sample is rejected with a cause.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "proctree/event.h"

namespace proctree {

enum class DecodeError : uint8_t {
  kNone,
  kTooShort,      // smaller than the header or than the struct its kind names
  kUnknownKind,   // kind not in enum auspex_event_kind
  kBadString,     // an {offset, len} pair outside the sample
};
inline constexpr size_t kDecodeErrorCount = 4;

class AbiDecoder {
 public:
  explicit AbiDecoder(uint64_t ns_per_tick = 10'000'000) : ns_per_tick_(ns_per_tick) {}
  // Fills out; its views point into data and into this decoder (cwd), valid until the next
  // call.
  DecodeError decode(const void* data, size_t size, TreeEvent& out);

 private:
  uint64_t ns_per_tick_;
  std::string cwd_, exe_;  // path components come leaf first; reassembled here
};

}  // namespace proctree
