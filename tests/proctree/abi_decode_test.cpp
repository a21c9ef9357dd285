// Ring-buffer samples: good ones decode, every malformed {offset, len} is rejected.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "auspex_abi.h"
#include "proctree/abi_decode.h"

namespace proctree {
namespace {

std::vector<uint8_t> exec_sample(std::string_view filename, std::string_view argv,
                                 std::string_view cwd_leaf_first, uint32_t flags,
                                 std::string_view exe_leaf_first = "") {
  std::vector<uint8_t> buf(sizeof(auspex_exec), 0);
  auto* x = reinterpret_cast<auspex_exec*>(buf.data());
  x->hdr.kind = AUSPEX_EV_EXEC;
  x->hdr.ts_boot = 123;
  x->task.pid = 42;
  x->task.tid = 42;
  x->task.ppid = 1;
  x->task.start_boottime = 1'500'000'000;  // 150 ticks
  std::memcpy(x->task.comm, "prog", 4);
  x->flags = flags;
  uint32_t off = offsetof(auspex_exec, tail);
  auto put = [&](auspex_str& s, std::string_view v, uint32_t at) {
    std::memcpy(buf.data() + at, v.data(), v.size());
    s.off = at;
    s.len = uint32_t(v.size());
  };
  put(x->filename, filename, off);
  put(x->argv, argv, off + AUSPEX_FILENAME_MAX);
  put(x->cwd, cwd_leaf_first, off + AUSPEX_FILENAME_MAX + AUSPEX_ARGV_MAX);
  put(x->exe, exe_leaf_first, off + AUSPEX_FILENAME_MAX + AUSPEX_ARGV_MAX + AUSPEX_PATH_MAX);
  return buf;
}

TEST(AbiDecode, Exec) {
  auto buf = exec_sample("/bin/ls", std::string_view("ls\0-l\0", 6), std::string_view("b\0a\0", 4),
                         AUSPEX_EXEC_CWD_COMPLETE | AUSPEX_EXEC_EXE_COMPLETE,
                         std::string_view("ls\0bin\0usr\0", 12));
  AbiDecoder d;
  TreeEvent e;
  ASSERT_EQ(d.decode(buf.data(), buf.size(), e), DecodeError::kNone);
  EXPECT_EQ(e.kind, EventKind::kExec);
  EXPECT_EQ(e.task.pid, 42);
  EXPECT_EQ(e.task.start_ticks, 150u);
  EXPECT_EQ(e.task.comm, "prog");
  EXPECT_EQ(e.filename, "/bin/ls");
  EXPECT_EQ(e.argv, std::string_view("ls\0-l", 5));
  EXPECT_EQ(e.cwd, "/a/b");
  EXPECT_EQ(e.exe, "/usr/bin/ls");  // resolved (merged /usr), unlike the filename
  EXPECT_EQ(e.ts_boot_ns, 123u);
}

TEST(AbiDecode, CwdRootAndIncomplete) {
  AbiDecoder d;
  TreeEvent e;
  auto root = exec_sample("/x", "", "", AUSPEX_EXEC_CWD_COMPLETE);
  ASSERT_EQ(d.decode(root.data(), root.size(), e), DecodeError::kNone);
  EXPECT_EQ(e.cwd, "/");
  auto cut = exec_sample("/x", "", std::string_view("c\0b\0", 4), AUSPEX_EXEC_CWD_TRUNCATED);
  ASSERT_EQ(d.decode(cut.data(), cut.size(), e), DecodeError::kNone);
  EXPECT_EQ(e.cwd, "");  // a partial walk is not an absolute path
}

TEST(AbiDecode, RejectsStringsOutsideTheSample) {
  AbiDecoder d;
  TreeEvent e;
  auto buf = exec_sample("/bin/ls", "ls", "", 0);
  auto* x = reinterpret_cast<auspex_exec*>(buf.data());
  x->argv.len = uint32_t(buf.size());  // runs past the end
  EXPECT_EQ(d.decode(buf.data(), buf.size(), e), DecodeError::kBadString);
  x->argv.len = 2;
  x->argv.off = 0xffffffff;  // off + len would wrap in 32 bits
  EXPECT_EQ(d.decode(buf.data(), buf.size(), e), DecodeError::kBadString);
  x->argv.off = offsetof(auspex_exec, tail) + AUSPEX_FILENAME_MAX;
  // a sample cut short: the filename pair points past it
  EXPECT_EQ(d.decode(buf.data(), offsetof(auspex_exec, tail) + 3, e), DecodeError::kBadString);
  EXPECT_EQ(d.decode(buf.data(), 20, e), DecodeError::kTooShort);
  EXPECT_EQ(d.decode(buf.data(), offsetof(auspex_exec, tail) - 1, e), DecodeError::kTooShort);
}

TEST(AbiDecode, FixedKinds) {
  AbiDecoder d;
  TreeEvent e;
  auspex_fork f{};
  f.hdr.kind = AUSPEX_EV_FORK;
  f.child.pid = 7;
  f.parent_pid = 6;
  f.parent_start_boottime = 20'000'000;
  ASSERT_EQ(d.decode(&f, sizeof f, e), DecodeError::kNone);
  EXPECT_EQ(e.kind, EventKind::kFork);
  EXPECT_EQ(e.parent_pid, 6);
  EXPECT_EQ(e.parent_start_ticks, 2u);
  EXPECT_EQ(d.decode(&f, sizeof f - 1, e), DecodeError::kTooShort);

  auspex_exit x{};
  x.hdr.kind = AUSPEX_EV_EXIT;
  x.exit_code = 3 << 8;
  ASSERT_EQ(d.decode(&x, sizeof x, e), DecodeError::kNone);
  EXPECT_EQ(e.exit_code, 3 << 8);

  auspex_setpgid p{};
  p.hdr.kind = AUSPEX_EV_SETPGID;
  p.target_pid = 9;
  p.target_pgid = 8;
  ASSERT_EQ(d.decode(&p, sizeof p, e), DecodeError::kNone);
  EXPECT_EQ(e.target_pid, 9);
  EXPECT_EQ(e.target_pgid, 8);

  auspex_setsid s{};
  s.hdr.kind = 99;
  EXPECT_EQ(d.decode(&s, sizeof s, e), DecodeError::kUnknownKind);
}

}  // namespace
}  // namespace proctree
