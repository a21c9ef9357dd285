#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon/metrics_server.h"
#include "daemon/rule_hits.h"

namespace {

std::string http_get(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return "connect failed";
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace

TEST(Metrics, ServesPrometheusText) {
  auto s = daemon_cli::MetricsServer::start("127.0.0.1:0", [] {
    daemon_cli::PromText p;
    p.counter("auspex_events_total", "Documents written.", 42);
    p.counter("auspex_events_completed_total", "Events closed, by how.", 7, "how=\"eoe\"");
    p.counter("auspex_events_completed_total", "Events closed, by how.", 1, "how=\"timeout\"");
    p.gauge("auspex_rss_bytes", "Resident memory.", 1.5e6);
    return std::move(p.text());
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::string r = http_get(s.value()->port(), "/metrics");
  EXPECT_NE(r.find("HTTP/1.1 200 OK"), std::string::npos) << r;
  EXPECT_NE(r.find("# TYPE auspex_events_total counter\nauspex_events_total 42\n"), std::string::npos) << r;
  // One TYPE line per metric name, however many label sets.
  EXPECT_EQ(r.find("# TYPE auspex_events_completed_total"), r.rfind("# TYPE auspex_events_completed_total"));
  EXPECT_NE(r.find("auspex_events_completed_total{how=\"timeout\"} 1\n"), std::string::npos);
  EXPECT_NE(r.find("auspex_rss_bytes 1500000\n"), std::string::npos);
  EXPECT_NE(http_get(s.value()->port(), "/").find("404"), std::string::npos);
  EXPECT_EQ(s.value()->requests(), 2u);
}

TEST(Metrics, BadAddressesAreNamed) {
  auto r = daemon_cli::MetricsServer::start("localhost", [] { return std::string(); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("localhost"), std::string::npos);
  r = daemon_cli::MetricsServer::start("not-an-ip:80", [] { return std::string(); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("IPv4"), std::string::npos);
}

TEST(RuleHits, CountsQuotedNullAndHexEncodedKeys) {
  daemon_cli::RuleHits h;
  h.count_syscall("arch=c000003e syscall=59 success=yes comm=\"ls\" key=\"exec\"");
  h.count_syscall("arch=c000003e syscall=59 comm=\"ls\" key=\"exec\"");
  h.count_syscall("arch=c000003e syscall=231 key=(null)");
  // Two keys, joined by 0x01, hex-encoded by the kernel: "ids" \x01 "passwd".
  h.count_syscall("arch=c000003e syscall=257 key=69647301706173737764");
  h.count_syscall("arch=c000003e syscall=2");  // no key field at all: not counted
  const auto m = h.snapshot();
  EXPECT_EQ(m.at("exec"), 2u);
  EXPECT_EQ(m.at(""), 1u);
  EXPECT_EQ(m.at("ids"), 1u);
  EXPECT_EQ(m.at("passwd"), 1u);
  EXPECT_EQ(m.size(), 4u);
}
