#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <string>

#include "proctree/entity_id.h"

namespace proctree {
namespace {

TEST(EntityId, SessionViewVector) {  // SESSION_VIEW.md §2
  EXPECT_EQ(entity_id(4026531836ull, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 1002, 1718000000),
            "NDAyNjUzMTgzNl9fMGExYjJjM2QtNGU1Zi00YTZiLThjN2QtOWUwZjFhMmIzYzRkX18xMDAyX18xNzE4MDAwMDAw");
}

// The text before base64, built the plain way: extreme numbers and a boot id longer than
// the stack buffer give the same id.
TEST(EntityId, SameAsThePlainConcatenation) {
  auto plain = [](uint64_t ns, const std::string& boot, int32_t pid, int64_t start) {
    return base64_encode(std::to_string(ns) + "__" + boot + "__" + std::to_string(pid) + "__" + std::to_string(start));
  };
  const std::string uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const std::string long_boot(300, 'z');
  for (const std::string& boot : {uuid, long_boot, std::string()}) {
    EXPECT_EQ(entity_id(UINT64_MAX, boot, INT32_MIN, INT64_MIN), plain(UINT64_MAX, boot, INT32_MIN, INT64_MIN));
    EXPECT_EQ(entity_id(0, boot, 0, 0), plain(0, boot, 0, 0));
    EXPECT_EQ(entity_id(4026531836ull, boot, 1, INT64_MAX), plain(4026531836ull, boot, 1, INT64_MAX));
  }
}

TEST(EntityId, Base64Padding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
}

TEST(EntityId, StartIsTruncatedToWholeSeconds) {
  HostClock c;
  c.pidns_inode = 1;
  c.boot_id = "b";
  c.btime_s = 1000;
  c.ticks_per_s = 100;
  EXPECT_EQ(c.start_unix_s(199), 1001);
  EXPECT_EQ(c.start_unix_ms(199), 1001990);
  EXPECT_EQ(entity_id(c, 5, 199), entity_id(1, "b", 5, 1001));
}

TEST(EntityId, HostClockReads) {
  auto c = read_host_clock();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_GT(c->pidns_inode, 0u);
  EXPECT_EQ(c->boot_id.size(), 36u);
  EXPECT_GT(c->btime_s, 1'000'000'000);
  EXPECT_EQ(c->ticks_per_s, uint64_t(sysconf(_SC_CLK_TCK)));
}

}  // namespace
}  // namespace proctree
