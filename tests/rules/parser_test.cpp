// Rule files: lines, comments, control lines and settings, every error as file:line, the
// seed rule sets in rules/, the tokenizer and the decoder's text. No root needed.
#include <gtest/gtest.h>
#include <libaudit.h>

#include <filesystem>

#include "rules/compiler.h"
#include "rules/decoder.h"
#include "rules/parser.h"
#include "rules/rule_layout.h"
#include "rules/tokenize.h"

namespace {

std::vector<std::string> messages(const std::vector<rules::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.to_string());
  return out;
}

TEST(RulesTokenize, QuotesEscapesAndComments) {
  auto w = rules::tokenize_line("  -w \"/a b/c\" -p wa   -k 'x y'  # trailing comment");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"-w", "/a b/c", "-p", "wa", "-k", "x y"}));
  EXPECT_EQ(rules::tokenize_line("-w /a\\ b").value(), (std::vector<std::string>{"-w", "/a b"}));
  EXPECT_EQ(rules::tokenize_line("-w \"/q\\\"uote\"").value(), (std::vector<std::string>{"-w", "/q\"uote"}));
  EXPECT_EQ(rules::tokenize_line("-F path=/a'b c'd").value(), (std::vector<std::string>{"-F", "path=/ab cd"}));
  EXPECT_TRUE(rules::tokenize_line("# only a comment")->empty());
  EXPECT_TRUE(rules::tokenize_line("   \t ")->empty());
  EXPECT_FALSE(rules::tokenize_line("-w '/open").ok());
  for (std::string s : {"plain", "with space", "it's", "a\"b\\c", "#hash", ""})
    EXPECT_EQ(rules::tokenize_line(rules::quote_word(s)).value(), (std::vector<std::string>{s})) << s;
}

TEST(RulesParser, CommentsBlankLinesAndOrder) {
  const auto set = rules::parse_text(
      "# a comment\n"
      "\n"
      "   \n"
      "-a always,exit -F arch=b64 -S execve -k exec\r\n"
      "  # indented comment\n"
      "-w /etc/passwd -p wa -k identity\n",
      "t.rules");
  EXPECT_TRUE(set.ok()) << ::testing::PrintToString(messages(set.errors));
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].where.line, 4);
  EXPECT_EQ(set.rules[0].where.file, "t.rules");
  EXPECT_EQ(set.rules[0].source, "-a always,exit -F arch=b64 -S execve -k exec");
  EXPECT_EQ(set.rules[0].text, "-a always,exit -F arch=b64 -S execve -F key=exec");
  EXPECT_EQ(set.rules[0].keys, (std::vector<std::string>{"exec"}));
  EXPECT_EQ(set.rules[0].list, static_cast<uint32_t>(AUDIT_FILTER_EXIT));
  EXPECT_EQ(set.rules[0].action, static_cast<uint32_t>(AUDIT_ALWAYS));
  EXPECT_EQ(set.rules[1].where.line, 6);
  EXPECT_EQ(set.rules[1].text, "-w /etc/passwd -p wa -k identity");
}

TEST(RulesParser, DeleteAllIsRejectedWithFileAndLine) {
  const auto set = rules::parse_text("-a always,exit -F arch=b64 -S execve\n-D\n", "my.rules");
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].to_string(),
            "my.rules:2: -D (delete all rules) is not allowed in a rule file: auspex deletes the kernel's rules "
            "itself before it installs a rule set; remove this line");
  EXPECT_EQ(set.rules.size(), 1u);  // the other line still parses
}

