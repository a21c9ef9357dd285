// Unit and hostile-input tests of the ECS formatter: decoding (hex, EXECVE, PROCTITLE,
// SOCKADDR, keys), unknown record types, and JSON validity for quotes, backslashes, control
// bytes, newlines, invalid UTF-8 and a 100 KB argument.
#include <gtest/gtest.h>

#include "core/hex.h"
#include "ecs_test_support.h"
#include "ecs/audit_names.h"

#include <thread>

namespace {

using ecs_test::Flat;

struct Doc {
  std::string json;
  Flat flat;
};

Doc format(const std::vector<std::string>& records, ecs::Options opt = {}) {
  opt.resolve_ids = false;
  opt.include_warnings = true;
  auto factory = ecs::make_ecs_factory(opt);
  auto f = factory->make();
  auto ev = ecs_test::make_event(records);
  Doc d;
  f->append(*ev, d.json);
  EXPECT_EQ(d.json.back(), '\n');
  EXPECT_EQ(d.json.find('\n'), d.json.size() - 1) << "one line per document";
  simdjson::dom::parser p;
  simdjson::dom::element e;
  auto err = p.parse(d.json).get(e);
  EXPECT_EQ(err, simdjson::SUCCESS) << d.json;
  if (err == simdjson::SUCCESS) d.flat = ecs_test::flatten(e);
  return d;
}

std::string hex(std::string_view s) {
  std::string h = core::hex_encode(s);
  for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return h;
}

const std::string kSyscall =
    "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 "
    "a3=4 items=1 ppid=1 pid=100 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 "
    "fsgid=1000 tty=pts0 ses=3 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"exec\"";

TEST(EcsFormatter, ExecveArgsHexAndProctitle) {
  Doc d = format({kSyscall,
                  "type=EXECVE msg=audit(1700000000.123:42): argc=3 a0=\"ls\" a1=" + hex("a b\"c") + " a2=\"-l\"",
                  "type=PROCTITLE msg=audit(1700000000.123:42): proctitle=" + hex(std::string("ls\0a b\0-l", 9))});
  EXPECT_EQ(d.flat["process.args"], R"(["ls","a b"c","-l"])");
  EXPECT_EQ(d.flat["process.args_count"], "3");
  EXPECT_EQ(d.flat["process.title"], "\"ls a b -l\"");
  EXPECT_EQ(d.flat["auditd.data.argc"], "3");
  EXPECT_EQ(d.flat["event.action"], "\"executed\"");
  EXPECT_EQ(d.flat["tags"], R"(["exec"])");
  EXPECT_EQ(d.flat["@timestamp"], "\"2023-11-14T22:13:20.123Z\"");
}

