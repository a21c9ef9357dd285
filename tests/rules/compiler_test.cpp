// Compiler unit tests: operators, -S forms, value spellings, keys, watches, and the
// message of each way a rule can be wrong. No root needed: none of these rules makes
// libaudit ask the kernel for its features (exe=, exclude list, sessionid=, filesystem).
#include <gtest/gtest.h>
#include <libaudit.h>

#include <thread>

#include "rules/compiler.h"
#include "rules/decoder.h"
#include "rules/rule_layout.h"

namespace {

using rules::compile_rule_text;
using rules::read_u32;

struct Field {
  uint32_t field, op, value;
};

Field field_at(const std::vector<uint8_t>& b, size_t i) {
  return {read_u32(b, rules::kOffFields + 4 * i), read_u32(b, rules::kOffFieldFlags + 4 * i),
          read_u32(b, rules::kOffValues + 4 * i)};
}

std::string buf_of(const std::vector<uint8_t>& b) {
  return std::string(b.begin() + rules::kHeaderSize, b.end());
}

std::vector<uint8_t> must_compile(const std::string& text) {
  auto r = compile_rule_text(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->bytes : std::vector<uint8_t>{};
}

std::string error_of(const std::string& text) {
  auto r = compile_rule_text(text);
  EXPECT_FALSE(r.ok()) << text << " compiled, but it should not";
  return r.ok() ? std::string() : r.error().message;
}

TEST(RulesCompiler, EveryOperator) {
  const struct {
    const char* op;
    uint32_t want;
  } cases[] = {
      {"=", AUDIT_EQUAL},       {"!=", AUDIT_NOT_EQUAL},   {"<", AUDIT_LESS_THAN},
      {">", AUDIT_GREATER_THAN}, {"<=", AUDIT_LESS_THAN_OR_EQUAL}, {">=", AUDIT_GREATER_THAN_OR_EQUAL},
      {"&", AUDIT_BIT_MASK},     {"&=", AUDIT_BIT_TEST},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.op);
    const auto b = must_compile(std::string("-a always,exit -F arch=b64 -S open -F a1") + c.op + "0100");
    ASSERT_EQ(read_u32(b, rules::kOffFieldCount), 2u);
    const Field f = field_at(b, 1);
    EXPECT_EQ(f.field, static_cast<uint32_t>(AUDIT_ARG1));
    EXPECT_EQ(f.op, c.want);
    EXPECT_EQ(f.value, 0100u);  // strtoul base 0: leading 0 is octal, as auditctl reads it
  }
}

TEST(RulesCompiler, SyscallForms) {
  const auto names = must_compile("-a always,exit -F arch=b64 -S open,openat");
  EXPECT_EQ(names, must_compile("-a always,exit -F arch=b64 -S open -S openat"));
  EXPECT_EQ(names, must_compile("-a always,exit -F arch=b64 -S 2,257"));  // x86_64 numbers
  EXPECT_EQ(names, must_compile("-a always,exit -F arch=b64 -S 2 -S openat"));
  EXPECT_EQ(read_u32(names, rules::kOffMask), 1u << 2);
  EXPECT_EQ(read_u32(names, rules::kOffMask + 4 * (257 / 32)), 1u << (257 % 32));

  const auto all = must_compile("-a always,exit -F arch=b64 -S all");
  for (size_t i = 0; i + 1 < rules::kMaskWords; ++i) EXPECT_EQ(read_u32(all, rules::kOffMask + 4 * i), 0xffffffffu);
  // A rule without -S matches every syscall too (auditctl adds "all").
  EXPECT_EQ(rules::kernel_form(all), rules::kernel_form(must_compile("-a always,exit -F arch=b64")));

  // arch=b32 switches to the i386 table: open is 5 there.
  const auto b32 = must_compile("-a always,exit -F arch=b32 -S open");
  EXPECT_EQ(read_u32(b32, rules::kOffMask), 1u << 5);
  EXPECT_EQ(field_at(b32, 0).value, static_cast<uint32_t>(AUDIT_ARCH_I386));
  EXPECT_EQ(field_at(names, 0).value, static_cast<uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_EQ(must_compile("-a always,exit -F arch=x86_64 -S open,openat"), names);
}

TEST(RulesCompiler, ErrnoNames) {
  const auto eacces = must_compile("-a always,exit -F arch=b64 -S open -F exit=-EACCES");
  EXPECT_EQ(field_at(eacces, 1).field, static_cast<uint32_t>(AUDIT_EXIT));
  EXPECT_EQ(field_at(eacces, 1).value, static_cast<uint32_t>(-13));
  EXPECT_EQ(eacces, must_compile("-a always,exit -F arch=b64 -S open -F exit=-13"));
  EXPECT_EQ(field_at(must_compile("-a always,exit -F arch=b64 -S open -F exit=-EPERM"), 1).value,
            static_cast<uint32_t>(-1));
  EXPECT_EQ(field_at(must_compile("-a always,exit -F arch=b64 -S open -F exit=-EINVAL"), 1).value, 4294967274u);
  EXPECT_NE(error_of("-a always,exit -F arch=b64 -S open -F exit=-ENOTANERRNO")
                .find("unknown errno name '-ENOTANERRNO'"),
            std::string::npos);
}

TEST(RulesCompiler, AuidUnsetSpellings) {
  const auto num = must_compile("-a always,exit -F arch=b64 -S open -F auid!=4294967295");
  EXPECT_EQ(field_at(num, 1).value, 4294967295u);
  EXPECT_EQ(field_at(num, 1).op, static_cast<uint32_t>(AUDIT_NOT_EQUAL));
  EXPECT_EQ(num, must_compile("-a always,exit -F arch=b64 -S open -F auid!=unset"));
  EXPECT_EQ(num, must_compile("-a always,exit -F arch=b64 -S open -F auid!=-1"));
  EXPECT_EQ(num, must_compile("-a always,exit -F arch=b64 -S open -F loginuid!=-1"));
}

TEST(RulesCompiler, UserAndGroupNames) {
  EXPECT_EQ(field_at(must_compile("-a always,exit -F arch=b64 -S open -F uid=root"), 1).value, 0u);
  EXPECT_EQ(field_at(must_compile("-a always,exit -F arch=b64 -S open -F gid=root"), 1).value, 0u);
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F uid=no_such_user_x"),
            "-F uid=no_such_user_x: unknown user 'no_such_user_x'; use a user name from the passwd database or a number");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F egid=no_such_group_x"),
            "-F egid=no_such_group_x: unknown group 'no_such_group_x'; use a group name from the group database or a "
            "number");
}

