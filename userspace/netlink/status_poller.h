// The kernel's status (lost, backlog) and the drift of our rules, read on a thread of its
// own with a control socket of its own. A reader that sends these requests itself stops
// reading meanwhile: each reply comes from a kernel thread the kernel starts for it
// (kernel/audit.c audit_send_reply, audit_send_list_thread; up to 40 ms under a flood on
// this 2-vCPU VM), and while the kernel's backlog is over its limit every sender of an
// audit request sleeps for backlog_wait_time first (audit_receive: "penalize the sender"),
// the audit daemon included. Its socket fills meanwhile, then the backlog, and the kernel
// drops records (likely the 827 one 10 s unthrottled run of bench/live.sh lost).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "netlink/control_client.h"
#include "netlink/counters.h"

namespace netlink {

class StatusPoller {
 public:
  struct Options {
    std::chrono::milliseconds interval{1000};        // AUDIT_GET: lost and backlog into Counters
    std::chrono::milliseconds request_timeout{2000};
    std::chrono::milliseconds drift_interval{0};     // 0: no drift checks
    // stop() waits this long for a request in flight, then leaves the thread to finish it
    // alone (it owns what it uses): a request can sleep backlog_wait_time in the kernel.
    std::chrono::milliseconds stop_wait{2500};
    std::function<void()> on_start;                  // first thing on the thread
  };
  // Lists the kernel's rules on the poller's socket and compares them with ours: a
  // description when they differ, "" when not, an error when the listing failed. Whatever
  // it uses must stay valid while the thread may run: capture by shared_ptr.
  using DriftCheck = std::function<core::Result<std::string>(ControlClient&)>;

  // One AUDIT_GET's outcome into counters: polls, errors, lost and backlog. Shared with the
  // caller's own poll (LiveSource::poll_status).
  static void record(Counters& c, const core::Result<Status>& st);

  // Opens the control socket and starts polling (the first poll at once).
  static core::Result<std::unique_ptr<StatusPoller>> start(std::shared_ptr<Counters> counters, const Options& opt,
                                                           DriftCheck drift = {});
  ~StatusPoller();
  StatusPoller(const StatusPoller&) = delete;
  StatusPoller& operator=(const StatusPoller&) = delete;

  // No request starts after this returns. Waits up to stop_wait for one in flight; true
  // when the thread ended, false when it was left to finish a request alone (and so on
  // every later call).
  bool stop();
  // Drift descriptions found since the last call, oldest first. A listing that failed is
  // not drift: the next check lists again.
  std::vector<std::string> take_drift();

 private:
  struct State;
  explicit StatusPoller(std::shared_ptr<State> s);
  static void run(std::shared_ptr<State> s);

  std::shared_ptr<State> state_;
  std::thread thread_;
  bool left_alone_ = false;
};

}  // namespace netlink
