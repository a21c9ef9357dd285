#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>

namespace {

std::string quote(std::string_view s) {
  std::string out;
  core::json_append_string(out, s);
  return out;
}

// Parses a JSON string literal with simdjson and returns its value (fails the test if the
// text is not valid JSON).
std::string parse_back(const std::string& literal) {
  simdjson::dom::parser parser;
  auto doc = parser.parse(literal);
  EXPECT_EQ(doc.error(), simdjson::SUCCESS) << literal;
  std::string_view v;
  EXPECT_EQ(doc.get(v), simdjson::SUCCESS) << literal;
  return std::string(v);
}

TEST(JsonString, PlainAsciiIsCopied) { EXPECT_EQ(quote("/usr/bin/ls"), "\"/usr/bin/ls\""); }

TEST(JsonString, QuotesBackslashesAndShortEscapes) {
  EXPECT_EQ(quote("a\"b\\c\nd\re\tf\bg\fh"), R"("a\"b\\c\nd\re\tf\bg\fh")");
}

TEST(JsonString, OtherControlBytesUseUnicodeEscapes) {
  EXPECT_EQ(quote(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(JsonString, ValidUtf8IsKept) {
  EXPECT_EQ(quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST(JsonString, InvalidUtf8BecomesReplacementPerByte) {
  EXPECT_EQ(quote("a\xff" "b"), "\"a\\ufffdb\"");
  EXPECT_EQ(quote("\xc3"), "\"\\ufffd\"");                   // truncated sequence
  EXPECT_EQ(quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");        // overlong '/'
  EXPECT_EQ(quote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // UTF-16 surrogate
  EXPECT_EQ(quote("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

TEST(JsonString, LineSeparatorsEscaped) {
  EXPECT_EQ(quote("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
}

TEST(JsonString, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 64, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    const std::string lit = quote(s);
    const std::string back = parse_back(lit);
    // Valid input bytes survive; the output never has raw control bytes.
    for (unsigned char c : lit) EXPECT_GE(c, 0x20u);
    (void)back;
  }
}

TEST(JsonWriter, ObjectsArraysAndCommas) {
  std::string out;
  core::JsonWriter w(out);
  w.begin_object();
  w.key("a").number(-5);
  w.key("b").begin_array().string("x").unsigned_number(18446744073709551615ull).boolean(true).null().end_array();
  w.key("c").begin_object().end_object();
  w.key("d").raw("{\"e\":1}");
  w.end_object();
  EXPECT_EQ(out, R"({"a":-5,"b":["x",18446744073709551615,true,null],"c":{},"d":{"e":1}})");
  simdjson::dom::parser p;
  EXPECT_EQ(p.parse(out).error(), simdjson::SUCCESS);
}

}  // namespace
