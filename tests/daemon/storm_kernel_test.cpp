// Load on the real kernel through `auspex run` (ECS documents to a file):
//  - Storm: two workload processes (both cores) do failed opens and fork+execs as fast as
//    they can for AUSPEX_STORM_SECONDS (default 30). Each counts what it caused. Every
//    event must be accounted for: documents written + what the kernel reports lost, and
//    nothing lost inside auspex (no drops at our queues, no sink errors).
//  - Stalled sink: the same workload for 10 s while the output is a pipe nobody reads.
//    Memory stays bounded (the reader blocks, the kernel backlog absorbs, then the kernel
//    drops and counts); once the pipe is read again everything flows and the counts add up.
// The workload sets its own login uid (/proc/self/loginuid) and the rules filter on it, so
// other activity on the machine is not counted.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "audit_reset.h"
#include "testing/subprocess.h"

namespace {

// Workload mode: AUSPEX_STORM=SECONDS:LOGINUID:OUTFILE. Prints "opens execs" to OUTFILE.
const int storm_hook = [] {
  const char* spec = std::getenv("AUSPEX_STORM");
  if (!spec) return 0;
  double seconds = 0;
  unsigned auid = 0;
  char out[512] = {0};
  if (std::sscanf(spec, "%lf:%u:%511s", &seconds, &auid, out) != 3) _exit(2);
  int fd = open("/proc/self/loginuid", O_WRONLY);
  const std::string a = std::to_string(auid);
  if (fd < 0 || write(fd, a.data(), a.size()) != static_cast<ssize_t>(a.size())) _exit(3);
  close(fd);
  uint64_t opens = 0, execs = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 200; ++i) {
      int f = open("/nonexistent/auspex-storm/file", O_RDONLY);
      if (f >= 0) close(f);
      ++opens;
    }
    testing_support::run_true();
    ++execs;
  }
  std::ofstream(out) << opens << " " << execs << "\n";
  _exit(0);
}();

struct Caused {
  uint64_t opens = 0, execs = 0;
};

Caused run_workload(double seconds, unsigned auid, const std::string& dir, int workers) {
  std::vector<pid_t> kids;
  for (int w = 0; w < workers; ++w) {
    const std::string out = dir + "/caused." + std::to_string(w);
    pid_t p = fork();
    if (p == 0) {
      setenv("AUSPEX_STORM", (std::to_string(seconds) + ":" + std::to_string(auid) + ":" + out).c_str(), 1);
      const std::string me = testing_support::self_exe();
      execl(me.c_str(), me.c_str(), (char*)nullptr);
      _exit(127);
    }
    kids.push_back(p);
  }
  Caused c;
  for (size_t w = 0; w < kids.size(); ++w) {
    int st;
    waitpid(kids[w], &st, 0);
    std::istringstream in(testing_support::slurp(dir + "/caused." + std::to_string(w)));
    uint64_t o = 0, e = 0;
    in >> o >> e;
    c.opens += o;
    c.execs += e;
  }
  return c;
}

uint64_t rss_kb(pid_t pid) {
  const std::string s = testing_support::slurp("/proc/" + std::to_string(pid) + "/status");
  const size_t at = s.find("VmRSS:");
  return at == std::string::npos ? 0 : std::stoull(s.substr(at + 6));
}

// Counts documents whose tags hold the key (a plain scan: the output can be large).
// Only the workload's own calls: the open of its marker path, the exec of /bin/true (the
// workers' start-up, after they set their login uid, also makes a few audited calls).
uint64_t count_tag(const std::string& path, const std::string& key, const std::string& also) {
  std::ifstream f(path, std::ios::binary);
  std::string line;
  uint64_t n = 0;
  const std::string needle = "\"tags\":[\"" + key + "\"";
  while (std::getline(f, line)) n += line.find(needle) != std::string::npos && line.find(also) != std::string::npos;
  return n;
}

struct Final {
  uint64_t events = 0, lost = 0, dropped = 0, sink_errors = 0, enobufs = 0;
};

