#include "reassembly/serial_gaps.h"

#include <gtest/gtest.h>

TEST(SerialGaps, NoGapInSequence) {
  reassembly::SerialGapTracker t(16);
  for (uint32_t s = 100; s < 200; ++s) t.observe(0, s);
  t.finish();
  EXPECT_EQ(t.missing(), 0u);
}

TEST(SerialGaps, CountsHoleOfNine) {
  // go-libaudit lost_messages.log: 49 then 59..62.
  reassembly::SerialGapTracker t(16);
  t.observe(0, 49);
  for (uint32_t s = 59; s <= 62; ++s) t.observe(0, s);
  t.finish();
  EXPECT_EQ(t.missing(), 9u);
}

TEST(SerialGaps, OutOfOrderInsideWindowIsNotAGap) {
  reassembly::SerialGapTracker t(16);
  for (uint32_t s : {1u, 3u, 2u, 5u, 4u, 6u}) t.observe(0, s);
  t.finish();
  EXPECT_EQ(t.missing(), 0u);
}

TEST(SerialGaps, WrapsAtU32) {
  reassembly::SerialGapTracker t(16);
  for (uint32_t s : {4294967294u, 4294967295u, 0u, 1u, 2u}) t.observe(0, s);
  t.finish();
  EXPECT_EQ(t.missing(), 0u);
  reassembly::SerialGapTracker u(16);
  for (uint32_t s : {4294967294u, 1u}) u.observe(0, s);
  u.finish();
  EXPECT_EQ(u.missing(), 2u);  // 4294967295 and 0
}

TEST(SerialGaps, BigJumpCountedWithoutWalkingIt) {
  reassembly::SerialGapTracker t(64);
  t.observe(0, 10);
  t.observe(0, 10 + 100000000);
  t.finish();
  EXPECT_EQ(t.missing(), 100000000u - 1);
}

TEST(SerialGaps, SlidingWindowSettlesOldHoles) {
  reassembly::SerialGapTracker t(8);
  for (uint32_t s = 0; s < 100; ++s)
    if (s % 10 != 5) t.observe(0, s);
  t.finish();
  EXPECT_EQ(t.missing(), 10u);
}

TEST(SerialGaps, PerNode) {
  reassembly::SerialGapTracker t(16);
  t.observe(1, 1);
  t.observe(2, 100);
  t.observe(1, 2);
  t.observe(2, 101);
  t.finish();
  EXPECT_EQ(t.missing(), 0u);
}
