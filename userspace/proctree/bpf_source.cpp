#include "proctree/bpf_source.h"

#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "auspex_abi.h"
#include "proctree.skel.h"
#include "proctree/recorded_source.h"

namespace proctree {

struct BpfSource::Impl {
  explicit Impl(uint64_t ns_per_tick) : decoder(ns_per_tick) {}
  proctree_bpf* skel = nullptr;
  ring_buffer* rb = nullptr;
  int epfd = -1;  // ours: the ring buffer's epoll fd + wake_fd, so wake() can interrupt
  // Our own read-only maps of the ring's consumer and producer positions (the first two
  // pages of a BPF_MAP_TYPE_RINGBUF mmap, kernel/bpf/ringbuf.c): equal positions = drained.
  // libbpf 1.1 has no accessor for them (ring__consumer_pos is 1.3).
  const unsigned long* consumer_pos = nullptr;
  const unsigned long* producer_pos = nullptr;
  size_t page = 0;
  int wake_fd = -1;
  AbiDecoder decoder;
  EventSink* sink = nullptr;  // set during a consume
  // One consumer at a time: the service thread's poll, or a lookup's try_consume.
  std::mutex consume_mu;
  std::FILE* record = nullptr;
  size_t delivered = 0;
  // Read by counters() from other threads.
  std::atomic<uint64_t> samples{0};
  std::atomic<uint64_t> decode_errors[kDecodeErrorCount] = {};
};

namespace {

int ring_callback(void* ctx, void* data, size_t size) {
  return static_cast<BpfSource*>(ctx)->on_sample(data, size);
}

// libbpf prints warnings (and the verifier log on a load failure) to stderr; debug is noise.
int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  return vfprintf(stderr, fmt, args);
}

core::Error errno_error(const char* what, int err) {
  return core::make_error(std::string(what) + ": " + std::strerror(err), err);
}

}  // namespace

BpfSource::BpfSource(uint64_t ns_per_tick) : impl_(std::make_unique<Impl>(ns_per_tick)) {}

