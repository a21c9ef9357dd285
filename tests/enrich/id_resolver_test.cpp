#include "enrich/id_resolver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

void write(const std::string& path, const std::string& text) {
  // Write to a temporary name then rename, as useradd/vipw do: a new inode.
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
}

TEST(IdResolver, ResolvesBothWaysAndSeedsRoot) {
  const std::string dir = ::testing::TempDir();
  write(dir + "/p1", "alice:x:1001:1001::/home/alice:/bin/sh\n# comment\nbroken line\nbob:x:9999:9999::/:/bin/sh\n");
  write(dir + "/g1", "staff:x:50:alice,bob\n");
  enrich::IdResolver r({dir + "/p1", dir + "/g1", 0});
  EXPECT_EQ(r.user_name("1001"), "alice");
  EXPECT_EQ(r.user_id("bob"), "9999");
  EXPECT_EQ(r.user_name("0"), "root");  // not in the file: seeded, as go-libaudit does
  EXPECT_EQ(r.group_name("50"), "staff");
  EXPECT_EQ(r.group_id("staff"), "50");
  EXPECT_EQ(r.user_name("4242"), "");
  EXPECT_EQ(r.read_errors(), 0u);
}

TEST(IdResolver, NoticesAChangedDatabase) {
  const std::string dir = ::testing::TempDir();
  write(dir + "/p2", "alice:x:1001:1001::/home/alice:/bin/sh\n");
  write(dir + "/g2", "");
  enrich::IdResolver r({dir + "/p2", dir + "/g2", 0});
  EXPECT_EQ(r.user_name("1002"), "");
  write(dir + "/p2", "alice:x:1001:1001::/home/alice:/bin/sh\ncarol:x:1002:1002::/:/bin/sh\n");
  r.refresh();
  EXPECT_EQ(r.user_name("1002"), "carol");
  EXPECT_EQ(r.reloads(), 1u);
  r.refresh();  // unchanged: no reload
  EXPECT_EQ(r.reloads(), 1u);
}

TEST(IdResolver, ThrottlesChecks) {
  const std::string dir = ::testing::TempDir();
  write(dir + "/p3", "alice:x:1001:1001::/:/bin/sh\n");
  write(dir + "/g3", "");
  enrich::IdResolver r({dir + "/p3", dir + "/g3", 60000});
  write(dir + "/p3", "dave:x:1001:1001::/:/bin/sh\n");
  r.refresh();  // within the interval: the old table stays
  EXPECT_EQ(r.user_name("1001"), "alice");
}

TEST(IdResolver, MissingFilesStillNameRoot) {
  enrich::IdResolver r({"/nonexistent/passwd", "/nonexistent/group", 0});
  EXPECT_EQ(r.user_name("0"), "root");
  EXPECT_EQ(r.group_name("0"), "root");
  EXPECT_EQ(r.read_errors(), 2u);
}

}  // namespace
