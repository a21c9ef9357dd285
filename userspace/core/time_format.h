// Audit timestamps are (seconds, milliseconds) since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <string>

namespace core {

// Appends "2017-04-12T22:48:09.295Z" (RFC 3339, UTC, milliseconds) to out.
void append_rfc3339_ms(std::string& out, int64_t seconds, uint32_t millis);

}  // namespace core