TEST(EcsFormatter, LongArgumentSplitOverRecords) {
  // 100 KB argument: a1_len + a1[i] chunks over two EXECVE records, one chunk hex-encoded.
  std::string big(100 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = 'y';
  std::vector<std::string> recs = {kSyscall};
  std::string rec = "type=EXECVE msg=audit(1700000000.123:42): argc=3 a0=\"cat\" a1_len=" + std::to_string(big.size());
  size_t chunk = 0, pos = 0;
  while (pos < big.size()) {
    const size_t n = std::min<size_t>(7500, big.size() - pos);
    std::string part = big.substr(pos, n);
    rec += " a1[" + std::to_string(chunk) + "]=" + (chunk == 3 ? hex(part) : "\"" + part + "\"");
    pos += n;
    ++chunk;
    if (chunk == 7) {  // the kernel starts a new EXECVE record when one is full
      recs.push_back(rec);
      rec = "type=EXECVE msg=audit(1700000000.123:42):";
    }
  }
  rec += " a2=\"/etc/hosts\"";
  recs.push_back(rec);
  Doc d = format(recs);
  EXPECT_EQ(d.flat["process.args"], "[\"cat\",\"" + big + "\",\"/etc/hosts\"]");
  EXPECT_EQ(d.flat["process.args_count"], "3");
  EXPECT_EQ(d.flat.count("auditd.warnings"), 0u) << d.flat["auditd.warnings"];
}

TEST(EcsFormatter, MissingArgumentsAreCountedNotDropped) {
  Doc d = format({kSyscall, "type=EXECVE msg=audit(1700000000.123:42): argc=4 a0=\"a\" a1=\"b\""});
  EXPECT_EQ(d.flat["process.args"], R"(["a","b"])");
  EXPECT_EQ(d.flat["process.args_count"], "4");
  EXPECT_NE(d.flat["auditd.warnings"].find("failed to find arg a2"), std::string::npos);
}

TEST(EcsFormatter, HostileBytesGiveValidJson) {
  // A path with quote, backslash, newline, tab, DEL, \x01 and invalid UTF-8 (kernel hex).
  const std::string name = std::string("/tmp/a\"b\\c\nd\te\x7f\x01") + "\xff\xfe" + "\xc3\x28" + "\xe2\x82";
  const std::string comm = std::string("x\x1b[31m\"y");
  Doc d = format({"type=SYSCALL msg=audit(1700000000.123:43): arch=c000003e syscall=2 success=no exit=-13 a0=1 a1=2 "
                  "a2=3 a3=4 items=1 ppid=1 pid=100 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 "
                  "egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=" + hex(comm) + " exe=" + hex(name) + " key=(null)",
                  "type=CWD msg=audit(1700000000.123:43): cwd=" + hex("/ro\"ot"),
                  "type=PATH msg=audit(1700000000.123:43): item=0 name=" + hex(name) +
                      " inode=5 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"});
  // Invalid bytes become U+FFFD one per byte; everything else survives.
  const std::string want = std::string("/tmp/a\"b\\c\nd\te\x7f\x01") + "\xef\xbf\xbd\xef\xbf\xbd" + "\xef\xbf\xbd(" +
                           "\xef\xbf\xbd\xef\xbf\xbd";
  EXPECT_EQ(d.flat["file.path"], "\"" + want + "\"");
  EXPECT_EQ(d.flat["process.executable"], "\"" + want + "\"");
  EXPECT_EQ(d.flat["process.name"], "\"" + comm + "\"");
  EXPECT_EQ(d.flat["process.working_directory"], "\"/ro\"ot\"");
  EXPECT_EQ(d.flat["auditd.data.exit"], "\"EACCES\"");
  EXPECT_EQ(d.flat["event.outcome"], "\"failure\"");
  EXPECT_EQ(d.flat["file.mode"], "\"0644\"");
  // No raw control byte may reach the output.
  for (char c : d.json.substr(0, d.json.size() - 1)) EXPECT_GE(static_cast<unsigned char>(c), 0x20u);
}

TEST(EcsFormatter, UserMessageWithNewlineAndQuotes) {
  // A user-space sender can put anything in msg='...' (the kernel does not escape it).
  Doc d = format({"type=USER_CMD msg=audit(1700000000.123:44): pid=1 uid=0 auid=1000 ses=2 msg='cwd=\"/\" "
                  "cmd=\"echo 'hi'\nrm -rf \\\"x\\\"\" exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'"});
  EXPECT_EQ(d.flat["auditd.message_type"], "\"user_cmd\"");
  EXPECT_EQ(d.flat["event.outcome"], "\"success\"");
}

TEST(EcsFormatter, UnknownRecordTypeIsKeptWithWarning) {
  ecs::Options opt;
  opt.resolve_ids = false;
  opt.include_warnings = true;
  auto factory = std::make_unique<ecs::EcsFormatterFactory>(opt);
  auto f = factory->make();
  auto ev = ecs_test::make_event({kSyscall, "type=UNKNOWN[1999] msg=audit(1700000000.123:42): mystery=42 other=\"x\""});
  std::string out;
  f->append(*ev, out);
  simdjson::dom::parser p;
  Flat flat = ecs_test::flatten(p.parse(out).value());
  EXPECT_EQ(flat["auditd.data.mystery"], "\"42\"");
  EXPECT_EQ(flat["auditd.data.other"], "\"x\"");
  EXPECT_NE(flat["auditd.warnings"].find("unknown record type UNKNOWN[1999]"), std::string::npos);
  EXPECT_EQ(factory->stats().unknown_record_types.load(), 1u);
  EXPECT_EQ(factory->stats().documents.load(), 1u);
}

TEST(EcsFormatter, SeveralKeysAndSockaddrs) {
  const std::string keys = hex(std::string("net\x01" "exfil", 9));
  Doc d = format({"type=SYSCALL msg=audit(1700000000.123:45): arch=c000003e syscall=42 success=no exit=-115 a0=3 "
                  "a1=7ffd a2=1c a3=0 items=0 ppid=1 pid=100 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
                  "sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"curl\" exe=\"/usr/bin/curl\" key=" + keys,
                  "type=SOCKADDR msg=audit(1700000000.123:45): saddr=0A000050000000002A0014504001081C000000000000200E00000000"});
  EXPECT_EQ(d.flat["tags"], R"(["net","exfil"])");
  EXPECT_EQ(d.flat["destination.ip"], "\"2a00:1450:4001:81c::200e\"");
  EXPECT_EQ(d.flat["destination.port"], "80");
  EXPECT_EQ(d.flat["auditd.data.socket.family"], "\"ipv6\"");
  EXPECT_EQ(d.flat["auditd.data.exit"], "\"EINPROGRESS\"");
  EXPECT_EQ(d.flat["network.direction"], "\"egress\"");
  EXPECT_EQ(d.flat.count("auditd.session"), 0u);  // unset session is dropped

  Doc u = format({"type=SYSCALL msg=audit(1700000000.123:46): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=1 "
                  "a2=2 a3=0 items=0 ppid=1 pid=9 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
                  "tty=(none) ses=1 comm=\"c\" exe=\"/c\" key=(null)",
                  "type=SOCKADDR msg=audit(1700000000.123:46): saddr=01002F72756E2F646275732F73797374656D5F6275735F736F636B657400"});
  EXPECT_EQ(u.flat["destination.address"], "\"/run/dbus/system_bus_socket\"");
  EXPECT_EQ(u.flat.count("tags"), 0u);
}

TEST(EcsFormatter, TruncatedAndGarbageRecordsStillGiveADocument) {
  for (const std::string& body : {std::string("arch="), std::string("a=\"unterminated"), std::string("= = ="),
                                  std::string("msg='"), std::string("saddr=0"), std::string("\"\"\"''''")}) {
    for (const char* type : {"SYSCALL", "SOCKADDR", "EXECVE", "PATH", "USER_LOGIN", "AVC", "LOGIN", "USER_START"}) {
      Doc d = format({std::string("type=") + type + " msg=audit(1700000000.123:47): " + body});
      EXPECT_FALSE(d.flat.empty()) << type << " " << body;
    }
  }
}

TEST(EcsFormatter, RawMessageOffAndPreserveOriginal) {
  ecs::Options opt;
  opt.include_raw_message = false;
  Doc d = format({kSyscall}, opt);
  EXPECT_EQ(d.flat.count("event.original"), 0u);
  opt.include_raw_message = true;
  opt.preserve_original_event = true;
  d = format({kSyscall}, opt);
  EXPECT_EQ(d.flat["event.original"], ecs_test::jq(kSyscall));
  EXPECT_EQ(d.flat["auditd.messages"], "[" + ecs_test::jq(kSyscall) + "]");
  EXPECT_EQ(d.flat["tags"], R"(["exec","preserve_original_event"])");
}

}  // namespace

