#include "reassembly/event.h"

namespace reassembly {

const char* to_string(Completion c) {
  switch (c) {
    case Completion::kEoe: return "eoe";
    case Completion::kStandalone: return "standalone";
    case Completion::kTimeout: return "timeout";
    case Completion::kProctitle: return "proctitle";
    case Completion::kCapEvicted: return "cap_evicted";
    case Completion::kEndFlush: return "end_flush";
    case Completion::kLate: return "late";
  }
  return "?";
}

}  // namespace reassembly