TEST(RulesParser, EveryErrorIsReportedNotJustTheFirst) {
  const auto set = rules::parse_text(
      "-a always,exit -F arch=b64 -S execve\n"
      "-a always,exit -F arch=b64 -S notasyscall -k x\n"
      "-a always,exit -F arch=b64 -S open -F nofield=1\n"
      "-w /etc/passwd -p wa -k identity\n"
      "-a always,exit -S open -F arch=b64\n"
      "-a always,exit -k nokey\n",
      "bad.rules");
  ASSERT_EQ(set.errors.size(), 4u) << ::testing::PrintToString(messages(set.errors));
  EXPECT_EQ(set.errors[0].to_string().rfind("bad.rules:2: -S notasyscall: unknown syscall for x86_64", 0), 0u);
  EXPECT_EQ(set.errors[1].to_string(), "bad.rules:3: -F nofield=1: unknown field 'nofield'; see auditctl(8) for the field names");
  EXPECT_EQ(set.errors[2].to_string().rfind("bad.rules:5: -F arch=b64: arch= must come before the first -S", 0), 0u);
  EXPECT_EQ(set.errors[3].to_string(),
            "bad.rules:6: -k nokey: a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it");
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].where.line, 1);
  EXPECT_EQ(set.rules[1].where.line, 4);
}

TEST(RulesParser, ControlLinesBecomeSettings) {
  const auto set = rules::parse_text(
      "-b 8192\n"
      "-f 1\n"
      "-r 200\n"
      "--backlog_wait_time 60000\n"
      "--loginuid-immutable\n"
      "-c\n"
      "-i\n"
      "-e 1\n",
      "ctl.rules");
  EXPECT_TRUE(set.ok()) << ::testing::PrintToString(messages(set.errors));
  EXPECT_TRUE(set.rules.empty());
  const auto& s = set.settings;
  ASSERT_TRUE(s.backlog_limit && s.failure && s.rate_limit && s.backlog_wait_time && s.enabled);
  EXPECT_EQ(s.backlog_limit->value, 8192u);
  EXPECT_EQ(s.backlog_limit->where.line, 1);
  EXPECT_EQ(s.failure->value, 1u);
  EXPECT_EQ(s.rate_limit->value, 200u);
  EXPECT_EQ(s.backlog_wait_time->value, 60000u);
  EXPECT_EQ(s.enabled->value, 1u);
  ASSERT_TRUE(s.loginuid_immutable);
  EXPECT_EQ(s.loginuid_immutable->line, 5);
  EXPECT_TRUE(s.continue_on_error && s.ignore_errors);
  EXPECT_FALSE(s.immutable());
  EXPECT_TRUE(set.notices.empty());
}

TEST(RulesParser, ImmutableIsUnderstoodAndReported) {
  const auto set = rules::parse_text("-a always,exit -F arch=b64 -S execve\n-e 2\n", "lock.rules");
  EXPECT_TRUE(set.ok());
  EXPECT_TRUE(set.settings.immutable());
  ASSERT_EQ(set.notices.size(), 1u);
  EXPECT_EQ(set.notices[0].to_string().rfind("lock.rules:2: -e 2 makes the audit configuration immutable", 0), 0u);
}

TEST(RulesParser, BadControlLinesSayWhy) {
  const auto set = rules::parse_text(
      "-b lots\n"
      "-f 3\n"
      "-e 5\n"
      "-r -1\n"
      "--backlog_wait_time soon\n"
      "-d always,exit -S open\n"
      "-W /etc/passwd\n"
      "-R other.rules\n"
      "-l\n"
      "-s\n"
      "--reset-lost\n"
      "-b 1 -a always,exit\n"
      "--no-such-option\n"
      "-x\n",
      "c.rules");
  EXPECT_EQ(messages(set.errors),
            (std::vector<std::string>{
                "c.rules:1: -b lots: the backlog limit must be a number of buffers, e.g. -b 8192",
                "c.rules:2: -f 3: the failure mode must be 0 (silent), 1 (printk) or 2 (panic)",
                "c.rules:3: -e 5: enabled must be 0 (off), 1 (on) or 2 (on and locked until reboot)",
                "c.rules:4: -r -1: the rate limit must be a number of messages per second (0 = none)",
                "c.rules:5: --backlog_wait_time soon: must be a number of jiffies, e.g. --backlog_wait_time 60000",
                "c.rules:6: -d (delete one rule) has no meaning in a rule file: installing replaces all rules; remove "
                "the rule instead",
                "c.rules:7: -W (delete one rule) has no meaning in a rule file: installing replaces all rules; remove "
                "the rule instead",
                "c.rules:8: -R (read another rule file) is not supported: give that file to auspex as well",
                "c.rules:9: -l lists the kernel's rules; use `auspex rules list` instead",
                "c.rules:10: -s shows the kernel's status; use `auspex doctor` instead",
                "c.rules:11: --reset-lost resets a counter once; it is not a setting (auspex doctor shows the counters)",
                "c.rules:12: -b is a control option and cannot share a line with a rule; put it on a line of its own",
                "c.rules:13: unknown option '--no-such-option'",
                "c.rules:14: unknown option '-x'",
            }));
}