namespace {

// ENRICHED logs carry the writing host's names (AUID="user" ...): replay of another host's
// log names ids as that host did, even where the local database knows other names.
TEST(EcsFormatter, EnrichedLogNamesWinOverTheLocalDatabase) {
  const std::string dir = ::testing::TempDir();
  const std::string passwd = dir + "/enriched_passwd";
  FILE* f = std::fopen(passwd.c_str(), "w");
  std::fputs("root:x:0:0::/:/bin/sh\nlocaluser:x:1000:1000::/:/bin/sh\n", f);
  std::fclose(f);
  ecs::Options opt;
  opt.passwd_file = passwd;
  opt.group_file = passwd;
  auto factory = ecs::make_ecs_factory(opt);
  auto fmt = factory->make();
  const std::string gs = "\x1d";
  auto ev = ecs_test::make_event(
      {"type=SYSCALL msg=audit(1700000000.123:50): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 "
       "items=0 ppid=1 pid=100 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 "
       "comm=\"id\" exe=\"/usr/bin/id\" key=(null)" + gs +
       "ARCH=x86_64 SYSCALL=execve AUID=\"remoteuser\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" "
       "FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\""});
  std::string out;
  fmt->append(*ev, out);
  simdjson::dom::parser p;
  Flat flat = ecs_test::flatten(p.parse(out).value());
  EXPECT_EQ(flat["auditd.user.audit.name"], "\"remoteuser\"");
  EXPECT_EQ(flat["auditd.summary.actor.primary"], "\"remoteuser\"");
  EXPECT_EQ(flat["user.name"], "\"root\"");
  EXPECT_EQ(flat.count("auditd.data.ARCH"), 0u);
}

}  // namespace

