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
    return r.view ? r.view->rendered->members + "|" + r.view->rendered->parent_members : std::string("(none)");
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
  EXPECT_NE(first.view->rendered->members.find("\"session_leader\":{\"pid\":20,\"entity_id\""), std::string::npos)
      << first.view->rendered->members;
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

// Waits until the service has applied events up to generation g.
void wait_generation(const proctree::Service& svc, uint64_t g) {
  for (int i = 0; i < 400 && svc.generation() < g; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_GE(svc.generation(), g);
}

// A busy machine execs and exits all the time: changes to processes an answer does not name
// keep the reuse, and what is reused is what the tree answers now.
TEST_F(SessionEnricherTest, OtherProcessesChangesKeepTheReuse) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  src->push(syn.fork({40, 1, 40, 40}, 1));
  src->push(syn.exec({40, 1, 40, 40}, "/bin/other"));
  wait_generation(*svc, svc->generation() + 1);
  const int64_t t = now_unix_ns();
  ASSERT_EQ(e.lookup(21, t, "/bin/x", true).miss, enrich::SessionMiss::kNone);
  ASSERT_EQ(e.lookup(21, t, "/bin/x", true).miss, enrich::SessionMiss::kNone);
  ASSERT_EQ(e.cached(), 1u);
  const uint64_t g = svc->generation();
  src->push(syn.exec({40, 1, 40, 40}, "/bin/y"));
  src->push(syn.setsid({40, 1, 40, 40}));
  src->push(syn.setpgid({40, 1, 40, 40}, 40, 40));
  src->push(syn.exit({40, 1, 40, 40}));
  wait_generation(*svc, g + 4);
  auto r = e.lookup(21, now_unix_ns(), "/bin/x", true);
  ASSERT_EQ(r.miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.cached(), 2u) << "40's changes ended the reuse of 21's answer";
  auto fresh = svc->lookup(21, 0, std::chrono::milliseconds(1000), "/bin/x");
  ASSERT_TRUE(fresh.info);
  std::string m, pm;
  proctree::render_session_members(*fresh.info, e.clock(), m, pm);
  EXPECT_EQ(m + "|" + pm, rendered(r));
}

// Each change to the process's parent or a leader ends the reuse, and the next answer shows
// the change. 9's parent (8), group leader (7), session leader (6) and entry leader (5, a
// service under init; 6 inherits it) are four processes.
TEST_F(SessionEnricherTest, ChangesToTheParentOrALeaderEndTheReuse) {
  const P p5{5, 1, 5, 5}, p6{6, 5, 6, 6}, p7{7, 6, 7, 6}, p8{8, 7, 7, 6}, p9{9, 8, 7, 6};
  src->push(syn.fork(p5, 1));
  src->push(syn.exec(p5, "/sbin/svc"));
  src->push(syn.fork(p6, 5));
  src->push(syn.exec(p6, "/bin/sh"));
  src->push(syn.fork(p7, 6));
  src->push(syn.exec(p7, "/bin/grp"));
  src->push(syn.fork(p8, 7));
  src->push(syn.exec(p8, "/bin/par"));
  src->push(syn.fork(p9, 8));
  src->push(syn.exec(p9, "/bin/x"));
  auto first = svc->lookup(9, 0, std::chrono::milliseconds(1000), "/bin/x");
  ASSERT_EQ(first.status, proctree::LookupStatus::kFound);
  ASSERT_EQ(first.info->parent.key.pid, 8);
  ASSERT_EQ(first.info->group_leader.key.pid, 7);
  ASSERT_EQ(first.info->session_leader.key.pid, 6);
  ASSERT_EQ(first.info->entry_leader.key.pid, 5);

  enrich::SessionEnricher e(*svc, clock_at(0));
  auto reuse = [&] {
    // Twice: the first fills the cache (or is the changed answer), the second must reuse.
    const uint64_t before = e.cached();
    auto a = e.lookup(9, now_unix_ns(), "/bin/x", true);
    auto b = e.lookup(9, now_unix_ns(), "/bin/x", true);
    EXPECT_EQ(rendered(a), rendered(b));
    return std::pair{e.cached() - before, b};
  };
  ASSERT_EQ(reuse().first, 1u);
  struct Named {
    P p;
    const char* role;
    const proctree::Process proctree::ProcessInfo::*member;
  };
  for (const Named& n : {Named{p8, "parent", &proctree::ProcessInfo::parent},
                         Named{p7, "group leader", &proctree::ProcessInfo::group_leader},
                         Named{p6, "session leader", &proctree::ProcessInfo::session_leader},
                         Named{p5, "entry leader", &proctree::ProcessInfo::entry_leader}}) {
    const std::string exe = "/bin/new-" + std::to_string(n.p.pid);
    const uint64_t g = svc->generation();
    src->push(syn.exec(n.p, exe));
    wait_generation(*svc, g + 1);
    auto [count, r] = reuse();
    EXPECT_EQ(count, 1u) << "the answer from before the " << n.role << "'s exec was reused";
    ASSERT_TRUE(((*r.info).*n.member).image) << n.role;
    EXPECT_EQ(((*r.info).*n.member).image->executable, exe) << n.role;
  }
  // The parent moves 9 into a group of its own.
  uint64_t g = svc->generation();
  src->push(syn.setpgid(p8, 9, 9));
  wait_generation(*svc, g + 2);
  auto [n2, r2] = reuse();
  EXPECT_EQ(n2, 1u) << "the answer from before setpgid was reused";
  EXPECT_EQ(r2.info->group_leader.key.pid, 9);
  // The parent exits: 9 goes to init.
  g = svc->generation();
  src->push(syn.exit(p8));
  wait_generation(*svc, g + 1);
  auto [n3, r3] = reuse();
  EXPECT_EQ(n3, 1u) << "the answer from before the parent's exit was reused";
  EXPECT_EQ(r3.info->self.ppid, 1);
}

