// Splits one rule-file line into words, the way a shell would for the auditctl command.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rules {

// Words of line; an unquoted '#' at the start of a word begins a comment.
//  - whitespace separates words;
//  - '...' is literal; "..." is literal except \" and \\ ;
//  - outside quotes, "\ " is a space and "\\" a backslash (auditctl's own escapes for
//    paths with spaces); any other backslash is kept as is, as auditctl keeps it.
// Error: an unterminated quote.
core::Result<std::vector<std::string>> tokenize_line(std::string_view line);

// Quotes word for a rule line only if it needs it (whitespace, quotes, '#', backslash),
// so tokenize_line(quote_word(w)) gives back w.
std::string quote_word(std::string_view word);

}  // namespace rules
