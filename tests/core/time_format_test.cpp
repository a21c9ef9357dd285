#include "core/time_format.h"

#include <gtest/gtest.h>

TEST(TimeFormat, Rfc3339Milliseconds) {
  std::string s;
  core::append_rfc3339_ms(s, 1492037289, 295);  // go-libaudit testdata serial 58
  EXPECT_EQ(s, "2017-04-12T22:48:09.295Z");
  s.clear();
  core::append_rfc3339_ms(s, 0, 7);
  EXPECT_EQ(s, "1970-01-01T00:00:00.007Z");
  s.clear();
  core::append_rfc3339_ms(s, 951782400, 0);  // leap day 2000-02-29
  EXPECT_EQ(s, "2000-02-29T00:00:00.000Z");
  s.clear();
  core::append_rfc3339_ms(s, 4102444799, 999);
  EXPECT_EQ(s, "2099-12-31T23:59:59.999Z");
}
