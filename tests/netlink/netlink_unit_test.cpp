// Decision logic and parsing of the netlink client, without root or kernel state.
#include <errno.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "libaudit_rule.h"
#include "netlink/datagram.h"
#include "netlink/doctor.h"
#include "netlink/rule_drift.h"
#include "netlink/errno_name.h"
#include "netlink/process_info.h"
#include "netlink/self_exclusion.h"
#include "netlink/socket_choice.h"
#include "netlink/status.h"

using namespace netlink;

namespace {

std::vector<uint8_t> message(uint16_t type, std::string_view payload, uint32_t nlmsg_len) {
  std::vector<uint8_t> m(NLMSG_HDRLEN + payload.size());
  nlmsghdr h{};
  h.nlmsg_len = nlmsg_len;
  h.nlmsg_type = type;
  std::memcpy(m.data(), &h, sizeof(h));
  std::memcpy(m.data() + NLMSG_HDRLEN, payload.data(), payload.size());
  return m;
}

struct Rec {
  uint16_t type;
  std::string payload;
};

std::vector<Rec> split(const std::vector<uint8_t>& d, DatagramStats& st) {
  std::vector<Rec> out;
  for_each_record(std::span<const uint8_t>(d), st,
                  [&](uint16_t t, std::string_view p) { out.push_back({t, std::string(p)}); });
  return out;
}

ProcessInfo live(uint32_t pid, std::string comm) { return {pid, true, std::move(comm)}; }
ProcessInfo dead(uint32_t pid) { return {pid, false, ""}; }

Status status_with(uint32_t enabled, uint32_t pid) {
  Status s;
  s.enabled = enabled;
  s.pid = pid;
  return s;
}

}  // namespace

TEST(Datagram, UnicastQuirkTrustsReceivedLength) {
  // kernel/audit.c audit_log_end: unicast nlmsg_len is the payload length only.
  const std::string text = "audit(1.2:3): arch=c000003e syscall=59 key=\"k\"";
  auto d = message(1300, text, text.size());
  DatagramStats st;
  auto recs = split(d, st);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].type, 1300);
  EXPECT_EQ(recs[0].payload, text);
  EXPECT_EQ(st.short_nlmsg_len, 1u);
  EXPECT_EQ(st.malformed, 0u);
}

TEST(Datagram, MulticastCorrectLength) {
  const std::string text = "audit(1.2:3): cwd=\"/\"";
  auto d = message(1307, text, NLMSG_HDRLEN + text.size());
  DatagramStats st;
  auto recs = split(d, st);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].payload, text);
  EXPECT_EQ(st.short_nlmsg_len, 0u);
}

TEST(Datagram, SeveralMessagesAndGarbage) {
  auto a = message(1000, std::string(8, 'a'), NLMSG_HDRLEN + 8);
  auto b = message(NLMSG_DONE, std::string(4, '\0'), NLMSG_HDRLEN + 4);
  std::vector<uint8_t> d = a;
  d.insert(d.end(), b.begin(), b.end());
  DatagramStats st;
  auto recs = split(d, st);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].payload.size(), 8u);
  EXPECT_EQ(recs[1].type, NLMSG_DONE);
  // nlmsg_len larger than what arrived: the received bytes win, counted as malformed.
  auto bad = message(1300, "xyz", 4000);
  DatagramStats st2;
  auto r2 = split(bad, st2);
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(r2[0].payload, "xyz");
  EXPECT_EQ(st2.malformed, 1u);
  // Shorter than a header: nothing handed out, counted.
  std::vector<uint8_t> tiny(7, 0);
  DatagramStats st3;
  EXPECT_TRUE(split(tiny, st3).empty());
  EXPECT_EQ(st3.malformed, 1u);
}

TEST(SocketChoice, AutoPicksUnicastWhenPidFree) {
  auto c = choose_socket(SocketType::automatic, status_with(0, 0), {}, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, SocketType::unicast);
  EXPECT_TRUE(c->may_change_rules);
  EXPECT_NE(c->why.find("no process holds the audit pid"), std::string::npos) << c->why;
}

TEST(SocketChoice, AutoTakesOverDeadHolder) {
  auto c = choose_socket(SocketType::automatic, status_with(1, 4242), dead(4242), 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, SocketType::unicast);
  EXPECT_TRUE(c->take_over_stale_pid);
  EXPECT_NE(c->why.find("4242 has exited"), std::string::npos) << c->why;
}

