#include "core/hex.h"

#include <gtest/gtest.h>

TEST(Hex, DecodesKernelEncoding) {
  std::string out;
  ASSERT_TRUE(core::hex_decode_append("2F62696E2F6C73002D6C61", out));
  EXPECT_EQ(out, std::string("/bin/ls\0-la", 11));
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  std::string out = "keep";
  EXPECT_FALSE(core::hex_decode_append("ABC", out));
  EXPECT_FALSE(core::hex_decode_append("zz", out));
  EXPECT_FALSE(core::hex_decode_append("", out));
  EXPECT_EQ(out, "keep");
}

TEST(Hex, EncodeRoundTrip) {
  const std::string bytes("\x00\xff\x10 a", 5);
  std::string back;
  ASSERT_TRUE(core::hex_decode_append(core::hex_encode(bytes), back));
  EXPECT_EQ(back, bytes);
  EXPECT_EQ(core::hex_encode("\x01\xab"), "01ab");
}
