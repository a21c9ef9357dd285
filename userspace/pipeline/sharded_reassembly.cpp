#include "pipeline/sharded_reassembly.h"

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include "core/thread_name.h"

namespace pipeline {

// Records for one worker for one tick, copied into an arena so the reader's buffer can be
// reused at once. Offsets, not views: the arena may grow while the batch fills.
struct ShardedReassembly::Batch {
  struct Item {
    record::Header header;  // node/body views are rebuilt from the offsets below
    uint32_t line_off, line_len, node_off, node_len, body_off, body_len;
    uint32_t node_id;
    uint64_t index, line_no;
    int64_t clock_ms;
    const char* stable = nullptr;  // the line itself when it outlives the pipeline
  };
  std::string arena;
  std::vector<Item> items;
  std::vector<std::pair<uint32_t, int64_t>> clocks;
  std::vector<std::string> injected;  // whole documents from the source (add_document)
  uint64_t tick = 0;
  bool final = false;
  void clear() {
    arena.clear();
    items.clear();
    clocks.clear();
    injected.clear();
    final = false;
  }
};

// One worker's formatted output for one tick, or a piece of it: documents in first-index
// order, in chunks. Chunks come from the worker's pool and go back to it when the bundle is
// reused (only the worker touches them then; the writer only reads), so the memory touched
// is the most output in flight at once, and the steady state faults in no new page.
// A tick can complete thousands of events at once (end of input, a jump in log time, a
// backlog drained): its output goes out in pieces of about a chunk (more = true on all but
// the last), which the writer merges as they come, so a burst reuses the same warm chunks
// instead of faulting in megabytes of fresh ones.
struct ShardedReassembly::Bundle {
  static constexpr size_t kChunk = 1 << 20;
  static constexpr size_t kChunkRoom = 256 << 10;  // less free than this: next chunk
  using Pool = std::vector<std::string>;
  struct Doc {
    uint64_t first_index;
    uint32_t chunk;
    uint32_t end;  // offset in chunks[chunk] just past the document
  };
  // This tick's documents. A chunk's size is its room, not its content (zero-filled once, so
  // formatters write documents in place: EventFormatter::write_at); `used` is the content.
  std::vector<std::string> chunks;
  size_t used = 0;  // bytes of documents in chunks.back()
  std::vector<Doc> docs;
  std::vector<int64_t> times_ms;  // event time of each doc (latency)
  uint64_t tick = 0;
  bool final = false;
  bool more = false;  // the tick goes on in this worker's next bundle
  size_t owner = 0;

  void clear(Pool& pool) {
    for (auto& c : chunks) pool.push_back(std::move(c));  // size kept: no second zero fill
    chunks.clear();
    used = 0;
    docs.clear();
    times_ms.clear();
    more = false;
  }
  // The next document would start a new chunk: a piece of the tick can go out first.
  // (Capacity, not size: a formatter that appends truncates the chunk to its content.)
  bool full() const { return !chunks.empty() && chunks.back().capacity() - used < kChunkRoom; }
  // The chunk the next document goes to, at offset `used` (a document larger than the room
  // just grows it).
  std::string& room(Pool& pool, std::atomic<uint64_t>& allocated) {
    if (chunks.empty() || full()) {
      if (pool.empty()) {
        chunks.emplace_back();
        chunks.back().resize(kChunk);
        allocated.fetch_add(1, std::memory_order_relaxed);
      } else {
        chunks.push_back(std::move(pool.back()));  // the most recently used: still warm
        pool.pop_back();
      }
      used = 0;
    }
    return chunks.back();
  }
  // Copies a finished document in (injected ones).
  void append(std::string_view doc) {
    std::string& c = chunks.back();
    if (c.size() < used + doc.size()) c.resize(used + doc.size());
    std::memcpy(c.data() + used, doc.data(), doc.size());
    used += doc.size();
  }
  void add(uint64_t first_index, int64_t time_ms) {
    docs.push_back({first_index, static_cast<uint32_t>(chunks.size() - 1), static_cast<uint32_t>(used)});
    times_ms.push_back(time_ms);
  }
  std::string_view doc(size_t i) const {
    const Doc& d = docs[i];
    const uint32_t begin = i > 0 && docs[i - 1].chunk == d.chunk ? docs[i - 1].end : 0;
    return std::string_view(chunks[d.chunk]).substr(begin, d.end - begin);
  }
};

namespace {

// Free objects handed back through a queue by another thread, reused newest first by their
// owner: the one finished with last is still in cache, and only as many objects as are
// ever in flight at once get their buffers faulted in. Taken in queue order, a live worker
// cycled through all 64 of its bundles and batches, each warming its own buffers (thousands
// of page faults a second at 2,000 events/s).
template <typename T>
class WarmFree {
 public:
  void give(T* t) { returned_.enqueue(t); }  // any thread
  // Owner thread only.
  bool try_take(T*& out) {
    T* t;
    while (returned_.try_dequeue(t)) stack_.push_back(t);  // oldest first: newest on top
    if (stack_.empty()) return false;
    out = stack_.back();
    stack_.pop_back();
    return true;
  }
  void take(T*& out) {
    if (!try_take(out)) returned_.wait_dequeue(out);
  }

