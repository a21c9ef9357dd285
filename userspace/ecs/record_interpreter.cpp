#include "ecs/record_interpreter.h"

#include <libaudit.h>

#include <array>
#include <cctype>
#include <charconv>

#include "core/hex.h"
#include "core/json_writer.h"  // AUSPEX_NO_OVERREAD
#include "core/swar.h"
#include "ecs/audit_names.h"
#include "ecs/sockaddr.h"

namespace ecs {
namespace {

// Digit values of [0-9A-F]; -1 for every other byte (auparse takes upper case only).
constexpr auto kUpperHex = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
  return t;
}();

inline int upper_hex(char c) { return kUpperHex[static_cast<unsigned char>(c)]; }

// Key bytes we keep: bit 0 for every record ([a-z0-9_-]), bit 1 for EXECVE's aN[i] too.
constexpr auto kKeyChar = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 3;
  for (int c = '0'; c <= '9'; ++c) t[c] = 3;
  t['_'] = t['-'] = 3;
  t['['] = t[']'] = 2;
  return t;
}();

// Per byte of x, 0x80 where lo <= byte <= hi (0 < lo, hi < 0x7f), exactly: no carry or
// borrow crosses a byte (unlike the skip tests of core/swar.h, which may flag too much).
// The bit-hack tests lo - 1 < byte < hi + 1.
inline uint64_t bytes_between(uint64_t x, unsigned lo, unsigned hi) {
  constexpr uint64_t k7f = core::swar::kOnes * 0x7f;
  return (core::swar::kOnes * (127 + hi + 1) - (x & k7f)) & ~x & ((x & k7f) + core::swar::kOnes * (127 - (lo - 1))) &
         core::swar::kHighs;
}
inline uint64_t bytes_equal(uint64_t x, uint8_t b) { return bytes_between(x, b, b); }

// [a-z0-9_-] (and '[' ']' for EXECVE's aN[i]) in one word of up to 8 key bytes.
[[maybe_unused]] inline bool key_word_ok(uint64_t w, size_t n, bool allow_brackets) {
  uint64_t ok = bytes_between(w, 'a', 'z') | bytes_between(w, '0', '9') | bytes_equal(w, '_') | bytes_equal(w, '-');
  if (allow_brackets) ok |= bytes_equal(w, '[') | bytes_equal(w, ']');
  const uint64_t want = n >= 8 ? core::swar::kHighs : core::swar::kHighs & ((uint64_t{1} << (8 * n)) - 1);
  return (ok & want) == want;
}

bool key_chars_ok(std::string_view k, bool allow_brackets) {
  if (k.empty()) return false;
  // Keys are a few bytes: a word at a time where the load cannot cross into the next page
  // (the bytes past the key are read but masked off).
  // Not in sanitized builds, which would report the over-read (core/json_writer.h).
#if !defined(AUSPEX_NO_OVERREAD)
  if (k.size() <= 16 && (reinterpret_cast<uintptr_t>(k.data()) & 4095) <= 4096 - 16) {
    if (!key_word_ok(core::swar::load(k.data()), k.size(), allow_brackets)) return false;
    return k.size() <= 8 || key_word_ok(core::swar::load(k.data() + 8), k.size() - 8, allow_brackets);
  }
#endif
  const uint8_t need = allow_brackets ? 2 : 1;
  uint8_t all = 3;
  for (char c : k) all &= kKeyChar[static_cast<unsigned char>(c)];
  return (all & need) != 0;
}

std::string_view trim_quotes_space(std::string_view v) {
  auto strip = [](char c) { return c == '\'' || c == '"' || c == ' '; };
  while (!v.empty() && strip(v.front())) v.remove_prefix(1);
  while (!v.empty() && strip(v.back())) v.remove_suffix(1);
  return v;
}

