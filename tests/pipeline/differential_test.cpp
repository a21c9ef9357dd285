// Differential: the sharded pipeline writes byte-for-byte what the single-thread path
// writes, on the whole corpus and on a synthetic storm (interleaved events, records of
// one event far apart, no EOE for some, several nodes, serial wrap).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <random>
#include <thread>
#include <sstream>

#include "corpus_files.h"
#include "ecs/events_format.h"
#include "pipeline/log_reader.h"
#include "pipeline/sharded_reassembly.h"
#include "sinks/sink.h"
#include "testing/subprocess.h"

namespace {

class StringSink final : public sinks::Sink {
 public:
  void write(std::string_view b) override { out.append(b); }
  uint64_t errors() const override { return 0; }
  uint64_t bytes_written() const override { return out.size(); }
  bool may_stall() const override { return stalls; }
  std::string out;
  bool stalls = true;  // false: like a regular file (quiet ticks write on the caller's thread)
};

struct Result {
  std::string out;
  reassembly::Counters counters;
  uint64_t written = 0;
  uint64_t extra_pieces = 0;
};

Result replay(const std::string& text, unsigned shards, size_t per_tick = 4096, bool proctitle_closes = false) {
  auto factory = ecs::make_events_factory();
  StringSink sink;
  pipeline::ShardConfig c;
  c.shards = shards;
  c.records_per_tick = per_tick;
  c.reassembly.proctitle_closes = proctitle_closes;
  pipeline::ShardedReassembly pipe(c, *factory, sink);
  pipeline::LogReaderOptions ro;
  ro.errors = nullptr;
  pipeline::LogReader reader(pipe, ro);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) reader.feed_line(line);
  reader.finish();
  pipe.finish();
  return {sink.out, pipe.counters(), pipe.events_written(), pipe.extra_pieces()};
}

std::string storm(unsigned seed, int events) {
  std::mt19937 rng(seed);
  struct Open {
    std::string node;
    uint32_t serial;
    int64_t ms;
    int left;
    bool eoe;
  };
  std::vector<Open> open;
  std::string out;
  uint32_t serial = 4294967295u - 500;  // wraps during the run
  int64_t ms = 1700000000000;
  const char* types[] = {"CWD", "PATH", "EXECVE", "PROCTITLE", "SOCKADDR"};
  int made = 0;
  while (made < events || !open.empty()) {
    if (made < events && (open.size() < 50 || rng() % 4 == 0)) {
      Open o{rng() % 5 == 0 ? "n" + std::to_string(rng() % 3) : "", serial++, ms, 1 + static_cast<int>(rng() % 6),
             rng() % 3 != 0};
      ++made;
      open.push_back(o);
      if (rng() % 10 == 0) ms += rng() % 3000;  // sometimes time jumps past the window
      else ms += rng() % 3;
      continue;
    }
    auto i = rng() % open.size();
    Open& o = open[i];
    auto emit = [&](const std::string& type, const std::string& body) {
      if (!o.node.empty()) out += "node=" + o.node + " ";
      out += "type=" + type + " msg=audit(" + std::to_string(o.ms / 1000) + "." +
             std::to_string(1000 + o.ms % 1000).substr(1) + ":" + std::to_string(o.serial) + "): " + body + "\n";
    };
    if (o.left-- == 6 || o.left == 5 - 1) emit("SYSCALL", "arch=c000003e syscall=59 pid=" + std::to_string(rng() % 100000));
    else emit(types[rng() % 5], "item=" + std::to_string(o.left) + " name=\"a b\"");
    if (o.left <= 0) {
      if (o.eoe) emit("EOE", "");
      open.erase(open.begin() + i);
    }
  }
  return out;
}

void expect_same_for_all_shard_counts(const std::string& text, size_t per_tick, bool proctitle_closes = false) {
  const Result ref = replay(text, 0, per_tick, proctitle_closes);
  ASSERT_FALSE(ref.out.empty());
  for (unsigned shards : {1u, 2u, 3u, 4u}) {
    const Result got = replay(text, shards, per_tick, proctitle_closes);
    EXPECT_EQ(got.written, ref.written) << "shards " << shards;
    EXPECT_EQ(got.counters.events, ref.counters.events) << "shards " << shards;
    EXPECT_EQ(got.counters.records, ref.counters.records) << "shards " << shards;
    EXPECT_TRUE(got.out == ref.out) << "output differs with " << shards << " shards";
  }
}

