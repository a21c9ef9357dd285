#include "record/header.h"

#include <gtest/gtest.h>

using record::Header;
using record::HeaderError;

TEST(LogHeader, PlainLine) {
  Header h;
  ASSERT_EQ(record::parse_log_header(
                "type=SYSCALL msg=audit(1492037289.295:58): arch=c000003e syscall=42", h),
            HeaderError::kNone);
  EXPECT_EQ(h.type, 1300);
  EXPECT_EQ(h.sec, 1492037289);
  EXPECT_EQ(h.msec, 295);
  EXPECT_EQ(h.serial, 58u);
  EXPECT_EQ(h.node, "");
  EXPECT_EQ(h.body, "arch=c000003e syscall=42");
}

TEST(LogHeader, NodePrefixAndTrailingNewline) {
  Header h;
  ASSERT_EQ(record::parse_log_header("node=work type=CWD msg=audit(1615114232.375:15558): cwd=\"/tmp\"\r\n", h),
            HeaderError::kNone);
  EXPECT_EQ(h.node, "work");
  EXPECT_EQ(h.type, 1307);
  EXPECT_EQ(h.body, "cwd=\"/tmp\"");
}

TEST(LogHeader, EoeWithEmptyBody) {
  Header h;
  ASSERT_EQ(record::parse_log_header("type=EOE msg=audit(1640027821.949:151316): ", h), HeaderError::kNone);
  EXPECT_EQ(h.type, 1320);
  EXPECT_EQ(h.body, "");
}

TEST(LogHeader, UnknownTypeByNumber) {
  Header h;
  ASSERT_EQ(record::parse_log_header("type=UNKNOWN[1338] msg=audit(1.000:1): x=1", h), HeaderError::kNone);
  EXPECT_EQ(h.type, 1338);
  EXPECT_EQ(record::parse_log_header("type=UNKNOWN[] msg=audit(1.000:1): x=1", h), HeaderError::kUnknownType);
  EXPECT_EQ(record::parse_log_header("type=UNKNOWN[99999] msg=audit(1.000:1): x", h), HeaderError::kUnknownType);
  EXPECT_EQ(record::parse_log_header("type=NOT_A_TYPE msg=audit(1.000:1): x=1", h), HeaderError::kUnknownType);
}

TEST(LogHeader, SerialAtU32Limit) {
  Header h;
  ASSERT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1.000:4294967295): a=1", h), HeaderError::kNone);
  EXPECT_EQ(h.serial, 4294967295u);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1.000:4294967296): a=1", h), HeaderError::kBadTimestamp);
}

TEST(LogHeader, MalformedAndTruncated) {
  Header h;
  EXPECT_EQ(record::parse_log_header("", h), HeaderError::kEmpty);
  EXPECT_EQ(record::parse_log_header("\n", h), HeaderError::kEmpty);
  EXPECT_EQ(record::parse_log_header("garbage", h), HeaderError::kNoType);
  EXPECT_EQ(record::parse_log_header("node=x", h), HeaderError::kNoType);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL", h), HeaderError::kNoMsg);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=foo", h), HeaderError::kNoMsg);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1492037289.295:5", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1492037289:58): a", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1492037289.29:58): a", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(-1.000:58): a", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header("type=SYSCALL msg=audit(1.000:x): a", h), HeaderError::kBadTimestamp);
  EXPECT_EQ(record::parse_log_header(std::string_view("type=SYSCALL msg=audit(1.0\0:1): a", 33), h),
            HeaderError::kBadTimestamp);
}

TEST(NetlinkHeader, PayloadWithoutNul) {
  Header h;
  const std::string payload = "audit(1700000000.123:77): pid=1 comm=\"x\"";
  ASSERT_EQ(record::parse_netlink_header(1300, std::string_view(payload.data(), payload.size()), h),
            HeaderError::kNone);
  EXPECT_EQ(h.type, 1300);
  EXPECT_EQ(h.serial, 77u);
  EXPECT_EQ(h.msec, 123);
  EXPECT_EQ(h.body, "pid=1 comm=\"x\"");
  EXPECT_EQ(record::parse_netlink_header(1006, "audit(1.000:2): pid=1", h), HeaderError::kNone);  // LOGIN
  EXPECT_EQ(record::parse_netlink_header(2, "audit(1.000:2): x", h), HeaderError::kBadType);  // NLMSG_ERROR
  EXPECT_EQ(record::parse_netlink_header(1000, "audit(1.000:2): x", h), HeaderError::kBadType);  // AUDIT_GET
  EXPECT_EQ(record::parse_netlink_header(1320, "audit(1.000:2)", h), HeaderError::kNone);  // EOE
  EXPECT_EQ(h.body, "");
}
