// `--format events`: the reassembled event as it came, one JSON line:
// {"node":..,"sequence":N,"timestamp":"RFC3339 ms","records":[{"type":"SYSCALL","fields":{..}},..]}
// Values are the raw text of each field (quotes stripped, hex left as the kernel wrote
// it). A user-space record's msg='k=v ...' becomes a nested "msg" object; auditd's
// ENRICHED values go to "enriched". A key repeated inside one record keeps its first value.
#pragma once

#include <memory>

#include "ecs/formatter.h"

namespace ecs {

std::unique_ptr<FormatterFactory> make_events_factory();

}  // namespace ecs