 private:
  moodycamel::BlockingConcurrentQueue<T*> returned_;
  std::vector<T*> stack_;
};

}  // namespace

struct ShardedReassembly::Worker {
  explicit Worker(const ShardConfig& c, const ecs::FormatterFactory& f)
      : reassembler(c.reassembly), formatter(f.make()) {}
  reassembly::Reassembler reassembler;
  std::unique_ptr<ecs::EventFormatter> formatter;
  moodycamel::BlockingConcurrentQueue<Batch*> in;
  moodycamel::BlockingConcurrentQueue<Bundle*> out;
  WarmFree<Batch> free_batches;  // owner: the reader
  WarmFree<Bundle> free_bundles;  // owner: this worker
  std::vector<std::unique_ptr<Batch>> batch_storage;
  std::vector<std::unique_ptr<Bundle>> bundle_storage;
  Batch* current = nullptr;  // being filled by the reader
  Bundle::Pool chunk_pool;   // output chunks not in a bundle (worker thread only)
  std::atomic<uint64_t>* chunks_allocated = nullptr;  // the pipeline's counter
  std::thread thread;
  bool missed_tick = false;  // drop mode: a tick went by without a batch for this worker
  // Batches handed to the thread (reader only) and, of those, the ones whose output the
  // writer has written (release: the worker's and the writer's last touches of the state a
  // quiet tick uses, reassembler to sink, happen before a reader that sees it equal).
  uint64_t sent = 0;
  std::atomic<uint64_t> written{0};
  mutable std::mutex stats_mu;
  reassembly::Counters stats;  // copied after each batch, read by counters()
  size_t open_events = 0;

  // emit hands over a full piece of this tick's output and returns an empty bundle for the
  // rest (threads: to the writer's queue; inline: written at once).
  template <typename Emit>
  void process(Batch& b, Bundle*& bundle, Emit&& emit) {
    reassemble(b);
    bundle->clear(chunk_pool);
    for (reassembly::Event* e : reassembler.completed()) {
      if (!bundle->docs.empty() && bundle->full()) {
        bundle->tick = b.tick;
        bundle->final = b.final;  // the writer knows a worker's last tick by its first piece
        bundle->more = true;
        bundle = emit(bundle);
        bundle->clear(chunk_pool);
      }
      format(e, *bundle, *this);
    }
    reassembler.completed().clear();
    finish_batch(b, *bundle);
  }

  // Joins the batch's records into events: the completed ones wait in
  // reassembler.completed(), in record order.
  void reassemble(Batch& b) {
    for (const auto& it : b.items) {
      reassembly::Input in;
      in.header = it.header;
      // Stable lines are addressed from their own start, copied ones inside the arena.
      std::string_view base = it.stable ? std::string_view(it.stable, it.line_len) : std::string_view(b.arena);
      const uint32_t shift = it.stable ? it.line_off : 0;
      in.line = base.substr(it.line_off - shift, it.line_len);
      in.header.node = base.substr(it.node_off - shift, it.node_len);
      in.header.body = base.substr(it.body_off - shift, it.body_len);
      in.stable = it.stable != nullptr;
      in.node_id = it.node_id;
      in.index = it.index;
      in.line_no = it.line_no;
      in.clock_ms = it.clock_ms;
      reassembler.add(in);
    }
    reassembler.settle();
    for (auto [node, clock] : b.clocks) reassembler.advance(node, clock);
    if (b.final) reassembler.flush_all();
    auto& done = reassembler.completed();
    std::sort(done.begin(), done.end(), [](const reassembly::Event* a, const reassembly::Event* c) {
      return a->first_index < c->first_index;
    });
  }

