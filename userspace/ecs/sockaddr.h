// SOCKADDR saddr= hex (a struct sockaddr as the kernel copied it) -> family, addr, port,
// path, flow; unknown families and netlink keep the raw hex as saddr (as auparse does).
#pragma once

#include <string>
#include <string_view>

#include "ecs/field_map.h"

namespace ecs {

// Adds the decoded fields to out. False (out untouched) when the text is too short or not
// hex for its family; the caller keeps saddr then and records a warning.
bool decode_sockaddr(std::string_view hex, FieldMap& out);

}  // namespace ecs
