// One tree change as an NDJSON line in the ECS shape of the audit documents
// (SESSION_VIEW.md §1): what `auspex proctree` prints and its tests parse.
#pragma once

#include <cstdint>
#include <string>

#include "proctree/entity_id.h"
#include "proctree/event.h"
#include "proctree/process.h"

namespace proctree {

// Appends one JSON object (no newline). boot_to_unix_ns converts CLOCK_BOOTTIME stamps.
void append_change_json(std::string& out, EventKind action, const ProcessInfo& info,
                        const HostClock& clock, int64_t boot_to_unix_ns);

}  // namespace proctree