  // Formats e with this worker's formatter into bundle (this worker's chunks) and gives e
  // back to the reassembler it came from.
  void format(reassembly::Event* e, Bundle& bundle, Worker& from) {
    std::string& chunk = bundle.room(chunk_pool, *chunks_allocated);
    bundle.used = formatter->write_at(*e, chunk, bundle.used);
    bundle.add(e->first_index, e->time_ms());
    from.reassembler.recycle(e);
  }

  // The batch's injected documents into bundle (this worker's chunks), after the tick's
  // events (an index no record has); no event time: not a latency sample.
  void add_injected(const Batch& b, Bundle& bundle) {
    for (const auto& doc : b.injected) {
      bundle.room(chunk_pool, *chunks_allocated);
      bundle.append(doc);
      bundle.add(UINT64_MAX, INT64_MIN);
    }
  }

  // The end of a batch's bundle; then the counters are snapshot for counters().
  void finish_batch(Batch& b, Bundle& bundle) {
    add_injected(b, bundle);
    bundle.tick = b.tick;
    bundle.final = b.final;
    bundle.more = false;
    snapshot_stats();
  }

  void snapshot_stats() {
    std::lock_guard<std::mutex> lock(stats_mu);
    stats = reassembler.counters();
    open_events = reassembler.in_flight();
  }

  void run() {
    for (;;) {
      Batch* b;
      in.wait_dequeue(b);
      Bundle* bundle;
      free_bundles.take(bundle);
      process(*b, bundle, [this](Bundle* piece) {
        out.enqueue(piece);
        Bundle* next;
        free_bundles.take(next);
        return next;
      });
      const bool final = b->final;
      b->clear();
      free_batches.give(b);
      out.enqueue(bundle);
      if (final) return;
    }
  }
};

ShardedReassembly::ShardedReassembly(ShardConfig config, const ecs::FormatterFactory& formatters,
                                     sinks::Sink& sink)
    : config_(config), sink_(sink) {
  const unsigned n = config_.shards == 0 ? 1 : config_.shards;
  const size_t depth = std::max<size_t>(config_.max_queued_ticks, 2);
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(config_, formatters);
    w->chunks_allocated = &chunks_allocated_;
    for (size_t k = 0; k < depth; ++k) {
      w->batch_storage.push_back(std::make_unique<Batch>());
      w->free_batches.give(w->batch_storage.back().get());
      w->bundle_storage.push_back(std::make_unique<Bundle>());
      w->bundle_storage.back()->owner = i;
      w->free_bundles.give(w->bundle_storage.back().get());
    }
    w->free_batches.take(w->current);
    workers_.push_back(std::move(w));
  }
  if (config_.shards > 0) {
    for (size_t i = 0; i < workers_.size(); ++i) {
      workers_[i]->thread = std::thread([p = workers_[i].get(), i] {
        core::name_this_thread("auspex-shard" + std::to_string(i));
        p->run();
      });
    }
    writer_ = std::thread([this] {
      core::name_this_thread("auspex-writer");
      writer_loop();
    });
  }
}

ShardedReassembly::~ShardedReassembly() { finish(); }

