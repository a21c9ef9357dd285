// Event -> ECS JSON (--format ecs): documents/s and output bytes/s on one thread.
// Measures EcsFormatter::write_at only, as the pipeline calls it (records already
// reassembled, ids resolved from a fixed table): coalescing, normalization, id resolution
// and JSON writing. Before timing, the
// output of each workload is checked (valid JSON, the expected event.action); a mismatch is
// reported with SkipWithError instead of a figure.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <chrono>
#include <thread>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ecs/ecs_formatter.h"
#include "reassembly/event.h"
#include "record/header.h"

namespace {

std::unique_ptr<reassembly::Event> make_event(const std::vector<std::string>& lines) {
  auto e = std::make_unique<reassembly::Event>();
  for (const std::string& line : lines) {
    record::Header h;
    if (record::parse_log_header(line, h) != record::HeaderError::kNone) continue;
    e->append_copy(h, line);
  }
  return e;
}

// A typical execve event (the Session View rule set's most frequent event).
std::vector<std::string> exec_event() {
  return {
      "type=SYSCALL msg=audit(1700000000.123:4242): arch=c000003e syscall=59 success=yes exit=0 "
      "a0=55d85d6719d0 a1=55d85d69c970 a2=55d85d720450 a3=8 items=2 ppid=2380071 pid=2380168 auid=1000 "
      "uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=12 "
      "comm=\"git\" exe=\"/usr/bin/git\" subj=unconfined key=\"exec\"",
      "type=EXECVE msg=audit(1700000000.123:4242): argc=4 a0=\"git\" a1=\"log\" a2=\"--oneline\" a3=\"-n5\"",
      "type=CWD msg=audit(1700000000.123:4242): cwd=\"/home/vagrant/src/auspex\"",
      "type=PATH msg=audit(1700000000.123:4242): item=0 name=\"/usr/bin/git\" inode=1593 dev=08:01 "
      "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
      "type=PATH msg=audit(1700000000.123:4242): item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=4382 "
      "dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
      "cap_frootid=0",
      "type=PROCTITLE msg=audit(1700000000.123:4242): proctitle=676974006C6F67002D2D6F6E656C696E65002D6E35",
      "type=EOE msg=audit(1700000000.123:4242): ",
  };
}

std::vector<std::string> login_event() {
  return {"type=USER_LOGIN msg=audit(1700000000.500:4243): pid=12635 uid=0 auid=1000 ses=36 msg='op=login "
          "id=1000 exe=\"/usr/sbin/sshd\" hostname=72.83.230.100 addr=72.83.230.100 terminal=/dev/pts/1 "
          "res=success'"};
}

std::vector<std::string> connect_event() {
  return {"type=SYSCALL msg=audit(1700000001.096:4244): arch=c000003e syscall=42 success=no exit=-115 a0=5 "
          "a1=7ffc12ac3ab0 a2=10 a3=4 items=0 ppid=1 pid=1648 auid=4294967295 uid=0 gid=0 euid=0 suid=0 "
          "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"curl\" exe=\"/usr/bin/curl\" key=\"net\"",
          "type=SOCKADDR msg=audit(1700000001.096:4244): saddr=02000050A9FEA9FE0000000000000000",
          "type=PROCTITLE msg=audit(1700000001.096:4244): proctitle=6375726C00687474703A2F2F3136392E3235342E3136392E323534",
          "type=EOE msg=audit(1700000001.096:4244): "};
}

// A failed open (the example rule set's "failed access" rule; most events of gen-corpus.sh).
std::vector<std::string> failed_open_event() {
  return {"type=SYSCALL msg=audit(1700000002.940:4245): arch=c000003e syscall=257 success=no exit=-2 a0=ffffff9c "
          "a1=7ffe7c003e30 a2=80000 a3=0 items=1 ppid=17193 pid=17197 auid=1000 uid=1000 gid=1000 euid=1000 "
          "suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=12 comm=\"cat\" exe=\"/usr/bin/cat\" "
          "key=\"access\"",
          "type=CWD msg=audit(1700000002.940:4245): cwd=\"/home/vagrant/src/auspex\"",
          "type=PATH msg=audit(1700000002.940:4245): item=0 name=\"/etc/missing.conf\" nametype=UNKNOWN cap_fp=0 "
          "cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
          "type=PROCTITLE msg=audit(1700000002.940:4245): proctitle=636174002F6574632F6D697373696E672E636F6E66",
          "type=EOE msg=audit(1700000002.940:4245): "};
}

std::string passwd_file() {
  const std::string path = "/tmp/auspex_ecs_bench_passwd";
  std::ofstream f(path);
  f << "root:x:0:0::/root:/bin/sh\nvagrant:x:1000:1000::/home/vagrant:/bin/sh\n";
  return path;
}

void run(benchmark::State& state, const std::vector<std::string>& lines, std::string_view action) {
  ecs::Options opt;
  opt.passwd_file = passwd_file();
  opt.group_file = opt.passwd_file;
  auto factory = ecs::make_ecs_factory(opt);
  auto formatter = factory->make();
  auto event = make_event(lines);

  std::string out;
  formatter->append(*event, out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view got;
  if (parser.parse(out).get(doc) != simdjson::SUCCESS || doc["event"]["action"].get(got) != simdjson::SUCCESS ||
      got != action) {
    state.SkipWithError("formatter output does not match the reference");
    return;
  }

  // As the pipeline does: documents written in place in a buffer kept at full size.
  std::string chunk(1 << 20, '\0');
  uint64_t bytes = 0;
  for (auto _ : state) {
    const size_t end = formatter->write_at(*event, chunk, 0);
    bytes += end;
    benchmark::DoNotOptimize(chunk.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["doc_bytes"] = static_cast<double>(out.size());
}

void BM_EcsExecve(benchmark::State& s) { run(s, exec_event(), "executed"); }
void BM_EcsUserLogin(benchmark::State& s) { run(s, login_event(), "logged-in"); }
void BM_EcsConnect(benchmark::State& s) { run(s, connect_event(), "connected-to"); }
void BM_EcsFailedOpen(benchmark::State& s) { run(s, failed_open_event(), "opened-file"); }

// Live at fork/exec-heavy load a batch of ~15 events arrives every 30 ms, and each batch
// runs on a cold CPU: after an idle vCPU's sleep every event costs about twice its warm cost
// (bench/README.md, run Q). This formats such a batch after touching range(0) KiB of other
// memory (caches evicted by data) or after sleeping range(1) ms (whatever this VM's host does
// to an idle vCPU), or, range(1) < 0, after spinning -range(1) ms on the clock (the vCPU never
// idle, next to no footprint of ours), and reports the time per event of the batch alone: what
// a change to the formatter's footprint (code, data, branches) does to the cold cost. Spinning
// costs nearly what sleeping does: our cache state decays with time, not with idling.
void BM_EcsColdBatch(benchmark::State& state) {
  ecs::Options opt;
  opt.passwd_file = passwd_file();
  opt.group_file = opt.passwd_file;
  auto factory = ecs::make_ecs_factory(opt);
  auto formatter = factory->make();
  std::vector<std::unique_ptr<reassembly::Event>> batch;
  std::vector<std::string_view> actions;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(make_event(exec_event()));
    batch.push_back(make_event(failed_open_event()));
    batch.push_back(make_event(connect_event()));
    actions.insert(actions.end(), {"executed", "opened-file", "connected-to"});
  }
  std::string chunk(1 << 20, '\0');
  {
    size_t at = 0;
    for (const auto& e : batch) at = formatter->write_at(*e, chunk, at);
    std::istringstream docs(chunk.substr(0, at));
    simdjson::dom::parser parser;
    size_t n = 0;
    for (std::string line; std::getline(docs, line); ++n) {
      simdjson::dom::element doc;
      std::string_view got;
      if (n >= actions.size() || parser.parse(line).get(doc) != simdjson::SUCCESS ||
          doc["event"]["action"].get(got) != simdjson::SUCCESS || got != actions[n]) {
        state.SkipWithError("formatter output does not match the reference");
        return;
      }
    }
    if (n != actions.size()) {
      state.SkipWithError("formatter wrote the wrong number of documents");
      return;
    }
  }
  std::vector<char> other(static_cast<size_t>(state.range(0)) << 10, 1);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < other.size(); i += 64) other[i] = static_cast<char>(other[i] + 1);
    if (state.range(1) > 0) std::this_thread::sleep_for(std::chrono::milliseconds(state.range(1)));
    if (state.range(1) < 0) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(-state.range(1));
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    benchmark::ClobberMemory();
    const auto t0 = std::chrono::steady_clock::now();
    size_t at = 0;
    for (const auto& e : batch) at = formatter->write_at(*e, chunk, at);
    const auto t1 = std::chrono::steady_clock::now();
    sum += at;
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count() / static_cast<double>(batch.size()));
  }
  benchmark::DoNotOptimize(sum);
  state.SetLabel("time per event of a 15-event batch");
}

BENCHMARK(BM_EcsExecve);
BENCHMARK(BM_EcsUserLogin);
BENCHMARK(BM_EcsConnect);
BENCHMARK(BM_EcsFailedOpen);
BENCHMARK(BM_EcsColdBatch)->Args({0, 0})->Args({4096, 0})->Args({0, 30})->Args({0, -30})->UseManualTime()->Iterations(300);

}  // namespace

BENCHMARK_MAIN();