BpfSource::~BpfSource() {
  if (impl_->consumer_pos) munmap(const_cast<unsigned long*>(impl_->consumer_pos), impl_->page);
  if (impl_->producer_pos) munmap(const_cast<unsigned long*>(impl_->producer_pos), impl_->page);
  if (impl_->rb) ring_buffer__free(impl_->rb);
  if (impl_->skel) proctree_bpf__destroy(impl_->skel);  // detaches links, closes progs and maps
  if (impl_->epfd >= 0) close(impl_->epfd);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

core::Result<void> BpfSource::start() {
  libbpf_set_print(libbpf_print);
  Impl& m = *impl_;
  m.skel = proctree_bpf__open();
  if (!m.skel) return errno_error("bpf: open proctree skeleton", errno);
  if (int err = proctree_bpf__load(m.skel))
    return errno_error("bpf: load proctree programs (root and BTF needed)", -err);
  if (int err = proctree_bpf__attach(m.skel)) return errno_error("bpf: attach tp_btf programs", -err);
  m.rb = ring_buffer__new(bpf_map__fd(m.skel->maps.auspex_events), ring_callback, this, nullptr);
  if (!m.rb) return errno_error("bpf: ring_buffer__new", errno);
  const int map_fd = bpf_map__fd(m.skel->maps.auspex_events);
  m.page = size_t(sysconf(_SC_PAGESIZE));
  void* c = mmap(nullptr, m.page, PROT_READ, MAP_SHARED, map_fd, 0);
  void* p = mmap(nullptr, m.page, PROT_READ, MAP_SHARED, map_fd, off_t(m.page));
  if (c != MAP_FAILED) m.consumer_pos = static_cast<const unsigned long*>(c);
  if (p != MAP_FAILED) m.producer_pos = static_cast<const unsigned long*>(p);
  // Without them drained() says false and lookups wait for a consume: slower, still right.
  m.epfd = epoll_create1(EPOLL_CLOEXEC);
  m.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (m.epfd < 0 || m.wake_fd < 0) return errno_error("bpf: epoll/eventfd", errno);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = ring_buffer__epoll_fd(m.rb);
  if (epoll_ctl(m.epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0) return errno_error("bpf: epoll_ctl", errno);
  ev.data.fd = m.wake_fd;
  if (epoll_ctl(m.epfd, EPOLL_CTL_ADD, m.wake_fd, &ev) != 0) return errno_error("bpf: epoll_ctl", errno);
  return {};
}

int BpfSource::on_sample(const void* data, size_t size) {
  Impl& m = *impl_;
  m.samples.fetch_add(1, std::memory_order_relaxed);
  if (m.record) write_recorded_sample(m.record, data, size);
  TreeEvent e;
  DecodeError err = m.decoder.decode(data, size, e);
  if (err != DecodeError::kNone) {
    m.decode_errors[static_cast<size_t>(err)].fetch_add(1, std::memory_order_relaxed);
    return 0;  // counted; the other samples are still good
  }
  m.sink->on_event(e);
  ++m.delivered;
  return 0;
}

core::Result<size_t> BpfSource::poll(int timeout_ms, EventSink& sink) {
  Impl& m = *impl_;
  if (!m.rb) return core::make_error("bpf: poll before start");
  epoll_event evs[2];
  int n = epoll_wait(m.epfd, evs, 2, timeout_ms);
  if (n < 0 && errno != EINTR) return errno_error("bpf: epoll_wait", errno);
  for (int i = 0; i < n; ++i) {
    if (evs[i].data.fd == m.wake_fd) {
      uint64_t v;
      (void)!read(m.wake_fd, &v, sizeof v);
    }
  }
  // Consume even after a timeout or a wake: the caller's watermark counts on everything
  // submitted before this call having been read.
  std::lock_guard consuming(m.consume_mu);
  return consume_locked(sink);
}

core::Result<size_t> BpfSource::consume_locked(EventSink& sink) {
  Impl& m = *impl_;
  m.sink = &sink;
  m.delivered = 0;
  int r = ring_buffer__consume(m.rb);
  m.sink = nullptr;
  if (r < 0) return errno_error("bpf: ring_buffer__consume", -r);
  return m.delivered;
}

bool BpfSource::try_consume(EventSink& sink) {
  Impl& m = *impl_;
  if (!m.rb) return false;
  std::unique_lock consuming(m.consume_mu, std::try_to_lock);
  if (!consuming.owns_lock()) return false;
  return consume_locked(sink).ok();
}

bool BpfSource::drained() const {
  const Impl& m = *impl_;
  if (!m.consumer_pos || !m.producer_pos) return false;
  // Producer first: a record reserved after this load is from after the caller's call.
  const unsigned long prod = __atomic_load_n(m.producer_pos, __ATOMIC_ACQUIRE);
  const unsigned long cons = __atomic_load_n(m.consumer_pos, __ATOMIC_ACQUIRE);
  return cons == prod;
}

void BpfSource::record_to(std::FILE* f) { impl_->record = f; }

void BpfSource::wake() {
  uint64_t one = 1;
  if (impl_->wake_fd >= 0) (void)!write(impl_->wake_fd, &one, sizeof one);
}

std::vector<Counter> BpfSource::counters() const {
  const Impl& m = *impl_;
  std::vector<Counter> out;
  static constexpr const char* kNames[AUSPEX_CNT_MAX] = {
      "bpf.ringbuf_full", "bpf.argv_truncated", "bpf.filename_truncated", "bpf.cwd_truncated",
      "bpf.argv_read_failed", "bpf.exe_truncated"};
  for (uint32_t i = 0; i < AUSPEX_CNT_MAX; ++i) {
    uint64_t v = 0;
    if (m.skel) bpf_map_lookup_elem(bpf_map__fd(m.skel->maps.auspex_counters), &i, &v);
    out.push_back({kNames[i], v});
  }
  out.push_back({"bpf.samples", m.samples.load()});
  out.push_back({"bpf.decode_too_short", m.decode_errors[size_t(DecodeError::kTooShort)].load()});
  out.push_back({"bpf.decode_unknown_kind", m.decode_errors[size_t(DecodeError::kUnknownKind)].load()});
  out.push_back({"bpf.decode_bad_string", m.decode_errors[size_t(DecodeError::kBadString)].load()});
  return out;
}

}  // namespace proctree