// Replaces the first `count` occurrences of from with to (to has from's length or less).
void replace_n(std::string& s, std::string_view from, std::string_view to, int count) {
  size_t pos = 0;
  for (int i = 0; i < count; ++i) {
    pos = s.find(from, pos);
    if (pos == std::string::npos) return;
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// "avc:  denied  { read write } for  pid=..." -> "seresult=denied seperms=read,write pid=...".
// Returns false for AVCs of another shape (AppArmor's are plain key=value already).
bool rewrite_selinux_avc(std::string_view body, std::string& out) {
  size_t i = body.find("avc:");
  if (i == std::string_view::npos) return false;
  i += 4;
  const size_t n = body.size();
  if (i >= n || !is_space(body[i])) return false;
  while (i < n && is_space(body[i])) ++i;
  const size_t w = i;
  while (i < n && (std::isalnum(static_cast<unsigned char>(body[i])) || body[i] == '_')) ++i;
  if (i == w || i >= n || !is_space(body[i])) return false;
  std::string_view result = body.substr(w, i - w);
  while (i < n && is_space(body[i])) ++i;
  if (i >= n || body[i] != '{') return false;
  const size_t close = body.find('}', i);
  if (close == std::string_view::npos) return false;
  std::string_view perms = body.substr(i + 1, close - i - 1);
  size_t j = close + 1;
  if (j >= n || !is_space(body[j])) return false;
  while (j < n && is_space(body[j])) ++j;
  if (body.substr(j, 3) != "for") return false;
  j += 3;
  if (j >= n || !is_space(body[j])) return false;
  while (j < n && is_space(body[j])) ++j;
  out.assign("seresult=");
  out.append(result);
  out.append(" seperms=");
  bool first = true;
  size_t p = 0;
  while (p < perms.size()) {
    while (p < perms.size() && is_space(perms[p])) ++p;
    const size_t s = p;
    while (p < perms.size() && !is_space(perms[p])) ++p;
    if (p > s) {
      if (!first) out.push_back(',');
      out.append(perms.substr(s, p - s));
      first = false;
    }
  }
  out.push_back(' ');
  out.append(body.substr(j));
  return true;
}

// Most records have no such field: inlined, the absent case is a constant hash and one
// filter test.
[[gnu::always_inline]] inline void split_selinux_context(FieldMap& fields, std::string_view key, std::string& value) {
  FieldMap::Entry* e = fields.find_entry(key);
  if (!e) return;
  value.assign(e->value);  // erase may hand the entry's buffer to the next set()
  fields.erase(key);
  static constexpr std::string_view kParts[] = {"_user", "_role", "_domain", "_level", "_category"};
  std::string name;
  size_t pos = 0;
  for (size_t i = 0; i < 5; ++i) {
    size_t end = i == 4 ? std::string::npos : value.find(':', pos);
    name.assign(key);
    name.append(kParts[i]);
    if (end == std::string::npos) {
      fields.set(name, std::string_view(value).substr(pos));
      return;
    }
    fields.set(name, std::string_view(value).substr(pos, end - pos));
    pos = end + 1;
  }
}

// AUID="alice" (ENRICHED format) -> id_names["auid"] = "alice". Only id names: the other
// enriched values (ARCH, SYSCALL, SADDR) we compute ourselves.
void add_enriched_name(const record::Field& f, FieldMap& names) {
  std::string_view k = f.key;
  if (k.size() < 3 || k.size() > 16 || !(k.ends_with("UID") || k.ends_with("GID"))) return;
  std::string_view v = trim_quotes_space(f.value);
  // auditd writes "unset" for -1 and "unknown(N)" for an id it could not name.
  if (v.empty() || v == "unset" || v == "?" || v.starts_with("unknown(")) return;
  char key[16];
  for (size_t i = 0; i < k.size(); ++i) {
    const char c = k[i];
    if (!((c >= 'A' && c <= 'Z') || c == '_' || c == '-')) return;
    key[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  names.set(std::string_view(key, k.size()), v);
}

}  // namespace

bool is_kernel_hex(std::string_view s) {
  if (s.empty() || s.size() % 2) return false;
  for (char c : s)
    if (upper_hex(c) < 0) return false;
  return true;
}

bool append_kernel_hex(std::string_view s, std::string& out, bool stop_at_nul) {
  if (s.empty() || (s.size() & 1)) return false;  // cannot be kernel hex: no resize
  const size_t start = out.size();
  out.resize(start + s.size() / 2);
  const size_t n = core::decode_kernel_hex(s, out.data() + start, stop_at_nul);
  out.resize(n == core::kNotKernelHex ? start : start + n);
  return n != core::kNotKernelHex;
}

std::string_view RecordInterpreter::normalize_text(uint16_t type, std::string_view body) {
  switch (type) {
    case AUDIT_AVC:
      if (rewrite_selinux_avc(body, scratch_)) return scratch_;
      return body;
    case AUDIT_LOGIN:
      // Old kernels: "old auid=.. new auid=.. old ses=.. new ses=..".
      if (body.find("old ") == std::string_view::npos && body.find("new ") == std::string_view::npos)
        return body;
      scratch_.assign(body);
      replace_n(scratch_, "old ", "old_", 2);
      replace_n(scratch_, "new ", "new_", 2);
      return scratch_;
    case AUDIT_CRED_DISP:
    case AUDIT_USER_START:
    case AUDIT_USER_END: {
      // Old PAM: "... (hostname=h, addr=a, terminal=t res=success)'".
      scratch_.assign(body);
      replace_n(scratch_, " (hostname=", " hostname=", 2);
      while (!scratch_.empty() && (scratch_.back() == ')' || scratch_.back() == '\'')) scratch_.pop_back();
      return scratch_;
    }
    default:
      return body;
  }
}

void RecordInterpreter::interpret(uint16_t type, std::string_view body, RecordData& out) {
  out.clear();
  std::string_view text = normalize_text(type, body);
  record::split_fields(text, split_);
  const bool execve = type == AUDIT_EXECVE;
  for (const record::Field& f : split_) {
    // auditd's ENRICHED values: only its id names are kept (for resolve_ids); ARCH, SYSCALL,
    // SADDR and the like we compute ourselves, as Auditbeat does.
    if (f.enriched) {
      add_enriched_name(f, out.id_names);
      continue;
    }
    if (f.key == "msg" && !f.nested) continue;  // its fields follow, split (nested=true)
    if (!key_chars_ok(f.key, execve)) continue;
    std::string_view v = trim_quotes_space(f.value);
    if (v.empty() || v == "?" || v == "?," || v == "(null)") continue;
    // Values that are the record's own text stay views into the event; a rewritten text
    // (scratch_, reused by the next record) is copied.
    if (text.data() == body.data()) {
      out.fields.set_view_stable(f.key, v, f.kind == record::ValueKind::kQuoted, f.value_plain);
    } else {
      out.fields.set(f.key, v, f.kind == record::ValueKind::kQuoted);
    }
  }
  enrich(type, out);
}

void RecordInterpreter::enrich(uint16_t type, RecordData& out) {
  FieldMap& m = out.fields;
  for (std::string_view k : {"auid", "old-auid", "ses"}) {
    if (FieldMap::Entry* e = m.find_entry(k); e && (e->value == "4294967295" || e->value == "-1")) e->value = "unset";
  }
  split_selinux_context(m, "subj", ctx_);

  // success= (syscalls) or res= (everything else) -> result.
  if (const FieldMap::Entry* e = m.find_entry("success"); e || (e = m.find_entry("res"))) {
    tmp_.assign(e->value);
    m.erase(e->key);
    for (char& c : tmp_) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    const bool ok = tmp_ == "yes" || tmp_ == "1" || tmp_.starts_with("suc");
    m.set_view_stable("result", ok ? "success" : "fail");
  }

  if (FieldMap::Entry* e = m.find_entry("exit")) {
    std::string_view v = e->value;
    int code = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), code);
    if (ec == std::errc() && p == v.data() + v.size() && code < 0) {
      if (const char* name = errno_name(-code)) e->value = name;  // libaudit's static table
    }
  }

  if (const FieldMap::Entry* e = m.find_entry("key")) {
    out.has_tags = true;
    std::string_view v = e->value;
    tmp_.clear();
    if (!e->quoted && append_kernel_hex(v, tmp_, false)) {
      // Several -k keys of one rule arrive hex-encoded, joined by 0x01.
      // append_kernel_hex maps NUL to space; keys cannot hold NUL, so that never matters.
      size_t pos = 0;
      for (;;) {
        const size_t sep = tmp_.find('\x01', pos);
        out.tags.emplace_back(tmp_.substr(pos, sep == std::string::npos ? std::string::npos : sep - pos));
        if (sep == std::string::npos) break;
        pos = sep + 1;
      }
    } else {
      // key="key=net" (old auditctl) -> "net".
      const size_t eq = v.find('=');
      out.tags.emplace_back(eq == std::string_view::npos ? v : v.substr(eq + 1));
    }
    m.erase("key");
  }

  // Checked and decoded in one pass, straight into the entry's own buffer.
  // Inlined at each use, so the key's hash is a constant.
  auto decode = [&](std::string_view key, bool stop_at_nul) __attribute__((always_inline)) {
    FieldMap::Entry* e = m.find_entry(key);
    if (!e || e->quoted) return;
    const std::string_view v = e->value;
    if (e->value_is_own()) {  // a rewritten record's copy: decode beside it, not over it
      tmp_.clear();
      if (!append_kernel_hex(v, tmp_, stop_at_nul)) return;
      e->assign(tmp_);
      return;
    }
    if (v.empty() || (v.size() & 1)) return;
    char* dst = e->own_room(v.size() / 2);
    const size_t n = core::decode_kernel_hex(v, dst, stop_at_nul);
    if (n == core::kNotKernelHex) return;  // the value (a view of the record) is untouched
    e->value = std::string_view(dst, n);
    e->plain = false;
  };
  decode("cwd", false);
  decode("comm", false);
  decode("exe", false);
  decode("acct", false);
  decode("name", false);

  switch (type) {
    case AUDIT_SECCOMP:
      if (FieldMap::Entry* e = m.find_entry("sig")) {
        std::string_view v = e->value;
        int sig = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), sig);
        if (ec == std::errc() && p == v.data() + v.size() && signal_name(sig, tmp_)) e->assign(tmp_);
      }
      [[fallthrough]];
    case AUDIT_SYSCALL:
      if (FieldMap::Entry* a = m.find_entry("arch")) {
        // libaudit's static names: the entries take views of them, no copy.
        if (const std::string_view name = arch_name(a->value); !name.empty()) {
          a->value = name;
          a->plain = true;
        }
        if (FieldMap::Entry* s = m.find_entry("syscall")) {
          if (const std::string_view name = syscall_name(a->value, s->value); !name.empty()) {
            s->value = name;
            s->plain = true;
          }
        }
      }
      break;
    case AUDIT_SOCKADDR:
      if (const FieldMap::Entry* e = m.find_entry("saddr")) {
        tmp_.assign(e->value);
        m.erase("saddr");
        if (!decode_sockaddr(tmp_, m)) {
          m.set("saddr", tmp_);
          out.warning = "failed to parse SOCKADDR message: saddr is not a socket address";
        }
      }
      break;
    case AUDIT_PROCTITLE:
      // The kernel keeps at most 128 bytes of the command line (MAX_PROCTITLE_AUDIT_LEN,
      // kernel/auditsc.c): say so, process.args (EXECVE) has the whole argv.
      if (const FieldMap::Entry* e = m.find_entry("proctitle"); e && !e->quoted && e->value.size() == 256)
        out.warning = "proctitle truncated at 128 bytes by the kernel";
      decode("proctitle", false);
      break;
    case AUDIT_USER_CMD:
      decode("cmd", false);
      break;
    case AUDIT_TTY:
    case AUDIT_USER_TTY:
      decode("data", false);
      break;
    case AUDIT_PATH:
      split_selinux_context(m, "obj", ctx_);
      break;
    default:
      break;
  }
}

}  // namespace ecs
