#include "sinks/rotating_file_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class RotatingSink : public ::testing::Test {
 protected:
  void SetUp() override {
    char d[] = "/tmp/auspex-sink-XXXXXX";
    dir = mkdtemp(d);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string dir;
};

TEST_F(RotatingSink, RotatesAtLineBoundariesAndKeepsN) {
  const std::string path = dir + "/out.ndjson";
  {
    auto s = sinks::RotatingFileSink::open(path, 100, 2);
    ASSERT_TRUE(s.ok()) << s.error().message;
    const std::string line = std::string(39, 'x') + "\n";  // 40 bytes
    for (int i = 0; i < 10; ++i) s.value()->write(line);
    s.value()->flush();
    EXPECT_EQ(s.value()->errors(), 0u);
    EXPECT_EQ(s.value()->bytes_written(), 400u);
    EXPECT_EQ(s.value()->rotations(), 4u);  // 80 bytes per file: 5 files written
  }
  EXPECT_EQ(slurp(path).size(), 80u);
  EXPECT_EQ(slurp(path + ".1").size(), 80u);
  EXPECT_EQ(slurp(path + ".2").size(), 80u);
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  for (const auto* p : {&path}) {
    const std::string t = slurp(*p);
    EXPECT_EQ(t.back(), '\n');
  }
}

TEST_F(RotatingSink, BatchOfDocumentsSplitWithoutCuttingALine) {
  const std::string path = dir + "/o";
  auto s = sinks::RotatingFileSink::open(path, 50, 5);
  ASSERT_TRUE(s.ok());
  std::string batch;
  for (int i = 0; i < 6; ++i) batch += "{\"n\":" + std::to_string(i) + ",\"pad\":\"aaaaaaaaaa\"}\n";  // 29-30 B
  s.value()->write(batch);
  s.value()->flush();
  size_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string t = slurp(e.path());
    total += t.size();
    EXPECT_LE(t.size(), 50u) << e.path();
    EXPECT_EQ(t.back(), '\n');
  }
  EXPECT_EQ(total, batch.size());
}

TEST_F(RotatingSink, LineLongerThanLimitGetsItsOwnFile) {
  const std::string path = dir + "/o";
  auto s = sinks::RotatingFileSink::open(path, 10, 3);
  ASSERT_TRUE(s.ok());
  s.value()->write("short\n");
  s.value()->write(std::string(30, 'L') + "\n");
  s.value()->write("tail\n");
  s.value()->flush();
  EXPECT_EQ(slurp(path), "tail\n");
  EXPECT_EQ(slurp(path + ".1"), std::string(30, 'L') + "\n");
  EXPECT_EQ(slurp(path + ".2"), "short\n");
}

TEST_F(RotatingSink, UnwritablePathNamesIt) {
  auto s = sinks::RotatingFileSink::open(dir + "/no/such/dir/out", 0, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(dir + "/no/such/dir/out"), std::string::npos);
}

}  // namespace

namespace {

class RotatingSinkParts : public RotatingSink {};

// Batches of pieces (the pipeline's writer): under the size limit they reach the file at once
// (write_parts_now) and in order; a batch that crosses the limit still rotates between lines.
TEST_F(RotatingSinkParts, PiecesWrittenNowAndRotatedBetweenLines) {
  const std::string path = dir + "/o";
  auto s = sinks::RotatingFileSink::open(path, 100, 3);
  ASSERT_TRUE(s.ok());
  const std::string a = "{\"a\":1}\n", b = "{\"b\":2}\n";
  const std::string_view first[] = {a, b};
  s.value()->write_parts_now(first, 2);
  EXPECT_EQ(slurp(path), a + b) << "not in the file after write_parts_now";
  std::vector<std::string> docs;
  for (int i = 0; i < 10; ++i) docs.push_back("{\"n\":" + std::to_string(i) + ",\"pad\":\"aaaaaa\"}\n");  // 24-25 B
  std::vector<std::string_view> parts(docs.begin(), docs.end());
  s.value()->write_parts_now(parts.data(), parts.size());
  std::string all = a + b;
  for (const auto& d : docs) all += d;
  EXPECT_EQ(s.value()->bytes_written(), all.size());
  EXPECT_GE(s.value()->rotations(), 1u);
  std::string joined;
  for (int i = 3; i >= 1; --i)
    if (std::filesystem::exists(path + "." + std::to_string(i))) joined += slurp(path + "." + std::to_string(i));
  joined += slurp(path);
  EXPECT_EQ(joined, all);
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string t = slurp(e.path());
    EXPECT_LE(t.size(), 100u) << e.path();
    EXPECT_EQ(t.back(), '\n') << e.path();
  }
}

}  // namespace

namespace {

// `run --output FIFO` (a reader that may stop reading) may stall; a file does not.
TEST_F(RotatingSink, MayStallOnlyWhenTheOutputIsNotAFile) {
  auto file = sinks::RotatingFileSink::open(dir + "/out.ndjson", 1 << 20, 1);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_FALSE(file.value()->may_stall());
  const std::string fifo = dir + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // so the write open succeeds
  ASSERT_GE(rd, 0);
  auto pipe = sinks::RotatingFileSink::open(fifo, 1 << 20, 1);
  ASSERT_TRUE(pipe.ok()) << pipe.error().message;
  EXPECT_TRUE(pipe.value()->may_stall());
  ::close(rd);
}

}  // namespace