TEST(SocketChoice, AutoFallsBackToMulticastAndNamesHolder) {
  auto c = choose_socket(SocketType::automatic, status_with(1, 812), live(812, "auditd"), 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, SocketType::multicast);
  EXPECT_FALSE(c->may_change_rules);
  EXPECT_FALSE(c->may_change_status);
  EXPECT_NE(c->why.find("auditd (pid 812)"), std::string::npos) << c->why;
}

TEST(SocketChoice, UnicastRefusedWithLiveHolder) {
  auto c = choose_socket(SocketType::unicast, status_with(1, 812), live(812, "systemd-journal"), 100);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, EEXIST);
  EXPECT_NE(c.error().message.find("systemd-journal (pid 812)"), std::string::npos);
  EXPECT_NE(c.error().message.find("No rule was changed"), std::string::npos);
}

TEST(SocketChoice, MulticastConfiguredMayInstallWhenPidFree) {
  auto c = choose_socket(SocketType::multicast, status_with(0, 0), {}, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, SocketType::multicast);
  EXPECT_TRUE(c->may_change_rules);
}

TEST(SocketChoice, OwnPidIsFree) {
  auto c = choose_socket(SocketType::unicast, status_with(1, 100), live(100, "auspex"), 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, SocketType::unicast);
  EXPECT_FALSE(c->take_over_stale_pid);
}

// `-e 2` cannot be undone without a reboot, so the immutable branch is tested here only.
TEST(SocketChoice, ImmutableFallsBackReadOnly) {
  for (auto req : {SocketType::automatic, SocketType::multicast}) {
    auto c = choose_socket(req, status_with(kAuditImmutable, 0), {}, 100);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->type, SocketType::multicast);
    EXPECT_FALSE(c->may_change_rules);
    EXPECT_FALSE(c->may_change_status);
    EXPECT_NE(c->why.find("immutable"), std::string::npos);
  }
  auto u = choose_socket(SocketType::unicast, status_with(kAuditImmutable, 0), {}, 100);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, EPERM);
  EXPECT_NE(u.error().message.find("auditctl -e 2"), std::string::npos);
}

TEST(SocketChoice, ParseNames) {
  EXPECT_EQ(parse_socket_type("auto"), SocketType::automatic);
  EXPECT_EQ(parse_socket_type("unicast"), SocketType::unicast);
  EXPECT_EQ(parse_socket_type("multicast"), SocketType::multicast);
  EXPECT_FALSE(parse_socket_type("both").has_value());
  EXPECT_EQ(socket_type_name(SocketType::automatic), "auto");
}

TEST(Names, ErrnoAndRequest) {
  EXPECT_EQ(errno_name(EEXIST), "EEXIST (File exists)");
  EXPECT_EQ(errno_name(4242), "errno 4242");
  EXPECT_EQ(message_type_name(AUDIT_SET), "AUDIT_SET");
  EXPECT_EQ(message_type_name(AUDIT_LIST_RULES), "AUDIT_LIST_RULES");
  EXPECT_EQ(message_type_name(1300), "SYSCALL");
}

TEST(Status, ChangeDescribesOnlySetFields) {
  StatusChange c;
  c.enabled(1).backlog_limit(8192);
  EXPECT_EQ(c.mask(), unsigned(AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT));
  EXPECT_EQ(c.describe(), "enabled=1 backlog_limit=8192");
}

TEST(SelfExclusion, SameBytesAsLibaudit) {
  // auditctl -a never,exit -F pid=N (no -S: auditctl fills the mask for all syscalls).
  auto ours = self_exclusion_rule(31337);
  auto lib = netlink_test::libaudit_rule(AUDIT_FILTER_EXIT, AUDIT_NEVER, {"pid=31337"}, {"all"});
  EXPECT_EQ(ours, lib);
}

TEST(ProcessInfo, SelfAndMissing) {
  auto me = process_info(static_cast<uint32_t>(::getpid()));
  EXPECT_TRUE(me.alive);
  EXPECT_FALSE(me.comm.empty());
  auto none = process_info(0x3fffffff);
  EXPECT_FALSE(none.alive);
  EXPECT_EQ(describe_process(none), "pid 1073741823 (exited)");
}

