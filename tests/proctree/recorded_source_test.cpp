// A recording (the `--record` format) replays through the service without root.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "auspex_abi.h"
#include "proctree/recorded_source.h"
#include "proctree/service.h"

namespace proctree {
namespace {

auspex_task task(int32_t pid, int32_t ppid, int32_t pgid, int32_t sid, uint64_t start_ns) {
  auspex_task t{};
  t.pid = t.tid = pid;
  t.ppid = ppid;
  t.pgid = pgid;
  t.sid = sid;
  t.start_boottime = start_ns;
  std::memcpy(t.comm, "sh", 2);
  return t;
}

TEST(RecordedSource, ReplaysForkExecExit) {
  char path[] = "/tmp/auspex-rec-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::FILE* f = fdopen(fd, "wb");
  auspex_fork parent{};
  parent.hdr.kind = AUSPEX_EV_FORK;
  parent.hdr.ts_boot = 1;
  parent.child = task(10, 1, 10, 10, 100'000'000);
  parent.parent_pid = 1;
  ASSERT_TRUE(write_recorded_sample(f, &parent, sizeof parent));
  auspex_fork child{};
  child.hdr.kind = AUSPEX_EV_FORK;
  child.hdr.ts_boot = 2;
  child.child = task(11, 10, 10, 10, 200'000'000);
  child.parent_pid = 10;
  child.parent_start_boottime = 100'000'000;
  ASSERT_TRUE(write_recorded_sample(f, &child, sizeof child));
  std::vector<uint8_t> exec(sizeof(auspex_exec), 0);
  auto* x = reinterpret_cast<auspex_exec*>(exec.data());
  x->hdr.kind = AUSPEX_EV_EXEC;
  x->hdr.ts_boot = 3;
  x->task = task(11, 10, 10, 10, 200'000'000);
  x->flags = AUSPEX_EXEC_EXE_COMPLETE;
  const uint32_t base = offsetof(auspex_exec, tail);
  std::memcpy(exec.data() + base, "true\0bin\0", 9);
  x->exe = {base, 9};
  x->filename = {base, 0};
  x->argv = {base, 0};
  x->cwd = {base, 0};
  ASSERT_TRUE(write_recorded_sample(f, exec.data(), exec.size()));
  auspex_exit ex{};
  ex.hdr.kind = AUSPEX_EV_EXIT;
  ex.hdr.ts_boot = 4;
  ex.task = task(11, 10, 10, 10, 200'000'000);
  ex.exit_code = 2 << 8;
  ASSERT_TRUE(write_recorded_sample(f, &ex, sizeof ex));
  const uint32_t bad = 5;  // a cut-off last record: counted, not read past
  std::fwrite(&bad, 4, 1, f);
  std::fclose(f);

  auto src = std::make_unique<RecordedSource>(path);
  ASSERT_TRUE(src->start().ok());
  ServiceOptions o;
  o.bootstrap_from_proc = false;
  auto svc = Service::start_with(std::move(src), o);
  ASSERT_TRUE(svc.ok());
  auto r = svc.value()->lookup(11, 0, std::chrono::seconds(2), "/bin/true");
  ASSERT_EQ(r.status, LookupStatus::kFound);
  EXPECT_EQ(r.info->parent.key.pid, 10);
  EXPECT_TRUE(r.info->self.exited);
  EXPECT_EQ(r.info->self.exit_code, 2 << 8);
  bool truncated = false;
  for (const auto& c : svc.value()->stats().source)
    if (c.name == "replay.truncated") truncated = c.value == 1;
  EXPECT_TRUE(truncated);
  unlink(path);
}

}  // namespace
}  // namespace proctree
