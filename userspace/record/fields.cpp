#include "record/fields.h"

#include <bit>

#include "core/swar.h"

namespace record {
namespace {

constexpr char kEnrichedSeparator = '\x1d';  // auditd log_format=ENRICHED (GS byte)

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool json_special(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

uint64_t json_special_word(uint64_t w) {
  using namespace core::swar;
  return has_less(w, 0x20) | has_byte(w, '"') | has_byte(w, '\\') | (w & kHighs);
}

// Bit mask of the bytes below the first n of a word (n < 8).
inline uint64_t low_bytes(unsigned n) { return (uint64_t{1} << (8 * n)) - 1; }

// End of an unquoted value: the first space or control byte from i. Values can be long
// (hex-encoded argv and proctitle), so whole words are scanned; the same pass notes whether
// any byte would need escaping in JSON. The lowest flagged byte of a has_less/has_byte mask
// is always a true one (false positives only sit above a true positive), so the end is
// exact, and a special byte below the end is a true one.
size_t value_end(std::string_view s, size_t i, bool& plain) {
  const size_t n = s.size();
  uint64_t special = 0;
  if constexpr (std::endian::native == std::endian::little) {
    while (i + 8 <= n) {
      const uint64_t w = core::swar::load(s.data() + i);
      const uint64_t stop = core::swar::has_less(w, 0x21);
      const uint64_t odd = (w & core::swar::kHighs) | core::swar::has_byte(w, '"') | core::swar::has_byte(w, '\\');
      if (stop) {
        const unsigned k = static_cast<unsigned>(std::countr_zero(stop)) >> 3;
        plain = !(special | (odd & low_bytes(k)));
        return i + k;
      }
      special |= odd;
      i += 8;
    }
  }
  bool odd = special != 0;
  for (; i < n && static_cast<unsigned char>(s[i]) > 0x20; ++i) odd |= json_special(static_cast<unsigned char>(s[i]));
  plain = !odd;
  return i;
}

// End of a key: the first '=' or is_space() byte from i (keys are short: one word usually
// holds the whole key). A word is flagged on '=' or any byte <= 0x20; a flagged byte that
// does not end the key (another control byte: damaged input) leaves the rest to the byte
// loop.
size_t key_end(std::string_view s, size_t i, bool& plain) {
  const size_t n = s.size();
  uint64_t special = 0;
  if constexpr (std::endian::native == std::endian::little) {
    while (i + 8 <= n) {
      const uint64_t w = core::swar::load(s.data() + i);
      const uint64_t stop = core::swar::has_less(w, 0x21) | core::swar::has_byte(w, '=');
      const uint64_t odd = (w & core::swar::kHighs) | core::swar::has_byte(w, '"') | core::swar::has_byte(w, '\\');
      if (stop) {
        const unsigned k = static_cast<unsigned>(std::countr_zero(stop)) >> 3;
        if (s[i + k] != '=' && !is_space(s[i + k])) break;
        plain = !(special | (odd & low_bytes(k)));
        return i + k;
      }
      special |= odd;
      i += 8;
    }
  }
  plain = special == 0;
  for (; i < n && s[i] != '=' && !is_space(s[i]); ++i) plain = plain && !json_special(static_cast<unsigned char>(s[i]));
  return i;
}

bool is_plain(std::string_view v) {
  size_t i = 0;
  uint64_t special = 0;
  for (; i + 8 <= v.size(); i += 8) special |= json_special_word(core::swar::load(v.data() + i));
  if (special) return false;
  for (; i < v.size(); ++i)
    if (json_special(static_cast<unsigned char>(v[i]))) return false;
  return true;
}

// Splits one run of k=v text. Returns nothing; appends to out.
//
// The ENRICHED separator (0x1d): split_fields splits the whole body as one run first. Every
// byte of a body is a skipped space, part of a key or value (their plain flags see bytes
// < 0x20), a value's end (the start of what comes next) or in a { } list or bare token; so
// unless `suspect` is set (a key or value not plain, a list, a bare token) the body has no
// separator and that split is the answer. Else split_fields searches for the separator and,
// if there is one, splits again in two runs. A separator met at the start of a field while
// nothing was suspect yet is the body's first, and what came before it split exactly as the
// first run would: the rest is split there and then as the enriched run (top level only).
void split_run(std::string_view s, std::vector<Field>& out, FieldIssues* issues, bool nested,
               bool enriched, int depth, bool* suspect) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    while (i < n && is_space(s[i])) ++i;
    if (i >= n) break;
    if (s[i] == kEnrichedSeparator && suspect && !*suspect && depth == 0 && !enriched) {
      split_run(s.substr(i + 1), out, issues, false, true, 0, nullptr);
      return;
    }
    // AVC and SELinux records put "{ perm perm }" lists between fields.
    if (s[i] == '{') {
      const size_t close = s.find('}', i);
      i = close == std::string_view::npos ? n : close + 1;
      if (issues) ++issues->bare_tokens;
      if (suspect) *suspect = true;
      continue;
    }
    bool key_plain = true;
    const size_t kend = key_end(s, i, key_plain);
    if (suspect && !key_plain) *suspect = true;
    if (kend >= n || s[kend] != '=') {
      if (issues) ++issues->bare_tokens;
      if (suspect) *suspect = true;
      i = kend;
      continue;
    }
    // Filled in place: a Field built on the stack and copied in was read back as whole
    // words right after its one-byte flags were stored, a store-forwarding stall that cost
    // more than the rest of the split (perf annotate).
    Field& f = out.emplace_back();
    f.key = s.substr(i, kend - i);
    f.key_plain = key_plain;
    f.nested = nested;
    f.enriched = enriched;
    size_t v = kend + 1;
    if (v < n && (s[v] == '"' || s[v] == '\'')) {
      const char q = s[v];
      // msg='...' of user-space records is the sender's text, printed by the kernel
      // without escaping (kernel/audit.c audit_receive_msg), so it may contain ' itself:
      // the last ' of the run closes it. Nothing follows msg='...' in those records.
      size_t close = q == '\'' && depth == 0 ? s.rfind(q) : s.find(q, v + 1);
      if (close != std::string_view::npos && close <= v) close = std::string_view::npos;
      if (close == std::string_view::npos) {
        if (issues) ++issues->unterminated_quote;
        close = n;
      }
      const std::string_view value = s.substr(v + 1, close - v - 1);
      f.value = value;
      f.kind = ValueKind::kQuoted;
      f.value_plain = is_plain(value);
      if (suspect && !f.value_plain) *suspect = true;
      i = close < n ? close + 1 : n;
      // f dies with the next emplace: the nested split works on the view.
      if (q == '\'' && depth == 0) split_run(value, out, issues, true, enriched, depth + 1, suspect);
      continue;
    }
    // Control bytes end a value too: the kernel hex-encodes them, so they only appear in
    // damaged input, and treating them as separators keeps the split total.
    const size_t end = value_end(s, v, f.value_plain);
    if (suspect && !f.value_plain) *suspect = true;
    f.value = s.substr(v, end - v);
    if (f.value == "(null)" || f.value == "(none)") f.kind = ValueKind::kNull;
    i = end;
  }
}

}  // namespace

void split_fields(std::string_view body, std::vector<Field>& out, FieldIssues* issues) {
  out.clear();
  // Most bodies have no byte < 0x20 at all: no search for the separator (a pass over the
  // body) unless the split saw something it could hide in (see split_run).
  const FieldIssues before = issues ? *issues : FieldIssues{};
  bool suspect = false;
  split_run(body, out, issues, false, false, 0, &suspect);
  if (!suspect) return;
  const size_t gs = body.find(kEnrichedSeparator);
  if (gs == std::string_view::npos) return;  // the split of the whole body stands
  out.clear();
  if (issues) *issues = before;
  split_run(body.substr(0, gs), out, issues, false, false, 0, nullptr);
  split_run(body.substr(gs + 1), out, issues, false, true, 0, nullptr);
}

const Field* find_field(const std::vector<Field>& fields, std::string_view key) {
  const Field* enriched = nullptr;
  for (const auto& f : fields) {
    if (f.key != key) continue;
    if (!f.enriched) return &f;
    if (!enriched) enriched = &f;
  }
  return enriched;
}

}  // namespace record