TEST(RulesParser, LaterSettingOverridesWithAWarning) {
  rules::RuleSet set;
  rules::parse_text_into(set, "-b 320\n", "a.rules");
  rules::parse_text_into(set, "-b 8192\n", "b.rules");
  ASSERT_TRUE(set.settings.backlog_limit);
  EXPECT_EQ(set.settings.backlog_limit->value, 8192u);
  EXPECT_EQ(set.settings.backlog_limit->where.file, "b.rules");
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_EQ(set.warnings[0].to_string(), "b.rules:1: -b overrides the value 320 set at a.rules:1");
}

TEST(RulesParser, SyscallWithoutArchWarns) {
  const auto set = rules::parse_text("-a always,exit -S open -k o\n", "w.rules");
  EXPECT_TRUE(set.ok());
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].to_string().find("w.rules:1: -S open: no arch= given"), std::string::npos);
}

TEST(RulesParser, UnreadableFileIsAnError) {
  const std::vector<std::string> files = {"/nonexistent/x.rules"};
  const auto set = rules::parse_files(files);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].to_string(), "/nonexistent/x.rules: cannot read the file: No such file or directory");
}

TEST(RulesSeedFiles, SessionView) {
  const std::vector<std::string> files = {std::string(AUSPEX_SOURCE_DIR) + "/rules/session-view.rules"};
  const auto set = rules::parse_files(files);
  EXPECT_TRUE(set.ok()) << ::testing::PrintToString(messages(set.errors));
  EXPECT_TRUE(set.warnings.empty());
  std::vector<std::string> texts;
  for (const auto& r : set.rules) texts.push_back(r.text);
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "-a always,exit -F arch=b64 -S execve,execveat -F key=exec",
                       "-a always,exit -F arch=b64 -S exit_group",
                       "-a always,exit -F arch=b64 -S setsid",
                   }));
}

TEST(RulesSeedFiles, Example) {
  const std::vector<std::string> files = {std::string(AUSPEX_SOURCE_DIR) + "/rules/example.rules"};
  const auto set = rules::parse_files(files);
  EXPECT_TRUE(set.ok()) << ::testing::PrintToString(messages(set.errors));
  EXPECT_TRUE(set.warnings.empty());
  std::vector<std::string> texts;
  for (const auto& r : set.rules) texts.push_back(r.text);
  EXPECT_EQ(texts,
            (std::vector<std::string>{
                "-a always,exit -F arch=b32 -S all -F key=32bit-abi",
                "-a always,exit -F arch=b64 -S execve,execveat -F key=exec",
                "-a always,exit -F arch=b64 -S connect,accept,bind -F key=external-access",
                "-a always,exit -F arch=b64 -S open,truncate,ftruncate,creat,openat,open_by_handle_at -F exit=-EACCES "
                "-F auid>=1000 -F auid!=unset -F key=access",
                "-a always,exit -F arch=b64 -S open,truncate,ftruncate,creat,openat,open_by_handle_at -F exit=-EPERM "
                "-F auid>=1000 -F auid!=unset -F key=access",
                "-w /etc/group -p wa -k identity",
                "-w /etc/passwd -p wa -k identity",
                "-w /etc/gshadow -p wa -k identity",
                "-w /etc/shadow -p wa -k identity",
            }));
}

