#include "reassembly/reassembler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using reassembly::Completion;
using reassembly::Event;
using reassembly::Reassembler;

namespace {

// Drives a Reassembler with log lines, as the replay reader does (clock = log time).
class Driver {
 public:
  explicit Driver(reassembly::Config c = {}) : r(c) {}
  void line(const std::string& l, uint32_t node_id = 0) {
    reassembly::Input in;
    ASSERT_EQ(record::parse_log_header(l, in.header), record::HeaderError::kNone) << l;
    in.line = l;
    in.node_id = node_id;
    in.index = index++;
    in.line_no = index;
    in.clock_ms = in.header.time_ms();
    r.add(in);
    take();
  }
  void advance(int64_t ms, uint32_t node = 0) {
    r.advance(node, ms);
    take();
  }
  void flush() {
    r.flush_all();
    take();
  }
  void settle() {
    r.settle();
    take();
  }
  struct Out {
    uint32_t serial;
    size_t records;
    Completion how;
    std::vector<uint16_t> types;
    std::string node;
  };
  std::vector<Out> out;
  Reassembler r;

 private:
  void take() {
    for (Event* e : r.completed()) {
      Out o{e->serial, e->records.size(), e->completion, {}, std::string(e->node)};
      for (auto& rec : e->records) o.types.push_back(rec.type);
      out.push_back(o);
      r.recycle(e);
    }
    r.completed().clear();
  }
  uint64_t index = 0;
};

std::string rec(const char* type, int serial, const char* body = "a=1", int64_t sec = 1000, int ms = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "type=%s msg=audit(%lld.%03d:%d): ", type, static_cast<long long>(sec), ms, serial);
  return std::string(buf) + body;
}

}  // namespace

TEST(Reassembler, CompletesOnEoe) {
  Driver d;
  d.line(rec("SYSCALL", 1));
  d.line(rec("CWD", 1));
  d.line(rec("PATH", 1));
  EXPECT_TRUE(d.out.empty());
  d.line(rec("EOE", 1, ""));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].records, 4u);
  EXPECT_EQ(d.out[0].how, Completion::kEoe);
  EXPECT_EQ(d.r.in_flight(), 0u);
}

TEST(Reassembler, InterleavedEventsJoinBySerial) {
  Driver d;
  d.line(rec("SYSCALL", 10));
  d.line(rec("SYSCALL", 11));
  d.line(rec("EXECVE", 10));
  d.line(rec("PATH", 11));
  d.line(rec("EOE", 11, ""));
  d.line(rec("PROCTITLE", 10));
  d.line(rec("EOE", 10, ""));
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[0].serial, 11u);
  EXPECT_EQ(d.out[0].types, (std::vector<uint16_t>{1300, 1302, 1320}));
  EXPECT_EQ(d.out[1].serial, 10u);
  EXPECT_EQ(d.out[1].types, (std::vector<uint16_t>{1300, 1309, 1327, 1320}));
}

TEST(Reassembler, RecordsBeforeSyscallJoin) {
  Driver d;
  d.line(rec("CONFIG_CHANGE", 5, "op=set audit_pid=1"));
  d.line(rec("AVC", 5, "avc: denied"));
  d.line(rec("SYSCALL", 5));
  d.line(rec("EOE", 5, ""));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].types, (std::vector<uint16_t>{1305, 1400, 1300, 1320}));
}

TEST(Reassembler, UserRecordAloneClosesAfterShortWindow) {
  reassembly::Config c;
  c.standalone_timeout_ms = 100;
  Driver d(c);
  d.line(rec("USER_CMD", 7, "msg='cmd=ls'", 1000, 0));
  d.advance(1000 * 1000 + 99);
  EXPECT_TRUE(d.out.empty());
  d.advance(1000 * 1000 + 100);
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].how, Completion::kStandalone);
  EXPECT_EQ(d.r.counters().completed_standalone, 1u);
}

TEST(Reassembler, UserRecordJoinsItsAuditedSendto) {
  // laurel record-service-start.txt: SERVICE_START, then the SYSCALL of systemd's sendto.
  reassembly::Config c;
  c.standalone_timeout_ms = 100;
  Driver d(c);
  d.line(rec("SERVICE_START", 9, "pid=1 msg='unit=x res=success'", 1000, 0));
  d.line(rec("SYSCALL", 9, "syscall=44", 1000, 0));
  d.advance(1000 * 1000 + 500);  // past the short window: it is a normal event now
  EXPECT_TRUE(d.out.empty());
  d.line(rec("SOCKADDR", 9, "saddr=10", 1000, 0));
  d.line(rec("EOE", 9, "", 1000, 0));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].types, (std::vector<uint16_t>{1130, 1300, 1306, 1320}));
}

