#include <gtest/gtest.h>
#include <unistd.h>

#include "proctree/entity_id.h"

namespace proctree {
namespace {

TEST(EntityId, SessionViewVector) {  // SESSION_VIEW.md §2
  EXPECT_EQ(entity_id(4026531836ull, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 1002, 1718000000),
            "NDAyNjUzMTgzNl9fMGExYjJjM2QtNGU1Zi00YTZiLThjN2QtOWUwZjFhMmIzYzRkX18xMDAyX18xNzE4MDAwMDAw");
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