void ShardedReassembly::add(const reassembly::Input& in) {
  // A hash of the serial, not serial % n: which serials reach the log follows the audited
  // processes' rhythm (an audited call, an unaudited one, ...), so parity and other residues
  // can pile one kind of event on one worker for a while, leaving the other idle.
  const uint32_t h = static_cast<uint32_t>((uint64_t{in.header.serial} * 0x9E3779B97F4A7C15ull) >> 32);
  Worker& w = *workers_[h % workers_.size()];
  const uint64_t key = uint64_t{in.node_id} << 32 | in.header.serial;
  const bool event_dropped = !dropped_keys_.empty() && dropped_keys_.count(key);
  if (event_dropped || (!w.current && !w.free_batches.try_take(w.current))) {
    // drop_when_full and this worker is max_queued_ticks behind: no room, counted. The rest
    // of the event goes too, so what is written is whole events, not events missing their
    // SYSCALL record (the records it already had still make a partial event).
    dropped_records_.fetch_add(1, std::memory_order_relaxed);
    if (!event_dropped) remember_dropped(key);
    if (++records_in_tick_ >= config_.records_per_tick) tick();
    return;
  }
  Batch& b = *w.current;
  Batch::Item it;
  it.header = in.header;
  it.line_off = static_cast<uint32_t>(b.arena.size());
  it.line_len = static_cast<uint32_t>(in.line.size());
  auto offset_in_line = [&](std::string_view part) {
    return part.empty() ? it.line_off : it.line_off + static_cast<uint32_t>(part.data() - in.line.data());
  };
  it.node_off = offset_in_line(in.header.node);
  it.node_len = static_cast<uint32_t>(in.header.node.size());
  it.body_off = offset_in_line(in.header.body);
  it.body_len = static_cast<uint32_t>(in.header.body.size());
  it.node_id = in.node_id;
  it.index = in.index;
  it.line_no = in.line_no;
  it.clock_ms = in.clock_ms;
  if (in.stable) it.stable = in.line.data();
  else b.arena.append(in.line);
  b.items.push_back(it);
  if (++records_in_tick_ >= config_.records_per_tick) tick();
}

void ShardedReassembly::remember_dropped(uint64_t key) {
  // A bounded memory of dropped events: the oldest is forgotten first.
  if (dropped_order_.size() >= 8192) {
    dropped_keys_.erase(dropped_order_.front());
    dropped_order_.pop_front();
  }
  if (dropped_keys_.insert(key).second) {
    dropped_order_.push_back(key);
    dropped_events_.fetch_add(1, std::memory_order_relaxed);
  }
}

void ShardedReassembly::set_clock(uint32_t node_id, int64_t now_ms) {
  if (node_id >= node_clock_.size()) node_clock_.resize(node_id + 1, INT64_MIN);
  if (now_ms <= node_clock_[node_id]) return;
  node_clock_[node_id] = now_ms;
  for (auto& c : clocks_) {
    if (c.first == node_id) {
      c.second = now_ms;
      return;
    }
  }
  clocks_.emplace_back(node_id, now_ms);
}

void ShardedReassembly::tick() { send_tick(false); }

void ShardedReassembly::add_document(std::string json_line) {
  if (json_line.empty() || json_line.back() != '\n') json_line.push_back('\n');
  pending_docs_.push_back(std::move(json_line));
}

bool ShardedReassembly::threads_idle() const {
  for (const auto& w : workers_)
    if (w->written.load(std::memory_order_acquire) != w->sent) return false;
  return true;
}

void ShardedReassembly::send_tick(bool final) {
  if (finished_) return;
  // The final tick always goes to the threads: it is what ends them. The caller (the live
  // reader) must never wait on a reader of the output (a pipe): with a sink that may stall,
  // the writer thread does all writing. A full tick is a flood's (ShardConfig::quiet_ticks).
  const bool quiet = config_.shards > 0 && config_.quiet_ticks && !final && !sink_.may_stall() &&
                     records_in_tick_ < config_.records_per_tick && threads_idle();
  std::vector<Bundle*> inline_bundles;
  for (auto& w : workers_) {
    if (!w->current) {
      if (final) {
        w->free_batches.take(w->current);  // the final flush must reach every worker
      } else if (!w->free_batches.try_take(w->current)) {
        w->missed_tick = true;
        continue;
      }
    }
    Batch* b = w->current;
    if (&w == &workers_.front() && !pending_docs_.empty()) {
      for (auto& d : pending_docs_) b->injected.push_back(std::move(d));
      pending_docs_.clear();
    }
    if (w->missed_tick) {
      // It missed clock updates: send every node's clock.
      b->clocks.clear();
      for (uint32_t n = 0; n < node_clock_.size(); ++n)
        if (node_clock_[n] != INT64_MIN) b->clocks.emplace_back(n, node_clock_[n]);
      w->missed_tick = false;
    } else {
      b->clocks = clocks_;
    }
    b->tick = tick_no_;
    b->final = final;
    if (quiet) {
      // On the caller's thread: this worker's thread is idle (threads_idle), so its state is
      // the caller's for now. Its events are formatted below, with the others'.
      w->reassemble(*b);
      for (reassembly::Event* e : w->reassembler.completed()) quiet_events_.emplace_back(e, w.get());
      w->reassembler.completed().clear();
      quiet_batches_.push_back(b);
    } else if (config_.shards == 0) {
      Bundle* bundle;
      w->free_bundles.take(bundle);
      w->process(*b, bundle, [&](Bundle* piece) {
        std::vector<Bundle*> one{piece};
        write_bundles(one, false);  // one worker: nothing to merge with
        Bundle* next;
        w->free_bundles.take(next);
        return next;
      });
      b->clear();
      inline_bundles.push_back(bundle);
    } else {
      ++w->sent;
      w->in.enqueue(b);
      w->current = nullptr;
      if (!final) {
        if (config_.drop_when_full) w->free_batches.try_take(w->current);
        else w->free_batches.take(w->current);
      }
    }
  }
  if (config_.shards == 0) {
    write_bundles(inline_bundles, false);
    if (!final) sink_.flush();  // as writer_loop does when its queues are empty
  } else if (quiet) {
    write_quiet_tick();
  }
  clocks_.clear();
  records_in_tick_ = 0;
  ++tick_no_;
}

