// parse_log_header (one pass over a stamp the kernel printed, the general parse for the
// rest) against the previous parse (header_reference.cpp): the same error, or the same
// type, time, serial, node and body, for stamps of every shape around the kernel's.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "record/header.h"
#include "record/header_reference.h"

namespace {

std::string compare(std::string_view line) {
  record::Header got, want;
  const auto ge = record::parse_log_header(line, got);
  const auto we = record_reference::parse_log_header(line, want);
  if (ge != we) return std::string("error ") + record::to_string(ge) + " vs " + record::to_string(we);
  if (ge != record::HeaderError::kNone) return {};
  if (got.type != want.type || got.sec != want.sec || got.msec != want.msec || got.serial != want.serial)
    return "values";
  if (got.node.data() != want.node.data() || got.node.size() != want.node.size()) return "node";
  if (got.body.data() != want.body.data() || got.body.size() != want.body.size()) return "body";
  return {};
}

}  // namespace

TEST(HeaderDifferential, StampsAroundTheKernelsShape) {
  const char* stamps[] = {
      "1700000000.123:4242", "0.000:0", "1.000:4294967295", "1.000:4294967296", "1.000:99999999999",
      "1099511627776.000:1", "1099511627777.000:1", "0001099511627776.000:1", "99999999999999.000:1",
      "1700000000.12:1", "1700000000.1234:1", "1700000000.123", "1700000000:123.4", "1700000000.123:",
      ".123:1", "1700000000.12a:1", "17000x0000.123:1", "+1.000:1", "-1.000:1", "1.000:+1", "1.000:1:2",
      "1..000:1", "1.000::1", "", "1.000:1 ", " 1.000:1", "1.000:00000000000000000001", "1.0\x01" "0:1",
  };
  const char* tails[] = {"): arch=c000003e syscall=59", "):", ")", "", "): ", "):  x=1", ")x=1", ") : x"};
  for (const char* s : stamps)
    for (const char* t : tails)
      for (const char* head : {"type=SYSCALL msg=audit(", "node=h1 type=PATH msg=audit(", "type=EOE audit("}) {
        const std::string line = std::string(head) + s + t;
        EXPECT_EQ(compare(line), "") << line;
      }
}

TEST(HeaderDifferential, RandomStamps) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "0123456789.:)0123456789 x-";
  std::string line;
  for (int round = 0; round < 300000; ++round) {
    line = "type=SYSCALL msg=audit(";
    const size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) line.push_back(alphabet[rng() % alphabet.size()]);
    if (round % 3 == 0) line += "): a=1";
    ASSERT_EQ(compare(line), "") << line;
  }
}