Final final_stats(const std::string& err) {
  Final f;
  simdjson::dom::parser p;
  auto d = p.parse(last_json_line(err));
  EXPECT_EQ(d.error(), simdjson::SUCCESS) << err;
  if (d.error()) return f;
  f.events = d["events"].get_uint64().value();
  f.lost = d["kernel"]["lost_since_start"].get_uint64().value();
  f.dropped = d["queue"]["dropped_records"].get_uint64().value();
  f.sink_errors = d["sink_errors"].get_uint64().value();
  f.enobufs = d["enobufs"].get_uint64().value();
  return f;
}

class Storm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (audit rules, /proc/self/loginuid)";
    char d[] = "/tmp/auspex-storm-XXXXXX";
    dir = mkdtemp(d);
    auid = 3000000 + static_cast<unsigned>(getpid());
    std::ofstream(dir + "/cfg.json") << R"({"audit_rules": "-a always,exit -F arch=b64 -S openat -F exit=-ENOENT -F auid=)"
                                     << auid << R"( -F key=storm_open\n-a always,exit -F arch=b64 -S execve -F auid=)"
                                     << auid << R"( -F key=storm_exec\n", "include_raw_message": false, "stats_interval": 5})";
  }
  void TearDown() override {
    if (dir.empty()) return;
    EXPECT_EQ(testing_support::run("auditctl -l").out, "No rules\n");
    if (!HasFailure()) testing_support::run("rm -rf " + dir);
  }
  void use_backpressure(const std::string& strategy) {
    std::string cfg = testing_support::slurp(dir + "/cfg.json");
    cfg.insert(1, "\"backpressure_strategy\": \"" + strategy + "\", ");
    std::ofstream(dir + "/cfg.json") << cfg;
  }
  pid_t start(const std::string& output) {
    pid_t p = fork();
    if (p == 0) {
      if (!freopen((dir + "/err.txt").c_str(), "w", stderr)) _exit(126);
      execl(AUSPEX_BINARY, AUSPEX_BINARY, "run", "--config", (dir + "/cfg.json").c_str(), "--output", output.c_str(),
            (char*)nullptr);
      _exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until && err().find("ready\n") == std::string::npos)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return p;
  }
  int stop(pid_t p) {
    kill(p, SIGTERM);
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::string err() { return testing_support::slurp(dir + "/err.txt"); }
  netlink_test::AuditLock lock_;
  std::string dir;
  unsigned auid = 0;
};

TEST_F(Storm, EveryEventAccountedForAndNoneLostInside) {
  const char* env = std::getenv("AUSPEX_STORM_SECONDS");
  const double seconds = env ? std::atof(env) : 30;
  // Block rather than drop (backpressure kernel): auspex loses nothing itself; when it
  // falls behind, the kernel's backlog fills and the kernel drops and counts (`lost`).
  use_backpressure("kernel");
  const std::string out = dir + "/out.ndjson";
  pid_t d = start(out);
  ASSERT_NE(err().find("ready"), std::string::npos) << err();
  const Caused c = run_workload(seconds, auid, dir, 2);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // let the pipeline drain
  ASSERT_EQ(stop(d), 0) << err();
  const Final f = final_stats(err());
  const uint64_t opens = count_tag(out, "storm_open", "\"/nonexistent/auspex-storm/file\""),
                 execs = count_tag(out, "storm_exec", "\"executable\":\"/usr/bin/true\"");
  RecordProperty("caused_opens", std::to_string(c.opens));
  RecordProperty("events_per_second", std::to_string(static_cast<uint64_t>((c.opens + c.execs) / seconds)));
  std::printf("storm: caused %llu opens + %llu execs in %.0f s; written %llu + %llu; kernel lost %llu records\n",
              (unsigned long long)c.opens, (unsigned long long)c.execs, seconds, (unsigned long long)opens,
              (unsigned long long)execs, (unsigned long long)f.lost);
  EXPECT_GT(c.opens, 0u);
  EXPECT_EQ(f.dropped, 0u) << "auspex dropped records at its own queue";
  EXPECT_EQ(f.enobufs, 0u) << "the socket overran: records lost without a count";
  EXPECT_EQ(f.sink_errors, 0u);
  EXPECT_LE(opens, c.opens);
  EXPECT_LE(execs, c.execs);
  // Every event not written lost at least one record in the kernel (counted there).
  EXPECT_GE(opens + execs + f.lost, c.opens + c.execs) << err();
  if (f.lost == 0 && f.enobufs == 0) {
    EXPECT_EQ(opens, c.opens);
    EXPECT_EQ(execs, c.execs);
  }
}

