// Ring-buffer samples are kernel data, but the decoder must hold against anything: decode
// arbitrary bytes as a sequence of samples and apply what decodes to a small tree (cap,
// reaping, reparenting on garbage ids). Input: [u16 size][bytes]... repeated.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "proctree/abi_decode.h"
#include "proctree/tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  proctree::TreeOptions o;
  o.max_processes = 64;
  o.grace_ns = 1000;
  proctree::ProcessTree tree(o);
  proctree::AbiDecoder decoder;
  uint64_t now = 0;
  while (size >= 2) {
    uint16_t n;
    std::memcpy(&n, data, 2);
    data += 2;
    size -= 2;
    if (n > size) n = static_cast<uint16_t>(size);
    // A copy at the start of its own buffer, as the ring buffer hands it (8-aligned).
    alignas(8) static uint8_t sample[65536];
    std::memcpy(sample, data, n);
    proctree::TreeEvent e;
    if (decoder.decode(sample, n, e) == proctree::DecodeError::kNone) {
      tree.apply(e);
      now = e.ts_boot_ns > now ? e.ts_boot_ns : now;
      tree.reap(now);
      (void)tree.lookup(e.task.pid, e.ts_boot_ns);
    }
    data += n;
    size -= n;
  }
  if (tree.size() > o.max_processes) __builtin_trap();
  return 0;
}