namespace {

// Auditbeat's reassembler consumes EOE and never lists it in event.original / auditd.messages.
TEST(EcsFormatter, EoeIsNotARawMessage) {
  ecs::Options opt;
  opt.preserve_original_event = true;
  Doc d = format({kSyscall, "type=EOE msg=audit(1700000000.123:42): "}, opt);
  EXPECT_EQ(d.flat["event.original"], ecs_test::jq(kSyscall));
  EXPECT_EQ(d.flat["auditd.messages"], "[" + ecs_test::jq(kSyscall) + "]");
}

}  // namespace

#include <random>

#include "core/json_writer.h"
#include "ecs/json_out.h"
#include "ecs/normalization_table.h"
#include "ecs/record_interpreter.h"

namespace {

// The escaping rules written byte by byte, the way the README states them: the reference the
// word- and vector-at-a-time escaper (core::json_escape) must equal.
std::string reference_escape(std::string_view s) {
  std::string out = "\"";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c == '"') { out += "\\\""; ++i; continue; }
    if (c == '\\') { out += "\\\\"; ++i; continue; }
    if (c < 0x20) {
      static const char* kShort[] = {"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006",
                                     "\\u0007", "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r"};
      if (c < 14) {
        out += kShort[c];
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
      ++i;
      continue;
    }
    if (c < 0x80) { out.push_back(static_cast<char>(c)); ++i; continue; }
    auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
      return i + k < n && p[i + k] >= lo && p[i + k] <= hi;
    };
    size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF) len = cont(1) ? 2 : 0;
    else if (c == 0xE0) len = cont(1, 0xA0) && cont(2) ? 3 : 0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = cont(1) && cont(2) ? 3 : 0;
    else if (c == 0xED) len = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    else if (c == 0xF0) len = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    else if (c >= 0xF1 && c <= 0xF3) len = cont(1) && cont(2) && cont(3) ? 4 : 0;
    else if (c == 0xF4) len = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    if (len == 0) { out += "\\ufffd"; ++i; continue; }
    if (len == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      out += p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out.push_back('"');
  return out;
}

// Strings of every length up to 80 (so every position relative to 8- and 16-byte blocks),
// mostly plain text with sparse special bytes (quotes, backslashes, controls, UTF-8 both
// valid and broken, U+2028), through both writers: core::json_append_string and JsonOut.
TEST(JsonEscape, EqualsByteByByteReference) {
  std::mt19937 rng(7);
  const std::string_view pieces[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8",
                                     "\xf0\x9f\x98\x80", "\xff", "\xc3", "\xed\xa0\x80", " ", "="};
  for (int round = 0; round < 20000; ++round) {
    const size_t len = rng() % 81;
    std::string s;
    while (s.size() < len) {
      if (rng() % 6 == 0) s.append(pieces[rng() % std::size(pieces)]);
      else s.push_back(static_cast<char>('a' + rng() % 26));
    }
    if (round % 5 == 0) for (auto& c : s) if (rng() % 4 == 0) c = static_cast<char>(rng());
    const std::string want = reference_escape(s);
    std::string got;
    core::json_append_string(got, s);
    ASSERT_EQ(got, want) << "input of " << s.size() << " bytes, round " << round;
    ecs::JsonBuffer buf;
    ecs::JsonOut w(buf);
    w.string(s);
    ASSERT_EQ(w.view(), want) << "JsonOut, round " << round;
  }
}