TEST_F(Storm, StalledSinkStaysBoundedAndRecovers) {
  const std::string fifo = dir + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Open the read end without reading, so the daemon's open for writing succeeds.
  int rd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rd, 0);
  pid_t d = start(fifo);
  ASSERT_NE(err().find("ready"), std::string::npos) << err();
  std::atomic<uint64_t> max_rss{0};
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    while (sampling) {
      max_rss = std::max<uint64_t>(max_rss, rss_kb(d));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const Caused c = run_workload(10, auid, dir, 2);
  // Recovery: read everything now; the daemon must catch up and finish.
  fcntl(rd, F_SETFL, 0);
  std::atomic<uint64_t> opens{0}, execs{0}, loss_docs{0}, reported_dropped{0};
  std::thread reader([&] {
    std::string buf, line;
    char chunk[1 << 16];
    ssize_t n;
    while ((n = read(rd, chunk, sizeof chunk)) > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      size_t start = 0, nl;
      while ((nl = buf.find('\n', start)) != std::string::npos) {
        std::string_view l(buf.data() + start, nl - start);
        if (l.find("\"tags\":[\"storm_open\"") != std::string_view::npos &&
            l.find("\"/nonexistent/auspex-storm/file\"") != std::string_view::npos)
          ++opens;
        if (l.find("\"action\":\"audit-events-lost\"") != std::string_view::npos) {
          ++loss_docs;
          const size_t at = l.find("\"dropped_records\":");
          if (at != std::string_view::npos) reported_dropped += std::stoull(std::string(l.substr(at + 18, 20)));
        }
        if (l.find("\"tags\":[\"storm_exec\"") != std::string_view::npos &&
            l.find("\"executable\":\"/usr/bin/true\"") != std::string_view::npos)
          ++execs;
        start = nl + 1;
      }
      buf.erase(0, start);
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(4));
  sampling = false;
  sampler.join();
  ASSERT_EQ(stop(d), 0) << err();
  reader.join();
  close(rd);
  const Final f = final_stats(err());
  std::printf("stalled: caused %llu opens + %llu execs; written %llu + %llu; kernel lost %llu; dropped at our queue "
              "%llu records; max RSS %llu KiB\n",
              (unsigned long long)c.opens, (unsigned long long)c.execs, (unsigned long long)opens.load(),
              (unsigned long long)execs.load(), (unsigned long long)f.lost, (unsigned long long)f.dropped,
              (unsigned long long)max_rss.load());
  EXPECT_LT(max_rss.load(), 512u * 1024) << "RSS not bounded while the sink was stalled";
  // The reader never stops reading (backpressure auto): the socket never overruns, and
  // every record that found no room was dropped at our queue, counted.
  EXPECT_EQ(f.enobufs, 0u);
  EXPECT_EQ(f.sink_errors, 0u);
  EXPECT_GT(opens.load(), 0u) << "nothing flowed after the stall";
  // The loss is in the output stream too, and the reports add up to the final count.
  if (f.dropped > 0) EXPECT_GT(loss_docs.load(), 0u);
  EXPECT_EQ(reported_dropped.load(), f.dropped);
  EXPECT_GE(opens + execs + f.lost + f.dropped, c.opens + c.execs) << err();
  EXPECT_LE(opens.load(), c.opens);
}

}  // namespace
