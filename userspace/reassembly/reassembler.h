// Joins records into events, one (node, serial) each, on one thread. The sharded pipeline
// runs one Reassembler per worker; tests drive it directly. O(1) work per record.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reassembly/counters.h"
#include "reassembly/event.h"
#include "record/header.h"

namespace reassembly {

struct Config {
  // Open events per reassembler before the oldest is forced out (bounded memory).
  size_t max_in_flight = 65536;
  // An event with no EOE closes once its node's clock is this far past the event's clock.
  // Replay uses log time (auditd writes no EOE); live uses arrival time.
  int64_t timeout_ms = 2000;
  // User-space messages (USER_*, 1100-1299, 2100-2999) are usually a whole event, but when
  // the sender's syscall is audited the kernel follows them with SYSCALL ... EOE under the
  // same serial (kernel/auditsc.c auditsc_get_stamp marks the context for recording), so
  // they cannot close at once. An event holding only such records closes after this
  // shorter window (live: low latency for PAM logins), or joins the syscall records.
  // Replay keeps it equal to timeout_ms: log time costs nothing to wait for.
  int64_t standalone_timeout_ms = 2000;
  // Completed keys are remembered to recognise late records until their node's clock is
  // this far past them (a clock, not a count, so any number of shards decides alike)...
  int64_t remember_ms = 10000;
  // ...and at most this many per reassembler (oldest forgotten first) to bound memory.
  size_t remembered_max = 1 << 20;
  // A PROCTITLE record closes its event at the next settle() unless its EOE came first.
  // The kernel writes PROCTITLE last of a syscall event, right before EOE
  // (kernel/auditsc.c audit_log_exit), and auditd's logs hold no EOE records, so without
  // this every event of a log waits out timeout_ms of log time, held in memory; libauparse
  // closes at PROCTITLE too (au_check_events). Waiting for settle() (the pipeline calls it
  // after each batch) lets an EOE right behind its PROCTITLE join as before, and keeps the
  // outcome the same for any number of shards. A later EOE of a closed event is absorbed
  // (counted in trailing_eoe: it carries nothing, and ECS documents never list it); any
  // other record of a closed event is a late record, emitted alone.
  // Replay turns it on; live keeps waiting for EOE, which the kernel always sends and
  // which also covers records reordered by the kernel's retry queue.
  bool proctitle_closes = false;
};

// One record handed to the reassembler. Views must stay valid for the call only (the
// reassembler copies the line into the event it joins) unless stable is set.
struct Input {
  record::Header header;     // header.body points into line
  std::string_view line;     // the whole record text
  uint32_t node_id = 0;      // interned node (0 = no node=)
  uint64_t index = 0;        // global record index (order of arrival)
  uint64_t line_no = 0;      // for error messages: file line or datagram number
  int64_t clock_ms = 0;      // log time (replay) or arrival time (live)
  // line outlives the reassembler's events (a mapped file): keep views, copy nothing.
  bool stable = false;
};

class Reassembler {
 public:
  explicit Reassembler(Config config = {});
  ~Reassembler();
  Reassembler(const Reassembler&) = delete;
  Reassembler& operator=(const Reassembler&) = delete;

  void add(const Input& in);
  // The clock of a node moved to now_ms: close that node's events older than the window.
  void advance(uint32_t node_id, int64_t now_ms);
  // Close the events whose PROCTITLE arrived since the last call (proctitle_closes).
  void settle();
  // Close everything still open (end of input, shutdown).
  void flush_all();

  // Events completed since the last take(), in completion order. The caller hands each
  // back with recycle() when done so its buffers are reused.
  std::vector<Event*>& completed() { return completed_; }
  void recycle(Event* e);

  size_t in_flight() const { return open_.size(); }
  const Counters& counters() const { return counters_; }

 private:
  struct NodeFifo {
    Event* head = nullptr;
    Event* tail = nullptr;
  };
  static uint64_t key_of(uint32_t node_id, uint32_t serial) {
    return uint64_t{node_id} << 32 | serial;
  }
  Event* acquire();
  Event* open_event(const Input& in, uint64_t key);
  void append_record(Event* e, const Input& in);
  void complete(Event* e, Completion how);
  void close_open(Event* e, Completion how);
  Event* oldest_open() const;
  void remember(const Event* e);
  bool recently_completed(uint64_t key, int64_t time_ms) const;
  void fifo_push(Event* e);
  void fifo_remove(Event* e);
  NodeFifo& fifo(uint32_t node_id, uint8_t lane);

  Config config_;
  Counters counters_;
  std::unordered_map<uint64_t, Event*> open_;
  std::vector<NodeFifo> fifos_;
  std::vector<Event*> completed_;
  std::vector<Event*> closing_;  // PROCTITLE seen, not yet settled (may have closed since)
  std::vector<std::unique_ptr<Event>> storage_;
  std::vector<Event*> free_;
  // Recently completed keys: key -> event time (ms), and per node a FIFO of
  // (key, event time, node clock at completion) to forget them in order.
  struct Remembered {
    int64_t clock_ms;  // first: the heap orders by it
    uint64_t key;
    int64_t time_ms;
    bool operator>(const Remembered& o) const {
      return clock_ms != o.clock_ms ? clock_ms > o.clock_ms : key > o.key;
    }
  };
  using RememberedHeap =
      std::priority_queue<Remembered, std::vector<Remembered>, std::greater<Remembered>>;
  std::unordered_map<uint64_t, int64_t> recent_;
  std::vector<RememberedHeap> remembered_;  // per node, oldest clock on top
  void forget_one(RememberedHeap& q);
  // Map nodes of erased entries, reused by the next insert: an event opens and closes
  // without a heap allocation once the maps have reached their working size.
  std::vector<decltype(open_)::node_type> spare_open_;
  std::vector<decltype(recent_)::node_type> spare_recent_;
  void open_insert(uint64_t key, Event* e);
  void open_erase(uint64_t key);
  void open_erase(decltype(open_)::iterator it);
  void recent_set(uint64_t key, int64_t time_ms);
  size_t remembered_count_ = 0;
};

}  // namespace reassembly