// More changes than the service's log keeps, or a change to records in bulk (the cap
// evicting one), end every reuse.
TEST_F(SessionEnricherTest, ManyChangesOrAnEvictionEndTheReuse) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  ASSERT_EQ(e.lookup(21, now_unix_ns(), "/bin/x", true).miss, enrich::SessionMiss::kNone);
  src->push(syn.fork({40, 1, 40, 40}, 1));
  uint64_t g = svc->generation();
  for (int i = 0; i < 600; ++i) src->push(syn.exec({40, 1, 40, 40}, i % 2 ? "/bin/a" : "/bin/b"));
  wait_generation(*svc, g + 600);
  (void)e.lookup(21, now_unix_ns(), "/bin/x", true);
  EXPECT_EQ(e.cached(), 0u) << "reused across 600 changes, more than the log keeps";
  (void)e.lookup(21, now_unix_ns(), "/bin/x", true);
  EXPECT_EQ(e.cached(), 1u);

  // A tree capped at 3 records: 20, 21, 30 exited, then a fork evicts 30.
  auto s = std::make_unique<SyntheticSource>();
  SyntheticSource* small_src = s.get();
  proctree::ServiceOptions o;
  o.bootstrap_from_proc = false;
  o.tree.max_processes = 3;
  auto started = proctree::Service::start_with(std::move(s), o);
  ASSERT_TRUE(started.ok());
  std::unique_ptr<proctree::Service> small = std::move(started.value());
  Synth sy;
  small_src->push(sy.fork({20, 1, 20, 20}, 1));
  small_src->push(sy.exec({20, 1, 20, 20}, "/bin/sh"));
  small_src->push(sy.fork({21, 20, 20, 20}, 20));
  small_src->push(sy.exec({21, 20, 20, 20}, "/bin/x"));
  small_src->push(sy.fork({30, 1, 30, 30}, 1));
  small_src->push(sy.exit({30, 1, 30, 30}));
  wait_generation(*small, 4);  // from 1: two execs and an exit
  enrich::SessionEnricher se(*small, clock_at(0));
  (void)se.lookup(21, now_unix_ns(), "/bin/x", true);
  (void)se.lookup(21, now_unix_ns(), "/bin/x", true);
  ASSERT_EQ(se.cached(), 1u);
  g = small->generation();
  small_src->push(sy.fork({31, 1, 31, 31}, 1));
  wait_generation(*small, g + 1);
  EXPECT_EQ(small->stats().tree.evicted, 1u);
  (void)se.lookup(21, now_unix_ns(), "/bin/x", true);
  EXPECT_EQ(se.cached(), 1u) << "reused across an eviction";
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

// A change the document does not show (the process's own exit) keeps the rendering: the
// tree is asked, the answer is fresh, the text is shared. A change it shows (an exec of the
// parent, which is also the session leader) renders anew.
TEST_F(SessionEnricherTest, AnAnswerThatShowsNothingNewSharesTheRendering) {
  enrich::SessionEnricher e(*svc, clock_at(0));
  auto live = e.lookup(21, now_unix_ns(), "/bin/x", true);
  ASSERT_EQ(live.miss, enrich::SessionMiss::kNone);
  uint64_t g = svc->generation();
  src->push(syn.exit({21, 20, 20, 20}));
  wait_generation(*svc, g + 1);
  auto exited = e.lookup(21, now_unix_ns(), "/bin/x", true);
  ASSERT_EQ(exited.miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.cached(), 0u) << "the exit must be asked of the tree";
  EXPECT_EQ(e.rendering_reused(), 1u);
  EXPECT_EQ(exited.view->rendered, live.view->rendered);
  EXPECT_TRUE(exited.info->self.exited) << "the answer is the tree's, not the earlier one";
  enrich::SessionEnricher fresh(*svc, clock_at(0));
  EXPECT_EQ(rendered(fresh.lookup(21, now_unix_ns(), "/bin/x", true)), rendered(exited));
  // Found exited the first time (a short-lived process, looked up a batch later): its next
  // event asks the tree again but shares the rendering.
  auto again = fresh.lookup(21, now_unix_ns(), "/bin/x", true);
  EXPECT_EQ(fresh.cached(), 0u) << "an exited process is never answered without the tree";
  EXPECT_EQ(fresh.rendering_reused(), 1u);
  EXPECT_EQ(rendered(again), rendered(exited));

  // 22 runs in 20's session; 20 (its parent and session leader) execs.
  src->push(syn.fork({22, 20, 20, 20}, 20));
  src->push(syn.exec({22, 20, 20, 20}, "/bin/y"));
  auto before = e.lookup(22, now_unix_ns(), "/bin/y", false);
  ASSERT_EQ(before.miss, enrich::SessionMiss::kNone);
  g = svc->generation();
  src->push(syn.exec({20, 1, 20, 20}, "/bin/zsh"));
  wait_generation(*svc, g + 1);
  auto after = e.lookup(22, now_unix_ns(), "/bin/y", true);
  ASSERT_EQ(after.miss, enrich::SessionMiss::kNone);
  EXPECT_EQ(e.rendering_reused(), 1u) << "the session leader's exec shows: no reuse";
  EXPECT_NE(after.view->rendered, before.view->rendered);
  EXPECT_NE(after.view->rendered->members.find("/bin/zsh"), std::string::npos) << after.view->rendered->members;
  ASSERT_TRUE(after.info->parent.image);
  EXPECT_EQ(after.info->parent.image->executable, "/bin/zsh");
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