// The document writer copies these table strings without the escaping pass.
TEST(NormalizationTable, CategorizationStringsArePlainAscii) {
  auto plain = [](std::string_view s) {
    for (unsigned char c : s)
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
    return true;
  };
  for (const ecs::Normalization& n : ecs::normalization_table()) {
    EXPECT_TRUE(plain(n.kind)) << n.kind;
    for (std::string_view c : n.category) EXPECT_TRUE(plain(c)) << c;
    for (std::string_view t : n.type) EXPECT_TRUE(plain(t)) << t;
  }
}

}  // namespace

namespace {

// Byte-by-byte reference of core::decode_kernel_hex: the check auparse makes, then pairs.
size_t reference_kernel_hex(std::string_view s, std::string& out, bool stop_at_nul) {
  auto nib = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
  out.clear();
  if (s.empty() || s.size() % 2) return core::kNotKernelHex;
  for (char c : s)
    if (nib(c) < 0) return core::kNotKernelHex;
  for (size_t i = 0; i < s.size(); i += 2) {
    const char c = static_cast<char>(nib(s[i]) << 4 | nib(s[i + 1]));
    if (c == '\0' && stop_at_nul) break;
    out.push_back(c == '\0' ? ' ' : c);
  }
  return out.size();
}

}  // namespace

// The fused check-and-decode (eight characters per step) against the reference, on every
// length up to 70 and every alignment to the 8-byte steps: valid hex with NULs and high
// bytes, and hex with one bad character (lower case, 'G', '@', '/', ':', 0x80+, NUL) at
// any position; also decoded in place (dst == src), as the record interpreter may.
TEST(KernelHex, FusedDecodeEqualsReference) {
  std::mt19937 rng(11);
  const char bad[] = {'a', 'f', 'G', '@', '/', ':', '\x80', '\xc6', '\0', ' ', 'g', '`'};
  for (int round = 0; round < 40000; ++round) {
    std::string bytes(rng() % 36, '\0');
    for (char& c : bytes) c = rng() % 5 == 0 ? '\0' : static_cast<char>(rng());
    std::string s;
    for (char c : bytes) {
      static constexpr char kDigits[] = "0123456789ABCDEF";
      s.push_back(kDigits[(static_cast<unsigned char>(c) >> 4)]);
      s.push_back(kDigits[c & 15]);
    }
    if (round % 3 == 0 && !s.empty()) s[rng() % s.size()] = bad[rng() % std::size(bad)];
    if (round % 17 == 0) s.push_back('A');  // odd length
    for (bool stop : {false, true}) {
      std::string want;
      const size_t want_n = reference_kernel_hex(s, want, stop);
      std::string dst(s.size() / 2 + 1, '\x55');
      const size_t n = core::decode_kernel_hex(s, dst.data(), stop);
      ASSERT_EQ(n, want_n) << s << " stop=" << stop;
      if (n != core::kNotKernelHex) ASSERT_EQ(dst.substr(0, n), want) << s;
      std::string in_place = s;
      const size_t m = core::decode_kernel_hex(in_place, in_place.data(), stop);
      ASSERT_EQ(m, want_n) << s;
      if (m != core::kNotKernelHex) ASSERT_EQ(in_place.substr(0, m), want) << s;
      ASSERT_EQ(ecs::is_kernel_hex(s), reference_kernel_hex(s, want, false) != core::kNotKernelHex) << s;
    }
  }
}

