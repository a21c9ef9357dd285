#include "netlink/status_poller.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "core/thread_name.h"

namespace netlink {

// Everything the thread touches: shared, so a thread left to finish a request owns it.
struct StatusPoller::State {
  State(ControlClient c, std::shared_ptr<Counters> n, const Options& o, DriftCheck d)
      : control(std::move(c)), counters(std::move(n)), opt(o), drift(std::move(d)) {}
  ControlClient control;
  std::shared_ptr<Counters> counters;
  Options opt;
  DriftCheck drift;
  std::mutex mu;
  std::condition_variable wake;   // stop() to the thread
  std::condition_variable ended;  // the thread to stop()
  bool stopping = false;
  bool done = false;
  std::vector<std::string> drift_found;
};

void StatusPoller::record(Counters& c, const core::Result<Status>& st) {
  c.status_polls.fetch_add(1, std::memory_order_relaxed);
  if (!st) {
    c.status_poll_errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  c.kernel_lost.store(st->lost, std::memory_order_relaxed);
  c.kernel_backlog.store(st->backlog, std::memory_order_relaxed);
}

core::Result<std::unique_ptr<StatusPoller>> StatusPoller::start(std::shared_ptr<Counters> counters, const Options& opt,
                                                               DriftCheck drift) {
  auto c = ControlClient::open(opt.request_timeout);
  if (!c) return core::make_error("status poller: " + c.error().message, c.error().code);
  Options o = opt;
  // A round trip per millisecond at most, whatever a caller asked.
  o.interval = std::max(o.interval, std::chrono::milliseconds(1));
  auto s = std::make_shared<State>(std::move(c.value()), std::move(counters), o, std::move(drift));
  std::unique_ptr<StatusPoller> p(new StatusPoller(s));
  p->thread_ = std::thread(run, std::move(s));
  return p;
}

StatusPoller::StatusPoller(std::shared_ptr<State> s) : state_(std::move(s)) {}

StatusPoller::~StatusPoller() { stop(); }

bool StatusPoller::stop() {
  if (!thread_.joinable()) return !left_alone_;
  std::unique_lock lock(state_->mu);
  state_->stopping = true;
  state_->wake.notify_all();
  const bool ended = state_->ended.wait_for(lock, state_->opt.stop_wait, [&] { return state_->done; });
  lock.unlock();
  if (ended) thread_.join();
  else thread_.detach();
  left_alone_ = !ended;
  return ended;
}

std::vector<std::string> StatusPoller::take_drift() {
  std::lock_guard lock(state_->mu);
  return std::exchange(state_->drift_found, {});
}

void StatusPoller::run(std::shared_ptr<State> s) {
  core::name_this_thread("auspex-status");
  if (s->opt.on_start) s->opt.on_start();
  using clock = std::chrono::steady_clock;
  const bool drift = s->drift && s->opt.drift_interval.count() > 0;
  auto next_poll = clock::now();
  auto next_drift = clock::now() + s->opt.drift_interval;
  std::unique_lock lock(s->mu);
  while (!s->stopping) {
    const auto now = clock::now();
    if (now >= next_poll) {
      lock.unlock();
      record(*s->counters, s->control.get_status());
      next_poll = clock::now() + s->opt.interval;
      lock.lock();
      continue;
    }
    if (drift && now >= next_drift) {
      lock.unlock();
      auto d = s->drift(s->control);
      lock.lock();
      if (d && !d->empty()) s->drift_found.push_back(std::move(d.value()));
      next_drift = clock::now() + s->opt.drift_interval;
      continue;
    }
    s->wake.wait_until(lock, drift ? std::min(next_poll, next_drift) : next_poll);
  }
  s->done = true;
  s->ended.notify_all();
}

}  // namespace netlink