void ShardedReassembly::write_quiet_tick() {
  // All workers' events of the tick in record order, formatted by one formatter into one
  // bundle: the same documents in the same order as each worker's bundle merged, but with
  // one formatter's state and one chunk to bring back into a CPU's caches, not one per
  // worker (exec-heavy, the second worker state cost ~14 % of auspex's CPU).
  std::sort(quiet_events_.begin(), quiet_events_.end(),
            [](const auto& a, const auto& c) { return a.first->first_index < c.first->first_index; });
  Worker& f = *workers_.front();
  Bundle* bundle;
  f.free_bundles.take(bundle);
  bundle->clear(f.chunk_pool);
  for (auto [e, from] : quiet_events_) f.format(e, *bundle, *from);
  quiet_events_.clear();
  bundle->tick = tick_no_;
  bundle->final = false;
  bundle->more = false;
  for (Batch* b : quiet_batches_) {
    f.add_injected(*b, *bundle);  // only the first worker's batch has any
    b->clear();
  }
  quiet_batches_.clear();
  for (auto& w : workers_) w->snapshot_stats();
  std::vector<Bundle*> one{bundle};
  write_bundles(one, false, true);  // every earlier tick is out: straight to the kernel
  quiet_ticks_.fetch_add(1, std::memory_order_relaxed);
}

void ShardedReassembly::write_bundles(std::vector<Bundle*>& bundles, bool follow, bool now) {
  // k-way merge by first record index; k is the worker count (small), so a linear pick.
  // Documents next to each other in one bundle are written as one piece. A bundle that
  // says more follows is swapped for the worker's next piece once merged (follow: the
  // writer thread; inline, pieces are written as the single worker makes them).
  std::vector<size_t> pos(bundles.size(), 0);
  parts_.clear();
  size_t last = SIZE_MAX;
  for (;;) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < bundles.size(); ++i) {
      while (follow && pos[i] >= bundles[i]->docs.size() && bundles[i]->more) {
        // Its next document may come before every other bundle's: fetch the piece now.
        // The pieces merged so far are written first: their views are into this bundle.
        if (!parts_.empty()) sink_.write_parts(parts_.data(), parts_.size());
        parts_.clear();
        last = SIZE_MAX;
        Bundle* done = bundles[i];
        Worker& w = *workers_[done->owner];
        release_bundle(done);
        w.out.wait_dequeue(bundles[i]);
        pos[i] = 0;
      }
      if (pos[i] >= bundles[i]->docs.size()) continue;
      if (best == SIZE_MAX || bundles[i]->docs[pos[i]].first_index < bundles[best]->docs[pos[best]].first_index)
        best = i;
    }
    if (best == SIZE_MAX) break;
    const std::string_view doc = bundles[best]->doc(pos[best]);
    if (best == last && !parts_.empty() && parts_.back().data() + parts_.back().size() == doc.data())
      parts_.back() = std::string_view(parts_.back().data(), parts_.back().size() + doc.size());
    else
      parts_.push_back(doc);
    last = best;
    ++pos[best];
  }
  if (!parts_.empty()) {
    // Live, the writer flushes whenever nothing else waits (see writer_loop): then the
    // documents go to the kernel straight from the bundles, not copied into the sink first.
    // now: a quiet tick, written and flushed at once.
    bool waiting = !follow && !now;
    for (const auto& w : workers_) waiting = waiting || w->out.size_approx() > 0;
    if (waiting) sink_.write_parts(parts_.data(), parts_.size());
    else sink_.write_parts_now(parts_.data(), parts_.size());
  }
  parts_.clear();
  for (Bundle* b : bundles) release_bundle(b);
  bundles.clear();
}

