// Core spine micro-benchmarks: records/s for the record parser (header + fields) and
// events/s for the reassembler alone and for the sharded pipeline (1 and 2 shards, events
// format, output discarded). Input: the shared corpus logs repeated with fresh serials, or
// AUSPEX_BENCH_LOG=FILE (e.g. a gen-corpus log). Each benchmark first checks its result
// against the reference single-thread count and fails with SkipWithError on a mismatch.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ecs/events_format.h"
#include "pipeline/log_reader.h"
#include "pipeline/sharded_reassembly.h"
#include "reassembly/reassembler.h"
#include "record/fields.h"
#include "record/header.h"
#include "sinks/sink.h"

namespace {

std::vector<std::string> load_lines() {
  std::vector<std::string> lines;
  if (const char* f = std::getenv("AUSPEX_BENCH_LOG")) {
    std::ifstream in(f);
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
    return lines;
  }
  // The go-libaudit and auparse samples, repeated with shifted serials and times.
  std::vector<std::string> base;
  for (const char* f : {"/go-libaudit/testdata/normal.log", "/audit-userspace/auparse/test/test4.log",
                        "/laurel/src/testdata/shell-proc-trace.txt"}) {
    std::ifstream in(std::string(AUSPEX_CORPUS) + f);
    std::string l;
    while (std::getline(in, l))
      if (!l.empty()) base.push_back(l);
  }
  for (int rep = 0; rep < 400; ++rep) {
    for (const auto& l : base) {
      record::Header h;
      if (record::parse_log_header(l, h) != record::HeaderError::kNone) continue;
      const size_t a = l.find("audit(");
      const size_t close = l.find(')', a);
      std::string stamp = std::to_string(h.sec + rep * 10) + "." + std::to_string(1000 + h.msec).substr(1) + ":" +
                          std::to_string(h.serial + rep * 100000u);
      lines.push_back(l.substr(0, a + 6) + stamp + l.substr(close));
    }
  }
  return lines;
}

const std::vector<std::string>& lines() {
  static const std::vector<std::string> l = load_lines();
  return l;
}

class NullSink final : public sinks::Sink {
 public:
  void write(std::string_view b) override { bytes += b.size(); }
  uint64_t errors() const override { return 0; }
  uint64_t bytes_written() const override { return bytes; }
  uint64_t bytes = 0;
};

void BM_ParseRecord(benchmark::State& state) {
  std::vector<record::Field> fields;
  size_t n = 0, f = 0;
  for (auto _ : state) {
    for (const auto& l : lines()) {
      record::Header h;
      if (record::parse_log_header(l, h) != record::HeaderError::kNone) continue;
      record::split_fields(h.body, fields);
      f += fields.size();
      ++n;
    }
  }
  benchmark::DoNotOptimize(f);
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.SetLabel("records");
}
BENCHMARK(BM_ParseRecord)->Unit(benchmark::kMillisecond);

uint64_t reassemble_once() {
  reassembly::Reassembler r;
  uint64_t events = 0, index = 0;
  for (const auto& l : lines()) {
    reassembly::Input in;
    if (record::parse_log_header(l, in.header) != record::HeaderError::kNone) continue;
    in.line = l;
    in.index = index++;
    in.clock_ms = in.header.time_ms();
    r.add(in);
    for (auto* e : r.completed()) r.recycle(e);
    events += r.completed().size();
    r.completed().clear();
  }
  r.flush_all();
  events += r.completed().size();
  return events;
}

void BM_Reassembler(benchmark::State& state) {
  uint64_t events = 0;
  for (auto _ : state) events += reassemble_once();
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.SetLabel("events");
}
BENCHMARK(BM_Reassembler)->Unit(benchmark::kMillisecond);

uint64_t pipeline_once(unsigned shards) {
  auto factory = ecs::make_events_factory();
  NullSink sink;
  pipeline::ShardConfig c;
  c.shards = shards;
  pipeline::ShardedReassembly pipe(c, *factory, sink);
  pipeline::LogReaderOptions ro;
  ro.errors = nullptr;
  pipeline::LogReader reader(pipe, ro);
  for (const auto& l : lines()) reader.feed_line(l);
  reader.finish();
  pipe.finish();
  return pipe.events_written();
}

void BM_Pipeline(benchmark::State& state) {
  const unsigned shards = static_cast<unsigned>(state.range(0));
  const uint64_t reference = pipeline_once(0);
  if (pipeline_once(shards) != reference) {
    state.SkipWithError("sharded event count differs from the single-thread reference");
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) events += pipeline_once(shards);
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.SetLabel("events, events format, shards=" + std::to_string(shards));
}
BENCHMARK(BM_Pipeline)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