TEST(RulesDecoder, TextOfCommonRules) {
  auto text = [](const std::string& rule) {
    auto c = rules::compile_rule_text(rule);
    EXPECT_TRUE(c.ok()) << rule << ": " << (c.ok() ? "" : c.error().message);
    return c.ok() ? rules::to_auditctl_text(c->bytes) : std::string();
  };
  EXPECT_EQ(text("-a always,exit -F arch=b64 -S open -F uid!=0 -C auid!=obj_uid -F a0&=0x10 -F success=0"),
            "-a always,exit -F arch=b64 -S open -F uid!=0 -C auid!=obj_uid -F a0&=0x10 -F success=0");
  EXPECT_EQ(text("-a never,user -F uid=0"), "-a never,user -F uid=0");
  EXPECT_EQ(text("-a never,task"), "-a never,task");
  EXPECT_EQ(text("-a always,exit -F path=/etc/passwd -F perm=wa -F key=a -F key=b"), "-w /etc/passwd -p wa -k a -k b");
  EXPECT_EQ(text("-a always,exit -F path=/etc/passwd -F uid=0"), "-a always,exit -S all -F path=/etc/passwd -F uid=0");
  EXPECT_EQ(text("-w '/nonexistent dir/x' -p r"), "-w '/nonexistent dir/x' -p r");
  EXPECT_EQ(text("-w /etc/ -p wa"), "-w /etc/ -p wa");
  EXPECT_EQ(text("-a always,exit -F uid=0 -F arch=b32 -S 5"), "-a always,exit -F uid=0 -F arch=b32 -S open");
  EXPECT_EQ(text("-a always,exit -F arch=b64 -S 999"), "-a always,exit -F arch=b64 -S 999");
  EXPECT_EQ(text("-a always,exit -F arch=b64 -S open -F pid=3000000000 -F gid=4294967295 -F inode=4294967295"),
            "-a always,exit -F arch=b64 -S open -F pid=3000000000 -F gid=4294967295 -F inode=4294967295");
  EXPECT_EQ(text("-a always,exit -F arch=b64 -S open -F exit=-2 -F filetype=dir"),
            "-a always,exit -F arch=b64 -S open -F exit=-ENOENT -F filetype=dir");
}

TEST(RulesDecoder, MalformedBlobs) {
  std::vector<uint8_t> tiny(10, 0);
  EXPECT_EQ(rules::to_auditctl_text(tiny), "# malformed audit rule: rule is 10 bytes, shorter than the 1040-byte header");
  auto c = rules::compile_rule_text("-a always,exit -F arch=b64 -S open -k key");
  ASSERT_TRUE(c.ok());
  std::vector<uint8_t> cut(c->bytes.begin(), c->bytes.end() - 1);
  EXPECT_EQ(rules::to_auditctl_text(cut), "# malformed audit rule: buflen 3 runs past the end of the rule");
  std::vector<uint8_t> many = c->bytes;
  rules::write_u32(many, rules::kOffFieldCount, 65);
  EXPECT_EQ(rules::to_auditctl_text(many), "# malformed audit rule: field_count 65 exceeds 64");
  std::vector<uint8_t> longstr = c->bytes;
  rules::write_u32(longstr, rules::kOffValues + 4, 4);  // key length 4 > buflen 3
  EXPECT_EQ(rules::to_auditctl_text(longstr), "# malformed audit rule: string of field 1 runs past buflen");
}

TEST(RulesKernelForm, MasksLastWordAndPads) {
  auto c = rules::compile_rule_text("-a always,exit -F arch=b64 -S all -k abcde");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->bytes.size(), 1045u);
  const auto k = rules::kernel_form(c->bytes);
  EXPECT_EQ(k.size(), 1048u);
  EXPECT_EQ(rules::read_u32(k, rules::kOffMask + 4 * 63), 0x0000ffffu);
  EXPECT_EQ(k[1045], 0);
  EXPECT_EQ(k[1047], 0);
}

}  // namespace