TEST(RulesCompiler, OtherFieldKinds) {
  const auto b = must_compile(
      "-a always,exit -F arch=b64 -S openat -F success=0 -F filetype=file -F pid=1 -F perm=wa "
      "-F path=/etc/passwd -F a0=0x10 -F saddr_fam=2");
  ASSERT_EQ(read_u32(b, rules::kOffFieldCount), 8u);
  EXPECT_EQ(field_at(b, 1).field, static_cast<uint32_t>(AUDIT_SUCCESS));
  EXPECT_EQ(field_at(b, 2).field, static_cast<uint32_t>(AUDIT_FILETYPE));
  EXPECT_EQ(field_at(b, 4).value, static_cast<uint32_t>(AUDIT_PERM_WRITE | AUDIT_PERM_ATTR));
  EXPECT_EQ(field_at(b, 5).field, static_cast<uint32_t>(AUDIT_WATCH));
  EXPECT_EQ(field_at(b, 6).value, 0x10u);
  EXPECT_EQ(buf_of(b), "/etc/passwd");
  const auto d = must_compile("-a always,exit -F dir=/etc -F perm=w");
  EXPECT_EQ(field_at(d, 0).field, static_cast<uint32_t>(AUDIT_DIR));
}

TEST(RulesCompiler, Comparison) {
  const auto b = must_compile("-a always,exit -F arch=b64 -S open -C auid!=obj_uid");
  EXPECT_EQ(field_at(b, 1).field, static_cast<uint32_t>(AUDIT_FIELD_COMPARE));
  EXPECT_EQ(field_at(b, 1).value, static_cast<uint32_t>(AUDIT_COMPARE_AUID_TO_OBJ_UID));
  EXPECT_EQ(field_at(b, 1).op, static_cast<uint32_t>(AUDIT_NOT_EQUAL));
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -C auid=pid"),
            "-C auid=pid: these fields cannot be compared; compare a uid field with a uid field or a gid field with a "
            "gid field");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -C uid<euid"), "-C uid<euid: a comparison only takes = or !=");
}