namespace {

// The formatter remembers id -> name answers (IdNameCache); a reloaded passwd/group file
// must still show at once: a renamed user, a new one, a removed one, a renamed group.
TEST(EcsFormatter, IdNamesFollowAReloadedDatabase) {
  const std::string dir = ::testing::TempDir();
  const std::string passwd = dir + "/reload_passwd", group = dir + "/reload_group";
  auto write = [](const std::string& path, const char* text) {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text, f);
    std::fclose(f);
  };
  write(passwd, "root:x:0:0::/:/bin/sh\nalice:x:1000:1000::/:/bin/sh\n");
  write(group, "root:x:0:\nstaff:x:1000:\n");
  ecs::Options opt;
  opt.passwd_file = passwd;
  opt.group_file = group;
  opt.id_recheck_interval_ms = 0;  // stat before every event
  auto factory = ecs::make_ecs_factory(opt);
  auto fmt = factory->make();
  auto names = [&] {
    auto ev = ecs_test::make_event(
        {"type=SYSCALL msg=audit(1700000000.123:50): arch=c000003e syscall=2 success=yes exit=3 a0=1 a1=2 a2=3 a3=4 "
         "items=0 ppid=1 pid=100 auid=1001 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 "
         "fsgid=1000 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)"});
    std::string out;
    fmt->append(*ev, out);
    simdjson::dom::parser p;
    Flat flat = ecs_test::flatten(p.parse(out).value());
    return flat["user.name"] + " " + flat["auditd.user.audit.name"] + " " + flat["user.group.name"];
  };
  EXPECT_EQ(names(), "\"alice\"  \"staff\"");
  EXPECT_EQ(names(), "\"alice\"  \"staff\"");  // answered from the cache
  // A different size, so the reload is seen even within one mtime tick.
  write(passwd, "root:x:0:0::/:/bin/sh\nalicia:x:1000:1000::/:/bin/sh\nbob:x:1001:1001::/:/bin/sh\n");
  write(group, "root:x:0:\nwheel2:x:1000:\n");
  EXPECT_EQ(names(), "\"alicia\" \"bob\" \"wheel2\"");
  write(passwd, "root:x:0:0::/:/bin/sh\n");
  EXPECT_EQ(names(), "  \"wheel2\"");
}

}  // namespace

#include <sys/mman.h>
#include <unistd.h>

namespace {

// json_escape (and JsonOut::string's inline step) read the last 1-16 bytes of a string as
// one vector when that cannot cross into the next page: strings that end right before an
// unmapped page, at every length near the boundary, must escape correctly and not fault.
TEST(JsonEscape, TailNextToAnUnmappedPage) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  char* base = static_cast<char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  std::mt19937 rng(5);
  for (size_t len = 0; len <= 40; ++len) {
    for (int round = 0; round < 20; ++round) {
      char* s = base + page - len;
      for (size_t i = 0; i < len; ++i) s[i] = rng() % 7 == 0 ? "\"\\\n\x01\xff"[rng() % 5] : static_cast<char>('a' + rng() % 26);
      const std::string_view in(s, len);
      std::string got;
      core::json_append_string(got, in);
      ASSERT_EQ(got, reference_escape(in)) << "length " << len;
      ecs::JsonBuffer buf;  // JsonOut::string's inline path for short strings
      ecs::JsonOut w(buf);
      w.string(in);
      ASSERT_EQ(w.view(), reference_escape(in)) << "JsonOut, length " << len;
    }
  }
  munmap(mem, 2 * page);
}

}  // namespace

namespace {

// event.original lists each record as `type=NAME msg=audit(...): ...`: a plain log line is
// copied whole, a node= prefix is dropped, and a type without a name reads UNKNOWN[N].
TEST(EcsFormatter, RawMessageShapes) {
  const std::string body = "msg=audit(1700000000.123:42): cwd=\"/tmp/\xc3\xa9\"";
  Doc plain = format({"type=CWD " + body});
  EXPECT_EQ(plain.flat["event.original"], ecs_test::jq("type=CWD " + body));
  Doc node = format({"node=host1 type=CWD " + body});
  EXPECT_EQ(node.flat["event.original"], ecs_test::jq("type=CWD " + body));
  Doc unknown = format({"type=UNKNOWN[1999] " + body});
  EXPECT_EQ(unknown.flat["event.original"], ecs_test::jq("type=UNKNOWN[1999] " + body));
}

}  // namespace

