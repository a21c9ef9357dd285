#include "netlink/live_source.h"

#include <errno.h>
#include <linux/audit.h>
#include <unistd.h>

namespace netlink {

namespace {

// The kernel's rules listed on `c`, compared with ours.
core::Result<RuleDrift> drift_of(ControlClient& c, std::span<const RuleItem> ours) {
  auto listed = c.list_rules();
  if (!listed) return listed.error();
  return compare_rules(ours, listed.value());
}

}  // namespace

core::Result<std::unique_ptr<LiveSource>> LiveSource::open(const LiveConfig& cfg) {
  auto control = ControlClient::open(cfg.request_timeout);
  if (!control) return control.error();
  auto st = control->get_status();
  if (!st) return st.error();
  const uint32_t me = static_cast<uint32_t>(::getpid());
  auto choice = choose_socket(cfg.socket_type, st.value(), process_info(st->pid), me);
  if (!choice) return choice.error();

  std::unique_ptr<LiveSource> src(new LiveSource(std::move(control.value()), cfg));
  src->choice_ = std::move(choice.value());
  src->guard_ = std::make_unique<KernelStateGuard>(src->control_, st.value());
  src->guard_->keep_rules(cfg.keep_rules_on_exit);
  src->counters_->kernel_lost_at_open = st->lost;
  src->counters_->kernel_lost = st->lost;
  src->counters_->kernel_backlog = st->backlog;

  DataSocketOptions dopt = cfg.data;
  dopt.request_timeout = cfg.request_timeout;
  auto data = DataSocket::open(src->choice_.type, dopt);
  if (!data) return data.error();
  src->data_.emplace(std::move(data.value()));

  if (src->choice_.type == SocketType::unicast) {
    // A stale registration (holder SIGKILLed) is replaced at once: the kernel pings the old
    // portid with AUDIT_REPLACE, gets ECONNREFUSED and accepts us (kernel/audit.c
    // audit_replace / auditd_set).
    if (auto r = src->data_->register_pid(me, *src->counters_); !r) {
      std::string msg = r.error().message;
      if (r.error().code == EEXIST) {
        auto now = src->control_.get_status();
        if (now) msg += ": the audit pid was taken meanwhile by " + describe_process(process_info(now->pid));
      }
      return core::make_error("registering as the audit pid (unicast): " + msg, r.error().code);
    }
    if (st->pid != me) src->guard_->note_registered(me);
  }

  if (src->choice_.may_change_status) {
    if (cfg.settings.mask()) {
      if (auto r = src->guard_->set(cfg.settings); !r) return r.error();
    }
    if (cfg.enable_audit && st->enabled == kAuditDisabled) {
      if (auto r = src->guard_->set(StatusChange().enabled(kAuditEnabled)); !r) return r.error();
    }
  } else if (cfg.settings.mask()) {
    src->choice_.why += "; status settings (" + cfg.settings.describe() + ") not applied";
  }
  if (st->enabled == kAuditDisabled && !(cfg.enable_audit && src->choice_.may_change_status))
    src->choice_.why += "; audit is disabled (enabled=0): no records will arrive";

  StatusPoller::Options popt;
  popt.interval = cfg.status_poll_interval;
  popt.request_timeout = cfg.request_timeout;
  popt.on_start = cfg.on_poller_start;
  StatusPoller::DriftCheck drift;
  if (src->choice_.may_change_rules && cfg.rule_drift_interval.count() > 0) {
    popt.drift_interval = cfg.rule_drift_interval;
    drift = [in = src->installed_](ControlClient& c) -> core::Result<std::string> {
      std::lock_guard lock(in->mu);  // across the listing: see Installed
      if (in->rules.empty()) return std::string();  // nothing installed (yet)
      auto d = drift_of(c, in->rules);
      if (!d) return d.error();
      return d->ok() ? std::string() : d->describe();
    };
  }
  auto poller = StatusPoller::start(src->counters_, popt, std::move(drift));
  if (!poller) return poller.error();
  src->poller_ = std::move(poller.value());
  return src;
}

LiveSource::~LiveSource() {
  if (guard_) (void)restore();
}

core::Result<InstallReport> LiveSource::install(std::span<const RuleItem> rules) {
  if (!choice_.may_change_rules)
    return core::make_error("rules not installed: " + choice_.why, EPERM);
  InstallOptions opt;
  opt.self_pid = cfg_.self_exclusion ? static_cast<uint32_t>(::getpid()) : 0;
  opt.ignore_errors = cfg_.ignore_rule_errors;
  std::unique_lock lock(installed_->mu);  // no drift check while the rules change
  auto rep = install_rules(control_, rules, opt);
  if (!rep) return rep.error();
  guard_->note_rules(rep->installed);
  installed_->rules = rep->installed_items;
  lock.unlock();
  if (rep->rolled_back)
    return core::make_error("rules not installed (" + std::to_string(rep->errors.size()) +
                                " rejected by the kernel; none of ours kept):\n" +
                                describe_errors(rep.value()),
                            rep->errors.front().code);
  return rep;
}

core::Result<UpdateReport> LiveSource::update(std::span<const RuleItem> rules) {
  if (!choice_.may_change_rules)
    return core::make_error("rules not updated: " + choice_.why, EPERM);
  if (installed_->rules.empty()) {  // only this thread writes it
    auto rep = install(rules);
    if (!rep) return rep.error();
    UpdateReport u;
    u.removed = rep->removed;
    u.added = rep->added;
    u.installed = rep->installed_items;
    return u;
  }
  const size_t pinned = cfg_.self_exclusion ? 1 : 0;
  std::unique_lock lock(installed_->mu);  // no drift check while the rules change
  auto rep = update_rules(control_, installed_->rules, pinned, rules, cfg_.ignore_rule_errors);
  if (!rep) return rep.error();
  installed_->rules = rep->installed;
  lock.unlock();
  std::vector<RuleBytes> bytes;
  for (const auto& r : rep->installed) bytes.push_back(r.bytes);
  guard_->note_rules(std::move(bytes));
  if (rep->rolled_back) {
    std::string msg;
    for (const auto& e : rep->errors) msg += "\n" + e.describe();
    return core::make_error("rules not updated (" + std::to_string(rep->errors.size()) +
                                " rejected by the kernel; the previous rules stay):" + msg,
                            rep->errors.front().code);
  }
  return rep;
}

core::Result<RuleDrift> LiveSource::check_rules() {
  std::lock_guard lock(installed_->mu);
  return drift_of(control_, installed_->rules);
}

std::vector<std::string> LiveSource::take_drift() { return poller_ ? poller_->take_drift() : std::vector<std::string>{}; }

core::Result<Status> LiveSource::poll_status() {
  auto st = control_.get_status();
  StatusPoller::record(*counters_, st);
  return st;
}

core::Result<size_t> LiveSource::receive_once(const RecordCallback& cb,
                                              std::chrono::milliseconds wait) {
  return data_->read_available(cb, wait, *counters_);
}

core::Result<void> LiveSource::receive(const RecordCallback& cb, const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    auto r = receive_once(cb, cfg_.stop_latency);
    if (!r) return r.error();
  }
  return {};
}

core::Result<void> LiveSource::restore() {
  // Our rules go next: a drift check listing them meanwhile would report them gone. A
  // poller still in a request (asleep in the kernel's backlog wait) finishes it alone.
  if (poller_) poller_->stop();
  if (!guard_) return {};
  return guard_->restore();
}

}  // namespace netlink
