// `auspex run` on the real kernel: with an exec rule and a key it emits exactly the exec
// events of the commands we run (each once, with the key), and on SIGTERM it leaves the
// audit state as it found it. Holds RESOURCE_LOCK audit; the audit_state fixture restores
// the state even if this test crashes.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <algorithm>
#include <functional>
#include <span>
#include <sstream>
#include <thread>

#include "audit_reset.h"
#include "core/hex.h"
#include "netlink/rule_drift.h"
#include "testing/subprocess.h"

namespace {

struct Daemon {
  pid_t pid = -1;
  std::string out, err;
};

bool wait_for_ready(const std::string& err_path, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (testing_support::slurp(err_path).find("ready\n") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

Daemon start(const std::vector<std::string>& args, const std::string& dir) {
  Daemon d;
  d.out = dir + "/out.ndjson";
  d.err = dir + "/err.txt";
  // A previous daemon's "ready" must not be taken for this one's.
  std::remove(d.out.c_str());
  std::remove(d.err.c_str());
  d.pid = fork();
  if (d.pid == 0) {
    freopen(d.out.c_str(), "w", stdout);
    freopen(d.err.c_str(), "w", stderr);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(AUSPEX_BINARY));
    argv.push_back(const_cast<char*>("run"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(AUSPEX_BINARY, argv.data());
    _exit(127);
  }
  return d;
}

int stop(Daemon& d) {
  kill(d.pid, SIGTERM);
  int status = 0;
  waitpid(d.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void run_command(const std::vector<std::string>& args) {
  pid_t p = fork();
  if (p == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int st;
  waitpid(p, &st, 0);
}

class RunKernel : public ::testing::Test {
 protected:
  // Other build trees' audit tests on this machine wait for us (and we for them).
  netlink_test::AuditLock lock_;
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (CAP_AUDIT_CONTROL) to install audit rules";
    char d[] = "/tmp/auspex-run-XXXXXX";
    dir = mkdtemp(d);
    before = testing_support::run("auditctl -s").out;
  }
  void TearDown() override {
    if (dir.empty()) return;
    // The daemon must have put back what it changed.
    EXPECT_EQ(testing_support::run("auditctl -l").out, "No rules\n");
    const std::string after = testing_support::run("auditctl -s").out;
    for (const char* key : {"enabled ", "pid ", "backlog_limit ", "rate_limit ", "failure ", "backlog_wait_time "}) {
      auto line = [&](const std::string& s) {
        const size_t p = s.find(std::string("\n") + key);
        return p == std::string::npos ? std::string() : s.substr(p + 1, s.find('\n', p + 1) - p - 1);
      };
      EXPECT_EQ(line(after), line(before)) << "audit status field '" << key << "' not restored";
    }
    testing_support::run("rm -rf " + dir);
  }
  // `auspex run` with one rule, execve keyed `key`, and the events format.
  Daemon start_with_exec_rule(const std::string& key) {
    const std::string rules = dir + "/" + key + ".rules";
    std::ofstream(rules) << "# end-to-end\n-a always,exit -F arch=b64 -S execve -F key=" << key << "\n";
    const std::string cfg = dir + "/cfg.json";
    std::ofstream(cfg) << R"({"format": "events", "audit_rules": ""})";
    return start({"--config", cfg, "--rules", rules}, dir);
  }
  std::string dir, before;
};

TEST_F(RunKernel, ExactlyTheExecsWeRanWithTheKey) {
  Daemon d = start_with_exec_rule("auspex_e2e");
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);

  const std::string marker = "auspex-e2e-" + std::to_string(getpid());
  const int n = 7;
  for (int i = 0; i < n; ++i) run_command({"/bin/echo", marker, std::to_string(i)});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);

  simdjson::dom::parser p;
  std::istringstream in(testing_support::slurp(d.out));
  std::string line;
  std::vector<int> seen(n, 0);
  size_t docs = 0;
  while (std::getline(in, line)) {
    auto doc = p.parse(line);
    ASSERT_EQ(doc.error(), simdjson::SUCCESS) << line;
    ++docs;
    bool has_key = false;
    std::string a1, a2;
    for (auto r : doc["records"].get_array()) {
      std::string_view type = r["type"].get_string().value();
      auto fields = r["fields"];
      if (type == "SYSCALL") {
        std::string_view key;
        if (!fields["key"].get(key)) has_key = key == "auspex_e2e";
      } else if (type == "EXECVE") {
        std::string_view v;
        if (!fields["a1"].get(v)) a1 = v;
        if (!fields["a2"].get(v)) a2 = v;
      }
    }
    if (a1 == marker) {
      EXPECT_TRUE(has_key) << line;
      ++seen.at(std::stoi(a2));
    }
  }
  EXPECT_GT(docs, 0u);
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "exec " << i << " seen " << seen[i] << " times";
  const std::string err = testing_support::slurp(d.err);
  EXPECT_NE(err.find("\"stats\":\"final\""), std::string::npos) << err;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

// Documents reach the output while the daemon runs, within a second of the event, on a
// quiet system too: not held in the sink's buffer until it fills or the daemon stops.
TEST_F(RunKernel, DocumentsAreWrittenAsTheyComeNotAtExit) {
  Daemon d = start_with_exec_rule("auspex_now");
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
  const std::string marker = "auspex-now-" + std::to_string(getpid());
  run_command({"/bin/echo", marker});
  const auto t0 = std::chrono::steady_clock::now();
  const bool seen = wait_until([&] { return testing_support::slurp(d.out).find(marker) != std::string::npos; },
                               std::chrono::seconds(3));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
  ASSERT_TRUE(seen) << "the exec's document was not in the output while the daemon ran";
  EXPECT_LT(waited, std::chrono::seconds(1));
}

// Events and median latency of the daemon's final stats line on stderr.
struct FinalLatency {
  bool ok = false;
  int64_t events = 0, p50 = -1;
};
FinalLatency final_latency(const std::string& err) {
  FinalLatency f;
  const size_t at = err.find("\"stats\":\"final\"");
  if (at == std::string::npos) return f;
  const size_t from = err.rfind('\n', at) + 1;  // npos + 1 == 0: the first line
  simdjson::dom::parser p;
  auto stats = p.parse(err.substr(from, err.find('\n', at) - from));
  f.ok = !stats.error() && !stats["events"].get(f.events) && !stats["latency_ms"]["p50"].get(f.p50);
  return f;
}

// The read pause (max_read_delay_ms) bounds what batching adds to an event's latency: once
// records arrive the reader waits one pause, then reads and hands on everything queued. A
// steady stream of execs, 400 ms pauses: every event is written within about one pause
// (p50 ~180 ms, p99 ~400 ms). When the read came before the pause and the tick after it,
// what arrived during a pause also waited for the next one (p50 ~580 ms, p99 ~800 ms).
TEST_F(RunKernel, AnEventWaitsAtMostOneReadPause) {
  const std::string rules = dir + "/pause.rules";
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve -F key=auspex_pause\n";
  const std::string cfg = dir + "/cfg.json";
  std::ofstream(cfg) << R"({"format": "events", "audit_rules": "", "max_read_delay_ms": 400})";
  Daemon d = start({"--config", cfg, "--rules", rules}, dir);
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(3000);
  int ran = 0;
  while (std::chrono::steady_clock::now() < until) {
    run_command({"/bin/true"});
    ++ran;
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  // Let the last batch out before stopping: the stop drains and flushes at once, which
  // would shorten its wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
  const std::string err = testing_support::slurp(d.err);
  const FinalLatency f = final_latency(err);
  ASSERT_TRUE(f.ok) << err;
  EXPECT_GE(f.events, ran) << err;
  // The median only: the CONFIG_CHANGE records of our own rule install have no SYSCALL or
  // EOE after them (our pid is excluded) and go out at the reassembly timeout, ~2 s; two
  // of them would be the p99 of ~75 events.
  EXPECT_LT(f.p50, 400) << err;
}

// The pause follows the rate: a trickle of events makes it grow to max_read_delay_ms (400
// here), and bursts of thousands of records then shrink it, so burst events do not wait a
// pause sized for the trickle. (A read of more than 1,024 records was once taken for "the
// reader is behind", which kept the pause where the trickle left it: every burst event
// waited ~400 ms.)
TEST_F(RunKernel, BurstsShortenTheReadPause) {
  const std::string missing = dir + "/missing-" + std::to_string(getpid());
  const std::string rules = dir + "/burst.rules";
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S openat -F exit=-ENOENT -F pid=" << getpid()
                       << " -F key=auspex_burst\n";
  const std::string cfg = dir + "/cfg.json";
  std::ofstream(cfg) << R"({"format": "events", "audit_rules": "", "max_read_delay_ms": 400})";
  Daemon d = start({"--config", cfg, "--rules", rules}, dir);
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
  auto fail_open = [&] { (void)::open(missing.c_str(), O_RDONLY); };
  for (int i = 0; i < 12; ++i) {  // the trickle: one event per 100 ms
    fail_open();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const int bursts = 10, per_burst = 500;  // ~2,500 records a burst (SYSCALL CWD PATH PROCTITLE EOE)
  for (int b = 0; b < bursts; ++b) {
    for (int i = 0; i < per_burst; ++i) fail_open();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
  const std::string err = testing_support::slurp(d.err);
  const FinalLatency f = final_latency(err);
  ASSERT_TRUE(f.ok) << err;
  EXPECT_GE(f.events, bursts * per_burst) << err;
  EXPECT_LT(f.p50, 150) << err;
}

TEST_F(RunKernel, ReloadAppliesValidChangesAndKeepsRulesOnErrors) {
  const std::string rules = dir + "/live.rules";
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve -F key=auspex_reload_a\n";
  const std::string cfg = dir + "/cfg.json";
  std::ofstream(cfg) << R"({"format": "events", "audit_rules": ""})";
  Daemon d = start({"--config", cfg, "--rules", rules}, dir);
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
  auto listed = [] { return testing_support::run("auditctl -l").out; };
  EXPECT_NE(listed().find("key=auspex_reload_a"), std::string::npos);

  // A valid change (written in place, as an editor would) is applied without a restart.
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve -F key=auspex_reload_a\n"
                          "-a always,exit -F arch=b64 -S connect -F key=auspex_reload_b\n";
  EXPECT_TRUE(wait_until([&] { return listed().find("key=auspex_reload_b") != std::string::npos; },
                         std::chrono::seconds(10)))
      << testing_support::slurp(d.err);
  EXPECT_TRUE(wait_until([&] { return testing_support::slurp(d.err).find("1 added") != std::string::npos; },
                         std::chrono::seconds(5)));

  // An invalid one keeps the running rules and names file:line.
  const std::string before = listed();
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve -F key=auspex_reload_a\n"
                          "-a always,exit -S no_such_syscall\n";
  EXPECT_TRUE(wait_until([&] { return testing_support::slurp(d.err).find("keeping the running rules") != std::string::npos; },
                         std::chrono::seconds(10)))
      << testing_support::slurp(d.err);
  EXPECT_NE(testing_support::slurp(d.err).find(rules + ":2:"), std::string::npos);
  EXPECT_EQ(listed(), before);

  // SIGHUP reloads too: back to one rule.
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve -F key=auspex_reload_a\n";
  kill(d.pid, SIGHUP);
  EXPECT_TRUE(wait_until([&] { return listed().find("key=auspex_reload_b") == std::string::npos; },
                         std::chrono::seconds(10)));
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
}

// rules/*.rules (the seed sets) install on this kernel in file order: what the kernel lists
// afterwards (auditctl -l, and the bytes) is our self-exclusion rule, then exactly the file's
// rules in the file's order.
TEST_F(RunKernel, SeedRuleSetsInstallInFileOrder) {
  for (const char* seed : {"/rules/session-view.rules", "/rules/example.rules"}) {
    SCOPED_TRACE(seed);
    const std::string file = std::string(AUSPEX_SOURCE_DIR) + seed;
    const std::string cfg = dir + "/cfg.json";
    std::ofstream(cfg) << R"({"format": "events", "audit_rules": ""})";
    Daemon d = start({"--config", cfg, "--rules", file}, dir);
    ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
    const auto listed = testing_support::run(std::string(AUSPEX_BINARY) + " rules list --hex");
    const auto auditctl = testing_support::run("auditctl -l");
    EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
    ASSERT_EQ(listed.rc, 0) << listed.err;
    const auto dumped = testing_support::run(std::string(AUSPEX_BINARY) + " rules dump " + file);
    ASSERT_EQ(dumped.rc, 0) << dumped.err;

    std::vector<std::vector<uint8_t>> kernel, ours;
    std::istringstream l(listed.out);
    std::string line;
    while (std::getline(l, line)) {
      const size_t at = line.find("  # ");
      ASSERT_NE(at, std::string::npos) << line;
      std::string bytes;
      ASSERT_TRUE(core::hex_decode_append(line.substr(at + 4), bytes));
      kernel.push_back(netlink::normalize_rule(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    }
    simdjson::dom::parser p;
    std::istringstream dj(dumped.out);
    while (std::getline(dj, line)) {
      auto doc = p.parse(line);
      ASSERT_EQ(doc.error(), simdjson::SUCCESS) << line;
      std::string bytes;
      ASSERT_TRUE(core::hex_decode_append(doc["hex"].get_string().value(), bytes));
      // normalize_rule: the form the kernel lists (class bits of -S all cleared).
      ours.push_back(netlink::normalize_rule(
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    }
    ASSERT_FALSE(ours.empty());
    ASSERT_EQ(kernel.size(), ours.size() + 1) << listed.out;  // + the self-exclusion rule first
    EXPECT_NE(listed.out.substr(0, listed.out.find('\n')).find("-a never,exit"), std::string::npos);
    for (size_t i = 0; i < ours.size(); ++i) EXPECT_TRUE(kernel[i + 1] == ours[i]) << "rule " << i + 1 << " of " << seed;
    // auditctl sees the same number of rules, in the same order as `auspex rules list`.
    EXPECT_EQ(std::count(auditctl.out.begin(), auditctl.out.end(), '\n'), static_cast<long>(kernel.size()));
  }
}

// A SIGKILLed run leaves its settings (enabled 1, backlog_limit, ...), its rules and a stale
// pid. The next run takes over and, at its clean stop, puts back the settings from before the
// killed run (its state file), not the killed run's. TearDown checks every field.
TEST_F(RunKernel, NextRunRestoresWhatAKilledRunChanged) {
  setenv("AUSPEX_STATE_DIR", dir.c_str(), 1);
  const std::string cfg = dir + "/cfg.json";
  std::ofstream(cfg) << R"({"format": "events", "backlog_limit": 9000})";
  Daemon a = start({"--config", cfg}, dir);
  ASSERT_TRUE(wait_for_ready(a.err, std::chrono::seconds(20))) << testing_support::slurp(a.err);
  kill(a.pid, SIGKILL);
  int st;
  waitpid(a.pid, &st, 0);
  EXPECT_FALSE(testing_support::slurp(dir + "/audit-state").empty());
  EXPECT_NE(testing_support::run("auditctl -s").out.find("backlog_limit 9000"), std::string::npos);

  Daemon b = start({"--config", cfg}, dir);
  ASSERT_TRUE(wait_for_ready(b.err, std::chrono::seconds(20))) << testing_support::slurp(b.err);
  EXPECT_NE(testing_support::slurp(b.err).find("did not stop cleanly"), std::string::npos)
      << testing_support::slurp(b.err);
  EXPECT_EQ(stop(b), 0) << testing_support::slurp(b.err);
  EXPECT_TRUE(testing_support::slurp(dir + "/audit-state").empty()) << "state file left after a clean stop";
  unsetenv("AUSPEX_STATE_DIR");
}

TEST_F(RunKernel, BadRuleFailsBeforeTouchingTheKernel) {
  const std::string rules = dir + "/bad.rules";
  std::ofstream(rules) << "-a always,exit -F arch=b64 -S execve\n-a always,exit -S no_such_syscall\n";
  auto r = testing_support::run(std::string(AUSPEX_BINARY) + " run --rules " + rules);
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find(rules + ":2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was changed in the kernel"), std::string::npos) << r.err;
}

}  // namespace

// USERS.md #6: rules deleted behind our back (`auditctl -D`) are reported on stderr and in
// the final stats within the poller's 10 s, while the reader goes on reading.
TEST_F(RunKernel, RulesDeletedBehindOurBackAreReported) {
  Daemon d = start_with_exec_rule("auspex_drift");
  ASSERT_TRUE(wait_for_ready(d.err, std::chrono::seconds(20))) << testing_support::slurp(d.err);
  run_command({"/sbin/auditctl", "-D"});
  EXPECT_TRUE(wait_until([&] { return testing_support::slurp(d.err).find("auspex run: rule drift: ") != std::string::npos; },
                         std::chrono::seconds(15)))
      << testing_support::slurp(d.err);
  EXPECT_NE(testing_support::slurp(d.err).find(dir + "/auspex_drift.rules:2"), std::string::npos)
      << testing_support::slurp(d.err);
  EXPECT_EQ(stop(d), 0) << testing_support::slurp(d.err);
  const std::string err = testing_support::slurp(d.err);
  const size_t final_at = err.find("{\"stats\":\"final\"");
  ASSERT_NE(final_at, std::string::npos) << err;
  EXPECT_EQ(err.find("\"rule_drift\":0,", final_at), std::string::npos) << err.substr(final_at);
}