TEST(Differential, CorpusConcatenated) {
  std::string all;
  for (const auto& f : corpus::raw_logs()) all += testing_support::slurp(f) + "\n";
  expect_same_for_all_shard_counts(all, 64);
  expect_same_for_all_shard_counts(all, 4096);
  expect_same_for_all_shard_counts(all, 64, true);  // as replay runs
}

TEST(Differential, SyntheticStorm) {
  const std::string text = storm(7, 20000);
  expect_same_for_all_shard_counts(text, 97);
  const Result r = replay(text, 2, 512);
  EXPECT_EQ(r.counters.events, r.written);
  EXPECT_EQ(r.counters.evicted_cap, 0u);
  // Every record is in exactly one event.
  size_t lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_EQ(r.counters.records + r.counters.duplicate_records, lines);
  // As replay runs: PROCTITLE closes. The storm puts PROCTITLE anywhere in an event, so
  // records after it are late and EOEs in later batches trail: all of it counted, and the
  // same for every shard count.
  expect_same_for_all_shard_counts(text, 97, true);
  const Result p = replay(text, 2, 97, true);
  EXPECT_GT(p.counters.completed_proctitle, 0u);
  EXPECT_GT(p.counters.late_records, 0u);
  EXPECT_GT(p.counters.trailing_eoe, 0u);
  EXPECT_EQ(p.counters.events, p.written);
  EXPECT_EQ(p.counters.records + p.counters.duplicate_records + p.counters.trailing_eoe, lines);
}

// Events without EOE in one log second, closed all at once by the end of input: one tick
// whose output (megabytes per worker) goes out in pieces that the writer merges as they
// come. Same bytes as one thread for every shard count, every event once.
TEST(Differential, BurstOfCompletionsGoesOutInPieces) {
  std::string text;
  const std::string path(300, 'p');
  for (uint32_t serial = 1; serial <= 30000; ++serial) {
    const std::string stamp = "msg=audit(1700000000.000:" + std::to_string(serial) + "): ";
    text += "type=SYSCALL " + stamp + "arch=c000003e syscall=2 success=no exit=-2 pid=" +
            std::to_string(serial % 30000 + 1) + "\n";
    text += "type=PATH " + stamp + "item=0 name=\"/" + path + "\"\n";
  }
  const Result ref = replay(text, 0, 1 << 20);  // one tick for everything
  EXPECT_EQ(ref.written, 30000u);
  EXPECT_GT(ref.extra_pieces, 0u) << "the burst fit in one piece: make it larger";
  for (unsigned shards : {1u, 2u, 3u}) {
    const Result got = replay(text, shards, 1 << 20);
    EXPECT_EQ(got.written, ref.written) << "shards " << shards;
    EXPECT_GT(got.extra_pieces, 0u) << "shards " << shards;
    EXPECT_TRUE(got.out == ref.out) << "output differs with " << shards << " shards";
  }
  EXPECT_EQ(static_cast<size_t>(std::count(ref.out.begin(), ref.out.end(), '\n')), 30000u);
}

// A pipeline in the events format writing into a string, and a log reader feeding it.
struct Rig {
  explicit Rig(const pipeline::ShardConfig& c) : pipe(c, *factory, sink), reader(pipe, quiet()) {}
  static pipeline::LogReaderOptions quiet() {
    pipeline::LogReaderOptions o;
    o.errors = nullptr;
    return o;
  }
  std::unique_ptr<ecs::FormatterFactory> factory = ecs::make_events_factory();
  StringSink sink;
  pipeline::ShardedReassembly pipe;
  pipeline::LogReader reader;
};

