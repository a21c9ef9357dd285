// Reader → N reassembly workers → one writer, with output in a stable order.
//
// The reader hands records over in batches, one batch per worker per "tick" (every
// records_per_tick records). A worker joins its records, closes timed-out events with the
// clocks the reader sent, formats what completed, and returns one bundle per tick. The
// writer takes tick t from every worker and merges the bundles by each event's first
// record index. So the output is the same byte for byte for any number of workers
// (as long as the in-flight cap is not hit), and the single-thread path (shards = 0)
// is the reference the sharded one is tested against. Live, a quiet tick runs on the
// reader's thread with the workers' state while their threads idle (quiet_ticks).
//
// Memory is bounded: each worker has a fixed pool of batches and bundles; the reader
// blocks when a worker is max_queued_ticks behind, the worker when the writer is.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ecs/formatter.h"
#include "reassembly/counters.h"
#include "reassembly/reassembler.h"
#include "sinks/sink.h"

namespace pipeline {

struct ShardConfig {
  unsigned shards = 2;             // 0 = everything on the caller's thread
  reassembly::Config reassembly;   // per worker
  // Small ticks keep the working set (batches, bundles) in cache and RSS low; a tick costs
  // one queue round trip per worker.
  size_t records_per_tick = 1024;
  size_t max_queued_ticks = 6;     // per worker, each direction
  // false: add() blocks while a worker is max_queued_ticks behind (the caller's source
  // absorbs: for live audit, the kernel backlog). true: add() never blocks; records that
  // find no room are dropped and counted in dropped_records().
  bool drop_when_full = false;
  // Live: record, per document, the time from the kernel's event timestamp to the write
  // (latency_percentile()). Meaningless in replay (log time), so off by default.
  bool measure_latency = false;
  // Quiet ticks run on the caller's thread: a tick that finds every earlier one written
  // is joined by the caller itself with each worker's state in turn (the worker threads are
  // idle then), and its events formatted in record order by the first worker's formatter
  // into one bundle and written, instead of waking N workers and the writer. At a few
  // thousand events/s those wake-ups, and the cold caches each woken thread meets, were
  // most of live's CPU (bench/README.md). A tick that filled up to records_per_tick (more
  // records were waiting than a tick holds: a flood or a large burst) goes to the threads,
  // in parallel, so the reader goes on reading: the reader is what keeps the kernel from
  // losing records, and joining and formatting full ticks itself had cost it ~30 % of its
  // time per record under a flood. The output is the same either way. Only for a
  // sink that cannot stall (Sink::may_stall, a regular file): the caller must never wait on
  // a reader of the output, a pipe nobody reads.
  // Off in replay, whose ticks are all full.
  bool quiet_ticks = false;
};

class ShardedReassembly {
 public:
  ShardedReassembly(ShardConfig config, const ecs::FormatterFactory& formatters, sinks::Sink& sink);
  ~ShardedReassembly();
  ShardedReassembly(const ShardedReassembly&) = delete;
  ShardedReassembly& operator=(const ShardedReassembly&) = delete;

  // Reader thread only. in's views are copied before add() returns.
  void add(const reassembly::Input& in);
  // The clock of a node (log time or arrival time) reached now_ms.
  void set_clock(uint32_t node_id, int64_t now_ms);
  // A whole document from the source itself (e.g. a loss report), written after the events
  // of the next tick. Reader thread only.
  void add_document(std::string json_line);
  // Ends the current tick now (live sources call this on a timer so events with EOE do
  // not wait for records_per_tick more records).
  void tick();
  // Flushes everything still open, writes it, and joins the threads.
  void finish();

  // Totals over all workers: a snapshot taken after each tick while running, exact after
  // finish(). Safe to call from any thread.
  reassembly::Counters counters() const;
  // Records each worker has taken (same snapshot rule): how evenly events spread.
  std::vector<uint64_t> records_per_worker() const;
  uint64_t events_written() const { return events_written_.load(std::memory_order_relaxed); }
  uint64_t dropped_records() const { return dropped_records_.load(std::memory_order_relaxed); }
  uint64_t documents_injected() const { return documents_injected_.load(std::memory_order_relaxed); }
  // Pieces a tick's output was cut into beyond the first (a burst of completions goes out
  // about a chunk at a time instead of in one bundle as large as the burst).
  uint64_t extra_pieces() const { return extra_pieces_.load(std::memory_order_relaxed); }
  // Output chunks (1 MiB each, reused) the workers have allocated: about the most output
  // ever in flight at once, not the number of ticks queued.
  uint64_t chunks_allocated() const { return chunks_allocated_.load(std::memory_order_relaxed); }
  // Events that lost at least one record at our queue (their later records are dropped too).
  uint64_t dropped_events() const { return dropped_events_.load(std::memory_order_relaxed); }
  // Ticks queued to workers but not yet written (a measure of how far behind output is).
  size_t queued_ticks() const;
  // Ticks ended so far (reader thread, or after finish()).
  uint64_t ticks_sent() const { return tick_no_; }
  // Ticks run on the caller's thread (ShardConfig::quiet_ticks).
  uint64_t quiet_ticks() const { return quiet_ticks_.load(std::memory_order_relaxed); }
  size_t in_flight() const;
  // Every batch sent to a worker so far has been written (the workers and the writer have
  // caught up). Reader thread only.
  bool threads_idle() const;
  // Documents given to add_document that the next tick will carry.
  bool has_pending_documents() const { return !pending_docs_.empty(); }
  // Milliseconds from event timestamp to write at percentile p (0..100), over every
  // document so far; -1 before the first (or when measure_latency is off).
  int64_t latency_percentile(double p) const;

 private:
  struct Batch;
  struct Bundle;
  struct Worker;
  void send_tick(bool final);
  void writer_loop();
  void write_bundles(std::vector<Bundle*>& bundles, bool follow, bool now = false);
  void write_quiet_tick();
  void release_bundle(Bundle* b);

  ShardConfig config_;
  sinks::Sink& sink_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::pair<uint32_t, int64_t>> clocks_;  // node clocks changed this tick
  std::vector<int64_t> node_clock_;
  size_t records_in_tick_ = 0;
  // A quiet tick's completed events (and the worker each came from) and its batches.
  std::vector<std::pair<reassembly::Event*, Worker*>> quiet_events_;
  std::vector<Batch*> quiet_batches_;
  uint64_t tick_no_ = 0;
  bool finished_ = false;
  std::thread writer_;
  std::atomic<uint64_t> events_written_{0};
  std::vector<std::string_view> parts_;  // writer thread: pieces of one write
  mutable std::mutex latency_mu_;
  std::vector<uint64_t> latency_ms_;     // histogram: [i] documents written i ms after the event
  uint64_t latency_count_ = 0;
  std::atomic<uint64_t> dropped_records_{0};
  std::atomic<uint64_t> dropped_events_{0};
  std::atomic<uint64_t> documents_injected_{0};
  std::atomic<uint64_t> extra_pieces_{0};
  std::atomic<uint64_t> chunks_allocated_{0};
  std::atomic<uint64_t> quiet_ticks_{0};
  std::vector<std::string> pending_docs_;  // reader thread: for the next tick
  void remember_dropped(uint64_t key);
  std::unordered_set<uint64_t> dropped_keys_;  // reader thread only
  std::deque<uint64_t> dropped_order_;
};

}  // namespace pipeline