// diagnose() from facts, for what cannot be staged live: immutable, failure=2, rising lost.
namespace {
netlink::DoctorFacts healthy_facts() {
  netlink::DoctorFacts f;
  f.self_pid = 100;
  f.root = true;
  Status s;
  s.enabled = 1;
  s.failure = 1;
  s.backlog_limit = 8192;
  s.lost = 5;
  f.status = s;
  f.status_later = s;
  f.rule_count = 3;
  f.syscall_rule_count = 3;
  return f;
}
const netlink::Finding* find(const std::vector<netlink::Finding>& v, const std::string& check,
                             netlink::Severity sev) {
  for (const auto& x : v)
    if (x.check == check && x.severity == sev) return &x;
  return nullptr;
}
}  // namespace

TEST(Doctor, HealthyMachine) {
  auto v = netlink::diagnose(healthy_facts());
  EXPECT_TRUE(netlink::healthy(v)) << netlink::format_findings_text(v);
  EXPECT_NE(find(v, "lost", netlink::Severity::note), nullptr);  // lost=5, not rising
}

TEST(Doctor, LostRising) {
  auto f = healthy_facts();
  f.status_later->lost = 12;
  auto v = netlink::diagnose(f);
  auto* x = find(v, "lost", netlink::Severity::error);
  ASSERT_NE(x, nullptr);
  EXPECT_NE(x->message.find("lost 7 record(s) in 1.0 s"), std::string::npos) << x->message;
  EXPECT_FALSE(netlink::healthy(v));
}

TEST(Doctor, ImmutableAndPanic) {
  auto f = healthy_facts();
  f.status->enabled = 2;
  f.status->failure = 2;
  auto v = netlink::diagnose(f);
  auto* im = find(v, "enabled", netlink::Severity::error);
  ASSERT_NE(im, nullptr);
  EXPECT_NE(im->fix.find("-e 2"), std::string::npos);
  EXPECT_NE(find(v, "failure", netlink::Severity::warn), nullptr);
}

TEST(Doctor, NotRoot) {
  netlink::DoctorFacts f;
  f.root = false;
  f.status_error = "AUDIT_GET: EPERM (Operation not permitted)";
  auto v = netlink::diagnose(f);
  auto* x = find(v, "access", netlink::Severity::error);
  ASSERT_NE(x, nullptr);
  EXPECT_NE(x->fix.find("run as root"), std::string::npos);
}

TEST(Doctor, JournaldSocketAndHolder) {
  auto f = healthy_facts();
  f.status->pid = 812;
  f.holder = {812, true, "auditd"};
  f.audit_sockets.push_back({4242, 1, 99, {4242, true, "systemd-journal"}});
  auto v = netlink::diagnose(f);
  auto* h = find(v, "audit_pid", netlink::Severity::warn);
  ASSERT_NE(h, nullptr);
  EXPECT_NE(h->message.find("auditd (pid 812)"), std::string::npos);
  EXPECT_NE(h->fix.find("systemctl disable --now auditd"), std::string::npos);
  auto* j = find(v, "journald", netlink::Severity::warn);
  ASSERT_NE(j, nullptr);
  EXPECT_NE(j->fix.find("systemctl mask --now systemd-journald-audit.socket"), std::string::npos);
}

TEST(RuleDrift, NormalizedCompare) {
  RuleItem a{netlink_test::libaudit_rule(AUDIT_FILTER_EXIT, AUDIT_ALWAYS, {"arch=b32"}, {"all"}), "f", 1, "a"};
  RuleItem b{netlink_test::libaudit_rule(AUDIT_FILTER_EXIT, AUDIT_ALWAYS, {"arch=b64"}, {"execve"}), "f", 2, "b"};
  // As the kernel lists `-S all`: class bits (top 16 of the last mask word) cleared.
  RuleBytes listed_a = a.bytes;
  listed_a[12 + 63 * 4 + 2] = 0;
  listed_a[12 + 63 * 4 + 3] = 0;
  std::vector<RuleItem> ours{a, b};
  std::vector<RuleBytes> kernel{listed_a, b.bytes};
  EXPECT_TRUE(compare_rules(ours, kernel).ok());
  kernel = {listed_a};
  auto d = compare_rules(ours, kernel);
  ASSERT_EQ(d.missing.size(), 1u);
  EXPECT_EQ(d.missing[0].line, 2);
  EXPECT_TRUE(d.foreign.empty());
}
