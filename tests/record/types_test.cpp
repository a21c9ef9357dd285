#include "record/types.h"

#include <gtest/gtest.h>

TEST(Types, NamesAndNumbers) {
  EXPECT_EQ(record::type_from_name("SYSCALL"), 1300);
  EXPECT_EQ(record::type_from_name("EOE"), 1320);
  EXPECT_EQ(record::type_from_name("USER_CMD"), 1123);
  EXPECT_EQ(record::type_from_name("LOGIN"), 1006);
  EXPECT_EQ(record::type_from_name("URINGOP"), 1336);
  EXPECT_EQ(record::type_from_name("UNKNOWN[1338]"), 1338);
  EXPECT_EQ(record::type_from_name("syscall"), 0);
  std::string scratch;
  EXPECT_EQ(record::type_name(1302, scratch), "PATH");
  EXPECT_EQ(record::type_name(1999, scratch), "UNKNOWN[1999]");
}

TEST(Types, StandaloneRanges) {
  EXPECT_TRUE(record::is_standalone(1123));   // USER_CMD
  EXPECT_TRUE(record::is_standalone(1100));   // USER_AUTH
  EXPECT_TRUE(record::is_standalone(1200));   // DAEMON_START
  EXPECT_TRUE(record::is_standalone(2300));   // USER_ROLE_CHANGE range
  EXPECT_FALSE(record::is_standalone(1300));  // SYSCALL
  EXPECT_FALSE(record::is_standalone(1006));  // LOGIN comes with SYSCALL
  EXPECT_FALSE(record::is_standalone(1305));  // CONFIG_CHANGE comes with SYSCALL
  EXPECT_FALSE(record::is_standalone(1400));  // AVC comes with SYSCALL
}
