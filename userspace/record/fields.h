// key=value fields of one record body, as views into the record text (no allocation per
// field once the output vector has grown to its working size).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace record {

enum class ValueKind : uint8_t {
  kPlain,   // unquoted: numbers, names, or kernel hex-encoding of an untrusted string
  kQuoted,  // "..." (quotes stripped)
  kNull,    // (null) / (none): the kernel had no value
};

struct Field {
  std::string_view key;
  std::string_view value;
  ValueKind kind = ValueKind::kPlain;
  bool nested = false;    // inside a user-space record's msg='...'
  bool enriched = false;  // after auditd's 0x1d separator (ENRICHED log format)
  // No byte of the value / key needs escaping in JSON (none < 0x20, '"', '\\' or >= 0x80):
  // writers may copy it as is. Found during the split, at no extra pass.
  bool value_plain = false;
  bool key_plain = false;
};

// Counts of oddities met while splitting a body; none of them stops parsing.
struct FieldIssues {
  uint32_t unterminated_quote = 0;  // "... or '... running to the end of the text
  uint32_t bare_tokens = 0;         // words without '=' (AVC "avc: denied { read } for")
};

// Splits body into fields, appending to out (cleared first). Nested msg='k=v ...' of
// user-space records is split into its own fields (nested=true); `msg` itself is kept
// too, with the whole inner text as value. Enriched fields follow with enriched=true.
void split_fields(std::string_view body, std::vector<Field>& out, FieldIssues* issues = nullptr);

// First field with this key (non-enriched first, then enriched), or nullptr.
const Field* find_field(const std::vector<Field>& fields, std::string_view key);

}  // namespace record
