// The live audit source as `auspex run` uses it:
//
//   auto src = netlink::LiveSource::open(cfg);        // status read, socket chosen (why())
//   auto rep = (*src)->install(items);                // self-exclusion + rules, file:line errors
//   (*src)->receive(callback, stop);                  // until stop becomes true
//   (*src)->restore();                                // also done by the destructor
//
// Nothing in the kernel is changed before open() has decided it may (USERS.md #1): with a
// live holder of the audit pid it reads multicast and install() refuses without deleting.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "core/result.h"
#include "netlink/control_client.h"
#include "netlink/counters.h"
#include "netlink/data_socket.h"
#include "netlink/kernel_state_guard.h"
#include "netlink/rule_drift.h"
#include "netlink/rule_install.h"
#include "netlink/rule_update.h"
#include "netlink/socket_choice.h"
#include "netlink/status_poller.h"

namespace netlink {

struct LiveConfig {
  SocketType socket_type = SocketType::automatic;
  DataSocketOptions data;
  std::chrono::milliseconds request_timeout{2000};
  // How often the status poller (its own thread and control socket: StatusPoller) reads
  // the kernel's lost/backlog into counters().
  std::chrono::milliseconds status_poll_interval{1000};
  // How often it lists the kernel's rules and compares them with ours once installed
  // (USERS.md #6: `auditctl -D` behind our back); take_drift() hands out what it found.
  // 0: never. Only when we may change rules.
  std::chrono::milliseconds rule_drift_interval{0};
  // Called first on the poller's thread (a daemon drops the capabilities it does not need
  // there: capabilities are per thread, and the thread starts before the daemon's drop).
  std::function<void()> on_poller_start;
  // Longest receive() waits before looking at its stop flag.
  std::chrono::milliseconds stop_latency{100};
  bool enable_audit = true;        // set enabled=1 when it is 0 (restored on exit)
  bool self_exclusion = true;      // `-a never,exit -F pid=<ours>` before our rules
  bool keep_rules_on_exit = false;
  bool ignore_rule_errors = false; // Auditbeat's ignore_errors (USERS.md #5)
  // Status fields to set at open (backlog_limit, rate_limit, failure, backlog_wait_time);
  // restored on exit. Ignored (with a note in why()) when the config cannot be changed.
  StatusChange settings;
};

class LiveSource {
 public:
  static core::Result<std::unique_ptr<LiveSource>> open(const LiveConfig& cfg);
  ~LiveSource();

  const SocketChoice& choice() const { return choice_; }
  SocketType type() const { return choice_.type; }
  const std::string& why() const { return choice_.why; }
  const Status& status_at_open() const { return guard_->original(); }

  // Purges the kernel's rules and installs self-exclusion + these, in order. Refuses (error,
  // nothing deleted) when choice().may_change_rules is false. With rule errors and
  // !ignore_rule_errors the report says rolled_back and the result is an error listing each
  // file:line.
  core::Result<InstallReport> install(std::span<const RuleItem> rules);

  // Reload: replaces the rules install() added with `rules`, keeping the common prefix in
  // the kernel (no unaudited window for it) and the self-exclusion rule first. Same error
  // policy as install(): without ignore_rule_errors a rejected rule restores the previous
  // set and the result is an error naming file:line. Before any install(): install().
  core::Result<UpdateReport> update(std::span<const RuleItem> rules);

  // Lists the kernel's rules and compares them with what install() added (USERS.md #6).
  core::Result<RuleDrift> check_rules();
  // Drift the poller found since the last call (rule_drift_interval), described.
  std::vector<std::string> take_drift();

  // Hands every record to cb until stop is true (checked every stop_latency). Returns only
  // on stop or a fatal socket error. Reading never waits for a control request: the
  // status poller runs beside it.
  core::Result<void> receive(const RecordCallback& cb, const std::atomic<bool>& stop);

  // One receive step (for callers with their own loop): waits up to `wait`.
  core::Result<size_t> receive_once(const RecordCallback& cb, std::chrono::milliseconds wait);
  // Waits up to `wait` for records without reading them (a caller that batches pauses after
  // this, then reads with receive_once(cb, 0)). True when some are queued.
  core::Result<bool> wait_readable(std::chrono::milliseconds wait) { return data_->wait_readable(wait); }
  // The last receive_once stopped at its bound with more records queued.
  bool behind() const { return data_->more_queued(); }
  // Reads lost/backlog now into counters(), on the calling thread (the final report).
  core::Result<Status> poll_status();

  const Counters& counters() const { return *counters_; }
  // The data socket's SO_RCVBUF as the kernel stores it (twice what was asked, socket(7)).
  core::Result<int> receive_buffer() const { return data_->socket().receive_buffer(); }
  ControlClient& control() { return control_; }

  // Stops the status poller, removes our rules (unless keep_rules_on_exit), restores the
  // status fields we changed, unregisters our pid. Idempotent.
  core::Result<void> restore();

 private:
  LiveSource(ControlClient control, const LiveConfig& cfg) : control_(std::move(control)), cfg_(cfg) {}
  ControlClient control_;
  LiveConfig cfg_;
  SocketChoice choice_;
  std::optional<DataSocket> data_;
  std::unique_ptr<KernelStateGuard> guard_;
  // What install()/update() put in the kernel; the poller's drift check reads it (shared:
  // a poller left to finish a request may outlive us). Its lock is held while the kernel's
  // rules change, so a drift check never lists a set half replaced.
  struct Installed {
    std::mutex mu;
    std::vector<RuleItem> rules;
  };
  std::shared_ptr<Installed> installed_ = std::make_shared<Installed>();
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  std::unique_ptr<StatusPoller> poller_;  // last: stopped before the rest goes
};

}  // namespace netlink