TEST(RulesCompiler, KeysAreJoinedAndLast) {
  auto r = compile_rule_text("-a always,exit -F arch=b64 -S open -k first -F uid=0 -F key=second");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->keys, (std::vector<std::string>{"first", "second"}));
  const size_t n = read_u32(r->bytes, rules::kOffFieldCount);
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(field_at(r->bytes, 2).field, static_cast<uint32_t>(AUDIT_FILTERKEY));
  EXPECT_EQ(buf_of(r->bytes), std::string("first\x01second"));
  EXPECT_EQ(field_at(r->bytes, 2).value, 12u);
}

TEST(RulesCompiler, WatchWithQuotedPathsWithSpaces) {
  // Paths that do not exist are watched as a single inode (AUDIT_WATCH), as auditctl does.
  const auto dq = must_compile("-w \"/nonexistent dir/a file\" -p wa -k spaced");
  EXPECT_EQ(dq, must_compile("-w '/nonexistent dir/a file' -p wa -k spaced"));
  EXPECT_EQ(dq, must_compile("-w /nonexistent\\ dir/a\\ file -p wa -k spaced"));
  EXPECT_EQ(buf_of(dq), "/nonexistent dir/a filespaced");
  EXPECT_EQ(field_at(dq, 0).field, static_cast<uint32_t>(AUDIT_WATCH));
  EXPECT_EQ(field_at(dq, 1).value, static_cast<uint32_t>(AUDIT_PERM_WRITE | AUDIT_PERM_ATTR));
  EXPECT_EQ(read_u32(dq, rules::kOffFlags), static_cast<uint32_t>(AUDIT_FILTER_EXIT));
  EXPECT_EQ(read_u32(dq, rules::kOffAction), static_cast<uint32_t>(AUDIT_ALWAYS));
  // An existing directory becomes a tree watch; trailing slashes are trimmed.
  const auto dir = must_compile("-w /etc/ -p w");
  EXPECT_EQ(field_at(dir, 0).field, static_cast<uint32_t>(AUDIT_DIR));
  EXPECT_EQ(buf_of(dir), "/etc");
  // Without -p a watch covers every permission.
  EXPECT_EQ(field_at(must_compile("-w /etc/passwd"), 1).value, 15u);
}

TEST(RulesCompiler, PrependAndLists) {
  auto a = compile_rule_text("-A always,exit -F arch=b64 -S open");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->prepend);
  EXPECT_EQ(read_u32(a->bytes, rules::kOffFlags), static_cast<uint32_t>(AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND));
  EXPECT_EQ(rules::to_auditctl_text(a->bytes), "-A always,exit -F arch=b64 -S open");
  auto rev = compile_rule_text("-a exit,never -F arch=b64 -S open");
  ASSERT_TRUE(rev.ok());
  EXPECT_EQ(rev->action, static_cast<uint32_t>(AUDIT_NEVER));
  auto task = compile_rule_text("-a never,task");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->list, static_cast<uint32_t>(AUDIT_FILTER_TASK));
  auto user = compile_rule_text("-a never,user -F uid=0");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->list, static_cast<uint32_t>(AUDIT_FILTER_USER));
}