TEST(Reassembler, AuditdDaemonRecordNeverJoinsAKernelEvent) {
  // auditd numbers DAEMON_* with its own counter: here it equals an open kernel serial.
  Driver d;
  d.line(rec("SYSCALL", 5087, "syscall=59", 1000, 200));
  d.line(rec("DAEMON_START", 5087, "op=start ver=3.0.9", 1000, 0));
  d.line(rec("PATH", 5087, "item=0", 1000, 200));
  d.line(rec("EOE", 5087, "", 1000, 200));
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[0].types, (std::vector<uint16_t>{1200}));
  EXPECT_EQ(d.out[0].how, Completion::kStandalone);
  EXPECT_EQ(d.out[1].types, (std::vector<uint16_t>{1300, 1302, 1320}));
  EXPECT_EQ(d.r.counters().late_records, 0u);
}

TEST(Reassembler, ThousandsOfRecordsApartStillJoin) {
  // A storm: the PROCTITLE of serial 1 arrives after 5,000 other events' records.
  Driver d;
  d.line(rec("SYSCALL", 1));
  for (int s = 2; s < 5002; ++s) {
    d.line(rec("SYSCALL", s));
    d.line(rec("EOE", s, ""));
  }
  d.line(rec("PROCTITLE", 1));
  d.line(rec("EOE", 1, ""));
  ASSERT_EQ(d.out.size(), 5001u);
  EXPECT_EQ(d.out.back().serial, 1u);
  EXPECT_EQ(d.out.back().records, 3u);
}

TEST(Reassembler, TimeoutInLogTime) {
  reassembly::Config c;
  c.timeout_ms = 2000;
  Driver d(c);
  d.line(rec("SYSCALL", 1, "a=1", 1000));
  d.line(rec("PATH", 1, "a=1", 1000));
  d.advance(1000 * 1000 + 1999);
  EXPECT_TRUE(d.out.empty());
  d.advance(1000 * 1000 + 2000);
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].how, Completion::kTimeout);
  EXPECT_EQ(d.out[0].records, 2u);
}

TEST(Reassembler, TimeoutIsPerNode) {
  Driver d;
  d.line("node=a " + rec("SYSCALL", 1, "a=1", 1000), 1);
  d.line("node=b " + rec("SYSCALL", 1, "a=1", 1000), 2);
  d.advance(1000 * 1000 + 5000, 2);  // only node b's clock moved
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].node, "b");
  d.flush();
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].node, "a");
  EXPECT_EQ(d.out[1].how, Completion::kEndFlush);
}

TEST(Reassembler, InFlightCapEvictsOldestAndCounts) {
  reassembly::Config c;
  c.max_in_flight = 3;
  Driver d(c);
  for (int s = 1; s <= 5; ++s) d.line(rec("SYSCALL", s));
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[0].serial, 1u);
  EXPECT_EQ(d.out[1].serial, 2u);
  EXPECT_EQ(d.out[0].how, Completion::kCapEvicted);
  EXPECT_EQ(d.r.counters().evicted_cap, 2u);
  EXPECT_EQ(d.r.in_flight(), 3u);
  d.flush();
  EXPECT_EQ(d.r.counters().flushed_end, 3u);
  EXPECT_EQ(d.r.counters().events, 5u);
}

TEST(Reassembler, LateRecordEmittedAloneAndCounted) {
  Driver d;
  d.line(rec("SYSCALL", 1));
  d.line(rec("EOE", 1, ""));
  d.line(rec("PROCTITLE", 1));
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].how, Completion::kLate);
  EXPECT_EQ(d.out[1].records, 1u);
  EXPECT_EQ(d.r.counters().late_records, 1u);
}

TEST(Reassembler, SameSerialFarApartInTimeIsANewEvent) {
  // Concatenated logs of two boots reuse serials; not a late record.
  Driver d;
  d.line(rec("SYSCALL", 1, "a=1", 1000));
  d.line(rec("EOE", 1, "", 1000));
  d.line(rec("SYSCALL", 1, "a=1", 900000));
  d.line(rec("EOE", 1, "", 900000));
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].how, Completion::kEoe);
  EXPECT_EQ(d.r.counters().late_records, 0u);
}

TEST(Reassembler, DuplicateRecordSkippedAndCounted) {
  Driver d;
  d.line(rec("SYSCALL", 1, "a=1"));
  d.line(rec("SYSCALL", 1, "a=1"));
  d.line(rec("PATH", 1, "item=0"));
  d.line(rec("PATH", 1, "item=1"));
  d.line(rec("EOE", 1, ""));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].records, 4u);
  EXPECT_EQ(d.r.counters().duplicate_records, 1u);
}

TEST(Reassembler, CountersAddUp) {
  Driver d;
  for (int s = 1; s <= 100; ++s) {
    d.line(rec("SYSCALL", s));
    if (s % 3 == 0) d.line(rec("EOE", s, ""));
  }
  d.flush();
  const auto& c = d.r.counters();
  EXPECT_EQ(c.events, 100u);
  EXPECT_EQ(c.completed_eoe + c.flushed_end, 100u);
  EXPECT_EQ(c.records, 133u);
}