// Live settings (64 ticks may queue per worker) and a tick every few records, as a live
// source at a few thousand events a second makes them: the output reuses the chunks it
// last wrote instead of warming a megabyte per queued bundle (free bundles were reused in
// queue order: one chunk each, 64 per worker).
TEST(Pipeline, SmallTicksReuseTheSameOutputChunks) {
  pipeline::ShardConfig c;
  c.shards = 2;
  c.max_queued_ticks = 64;
  Rig rig(c);
  auto& pipe = rig.pipe;
  auto& reader = rig.reader;
  for (uint32_t serial = 1; serial <= 1600; ++serial) {
    const std::string stamp = "msg=audit(1700000000.000:" + std::to_string(serial) + "): ";
    reader.feed_line("type=SYSCALL " + stamp + "arch=c000003e syscall=2 success=no exit=-2");
    reader.feed_line("type=EOE " + stamp);
    if (serial % 8 == 0) {
      pipe.tick();
      // A live reader waits for records between ticks: the workers and the writer keep up.
      // Waits for this tick's output rather than a fixed time, which a loaded machine (the
      // suite runs two tests at once) can overrun.
      for (int i = 0; i < 5000 && !pipe.threads_idle(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  reader.finish();
  pipe.finish();
  EXPECT_EQ(pipe.events_written(), 1600u);
  EXPECT_LE(pipe.chunks_allocated(), 2u * 8u) << "a chunk per queued bundle: free bundles not reused newest first";
}

// Which serials reach a log follows the audited processes' rhythm: here every other one (an
// audited call, then an unaudited one). Spread by serial % 2 they all landed on one worker;
// spread by a hash of the serial both get about half.
TEST(Pipeline, EveryOtherSerialStillSpreadsOverBothWorkers) {
  pipeline::ShardConfig c;
  c.shards = 2;
  Rig rig(c);
  auto& pipe = rig.pipe;
  auto& reader = rig.reader;
  for (uint32_t serial = 2; serial <= 20000; serial += 2)
    reader.feed_line("type=SYSCALL msg=audit(1700000000.000:" + std::to_string(serial) + "): syscall=2");
  reader.finish();
  pipe.finish();
  const auto per = pipe.records_per_worker();
  ASSERT_EQ(per.size(), 2u);
  EXPECT_EQ(per[0] + per[1], 10000u);
  EXPECT_GT(per[0], 4000u);
  EXPECT_GT(per[1], 4000u);
}

// top -H / ps -L tell the pipeline's threads apart by these names.
TEST(Pipeline, ThreadsAreNamed) {
  pipeline::ShardConfig c;
  c.shards = 2;
  Rig rig(c);
  auto& pipe = rig.pipe;
  // Each thread names itself when it starts: give them a moment.
  std::multiset<std::string> names;
  for (int tries = 0; tries < 500; ++tries) {
    names.clear();
    for (const auto& t : std::filesystem::directory_iterator("/proc/self/task")) {
      std::string comm = testing_support::slurp(t.path() / "comm");
      while (!comm.empty() && comm.back() == '\n') comm.pop_back();
      names.insert(comm);
    }
    if (names.count("auspex-shard0") && names.count("auspex-shard1") && names.count("auspex-writer")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pipe.finish();
  EXPECT_EQ(names.count("auspex-shard0"), 1u);
  EXPECT_EQ(names.count("auspex-shard1"), 1u);
  EXPECT_EQ(names.count("auspex-writer"), 1u);
}

TEST(Pipeline, LatencyFromEventTimeToWrite) {
  // Events stamped 300 ms ago are written now: every document measures ~300 ms.
  auto factory = ecs::make_events_factory();
  StringSink sink;
  pipeline::ShardConfig c;
  c.shards = 2;
  c.measure_latency = true;
  pipeline::ShardedReassembly pipe(c, *factory, sink);
  EXPECT_EQ(pipe.latency_percentile(50), -1);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count() - 300;
  std::vector<std::string> lines;
  for (int i = 0; i < 100; ++i)
    lines.push_back("type=EOE msg=audit(" + std::to_string(now_ms / 1000) + "." +
                    std::to_string(1000 + now_ms % 1000).substr(1) + ":" + std::to_string(i) + "): ");
  for (size_t i = 0; i < lines.size(); ++i) {
    reassembly::Input in;
    ASSERT_EQ(record::parse_log_header(lines[i], in.header), record::HeaderError::kNone);
    in.line = lines[i];
    in.index = i;
    pipe.add(in);
  }
  pipe.finish();
  EXPECT_EQ(pipe.events_written(), 100u);
  EXPECT_GE(pipe.latency_percentile(50), 300);
  EXPECT_LT(pipe.latency_percentile(99), 5000);
}

class SlowSink final : public sinks::Sink {
 public:
  void write(std::string_view b) override {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    out.append(b);
  }
  uint64_t errors() const override { return 0; }
  uint64_t bytes_written() const override { return out.size(); }
  std::string out;
};

TEST(Pipeline, DropModeDropsWholeEventsAndCountsThem) {
  // A slow sink and a reader that never blocks: records that find no room are dropped, and
  // so are the later records of their events, so no event goes out without its SYSCALL.
  auto factory = ecs::make_events_factory();
  SlowSink sink;
  pipeline::ShardConfig c;
  c.shards = 1;
  c.drop_when_full = true;
  c.max_queued_ticks = 2;
  c.records_per_tick = 64;
  pipeline::ShardedReassembly pipe(c, *factory, sink);
  std::vector<std::string> lines;
  const int events = 20000;
  for (int i = 0; i < events; ++i) {
    for (const char* t : {"SYSCALL", "PATH", "EOE"})
      lines.push_back(std::string("type=") + t + " msg=audit(1.000:" + std::to_string(i + 1) + "): a=1");
  }
  uint64_t index = 0;
  for (const auto& l : lines) {
    reassembly::Input in;
    ASSERT_EQ(record::parse_log_header(l, in.header), record::HeaderError::kNone);
    in.line = l;
    in.index = index++;
    pipe.add(in);
  }
  pipe.finish();
  EXPECT_GT(pipe.dropped_records(), 0u) << "the test did not overload the pipeline";
  EXPECT_LE(pipe.dropped_events(), pipe.dropped_records());
  simdjson::dom::parser p;
  std::istringstream in(sink.out);
  std::string line;
  uint64_t written = 0, whole = 0;
  while (std::getline(in, line)) {
    auto d = p.parse(line);
    ASSERT_EQ(d.error(), simdjson::SUCCESS);
    ++written;
    auto recs = d["records"].get_array();
    EXPECT_EQ(std::string_view(recs.at(0)["type"].get_string().value()), "SYSCALL") << line;
    whole += recs.size() == 3;
  }
  EXPECT_EQ(written, pipe.events_written());
  EXPECT_GE(written + pipe.dropped_events(), static_cast<uint64_t>(events));
  EXPECT_GT(whole, 0u);
}

TEST(Differential, EveryLineIsValidJson) {
  const Result r = replay(storm(3, 3000), 2, 256);
  simdjson::dom::parser p;
  std::istringstream in(r.out);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ASSERT_EQ(p.parse(line).error(), simdjson::SUCCESS) << line;
    ++n;
  }
  EXPECT_EQ(n, r.written);
}

}  // namespace

// Quiet ticks (ShardConfig::quiet_ticks): a tick that finds the workers and the writer idle
// runs on the caller's thread with each worker's state. Ticks of every size, some after a
// pause (idle threads: quiet), some right after another (busy: threaded), runs of full
// ticks (a flood: threaded), give the same bytes as one thread with the same tick
// boundaries, and both kinds happen.
TEST(Pipeline, QuietTicksOnTheCallersThreadGiveTheSameOutput) {
  const std::string text = storm(11, 6000);
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  auto run = [&](unsigned shards, bool quiet, bool file_like, uint64_t* quiet_ticks, uint64_t* ticks) {
    pipeline::ShardConfig c;
    c.shards = shards;
    c.records_per_tick = 400;
    c.max_queued_ticks = 64;
    c.quiet_ticks = quiet;
    Rig rig(c);
    rig.sink.stalls = !file_like;
    std::mt19937 rng(5);
    for (size_t i = 0; i < lines.size(); ++i) {
      rig.reader.feed_line(lines[i]);
      const bool flood = i > lines.size() / 3 && i < lines.size() / 2;  // full ticks only
      if (!flood && rng() % 40 == 0) {
        rig.pipe.tick();
        if (rng() % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(1500));
      }
    }
    rig.reader.finish();
    rig.pipe.finish();
    if (quiet_ticks) *quiet_ticks = rig.pipe.quiet_ticks();
    if (ticks) *ticks = rig.pipe.ticks_sent();
    EXPECT_EQ(rig.pipe.events_written(), rig.pipe.counters().events);
    return rig.sink.out;
  };
  const std::string ref = run(0, false, true, nullptr, nullptr);
  ASSERT_FALSE(ref.empty());
  for (bool file_like : {true, false}) {
    for (unsigned shards : {1u, 2u, 3u}) {
      uint64_t quiet = 0, ticks = 0;
      const std::string got = run(shards, true, file_like, &quiet, &ticks);
      EXPECT_TRUE(got == ref) << "output differs with " << shards << " shards and quiet ticks, file_like "
                              << file_like;
      if (!file_like) {
        EXPECT_EQ(quiet, 0u) << "a sink that may stall (a pipe) was written on the caller's thread";
        continue;
      }
      EXPECT_GT(quiet, 0u) << "no tick ran on the caller's thread";
      EXPECT_LT(quiet + 5, ticks) << "the flood's full ticks ran on the caller's thread too";
    }
  }
}

TEST(Pipeline, NoQuietTicksUnlessAsked) {
  pipeline::ShardConfig c;
  c.shards = 2;
  Rig rig(c);
  rig.sink.stalls = false;  // a file: only the setting keeps ticks off the caller's thread
  for (uint32_t serial = 1; serial <= 200; ++serial) {
    rig.reader.feed_line("type=SYSCALL msg=audit(1700000000.000:" + std::to_string(serial) + "): syscall=2");
    rig.pipe.tick();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  rig.reader.finish();
  rig.pipe.finish();
  EXPECT_EQ(rig.pipe.quiet_ticks(), 0u);
  EXPECT_EQ(rig.pipe.events_written(), 200u);
}

// Two workers with quiet ticks of 100 records into a file-like sink; event() feeds one
// event of two records (SYSCALL, EOE) with the next serial.
struct QuietRig {
  static pipeline::ShardConfig config() {
    pipeline::ShardConfig c;
    c.shards = 2;
    c.records_per_tick = 100;
    c.max_queued_ticks = 64;
    c.quiet_ticks = true;
    return c;
  }
  QuietRig() { rig.sink.stalls = false; }
  void event() {
    const std::string stamp = "msg=audit(1700000000.000:" + std::to_string(serial++) + "): ";
    rig.reader.feed_line("type=SYSCALL " + stamp + "arch=c000003e syscall=2 success=no exit=-2");
    rig.reader.feed_line("type=EOE " + stamp);
  }
  Rig rig{config()};
  uint32_t serial = 1;
};

// A flood (tick after full tick) goes to the worker threads; when it ebbs, ticks run quiet
// again.
TEST(Pipeline, AFloodGoesToTheThreads) {
  QuietRig q;
  Rig& rig = q.rig;
  auto event = [&] { q.event(); };
  for (int i = 0; i < 2500; ++i) event();  // 50 full ticks, no pause
  EXPECT_EQ(rig.pipe.quiet_ticks(), 0u);
  const uint64_t during = rig.pipe.quiet_ticks();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the threads catch up
    event();
    rig.pipe.tick();
  }
  EXPECT_GE(rig.pipe.quiet_ticks(), during + 15) << "ticks did not come back to the reader's thread";
  rig.reader.finish();
  rig.pipe.finish();
  EXPECT_EQ(rig.pipe.events_written(), 2520u);
}

// Counts the documents each formatter it made wrote (made in worker order).
struct CountingFactory final : ecs::FormatterFactory {
  struct Counting final : ecs::EventFormatter {
    std::unique_ptr<ecs::EventFormatter> inner;
    std::atomic<uint64_t>* count;
    void append(const reassembly::Event& e, std::string& out) override {
      count->fetch_add(1);
      inner->append(e, out);
    }
  };
  std::unique_ptr<ecs::EventFormatter> make() const override {
    auto f = std::make_unique<Counting>();
    f->inner = events->make();
    f->count = &counts[made++];
    return f;
  }
  std::unique_ptr<ecs::FormatterFactory> events = ecs::make_events_factory();
  mutable std::atomic<uint64_t> counts[4] = {};
  mutable size_t made = 0;
};

// A quiet tick formats all workers' events with one formatter (the first worker's), in
// record order: one formatter's state to bring back into a cold CPU's caches, not one per
// worker. Threaded ticks use each worker's own.
TEST(Pipeline, AQuietTickFormatsEveryWorkersEventsWithOneFormatter) {
  CountingFactory factory;
  StringSink sink;
  sink.stalls = false;  // a file
  pipeline::ShardedReassembly pipe(QuietRig::config(), factory, sink);
  pipeline::LogReader reader(pipe, Rig::quiet());
  ASSERT_EQ(factory.made, 2u);
  uint32_t serial = 1;
  for (int tick = 0; tick < 10; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (int i = 0; i < 8; ++i, ++serial) {  // serials hash to both workers
      const std::string stamp = "msg=audit(1700000000.000:" + std::to_string(serial) + "): ";
      reader.feed_line("type=SYSCALL " + stamp + "arch=c000003e syscall=2 success=no exit=-2");
      reader.feed_line("type=EOE " + stamp);
    }
    pipe.tick();
  }
  const uint64_t quiet = pipe.quiet_ticks();
  EXPECT_GE(quiet, 8u);
  const std::vector<uint64_t> per_worker = pipe.records_per_worker();
  EXPECT_GT(per_worker[0], 0u);
  EXPECT_GT(per_worker[1], 0u) << "the events did not reach both workers";
  if (quiet == 10) {
    EXPECT_EQ(factory.counts[0].load(), 80u);
    EXPECT_EQ(factory.counts[1].load(), 0u) << "a quiet tick used the second worker's formatter";
  } else {
    EXPECT_GE(factory.counts[0].load(), 8u * quiet);
  }
  reader.finish();
  pipe.finish();
  EXPECT_EQ(pipe.events_written(), 80u);
  // Record order across the workers: serials ascending.
  std::istringstream in(sink.out);
  uint64_t last = 0, n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    const size_t at = line.find("\"sequence\":");
    ASSERT_NE(at, std::string::npos) << line;
    const uint64_t seq = std::stoull(line.substr(at + 11));
    EXPECT_GT(seq, last) << line;
    last = seq;
  }
  EXPECT_EQ(n, 80u);
}

// A document from the source (a loss report) goes out after the events of the next tick,
// once, whether that tick is quiet or goes to the threads (the final one does).
TEST(Pipeline, AnInjectedDocumentFollowsTheNextTicksEvents) {
  QuietRig q;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (int i = 0; i < 6; ++i) q.event();
  q.rig.pipe.add_document("{\"report\":1}");
  q.rig.pipe.tick();
  EXPECT_EQ(q.rig.pipe.quiet_ticks(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  q.event();
  q.rig.pipe.add_document("{\"report\":2}\n");
  q.rig.reader.finish();
  q.rig.pipe.finish();
  EXPECT_EQ(q.rig.pipe.events_written(), 7u);
  EXPECT_EQ(q.rig.pipe.documents_injected(), 2u);
  std::vector<std::string> lines;
  std::istringstream in(q.rig.sink.out);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 9u) << q.rig.sink.out;
  EXPECT_EQ(lines[6], "{\"report\":1}");
  EXPECT_EQ(lines[8], "{\"report\":2}");
  for (size_t i : {0u, 1u, 2u, 3u, 4u, 5u, 7u}) EXPECT_EQ(lines[i].find("report"), std::string::npos) << lines[i];
}

// One full tick after a quiet spell (the threads idle) goes to the threads too: the reader
// goes on reading instead of formatting a flood's first ticks itself.
TEST(Pipeline, AFullTickAfterAQuietSpellGoesToTheThreads) {
  QuietRig q;
  Rig& rig = q.rig;
  auto event = [&] { q.event(); };
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    event();
    rig.pipe.tick();
  }
  const uint64_t quiet = rig.pipe.quiet_ticks();
  ASSERT_GE(quiet, 8u) << "the quiet spell's ticks did not run on the caller's thread";
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const uint64_t sent = rig.pipe.ticks_sent();
  for (int i = 0; i < 50; ++i) event();  // 100 records: one full tick, ended by add()
  EXPECT_GT(rig.pipe.ticks_sent(), sent);
  EXPECT_EQ(rig.pipe.quiet_ticks(), quiet) << "a full tick ran on the caller's thread";
  rig.reader.finish();
  rig.pipe.finish();
  EXPECT_EQ(rig.pipe.events_written(), 60u);
}
