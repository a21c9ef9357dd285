#include "reassembly/reassembler.h"

#include "record/types.h"

namespace reassembly {

Reassembler::Reassembler(Config config) : config_(config) {
  if (config_.remembered_max == 0) config_.remembered_max = 1;
  open_.reserve(1024);
}

Reassembler::~Reassembler() = default;

Event* Reassembler::acquire() {
  if (!free_.empty()) {
    Event* e = free_.back();
    free_.pop_back();
    return e;
  }
  storage_.push_back(std::make_unique<Event>());
  return storage_.back().get();
}

void Reassembler::recycle(Event* e) {
  // An event once holding a huge EXECVE would keep that much memory for good: give it back.
  if (e->text.capacity() > (64u << 10)) std::string().swap(e->text);
  e->reset();
  free_.push_back(e);
}

// Two FIFOs per node (fifos_[2 * node + lane]), each holding events of one window length
// in clock order, so expiry only ever looks at heads.
Reassembler::NodeFifo& Reassembler::fifo(uint32_t node_id, uint8_t lane) {
  const size_t i = size_t{node_id} * 2 + lane;
  if (i >= fifos_.size()) fifos_.resize(i + 2);
  return fifos_[i];
}

void Reassembler::fifo_push(Event* e) {
  NodeFifo& f = fifo(e->node_id, e->lane);
  e->fifo_prev = f.tail;
  e->fifo_next = nullptr;
  if (f.tail) f.tail->fifo_next = e;
  else f.head = e;
  f.tail = e;
}

void Reassembler::fifo_remove(Event* e) {
  NodeFifo& f = fifo(e->node_id, e->lane);
  if (e->fifo_prev) e->fifo_prev->fifo_next = e->fifo_next;
  else f.head = e->fifo_next;
  if (e->fifo_next) e->fifo_next->fifo_prev = e->fifo_prev;
  else f.tail = e->fifo_prev;
  e->fifo_prev = e->fifo_next = nullptr;
}

namespace {

constexpr size_t kSpareNodes = 4096;  // bound on the nodes kept for reuse, per map

// Inserts an absent key, in a node left by an earlier erase when there is one.
template <typename Map>
void insert_reusing(Map& m, std::vector<typename Map::node_type>& spare, typename Map::key_type key,
                    typename Map::mapped_type value) {
  if (spare.empty()) {
    m.emplace(key, value);
    return;
  }
  auto node = std::move(spare.back());
  spare.pop_back();
  node.key() = key;
  node.mapped() = value;
  m.insert(std::move(node));
}

// Erases an entry and keeps its node for insert_reusing.
template <typename Map>
void erase_keeping(Map& m, std::vector<typename Map::node_type>& spare, typename Map::iterator it) {
  auto node = m.extract(it);
  if (spare.size() < kSpareNodes) spare.push_back(std::move(node));
}

}  // namespace

void Reassembler::open_insert(uint64_t key, Event* e) { insert_reusing(open_, spare_open_, key, e); }

void Reassembler::open_erase(uint64_t key) {
  auto it = open_.find(key);
  if (it != open_.end()) open_erase(it);
}

void Reassembler::open_erase(decltype(open_)::iterator it) { erase_keeping(open_, spare_open_, it); }

void Reassembler::recent_set(uint64_t key, int64_t time_ms) {
  if (auto it = recent_.find(key); it != recent_.end()) it->second = time_ms;
  else insert_reusing(recent_, spare_recent_, key, time_ms);
}

void Reassembler::forget_one(RememberedHeap& q) {
  const Remembered& r = q.top();
  auto it = recent_.find(r.key);
  if (it != recent_.end() && it->second == r.time_ms) erase_keeping(recent_, spare_recent_, it);
  q.pop();
  --remembered_count_;
}

void Reassembler::remember(const Event* e) {
  if (e->node_id >= remembered_.size()) remembered_.resize(e->node_id + 1);
  if (remembered_count_ >= config_.remembered_max) {
    // Over the memory bound: forget the oldest of the longest queue.
    size_t longest = 0;
    for (size_t i = 1; i < remembered_.size(); ++i)
      if (remembered_[i].size() > remembered_[longest].size()) longest = i;
    if (!remembered_[longest].empty()) forget_one(remembered_[longest]);
  }
  const uint64_t key = key_of(e->node_id, e->serial);
  remembered_[e->node_id].push({e->clock_ms, key, e->time_ms()});
  recent_set(key, e->time_ms());
  ++remembered_count_;
}

bool Reassembler::recently_completed(uint64_t key, int64_t time_ms) const {
  auto it = recent_.find(key);
  if (it == recent_.end()) return false;
  // The same serial far apart in time is another boot's event (concatenated logs), not
  // a straggler of the one we emitted.
  const int64_t d = time_ms - it->second;
  return d <= config_.timeout_ms && d >= -config_.timeout_ms;
}

Event* Reassembler::open_event(const Input& in, uint64_t key) {
  Event* e = acquire();
  e->node_id = in.node_id;
  e->serial = in.header.serial;
  e->sec = in.header.sec;
  e->msec = in.header.msec;
  e->first_index = in.index;
  e->clock_ms = in.clock_ms;
  e->node_offset = 0;
  e->node_length = 0;
  return e;
}

void Reassembler::append_record(Event* e, const Input& in) {
  if (in.stable) {
    RecordRef r;
    r.type = in.header.type;
    r.length = static_cast<uint32_t>(in.line.size());
    r.body_offset = static_cast<uint32_t>(in.header.body.data() - in.line.data());
    r.body_length = static_cast<uint32_t>(in.header.body.size());
    r.line = in.line_no;
    r.data = in.line.data();
    if (e->records.empty()) e->stable_node = in.header.node;
    e->records.push_back(r);
  } else {
    if (e->records.empty() && !in.header.node.empty()) {
      e->node_offset = static_cast<uint32_t>(e->text.size() + (in.header.node.data() - in.line.data()));
      e->node_length = static_cast<uint32_t>(in.header.node.size());
    }
    // open_event set serial and time already; append_copy's first-record copy agrees.
    e->append_copy(in.header, in.line, in.line_no);
  }
  ++counters_.records;
}

void Reassembler::complete(Event* e, Completion how) {
  e->completion = how;
  e->closing = false;  // settle() skips it
  e->node = !e->records.empty() && e->records[0].data
                ? e->stable_node
                : std::string_view(e->text).substr(e->node_offset, e->node_length);
  switch (how) {
    case Completion::kEoe: ++counters_.completed_eoe; break;
    case Completion::kStandalone: ++counters_.completed_standalone; break;
    case Completion::kTimeout: ++counters_.completed_timeout; break;
    case Completion::kProctitle: ++counters_.completed_proctitle; break;
    case Completion::kCapEvicted: ++counters_.evicted_cap; break;
    case Completion::kEndFlush: ++counters_.flushed_end; break;
    case Completion::kLate: break;  // counted per record in late_records
  }
  ++counters_.events;
  completed_.push_back(e);
}

void Reassembler::add(const Input& in) {
  const uint64_t key = key_of(in.node_id, in.header.serial);
  const uint16_t type = in.header.type;
  if (record::is_daemon_record(type)) {
    // auditd's own record under auditd's own counter: an event by itself, whatever kernel
    // event happens to share the number.
    Event* e = open_event(in, key);
    append_record(e, in);
    complete(e, Completion::kStandalone);
    return;
  }
  auto it = open_.find(key);
  if (it == open_.end()) {
    if (recently_completed(key, in.header.time_ms())) {
      if (type == record::kEoe && config_.proctitle_closes) {
        // The end marker of an event closed at its PROCTITLE: nothing left to add.
        ++counters_.trailing_eoe;
        return;
      }
      ++counters_.late_records;
      Event* e = open_event(in, key);
      append_record(e, in);
      complete(e, Completion::kLate);
      return;
    }
    Event* e = open_event(in, key);
    if (type == record::kEoe) {
      // A lone EOE has nothing to end but is still a record of the stream: emit it.
      append_record(e, in);
      complete(e, Completion::kEoe);
      remember(e);
      return;
    }
    if (open_.size() >= config_.max_in_flight) {
      if (Event* oldest = oldest_open()) close_open(oldest, Completion::kCapEvicted);
    }
    append_record(e, in);
    e->lane = record::is_standalone(type) && config_.standalone_timeout_ms < config_.timeout_ms;
    open_insert(key, e);
    fifo_push(e);
    return;
  }
  Event* e = it->second;
  if (type == record::kEoe) {
    append_record(e, in);
    open_erase(it);
    fifo_remove(e);
    remember(e);
    complete(e, Completion::kEoe);
    return;
  }
  // Byte-identical repeat of a record already in the event (a log read twice, a
  // forwarder retry): skip it, counted.
  for (size_t i = 0; i < e->records.size(); ++i) {
    if (e->records[i].type == type && e->record_text(i) == in.line) {
      ++counters_.duplicate_records;
      return;
    }
  }
  append_record(e, in);
  if (type == record::kProctitle && config_.proctitle_closes && !e->closing) {
    e->closing = true;
    closing_.push_back(e);
  }
  if (e->lane == 1 && !record::is_standalone(type)) {
    // The syscall records of a user-space message: a normal event from now on. Its clock
    // restarts at this record's so the normal FIFO stays in clock order.
    fifo_remove(e);
    e->lane = 0;
    e->clock_ms = in.clock_ms;
    fifo_push(e);
  }
}

void Reassembler::advance(uint32_t node_id, int64_t now_ms) {
  if (node_id < remembered_.size()) {
    auto& q = remembered_[node_id];
    while (!q.empty() && now_ms - q.top().clock_ms >= config_.remember_ms) forget_one(q);
  }
  for (uint8_t lane = 0; lane < 2; ++lane) {
    if (size_t{node_id} * 2 + lane >= fifos_.size()) return;
    NodeFifo& f = fifos_[size_t{node_id} * 2 + lane];
    const int64_t window = lane ? config_.standalone_timeout_ms : config_.timeout_ms;
    // Each FIFO is in clock order (clocks never run backwards per node), so stopping at
    // the first event still inside its window closes exactly the expired ones.
    while (f.head && now_ms - f.head->clock_ms >= window)
      close_open(f.head, lane ? Completion::kStandalone : Completion::kTimeout);
  }
}

void Reassembler::settle() {
  // In PROCTITLE order, which is the events' order of completion, as with EOE.
  for (Event* e : closing_) {
    if (e->closing) close_open(e, Completion::kProctitle);  // else closed since (EOE, window, cap)
  }
  closing_.clear();
}

void Reassembler::flush_all() {
  settle();
  // Close in opening order so output stays stable: repeatedly take the oldest head.
  while (Event* oldest = oldest_open()) close_open(oldest, Completion::kEndFlush);
}

// The open event with the lowest first_index: the oldest head over the node FIFOs.
Event* Reassembler::oldest_open() const {
  Event* oldest = nullptr;
  for (const auto& f : fifos_)
    if (f.head && (!oldest || f.head->first_index < oldest->first_index)) oldest = f.head;
  return oldest;
}

// Closes an open event: out of its FIFO and the open map, remembered, completed.
void Reassembler::close_open(Event* e, Completion how) {
  fifo_remove(e);
  open_erase(key_of(e->node_id, e->serial));
  remember(e);
  complete(e, how);
}

}  // namespace reassembly