// Counts a written bundle's documents (and their latency) and gives it back to its worker.
void ShardedReassembly::release_bundle(Bundle* b) {
  if (b->more) extra_pieces_.fetch_add(1, std::memory_order_relaxed);
  const size_t n = b->docs.size();
  size_t injected = 0;
  for (const auto& d : b->docs) injected += d.first_index == UINT64_MAX;
  if (config_.measure_latency && n) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::lock_guard<std::mutex> lock(latency_mu_);
    if (latency_ms_.empty()) latency_ms_.assign(60001, 0);  // 1 ms buckets up to 60 s
    for (int64_t t : b->times_ms) {
      if (t == INT64_MIN) continue;
      const int64_t d = now - t;
      ++latency_ms_[static_cast<size_t>(std::clamp<int64_t>(d, 0, 60000))];
    }
    latency_count_ += n - injected;
  }
  events_written_.fetch_add(n - injected, std::memory_order_relaxed);
  documents_injected_.fetch_add(injected, std::memory_order_relaxed);
  workers_[b->owner]->free_bundles.give(b);
}

void ShardedReassembly::writer_loop() {
  // One bundle per worker per round. In drop mode a worker can skip a tick, so rounds may
  // mix neighbouring ticks; each worker's output stays in order and nothing is left behind:
  // the loop ends only when every worker has delivered its final bundle.
  std::vector<Bundle*> bundles;
  std::vector<size_t> round;  // the workers whose batch this round writes
  std::vector<bool> done(workers_.size(), false);
  size_t remaining = workers_.size();
  while (remaining) {
    round.clear();
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (done[i]) continue;
      Bundle* b;
      workers_[i]->out.wait_dequeue(b);
      if (b->final) {
        done[i] = true;
        --remaining;
      }
      bundles.push_back(b);
      round.push_back(i);
    }
    write_bundles(bundles, true);
    // Nothing more waiting: hand what the sink buffered to the kernel now. Live, a document
    // must not sit in the sink's buffer until a megabyte has gathered (Session View reads
    // the output as it grows); under load the queues are seldom empty, so writes stay large.
    bool more = false;
    for (const auto& w : workers_) more = more || w->out.size_approx() > 0;
    if (!more) sink_.flush();
    // Last: after this the reader may run a quiet tick, which uses the sink and parts_.
    for (size_t i : round) workers_[i]->written.fetch_add(1, std::memory_order_release);
  }
  sink_.flush();
}

void ShardedReassembly::finish() {
  if (finished_) return;
  send_tick(true);
  finished_ = true;
  if (config_.shards > 0) {
    for (auto& w : workers_) w->thread.join();
    writer_.join();
  } else {
    sink_.flush();
  }
}

reassembly::Counters ShardedReassembly::counters() const {
  reassembly::Counters total;
  for (const auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->stats_mu);
    total += w->stats;
  }
  return total;
}

std::vector<uint64_t> ShardedReassembly::records_per_worker() const {
  std::vector<uint64_t> n;
  for (const auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->stats_mu);
    n.push_back(w->stats.records);
  }
  return n;
}

int64_t ShardedReassembly::latency_percentile(double p) const {
  std::lock_guard<std::mutex> lock(latency_mu_);
  if (!latency_count_) return -1;
  const uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(latency_count_ - 1)) + 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < latency_ms_.size(); ++i) {
    seen += latency_ms_[i];
    if (seen >= rank) return static_cast<int64_t>(i);
  }
  return static_cast<int64_t>(latency_ms_.size() - 1);
}

size_t ShardedReassembly::queued_ticks() const {
  size_t n = 0;
  for (const auto& w : workers_) n += w->in.size_approx() + w->out.size_approx();
  return n;
}

size_t ShardedReassembly::in_flight() const {
  size_t n = 0;
  for (const auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->stats_mu);
    n += w->open_events;
  }
  return n;
}

}  // namespace pipeline
