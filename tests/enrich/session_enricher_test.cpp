// The enricher's lock-free path: settled events of a live process reuse what the calling
// thread found before while the tree's generation stands, and only then (tree changes,
// exited processes, another executable, events before the process started, other threads
// all go to the tree). A synthetic event source drives a real proctree::Service.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "enrich/session_enricher.h"
#include "proctree/ecs_json.h"
#include "proctree/service.h"
#include "synthetic.h"

namespace {

using proctree::testing::P;
using proctree::testing::Synth;
using proctree::testing::SyntheticSource;

int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

proctree::HostClock clock_at(int64_t btime_s) {
  proctree::HostClock c;
  c.pidns_inode = 4026531836;
  c.boot_id = "b0d1e5a2-0000-4000-8000-000000000001";
  c.btime_s = btime_s;
  return c;
}

class SessionEnricherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = std::make_unique<SyntheticSource>();
    src = s.get();
    proctree::ServiceOptions o;
    o.bootstrap_from_proc = false;
    auto r = proctree::Service::start_with(std::move(s), o);
    ASSERT_TRUE(r.ok());
    svc = std::move(r.value());
    // 20 leads a session; 21 runs /bin/x in it.
    src->push(syn.fork({20, 1, 20, 20}, 1));
    src->push(syn.exec({20, 1, 20, 20}, "/bin/sh"));
    src->push(syn.fork({21, 20, 20, 20}, 20));
    src->push(syn.exec({21, 20, 20, 20}, "/bin/x"));
  }
  // The whole answer, rendered, for comparing a cached result with a fresh one.
  static std::string rendered(const enrich::SessionResult& r) {
    return r.view ? r.view->members + "|" + r.view->parent_members : std::string("(none)");
  }
  Synth syn;
  SyntheticSource* src = nullptr;
  std::unique_ptr<proctree::Service> svc;
};

TEST_F(SessionEnricherTest, SettledEventsOfALiveProcessReuseTheRenderedResult) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  const int64_t t = now_unix_ns();
  // An exec (not settled) always asks the tree.
  auto first = e.lookup(21, t, "/bin/x", /*settled=*/false);
  ASSERT_EQ(first.miss, enrich::SessionMiss::kNone);
  ASSERT_NE(first.info, nullptr);
  EXPECT_EQ(first.info->self.key.pid, 21);
  EXPECT_NE(first.view->members.find("\"session_leader\":{\"pid\":20,\"entity_id\""), std::string::npos) << first.view->members;
  EXPECT_EQ(e.cached(), 0u);
  // Settled events: from the cache, the same answer.
  for (int i = 0; i < 5; ++i) {
    auto r = e.lookup(21, t, "/bin/x", /*settled=*/true);
    ASSERT_EQ(r.miss, enrich::SessionMiss::kNone);
    EXPECT_EQ(rendered(r), rendered(first));
    EXPECT_EQ(r.info, &r.view->info);
  }
  EXPECT_EQ(e.cached(), 5u);
  EXPECT_EQ(e.enriched(), 6u);
  // The rendered members are what render_session_members makes of the tree's answer now.
  auto fresh = svc->lookup(21, t, std::chrono::milliseconds(1000), "/bin/x");
  ASSERT_TRUE(fresh.info);
  std::string m, pm;
  proctree::render_session_members(*fresh.info, e.clock(), m, pm);
  EXPECT_EQ(m + "|" + pm, rendered(first));
}

TEST_F(SessionEnricherTest, ATreeChangeEndsTheReuse) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  const int64_t t = now_unix_ns();
  ASSERT_EQ(e.lookup(21, t, "/bin/x", true).miss, enrich::SessionMiss::kNone);
  ASSERT_EQ(e.lookup(21, t, "/bin/x", true).miss, enrich::SessionMiss::kNone);
  ASSERT_EQ(e.cached(), 1u);
  // 21 starts its own session: the next settled lookup must see the new session leader.
  const uint64_t g = svc->generation();
  src->push(syn.setsid({21, 20, 21, 21}));
  for (int i = 0; i < 200 && svc->generation() == g; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_NE(svc->generation(), g);
  auto r = e.lookup(21, now_unix_ns(), "/bin/x", true);
  ASSERT_EQ(r.miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.cached(), 1u) << "answered from before the setsid";
  EXPECT_EQ(r.info->session_leader.key.pid, 21);
  // A fork elsewhere changes nothing 21's lookups return: the reuse goes on.
  auto again = e.lookup(21, now_unix_ns(), "/bin/x", true);
  EXPECT_EQ(e.cached(), 2u);
  const uint64_t g2 = svc->generation();
  src->push(syn.fork({30, 20, 20, 20}, 20));
  ASSERT_EQ(svc->lookup(30, 0, std::chrono::milliseconds(1000)).status, proctree::LookupStatus::kFound);
  EXPECT_EQ(svc->generation(), g2);
  EXPECT_EQ(rendered(e.lookup(21, now_unix_ns(), "/bin/x", true)), rendered(again));
  EXPECT_EQ(e.cached(), 3u);
}

TEST_F(SessionEnricherTest, ExitedProcessesOtherExecutablesAndEarlierEventsAskTheTree) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  const int64_t t = now_unix_ns();
  ASSERT_EQ(e.lookup(21, t, "/bin/x", true).miss, enrich::SessionMiss::kNone);
  // Another executable than the one found: not from the cache (the tree says it differs).
  auto other = e.lookup(21, t, "/bin/y", true);
  EXPECT_EQ(other.miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.exe_differs(), 1u);
  EXPECT_EQ(e.cached(), 0u);
  // An exited process is never cached (its pid may come back as another process).
  src->push(syn.exit({21, 20, 20, 20}));
  for (int i = 0; i < 200; ++i) {
    auto r = svc->lookup(21, 0, std::chrono::milliseconds(1000));
    if (r.info && r.info->self.exited) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int i = 0; i < 3; ++i) ASSERT_EQ(e.lookup(21, now_unix_ns(), "/bin/x", true).miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.cached(), 0u);
  // With a boot time in the future every process "starts" after the event: no reuse.
  enrich::SessionEnricher later(*svc, clock_at(now_unix_ns() / 1'000'000'000 + 3600));
  for (int i = 0; i < 3; ++i) (void)later.lookup(20, now_unix_ns(), "/bin/sh", true);
  EXPECT_EQ(later.cached(), 0u);
}

TEST_F(SessionEnricherTest, EachThreadHasItsOwnCacheAndEachEnricherItsOwnEntries) {
  enrich::SessionEnricher a(*svc, clock_at(0)), b(*svc, clock_at(0));
  const int64_t t = now_unix_ns();
  (void)a.lookup(20, t, "/bin/sh", true);
  (void)a.lookup(20, t, "/bin/sh", true);
  EXPECT_EQ(a.cached(), 1u);
  (void)b.lookup(20, t, "/bin/sh", true);  // a's entry is not b's
  EXPECT_EQ(b.cached(), 0u);
  std::thread other([&] {
    (void)a.lookup(20, t, "/bin/sh", true);  // another thread: its own, empty cache
  });
  other.join();
  EXPECT_EQ(a.cached(), 1u);
  EXPECT_EQ(a.enriched(), 3u);
}

}  // namespace
