#include "daemon/read_pacer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace daemon_cli {
namespace {

constexpr size_t kBound = 4096;  // DataSocket: datagrams one read takes at most

// A reader against a steady rate: each pause gathers rate * pause records; a read takes
// at most kBound, and leaves the rest for reads without a pause. Returns the last pause.
double drive(ReadPacer& p, double records_per_ms, int reads) {
  double queued = 0;
  bool behind = false;
  for (int i = 0; i < reads; ++i) {
    const double paused = behind ? 0 : p.pause_ms();
    queued += records_per_ms * paused;
    const size_t got = static_cast<size_t>(std::min<double>(queued, kBound));
    queued -= got;
    behind = queued >= 1;
    p.after_read(paused, got, behind);
  }
  return p.pause_ms();
}

TEST(ReadPacer, ATrickleGrowsThePauseToItsMaximum) {
  ReadPacer p(256, 100);
  EXPECT_DOUBLE_EQ(drive(p, 0.5, 20), 100);  // 500 records/s: 256 would take 512 ms
}

TEST(ReadPacer, APauseAimsAtTheTargetAtTheRateSeen) {
  ReadPacer p(256, 100);
  EXPECT_NEAR(drive(p, 32, 20), 8, 0.01);  // 32,000 records/s: 256 in 8 ms
}

// A flood after a trickle: the first pause (sized for the trickle) fills the read's bound.
// Such a read only bounds the rate from below; it must still shorten the pause, or every
// pause fills the bound again and the pause stays at its maximum for the whole flood.
TEST(ReadPacer, AFloodAfterATrickleShortensThePauseThoughReadsStopAtTheirBound) {
  ReadPacer p(256, 100);
  ASSERT_DOUBLE_EQ(drive(p, 0.5, 20), 100);
  const double pause = drive(p, 100, 6);  // 100,000 records/s: 10,000 in a 100 ms pause
  EXPECT_NEAR(pause, 2.56, 0.01);
}

TEST(ReadPacer, ABoundedReadNeverLowersTheRate) {
  ReadPacer p(256, 100);
  p.after_read(2.56, 256, false);  // 100 records/ms
  ASSERT_NEAR(p.records_per_ms(), 100, 1e-9);
  p.after_read(100, kBound, true);  // 41 a ms at least: says nothing against 100
  EXPECT_NEAR(p.records_per_ms(), 100, 1e-9);
}

TEST(ReadPacer, TheRateComesDownSlowlyAfterABurst) {
  ReadPacer p(256, 100);
  p.after_read(5, 1000, false);  // 200 records/ms
  p.after_read(1.28, 13, false);  // ~10 records/ms
  EXPECT_GT(p.records_per_ms(), 150);
  EXPECT_LT(p.records_per_ms(), 200);
}

TEST(ReadPacer, AReadWithoutPauseOrRecordsChangesNothing) {
  ReadPacer p(256, 100);
  p.after_read(0, 500, false);
  p.after_read(10, 0, false);
  EXPECT_DOUBLE_EQ(p.pause_ms(), 5);
  EXPECT_DOUBLE_EQ(p.records_per_ms(), 0);
}

TEST(ReadPacer, NoMaximumNoPause) {
  ReadPacer p(256, 0);
  EXPECT_DOUBLE_EQ(p.pause_ms(), 0);
  p.after_read(0, 100, false);
  EXPECT_DOUBLE_EQ(p.pause_ms(), 0);
}

TEST(ReadPacer, ANewMaximumAppliesAtOnce) {
  ReadPacer p(256, 100);
  ASSERT_DOUBLE_EQ(drive(p, 0.5, 20), 100);
  p.set_max_ms(30);
  EXPECT_DOUBLE_EQ(p.pause_ms(), 30);
  p.set_max_ms(1);  // below the 2 ms floor: the maximum wins
  EXPECT_DOUBLE_EQ(p.pause_ms(), 1);
  EXPECT_DOUBLE_EQ(drive(p, 0.5, 3), 1);
}

}  // namespace
}  // namespace daemon_cli
