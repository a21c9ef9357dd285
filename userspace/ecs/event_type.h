// aucoalesce's coarse event class of a record type ("user-login", "audit-rule", ...), from
// auparse/normalize.c. Auditbeat puts it in event.category when the normalization table has
// no ECS category for the event, so we do too.
#pragma once

#include <cstdint>
#include <string_view>

namespace ecs {

std::string_view audit_event_class(uint16_t record_type);

}  // namespace ecs
