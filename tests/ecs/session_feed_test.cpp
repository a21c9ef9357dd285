// The formatter tells the procfs backend what audit saw (SESSION_VIEW.md §4): a process gone
// before /proc could be read is known from its execve event's records. The eBPF backend sees
// execs itself: for it the facts are not built (learns_from_audit).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ecs/ecs_formatter.h"
#include "ecs_test_support.h"
#include "enrich/session_enricher.h"
#include "proctree/procfs_source.h"
#include "proctree/service.h"

namespace {

proctree::HostClock test_clock() {
  proctree::HostClock c;
  c.pidns_inode = 4026531836;
  c.boot_id = "b0d1e5a2-0000-4000-8000-000000000001";
  return c;
}

TEST(EcsSessionFeed, AProcfsTreeLearnsAShortLivedExecFromItsRecords) {
  auto src = std::make_unique<proctree::ProcfsSource>(std::chrono::milliseconds(0));
  proctree::ServiceOptions o;
  o.bootstrap_from_proc = false;
  auto started = proctree::Service::start_with(std::move(src), o);
  ASSERT_TRUE(started.ok());
  std::unique_ptr<proctree::Service> svc = std::move(started.value());
  ASSERT_TRUE(svc->learns_from_audit());
  enrich::SessionEnricher enricher(*svc, test_clock());
  ecs::Options opt;
  opt.resolve_ids = false;
  opt.session = &enricher;
  auto formatter = ecs::make_ecs_factory(opt)->make();

  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string stamp = "msg=audit(" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()) +
                            ".250:77): ";
  const std::string ppid = std::to_string(getpid());
  auto event = ecs_test::make_event({
      "type=SYSCALL " + stamp + "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=" + ppid +
          " pid=999999998 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 "
          "fsgid=1000 tty=(none) ses=3 comm=\"true\" exe=\"/usr/bin/true\" key=(null)",
      "type=EXECVE " + stamp + "argc=2 a0=\"true\" a1=\"x y\"",
      "type=CWD " + stamp + "cwd=\"/tmp/work dir\"",
      "type=PATH " + stamp + "item=0 name=\"/usr/bin/true\" inode=5 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
          "rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
      "type=EOE " + stamp,
  });
  std::string doc;
  formatter->append(*event, doc);

  auto r = svc->lookup(999999998, 0, std::chrono::milliseconds(2000));
  ASSERT_EQ(r.status, proctree::LookupStatus::kFound) << doc;
  ASSERT_TRUE(r.info->self.image);
  EXPECT_EQ(r.info->self.image->executable, "/usr/bin/true");
  EXPECT_EQ(r.info->self.image->args, (std::vector<std::string>{"true", "x y"}));
  EXPECT_EQ(r.info->self.image->cwd, "/tmp/work dir");
  EXPECT_EQ(r.info->self.ppid, getpid());
  EXPECT_EQ(r.info->self.euid, 1000u);
  // The event's own document found it too.
  EXPECT_NE(doc.find("\"entity_id\":"), std::string::npos) << doc;
  EXPECT_EQ(enricher.enriched(), 1u) << doc;
}

}  // namespace