#include "ecs/field_map.h"

namespace {

// FieldMap keys are views: copied into the entry by set/set_view/append_entry, taken as
// they are by the *_stable and *_like calls. A copied key must not change when its source
// does, a reused slot must not compare against a view of text that is gone, and erase
// keeps the last-fills-the-hole order.
TEST(FieldMap, KeysCopiedOrViewed) {
  ecs::FieldMap m;
  std::string k = "alpha";
  m.set(k, "1");
  k.assign("omega");
  EXPECT_EQ(m.get("alpha"), "1");
  EXPECT_EQ(m.begin()->key, "alpha");
  for (int round = 0; round < 3; ++round) {
    m.clear();
    auto text = std::make_unique<std::string>("key1=v key2=w");
    const std::string_view t = *text;
    m.set_view_stable(t.substr(0, 4), t.substr(5, 1));
    m.set_view_stable(t.substr(7, 4), t.substr(12, 1));
    EXPECT_EQ(m.get("key1"), "v");
    EXPECT_EQ(m.get("key2"), "w");
    text.reset();  // the views are dead; the next round's copies must not read them
    m.clear();
    std::string a = "key1", b = "key2";
    m.set_view(a, "x");
    m.append_entry(b).value = "y";
    a.assign("zzzz");
    b.assign("zzzz");
    EXPECT_EQ(m.get("key1"), "x");
    EXPECT_EQ(m.get("key2"), "y");
  }
  ecs::FieldMap other;
  other.set("arch", "x");
  m.clear();
  for (std::string_view key : {"a", "b", "c", "d"}) m.set_view(key, key);
  m.append_entry_like(*other.begin()).value = "y";
  EXPECT_TRUE(m.contains_like(*other.begin()));
  EXPECT_TRUE(m.erase("b"));  // "arch", the last, takes b's place
  std::string order;
  for (const auto& e : m) order.append(e.key).push_back(' ');
  EXPECT_EQ(order, "a arch c d ");
  EXPECT_EQ(m.get("arch"), "y");
}

}  // namespace

