// The query API over a synthetic source: found, not found, bounded wait, exe check.
#include <gtest/gtest.h>

#include <thread>

#include "proctree/service.h"
#include "synthetic.h"

namespace proctree::testing {
namespace {

std::unique_ptr<Service> start(SyntheticSource*& src) {
  auto s = std::make_unique<SyntheticSource>();
  src = s.get();
  ServiceOptions o;
  o.bootstrap_from_proc = false;
  auto r = Service::start_with(std::move(s), o);
  EXPECT_TRUE(r.ok());
  return std::move(r.value());
}

TEST(Service, LookupFindsAppliedEvent) {
  SyntheticSource* src;
  auto svc = start(src);
  Synth s;
  src->push(s.fork({10, 1, 10, 10}, 1));
  src->push(s.exec({10, 1, 10, 10}, "/bin/x"));
  auto r = svc->lookup(10, 0, std::chrono::milliseconds(1000), "/bin/x");
  EXPECT_EQ(r.status, LookupStatus::kFound);
  EXPECT_EQ(r.info->self.image->executable, "/bin/x");
  EXPECT_EQ(svc->lookup(11, 0, std::chrono::milliseconds(1000)).status, LookupStatus::kNotFound);
  EXPECT_EQ(svc->lookup(10, 0, std::chrono::milliseconds(1000), "/bin/y").status,
            LookupStatus::kExeMismatch);
  auto st = svc->stats();
  EXPECT_EQ(st.lookups, 3u);
  EXPECT_EQ(st.lookup_found, 1u);
}

TEST(Service, LookupWaitIsBounded) {
  SyntheticSource* src;
  auto svc = start(src);
  src->pause(true);  // the source stops delivering: the tree never catches up
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the thread is inside poll
  auto t0 = std::chrono::steady_clock::now();
  auto r = svc->lookup(10, 0, std::chrono::milliseconds(100));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, LookupStatus::kTimedOut);
  EXPECT_GE(waited, std::chrono::milliseconds(100));
  EXPECT_LT(waited, std::chrono::milliseconds(1000));
  src->pause(false);
}

TEST(Service, AnIdleServiceWakesOnceASecond) {
  // Each wake-up costs the collector ~20-60 us on a VM however little it does: an idle tree
  // thread polls once a second, when it reaps (it used to every 50 ms, then every 250 ms).
  SyntheticSource* src;
  auto svc = start(src);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int before = src->polls.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(2050));
  const int polls = src->polls.load() - before;
  EXPECT_GE(polls, 2);  // it still drains and reaps on its own
  EXPECT_LE(polls, 3);
}

TEST(Service, LookupSeesEventPushedBeforeTheCall) {
  // The daemon's case: the ring-buffer event is pending when the audit event is looked up.
  SyntheticSource* src;
  auto svc = start(src);
  Synth s;
  for (int i = 0; i < 200; ++i) {
    src->push(s.fork({1000 + i, 1, 1000 + i, 1000 + i}, 1));
    auto r = svc->lookup(1000 + i, 0, std::chrono::milliseconds(1000));
    ASSERT_EQ(r.status, LookupStatus::kFound) << i;
  }
}

TEST(Service, LookupCatchesTheTreeUpOnItsOwnThread) {
  // The service thread is stuck (paused, deaf to wake): a lookup that needs a pending exec
  // still finds it at once by consuming on its own thread, and the generation moves.
  SyntheticSource* src;
  auto svc = start(src);
  src->inline_consume = true;
  Synth s;
  src->pause(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const uint64_t g = svc->generation();
  src->push(s.fork({40, 1, 40, 40}, 1));
  src->push(s.exec({40, 1, 40, 40}, "/bin/z"));
  auto t0 = std::chrono::steady_clock::now();
  auto r = svc->lookup(40, 0, std::chrono::milliseconds(2000), "/bin/z");
  EXPECT_EQ(r.status, LookupStatus::kFound);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(svc->stats().lookup_consumed_inline, 1u);
  EXPECT_NE(svc->generation(), g);  // the exec bumped it, as on the service thread
  src->pause(false);
}

TEST(Service, SettledLookupAnswersWithoutWaitingForPendingEvents) {
  // The source is stuck (never caught up): a settled lookup of a known process running the
  // event's executable answers at once; an unsettled one, or another exe, waits.
  SyntheticSource* src;
  auto svc = start(src);
  Synth s;
  src->push(s.fork({20, 1, 20, 20}, 1));
  src->push(s.exec({20, 1, 20, 20}, "/bin/x"));
  ASSERT_EQ(svc->lookup(20, 0, std::chrono::milliseconds(1000), "/bin/x").status, LookupStatus::kFound);
  src->pause(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto t0 = std::chrono::steady_clock::now();
  auto r = svc->lookup(20, 0, std::chrono::milliseconds(300), "/bin/x", /*settled=*/true);
  EXPECT_EQ(r.status, LookupStatus::kFound);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
  EXPECT_EQ(svc->lookup(20, 0, std::chrono::milliseconds(100), "/bin/x", /*settled=*/false).status,
            LookupStatus::kTimedOut);
  EXPECT_EQ(svc->lookup(20, 0, std::chrono::milliseconds(100), "/bin/y", /*settled=*/true).status,
            LookupStatus::kTimedOut);
  src->pause(false);
}

}  // namespace
}  // namespace proctree::testing