TEST(Reassembler, EventViewsPointAtRecords) {
  reassembly::Reassembler r;
  std::string a = "node=h1 " + rec("SYSCALL", 9, "pid=1 comm=\"x\"");
  std::string b = "node=h1 " + rec("EOE", 9, "");
  for (auto* l : {&a, &b}) {
    reassembly::Input in;
    ASSERT_EQ(record::parse_log_header(*l, in.header), record::HeaderError::kNone);
    in.line = *l;
    in.node_id = 1;
    r.add(in);
  }
  ASSERT_EQ(r.completed().size(), 1u);
  Event* e = r.completed()[0];
  EXPECT_EQ(e->node, "h1");
  EXPECT_EQ(e->record_text(0), a);
  EXPECT_EQ(e->record_body(0), "pid=1 comm=\"x\"");
  EXPECT_EQ(e->record_body(1), "");
}

namespace {
reassembly::Config closing_at_proctitle() {
  reassembly::Config c;
  c.proctitle_closes = true;
  return c;
}
}  // namespace

TEST(Reassembler, ProctitleClosesAtSettleWhenConfigured) {
  Driver d(closing_at_proctitle());
  d.line(rec("SYSCALL", 1));
  d.line(rec("SYSCALL", 2));  // interleaved: closing 1 leaves 2 open
  d.line(rec("CWD", 1));
  d.line(rec("PATH", 1));
  d.line(rec("PROCTITLE", 1));
  EXPECT_TRUE(d.out.empty());  // an EOE may still follow in this batch
  d.settle();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].serial, 1u);
  EXPECT_EQ(d.out[0].records, 4u);
  EXPECT_EQ(d.out[0].how, Completion::kProctitle);
  EXPECT_EQ(d.r.in_flight(), 1u);
  EXPECT_EQ(d.r.counters().completed_proctitle, 1u);
  // Its EOE in a later batch (a log or stream that has them) is absorbed, counted.
  d.line(rec("EOE", 1, ""));
  EXPECT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.r.counters().trailing_eoe, 1u);
  EXPECT_EQ(d.r.counters().late_records, 0u);
  d.line(rec("PROCTITLE", 2));
  d.settle();
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].serial, 2u);
  EXPECT_EQ(d.out[1].types, (std::vector<uint16_t>{1300, 1327}));
  d.settle();  // nothing left to settle
  EXPECT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.r.in_flight(), 0u);
}

TEST(Reassembler, EoeRightBehindProctitleJoinsAsBefore) {
  Driver d(closing_at_proctitle());
  d.line(rec("SYSCALL", 4));
  d.line(rec("PROCTITLE", 4));
  d.line(rec("EOE", 4, ""));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].how, Completion::kEoe);
  EXPECT_EQ(d.out[0].records, 3u);
  d.settle();  // the closed event is not closed twice
  EXPECT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.r.counters().events, 1u);
  EXPECT_EQ(d.r.counters().completed_proctitle, 0u);
}

TEST(Reassembler, RecordAfterProctitleIsLateNotLost) {
  Driver d(closing_at_proctitle());
  d.line(rec("SYSCALL", 5));
  d.line(rec("PROCTITLE", 5));
  d.settle();
  d.line(rec("PATH", 5));  // reordered by the kernel's retry queue, say
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].how, Completion::kLate);
  EXPECT_EQ(d.out[1].types, (std::vector<uint16_t>{1302}));
  EXPECT_EQ(d.r.counters().late_records, 1u);
  const auto& c = d.r.counters();
  EXPECT_EQ(c.records, 3u);
  EXPECT_EQ(c.events, c.completed_proctitle + 1);
}

TEST(Reassembler, ProctitleClosedEventsLeaveBeforeTheWindowAndFlush) {
  // A window that ends or a flush before settle() closes them once, by that cause.
  Driver d(closing_at_proctitle());
  d.line(rec("SYSCALL", 8, "a=1", 1000, 0));
  d.line(rec("PROCTITLE", 8, "proctitle=6C73", 1000, 0));
  d.advance(1000 * 1000 + 2000);
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].how, Completion::kTimeout);
  d.settle();
  EXPECT_EQ(d.out.size(), 1u);
  d.line(rec("SYSCALL", 9, "a=1", 1003, 0));
  d.line(rec("PROCTITLE", 9, "proctitle=6C73", 1003, 0));
  d.flush();
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].how, Completion::kProctitle);
  EXPECT_EQ(d.r.counters().events, 2u);
}

TEST(Reassembler, ProctitleFirstWaitsForTheRest) {
  // A PROCTITLE that opens an event has lost or not yet seen its SYSCALL: it does not close
  // the event, the window does.
  Driver d(closing_at_proctitle());
  d.line(rec("PROCTITLE", 7, "proctitle=6C73", 1000, 0));
  d.line(rec("SYSCALL", 7, "a=1", 1000, 0));
  d.settle();
  EXPECT_TRUE(d.out.empty());
  d.advance(1000 * 1000 + 2000);
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].records, 2u);
  EXPECT_EQ(d.out[0].how, Completion::kTimeout);
}

TEST(Reassembler, ProctitleDoesNotCloseByDefault) {
  Driver d;
  d.line(rec("SYSCALL", 3));
  d.line(rec("PROCTITLE", 3));
  d.settle();
  EXPECT_TRUE(d.out.empty());
  d.line(rec("EOE", 3, ""));
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].records, 3u);
  EXPECT_EQ(d.out[0].how, Completion::kEoe);
}
