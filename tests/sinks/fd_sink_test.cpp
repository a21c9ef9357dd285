#include "sinks/fd_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

int temp_file() {
  char path[] = "/tmp/auspex-fdsink-XXXXXX";
  const int fd = ::mkstemp(path);
  ::unlink(path);
  return fd;
}

// Buffered bytes, pieces written at once and more buffered bytes come out in call order,
// and write_parts_now leaves nothing in the buffer (the bytes are in the file before any
// flush or destructor).
TEST(FdSink, PartsWrittenNowFollowWhatWasBuffered) {
  const int fd = temp_file();
  ASSERT_GE(fd, 0);
  sinks::FdSink sink(fd, 1 << 16);
  sink.write("{\"a\":1}\n");
  std::vector<std::string> docs;
  for (int i = 0; i < 3000; ++i) docs.push_back("{\"n\":" + std::to_string(i) + "}\n");  // > IOV_MAX pieces
  std::vector<std::string_view> parts(docs.begin(), docs.end());
  sink.write_parts_now(parts.data(), parts.size());
  std::string want = "{\"a\":1}\n";
  for (const auto& d : docs) want += d;
  EXPECT_EQ(read_all(fd), want) << "not all on disk after write_parts_now";
  EXPECT_EQ(sink.bytes_written(), want.size());
  sink.write("{\"z\":2}\n");
  sink.flush();
  EXPECT_EQ(read_all(fd), want + "{\"z\":2}\n");
  EXPECT_EQ(sink.errors(), 0u);
  ::close(fd);
}

// A sink that cannot write counts it instead of failing silently.
TEST(FdSink, WriteErrorsAreCounted) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::close(p[0]);  // nobody reads: EPIPE
  signal(SIGPIPE, SIG_IGN);
  sinks::FdSink sink(p[1], 1 << 16);
  const std::string_view part = "{}\n";
  sink.write_parts_now(&part, 1);
  EXPECT_GE(sink.errors(), 1u);
  EXPECT_EQ(sink.last_errno(), EPIPE);
  ::close(p[1]);
}

// The live reader writes quiet ticks itself only to sinks that cannot wait on a reader.
TEST(FdSink, OnlyARegularFileNeverStalls) {
  char path[] = "/tmp/auspex-fdsink-XXXXXX";
  const int f = ::mkstemp(path);
  ASSERT_GE(f, 0);
  ::unlink(path);
  EXPECT_FALSE(sinks::FdSink(f).may_stall());
  ::close(f);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  EXPECT_TRUE(sinks::FdSink(p[1]).may_stall());
  ::close(p[0]);
  ::close(p[1]);
  const int null = ::open("/dev/null", O_WRONLY);
  ASSERT_GE(null, 0);
  EXPECT_TRUE(sinks::FdSink(null).may_stall()) << "a device is not a regular file";
  ::close(null);
}

}  // namespace
