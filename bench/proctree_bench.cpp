// Userspace process-tree updates (issue 6 target: >= 1 M events/s), and the memory of a
// tree with 100 k live processes. Events are pre-built, so this times ProcessTree::apply()
// (record insert, image build from argv, entry-leader evaluation, exit, reaping), not the
// ring buffer or decoding.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "proctree/ecs_json.h"
#include "proctree/tree.h"

namespace {

using proctree::EventKind;
using proctree::TreeEvent;

struct Workload {
  std::deque<std::string> strings;
  std::vector<TreeEvent> events;  // fork, exec, exit per short-lived child
};

TreeEvent make(EventKind k, int32_t pid, int32_t ppid, int32_t sid, uint64_t start) {
  TreeEvent e;
  e.kind = k;
  e.task.pid = e.task.tid = pid;
  e.task.ppid = ppid;
  e.task.pgid = pid;
  e.task.sid = sid;
  e.task.start_ticks = start;
  e.task.tty_major = 136;
  return e;
}

// A shell session (pid 100, sid 100) running `cmd arg...` children one after the other:
// the shape of an exec storm from one shell.
Workload build(size_t children, uint64_t first_start) {
  Workload w;
  const std::string& argv = w.strings.emplace_back(std::string("/usr/bin/true\0--flag\0value", 26));
  for (size_t i = 0; i < children; ++i) {
    const int32_t pid = 1000 + int32_t(i % 60000);
    const uint64_t start = first_start + i;  // unique (pid, start) even when pids repeat
    TreeEvent f = make(EventKind::kFork, pid, 100, 100, start);
    f.parent_pid = 100;
    f.parent_start_ticks = 1;
    TreeEvent x = make(EventKind::kExec, pid, 100, 100, start);
    x.filename = "/usr/bin/true";
    x.argv = argv;
    x.cwd = "/home/user";
    TreeEvent z = make(EventKind::kExit, pid, 100, 100, start);
    z.exit_code_known = true;
    w.events.push_back(f);
    w.events.push_back(x);
    w.events.push_back(z);
  }
  return w;
}

void seed(proctree::ProcessTree& t) {
  TreeEvent init = make(EventKind::kExec, 1, 0, 1, 0);
  init.filename = "/sbin/init";
  t.bootstrap(init);
  TreeEvent sh = make(EventKind::kExec, 100, 1, 100, 1);
  sh.filename = "/bin/bash";
  sh.argv = "-bash";
  t.bootstrap(sh);
}

void BM_TreeForkExecExit(benchmark::State& state) {
  proctree::TreeOptions o;
  o.grace_ns = 1000;  // 1 synthetic ns per event: ~330 exited children kept, a steady state
  proctree::ProcessTree t(o);
  seed(t);
  Workload w = build(100'000, 1000);
  // Check against the reference before timing: a child of the shell session.
  uint64_t ts = 1;
  for (size_t i = 0; i < 3; ++i) {
    TreeEvent e = w.events[i];
    e.ts_boot_ns = ++ts;
    t.apply(e);
  }
  auto info = t.lookup(1000);
  if (!info || info->self.entry_leader.pid != 100 || info->session_leader.key.pid != 100 ||
      info->parent.key.pid != 100 || info->self.image->args.size() != 3 || !info->self.exited) {
    state.SkipWithError("tree result differs from the reference");
    return;
  }
  size_t i = 3;
  uint64_t applied = 0;
  for (auto _ : state) {
    TreeEvent& e = w.events[i];
    e.ts_boot_ns = ++ts;
    t.apply(e);
    ++applied;
    if (++i == w.events.size()) i = 0;
    if ((applied & 4095) == 0) t.reap(ts);
  }
  state.counters["events/s"] = benchmark::Counter(double(applied), benchmark::Counter::kIsRate);
  state.counters["records"] = double(t.size());
}
BENCHMARK(BM_TreeForkExecExit);

// Heap bytes in use (glibc mallinfo2: small blocks + mmapped ones). RSS would not do: the
// tree reuses memory the input's construction freed, so RSS hardly moves.
size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// 100 k live processes, each with its own image (exec'd, 3 args, a cwd): the README's
// memory figure.
// The session members of one process (itself, parent, three leaders) as JSON: what each
// document of a new process costs (SessionEnricher caches it for the process's next events).
void BM_RenderSessionMembers(benchmark::State& state) {
  proctree::ProcessTree t;
  seed(t);
  Workload w = build(1, 1000);
  t.apply(w.events[0]);
  t.apply(w.events[1]);
  const auto info = t.lookup(1000);
  if (!info) {
    state.SkipWithError("process 1000 not in the tree");
    return;
  }
  proctree::HostClock clock;
  clock.pidns_inode = 4026531836ull;
  clock.boot_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  clock.btime_s = 1718000000;
  clock.ticks_per_s = 100;
  size_t bytes = 0;
  for (auto _ : state) {
    // Fresh strings, as SessionEnricher renders into a new SessionView each time.
    std::string members, parent;
    proctree::render_session_members(*info, clock, members, parent);
    benchmark::DoNotOptimize(members.data());
    bytes = members.size() + parent.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderSessionMembers);

void BM_Memory100kLive(benchmark::State& state) {
  for (auto _ : state) {
    Workload w = build(100'000, 1000);  // the input is not the tree: built before measuring
    const size_t before = heap_in_use();
    proctree::TreeOptions o;
    o.max_processes = 200'000;
    auto t = std::make_unique<proctree::ProcessTree>(o);
    seed(*t);
    uint64_t ts = 1;
    for (size_t i = 0; i < w.events.size(); i += 3) {
      const size_t kinds = state.range(0) ? 1 : 2;  // 1: fork only (the shell's image shared)
      for (size_t k = 0; k < kinds; ++k) {  // fork, exec; no exit: all stay live
        TreeEvent e = w.events[i + k];
        e.task.pid = 1000 + int32_t(i / 3);  // 100 k distinct pids
        e.ts_boot_ns = ++ts;
        t->apply(e);
      }
    }
    const size_t after = heap_in_use();
    if (t->live() != 100'002) {
      state.SkipWithError("expected 100002 live records");
      return;
    }
    state.counters["live"] = double(t->live());
    state.counters["heap_MiB"] = double(after - before) / (1024.0 * 1024.0);
    state.counters["bytes_per_process"] = double(after - before) / 100'000.0;
  }
}
// Arg 0: every process exec'd its own image; Arg 1: forked children sharing the shell's.
BENCHMARK(BM_Memory100kLive)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