TEST(RulesCompiler, PreciseErrors) {
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F bogus=1"),
            "-F bogus=1: unknown field 'bogus'; see auditctl(8) for the field names");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S notasyscall"),
            "-S notasyscall: unknown syscall for x86_64 in libaudit's table (check the name and the arch= before it; a "
            "syscall newer than this libaudit can be given by number)");
  EXPECT_EQ(error_of("-a always,exit -S open -F arch=b64"),
            "-F arch=b64: arch= must come before the first -S (syscall numbers depend on it); move it in front");
  EXPECT_EQ(error_of("-a always,exit -k lonely"),
            "-k lonely: a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it");
  EXPECT_EQ(error_of("-a always,exit -F key=lonely"),
            "key lonely: a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F uid"),
            "-F uid: no operator; write field=value (operators: = != < > <= >= & &=)");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F pid=abc"), "-F pid=abc: field 'pid' needs a number, got 'abc'");
  EXPECT_EQ(error_of("-a always,exit -F arch=bogus -S open"),
            "-F arch=bogus: unknown architecture 'bogus'; use b64, b32 or a machine name such as x86_64 or i386");
  EXPECT_EQ(error_of("-a always,sideways -S open"),
            "-a always,sideways: unknown list 'sideways'; use one of exit, user, exclude, filesystem, task");
  EXPECT_EQ(error_of("-a always -S open"),
            "-a always: expected action,list such as always,exit (actions: always, never; lists: exit, user, exclude, "
            "filesystem, task)");
  EXPECT_EQ(error_of("-a never,task -S open"), "-S open: the task list takes no syscalls; remove -S");
  EXPECT_EQ(error_of("-a never,user -S open"), "-S open: the user list takes no syscalls; remove -S");
  EXPECT_EQ(error_of("-F uid=0"), "-F uid=0: give the list first (-a action,list)");
  EXPECT_EQ(error_of("-a always,exit -a always,exit"), "-a always,exit: only one -a or -A per rule");
  EXPECT_EQ(error_of("-w /etc/passwd -p rwz"), "-p rwz: permission 'z' is not one of r, w, x, a");
  EXPECT_EQ(error_of("-w relative/path"), "-w relative/path: a watch path must be absolute (start with '/')");
  EXPECT_EQ(error_of("-a always,exit -w /etc/passwd"),
            "-w /etc/passwd: a watch cannot be combined with -a/-A; use -F path= or -F dir= in the -a rule");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open uid=0"),
            "'uid=0' is not an option or an option's value (missing -F?)");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S"), "option '-S' needs a value");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F msgtype=USER_LOGIN"),
            "-F msgtype=USER_LOGIN: msgtype can only be used on the exclude or user list");
  EXPECT_EQ(error_of("-a always,exit -F arch=b64 -S open -F path=\"unterminated"),
            "unterminated double quote; close it with \"");
}

// libaudit's state is global; the compiler serializes it. Compiling from several threads
// at once must give the same bytes as compiling alone.
TEST(RulesCompiler, ConcurrentCompilesAgree) {
  const std::vector<std::string> texts = {
      "-a always,exit -F arch=b32 -S open,openat -F exit=-EACCES -F key=a",
      "-a always,exit -F arch=b64 -S execve -k exec",
      "-w /etc/passwd -p wa -k identity",
      "-a always,exit -S all -F auid>=1000 -F auid!=unset",
  };
  std::vector<std::vector<uint8_t>> want;
  for (const auto& t : texts) want.push_back(must_compile(t));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const size_t k = static_cast<size_t>(t + i) % texts.size();
        auto r = compile_rule_text(texts[k]);
        if (!r.ok() || r->bytes != want[k]) ++mismatches;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