namespace {

// Record keys are kept only when every byte is in [a-z0-9_-] ('[' and ']' too in EXECVE,
// for aN[i]); the filter checks a word at a time. Every byte value at every position of
// keys of 1 to 20 bytes, ending anywhere up to the last byte before an unmapped page,
// against the byte-by-byte rule.
TEST(RecordInterpreter, KeyFilterEqualsByteRule) {
  auto allowed = [](unsigned char c, bool execve) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           (execve && (c == '[' || c == ']'));
  };
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  char* base = static_cast<char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  ecs::RecordInterpreter interp;
  ecs::RecordData out;
  for (const uint16_t type : {uint16_t{1300}, uint16_t{1309}}) {  // SYSCALL, EXECVE
    const bool execve = type == 1309;
    for (size_t len = 1; len <= 20; ++len) {
      for (size_t pos = 0; pos < len; ++pos) {
        for (unsigned c = 1; c < 256; ++c) {
          // '=' and separators end the key before the filter sees it.
          if (c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{') continue;
          std::string key(len, 'k');
          key[pos] = static_cast<char>(c);
          const std::string text = key + "=1";
          // The text ends at the page's end every 7th try (the word load must not fault).
          char* at = (c % 7 == 0) ? base + page - text.size() : base + (c % 64);
          std::memcpy(at, text.data(), text.size());
          interp.interpret(type, std::string_view(at, text.size()), out);
          const bool kept = out.fields.find(key) != nullptr;
          ASSERT_EQ(kept, allowed(static_cast<unsigned char>(c), execve))
              << "type " << type << " key length " << len << " byte 0x" << std::hex << c << " at " << std::dec << pos;
        }
      }
    }
  }
  munmap(mem, 2 * page);
}

}  // namespace

#include "ecs/events_format.h"

namespace {

// write_at puts the same document as append at an offset of a buffer whose bytes from there
// on are room (the pipeline keeps its output chunks at full size and has documents written
// in place): bytes before the offset untouched, the end returned, for the ECS formatter
// (in place) and the default of the events formatter (truncate and append).
TEST(EventFormatter, WriteAtEqualsAppend) {
  auto ev = ecs_test::make_event({kSyscall, "type=EOE msg=audit(1700000000.123:42): "});
  ecs::Options opt;
  opt.resolve_ids = false;
  std::vector<std::unique_ptr<ecs::FormatterFactory>> factories;
  factories.push_back(ecs::make_ecs_factory(opt));
  factories.push_back(ecs::make_events_factory());
  for (const auto& factory : factories) {
    auto f = factory->make();
    std::string want;
    f->append(*ev, want);
    ASSERT_FALSE(want.empty());
    for (size_t room : {size_t{0}, size_t{5}, size_t{1} << 20}) {
      std::string buf(16 + room, '#');
      const size_t end = f->write_at(*ev, buf, 16);
      ASSERT_EQ(end, 16 + want.size()) << "room " << room;
      ASSERT_GE(buf.size(), end);
      EXPECT_EQ(buf.substr(0, 16), std::string(16, '#'));
      EXPECT_EQ(buf.substr(16, want.size()), want) << "room " << room;
      // A second document right after the first.
      const size_t end2 = f->write_at(*ev, buf, end);
      EXPECT_EQ(buf.substr(end, end2 - end), want);
      EXPECT_EQ(buf.substr(16, want.size()), want) << "the second write moved the first";
    }
  }
}

}  // namespace

// The names come from a per-thread cache after the first ask: the same answers as libaudit
// whichever arch asked last, for known and unknown numbers, on this thread and another.
TEST(AuditNames, CachedNamesFollowTheArch) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(ecs::arch_name("c000003e"), "x86_64");
    EXPECT_EQ(ecs::syscall_name("x86_64", "59"), "execve");
    EXPECT_EQ(ecs::arch_name("40000003"), "i386");
    EXPECT_EQ(ecs::syscall_name("i386", "11"), "execve");
    EXPECT_EQ(ecs::syscall_name("x86_64", "59"), "execve");
    EXPECT_EQ(ecs::arch_name("c00000b7"), "aarch64");
    EXPECT_EQ(ecs::syscall_name("aarch64", "221"), "execve");
    EXPECT_EQ(ecs::syscall_name("x86_64", "257"), "openat");
    EXPECT_EQ(ecs::syscall_name("x86_64", "5000"), "");   // past the cached range, unknown
    EXPECT_EQ(ecs::syscall_name("x86_64", "999"), "");    // cached as unknown
    EXPECT_EQ(ecs::syscall_name("x86_64", "-1"), "");
    EXPECT_EQ(ecs::syscall_name("x86_64", "5x"), "");
    EXPECT_EQ(ecs::syscall_name("c000003e", "59"), "");  // an arch that did not resolve
    EXPECT_EQ(ecs::syscall_name(std::string(40, 'x'), "59"), "");
    EXPECT_EQ(ecs::arch_name("12345"), "");              // not an arch
    EXPECT_EQ(ecs::arch_name("zz"), "");
    EXPECT_EQ(ecs::arch_name("1c000003e"), "");          // more than 32 bits
    EXPECT_STREQ(ecs::errno_name(2), "ENOENT");
    EXPECT_STREQ(ecs::errno_name(13), "EACCES");
    EXPECT_EQ(ecs::errno_name(250), nullptr);
    EXPECT_EQ(ecs::errno_name(99999), nullptr);
  }
  std::thread other([] {
    EXPECT_EQ(ecs::syscall_name("i386", "11"), "execve");
    EXPECT_EQ(ecs::arch_name("c000003e"), "x86_64");
    EXPECT_STREQ(ecs::errno_name(1), "EPERM");
  });
  other.join();
}
