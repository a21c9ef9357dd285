// The previous header parse, kept as a reference for differential tests (see the .cpp).
#pragma once

#include <string_view>

#include "record/header.h"

namespace record_reference {

record::HeaderError parse_audit_stamp(std::string_view s, record::Header& out, std::string_view& rest);
record::HeaderError parse_log_header(std::string_view line, record::Header& out);

}  // namespace record_reference
