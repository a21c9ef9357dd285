// split_fields against the previous split (fields_reference.cpp), which searched every body
// for the ENRICHED separator first: the same fields (views of the same bytes), flags and
// issue counts on every line of the corpus and on random text built from the bytes that
// steer the split, the separator among them.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "record/fields.h"
#include "record/fields_reference.h"

namespace {

// Empty when the two splits agree, else what differs first.
std::string compare_splits(std::string_view text) {
  std::vector<record::Field> got, want;
  record::FieldIssues gi, wi;
  record::split_fields(text, got, &gi);
  record_reference::split_fields(text, want, &wi);
  if (gi.bare_tokens != wi.bare_tokens || gi.unterminated_quote != wi.unterminated_quote) return "issue counts";
  if (got.size() != want.size())
    return "field count " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const record::Field &g = got[i], &w = want[i];
    const std::string at = "field " + std::to_string(i) + " (" + std::string(w.key) + "): ";
    if (g.key.data() != w.key.data() || g.key.size() != w.key.size()) return at + "key";
    if (g.value.data() != w.value.data() || g.value.size() != w.value.size()) return at + "value";
    if (g.kind != w.kind) return at + "kind";
    if (g.nested != w.nested || g.enriched != w.enriched) return at + "nested/enriched";
    if (g.key_plain != w.key_plain) return at + "key_plain";
    if (g.value_plain != w.value_plain) return at + "value_plain";
  }
  // Without an issues pointer too (the split keeps its own state then).
  record::split_fields(text, got);
  if (got.size() != want.size()) return "field count without issues";
  return {};
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

TEST(FieldsDifferential, EveryCorpusLine) {
  const std::filesystem::path root = AUSPEX_CORPUS;
  ASSERT_TRUE(std::filesystem::exists(root)) << root << " is missing: the corpus lives beside the checkout";
  size_t lines = 0, files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".log" && ext != ".yaml" && ext != ".txt")) continue;
    ++files;
    std::ifstream in(e.path(), std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      ++lines;
      // The whole line, and the body after "): " as the pipeline hands it over.
      ASSERT_EQ(compare_splits(line), "") << e.path() << ": " << printable(line);
      const size_t body = line.find("): ");
      if (body != std::string::npos) ASSERT_EQ(compare_splits(std::string_view(line).substr(body + 3)), "") << e.path();
    }
  }
  EXPECT_GT(files, 50u);
  EXPECT_GT(lines, 2000u);
}

TEST(FieldsDifferential, EnrichedRecordsOfEveryShape) {
  // The separator after an unquoted value, after a quoted one, after a msg='...', inside a
  // value, a key, a { } list, twice, first, last, with nothing or spaces around it.
  const char* cases[] = {
      "arch=c000003e syscall=59 auid=1000\x1d" "ARCH=x86_64 AUID=\"alice\"",
      "comm=\"cat\" exe=\"/usr/bin/cat\"\x1d" "AUID=\"alice\" UID=\"root\"",
      "pid=1 uid=0 msg='op=login acct=\"root\" res=success'\x1d" "UID=\"root\" AUID=\"unset\"",
      "pid=1 msg='op=it's \x1d odd' x=1\x1d" "UID=\"ro'ot\"",
      "a=1 b=\"x\x1dy\" c=2\x1d" "D=\"z\"",
      "a=1 k\x1d" "ey=2 c=3",
      "avc: denied { read \x1d write } for pid=5\x1d" "UID=\"root\"",
      "\x1d" "UID=\"root\"",
      "a=1\x1d",
      "a=1 \x1d  UID=\"root\" \x1d GID=\"x\"",
      "a=\"unterminated\x1d" "UID=\"root\"",
      "a=1\x1d\x1d" "B=2",
      "{ list \x1d" "UID=\"x\" }",
  };
  for (const char* c : cases) EXPECT_EQ(compare_splits(c), "") << printable(c);
}

TEST(FieldsDifferential, RandomTextFromTheSplitsAlphabet) {
  // Bytes that end keys or values, open or close quotes and lists, need escaping, or
  // separate ENRICHED fields, mixed with ordinary ones.
  const std::string alphabet = std::string("= \"'\t\n\r{}\\\x1d\x1d\x1d\x01\x1f\x7f\x80\xc3\xa9\xff()", 25) + "abcnulo_-0A9:";
  std::mt19937_64 rng(20261126);
  std::string text;
  for (int round = 0; round < 200000; ++round) {
    const size_t len = round % 7 == 0 ? rng() % 400 : rng() % 100;
    text.clear();
    for (size_t i = 0; i < len; ++i) {
      // Mostly ordinary bytes, so fields of realistic length form.
      const uint64_t r = rng();
      text.push_back(r % 3 == 0 ? alphabet[(r >> 8) % alphabet.size()] : "kvx12=  "[(r >> 8) % 8]);
    }
    if (round % 11 == 0) text += " msg='op=x a=\"b c\" res=ok'";
    if (round % 5 == 0) text += "\x1d" "AUID=\"alice\" UID=\"root\"";
    ASSERT_EQ(compare_splits(text), "") << "round " << round << ": " << printable(text);
  }
}
