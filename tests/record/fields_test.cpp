#include "record/fields.h"

#include <gtest/gtest.h>

using record::Field;
using record::ValueKind;

namespace {
std::vector<Field> split(std::string_view s, record::FieldIssues* issues = nullptr) {
  std::vector<Field> out;
  record::split_fields(s, out, issues);
  return out;
}
}  // namespace

TEST(Fields, UnquotedQuotedHexAndNull) {
  auto f = split("arch=c000003e comm=\"cat\" proctitle=2F62696E2F6C73 key=(null) tty=(none)");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].key, "arch");
  EXPECT_EQ(f[0].value, "c000003e");
  EXPECT_EQ(f[0].kind, ValueKind::kPlain);
  EXPECT_EQ(f[1].value, "cat");
  EXPECT_EQ(f[1].kind, ValueKind::kQuoted);
  EXPECT_EQ(f[2].value, "2F62696E2F6C73");
  EXPECT_EQ(f[3].kind, ValueKind::kNull);
  EXPECT_EQ(f[4].kind, ValueKind::kNull);
}

TEST(Fields, QuotedValueWithSpacesAndEquals) {
  auto f = split("cwd=\"/home/a b=c\" x=1");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].value, "/home/a b=c");
  EXPECT_EQ(f[1].key, "x");
}

TEST(Fields, UserMessageNested) {
  auto f = split("pid=1 uid=0 auid=1000 ses=2 msg='op=PAM:session_open acct=\"root\" exe=\"/usr/bin/sudo\" res=success'");
  ASSERT_EQ(f.size(), 9u);
  EXPECT_EQ(f[4].key, "msg");
  EXPECT_FALSE(f[4].nested);
  EXPECT_EQ(f[5].key, "op");
  EXPECT_TRUE(f[5].nested);
  EXPECT_EQ(f[5].value, "PAM:session_open");
  EXPECT_EQ(f[6].value, "root");
  EXPECT_EQ(f[8].key, "res");
  EXPECT_EQ(f[8].value, "success");
}

TEST(Fields, UserMessageContainingApostrophe) {
  // The kernel copies user-space text verbatim: a ' inside must not end msg early.
  auto f = split("pid=1 msg='op=x cmd=it's res=failed'");
  ASSERT_GE(f.size(), 3u);
  EXPECT_EQ(f[1].value, "op=x cmd=it's res=failed");
  EXPECT_EQ(f.back().key, "res");
  EXPECT_EQ(f.back().value, "failed");
}

TEST(Fields, EnrichedAfterGroupSeparator) {
  auto f = split("auid=0 uid=0 arch=c00000b7\x1d" "ARCH=aarch64 AUID=\"root\"");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_FALSE(f[2].enriched);
  EXPECT_TRUE(f[3].enriched);
  EXPECT_EQ(f[3].key, "ARCH");
  EXPECT_EQ(f[4].value, "root");
  EXPECT_EQ(record::find_field(f, "AUID")->value, "root");
}

TEST(Fields, AvcBracesAndBareWords) {
  record::FieldIssues issues;
  auto f = split("avc:  denied  { read write } for  pid=5 comm=\"x\" tclass=file permissive=0", &issues);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].key, "pid");
  EXPECT_EQ(f[3].key, "permissive");
  EXPECT_EQ(issues.bare_tokens, 4u);  // avc:, denied, {..}, for
}

TEST(Fields, TruncatedQuotesAndHostileText) {
  record::FieldIssues issues;
  auto f = split("comm=\"unterminated exe=/bin/x", &issues);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].value, "unterminated exe=/bin/x");
  EXPECT_EQ(issues.unterminated_quote, 1u);
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("   ").empty());
  auto g = split("=v k= ==");
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].key, "");
  EXPECT_EQ(g[1].value, "");
  auto h = split("msg='");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].value, "");
  auto k = split(std::string_view("a=\0b c=\"\x01\xff\"", 12));
  ASSERT_EQ(k.size(), 2u);
}

TEST(Fields, PlainFlagsTellWhatNeedsNoEscaping) {
  auto f = split("a=abc b=\"/usr/bin/ls\" c=caf\xc3\xa9 d=\"x\\y\" e=0123456789abcdef0123 k\x01=1 g=\xff\x01 h=9");
  ASSERT_EQ(f.size(), 8u);
  EXPECT_TRUE(f[0].value_plain);
  EXPECT_TRUE(f[1].value_plain);
  EXPECT_FALSE(f[2].value_plain);  // UTF-8 bytes go through the escaper
  EXPECT_FALSE(f[3].value_plain);  // backslash
  EXPECT_TRUE(f[4].value_plain);   // long: the word-at-a-time path
  EXPECT_TRUE(f[0].key_plain);
  EXPECT_FALSE(f[5].key_plain);
  EXPECT_FALSE(f[6].value_plain);
  EXPECT_EQ(f[6].value, "\xff");  // a control byte ends an unquoted value
  EXPECT_EQ(f[7].value, "9");
}
