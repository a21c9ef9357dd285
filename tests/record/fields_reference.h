// The previous field split, kept as a reference for differential tests (see the .cpp).
#pragma once

#include <string_view>
#include <vector>

#include "record/fields.h"

namespace record_reference {

void split_fields(std::string_view body, std::vector<record::Field>& out, record::FieldIssues* issues = nullptr);

}  // namespace record_reference
