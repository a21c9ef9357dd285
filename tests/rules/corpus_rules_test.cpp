// The reference rule sets shipped with auditd (shared/corpus/audit-userspace/rules/*.rules)
// parse, and the only errors are ones we can name: `-D` control lines, which auspex
// refuses with file:line, and lines that depend on this machine (a user that does not
// exist here; a syscall newer than libaudit 3.0.9's tables; without root, fields for which
// libaudit must read the kernel's feature bitmap). Settings lines become settings.
#include <gtest/gtest.h>
#include <libaudit.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "rules/parser.h"

namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(AUSPEX_CORPUS) / "audit-userspace/rules";

// The text between the first two single quotes after `marker`, or "".
std::string quoted_after(const std::string& s, const std::string& marker) {
  const size_t at = s.find(marker);
  if (at == std::string::npos) return {};
  const size_t open = s.find('\'', at);
  const size_t close = open == std::string::npos ? open : s.find('\'', open + 1);
  if (close == std::string::npos) return {};
  return s.substr(open + 1, close - open - 1);
}

// "-S name: unknown syscall for ..." -> name
std::string unknown_syscall(const std::string& message) {
  if (message.rfind("-S ", 0) != 0 || message.find(": unknown syscall for ") == std::string::npos) return {};
  return message.substr(3, message.find(':') - 3);
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(RulesCorpus, AuditUserspaceRuleFilesParse) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kDir))
    if (e.path().extension() == ".rules") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 32u) << "the corpus README lists 32 rule files";

  const rules::RuleSet set = rules::parse_files(files);
  const bool root = geteuid() == 0;
  const int x86_64 = audit_name_to_machine("x86_64");
  const int i386 = audit_name_to_machine("i386");

  size_t delete_all = 0, environment = 0;
  for (const auto& e : set.errors) {
    const std::string msg = e.message;
    const std::string line = lines_of(e.where.file).at(static_cast<size_t>(e.where.line - 1));
    SCOPED_TRACE(e.to_string() + "\n  line: " + line);
    if (line == "-D") {
      EXPECT_EQ(msg,
                "-D (delete all rules) is not allowed in a rule file: auspex deletes the kernel's rules itself "
                "before it installs a rule set; remove this line");
      ++delete_all;
      continue;
    }
    if (const std::string user = quoted_after(msg, "unknown user"); !user.empty()) {
      EXPECT_EQ(getpwnam(user.c_str()), nullptr) << "user " << user << " exists here, yet was reported unknown";
      ++environment;
      continue;
    }
    if (const std::string sc = unknown_syscall(msg); !sc.empty()) {
      // Newer than libaudit 3.0.9: fchmodat2 (Linux 6.6), lsm_set_self_attr (6.8),
      // file_setattr (6.17). A newer libaudit knows them, and then they compile.
      EXPECT_TRUE(sc == "fchmodat2" || sc == "lsm_set_self_attr" || sc == "file_setattr") << sc;
      EXPECT_LT(audit_name_to_syscall(sc.c_str(), x86_64), 0);
      EXPECT_LT(audit_name_to_syscall(sc.c_str(), i386), 0);
      ++environment;
      continue;
    }
    if (!root && (msg.find("not supported here by the running kernel") != std::string::npos ||
                  msg.find("does not support this list") != std::string::npos)) {
      ++environment;  // libaudit could not read the kernel's feature bitmap without root
      continue;
    }
    ADD_FAILURE() << "unexpected error";
  }
  EXPECT_EQ(delete_all, 2u);  // 10-base-config.rules:5 and 10-no-audit.rules:9

  // Every -a/-A/-w line became a rule unless it is one of the environment errors above.
  size_t rule_lines = 0;
  for (const auto& f : files)
    for (const auto& l : lines_of(f))
      if (l.rfind("-a", 0) == 0 || l.rfind("-A", 0) == 0 || l.rfind("-w", 0) == 0) ++rule_lines;
  EXPECT_EQ(set.rules.size() + environment, rule_lines);
  EXPECT_GT(set.rules.size(), 150u);

  const std::string dir = kDir.string() + "/";
  const auto& s = set.settings;
  ASSERT_TRUE(s.backlog_limit);
  EXPECT_EQ(s.backlog_limit->value, 8192u);
  EXPECT_EQ(s.backlog_limit->where.file, dir + "10-base-config.rules");
  EXPECT_EQ(s.backlog_limit->where.line, 9);
  ASSERT_TRUE(s.backlog_wait_time);
  EXPECT_EQ(s.backlog_wait_time->value, 60000u);
  EXPECT_EQ(s.backlog_wait_time->where.line, 12);
  ASSERT_TRUE(s.failure);
  EXPECT_EQ(s.failure->value, 1u);
  EXPECT_EQ(s.failure->where.line, 15);
  ASSERT_TRUE(s.loginuid_immutable);
  EXPECT_EQ(s.loginuid_immutable->file, dir + "11-loginuid.rules");
  ASSERT_TRUE(s.continue_on_error);
  EXPECT_EQ(s.continue_on_error->file, dir + "12-cont-fail.rules");
  ASSERT_TRUE(s.ignore_errors);
  EXPECT_EQ(s.ignore_errors->file, dir + "12-ignore-error.rules");
  EXPECT_FALSE(s.enabled);  // 99-finalize.rules keeps its -e 2 commented out
}

// The lists and operators the README says these files use all come through.
TEST(RulesCorpus, ListsAndOperatorsSeen) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kDir))
    if (e.path().extension() == ".rules") files.push_back(e.path().string());
  const rules::RuleSet set = rules::parse_files(files);
  std::map<uint32_t, size_t> lists;
  bool bitmask = false, not_equal = false, greater_equal = false;
  for (const auto& r : set.rules) {
    ++lists[r.list];
    bitmask |= r.text.find("-F a1&") != std::string::npos || r.text.find("-F a2&") != std::string::npos;
    not_equal |= r.text.find("!=") != std::string::npos;
    greater_equal |= r.text.find(">=") != std::string::npos;
  }
  EXPECT_GT(lists[AUDIT_FILTER_EXIT], 0u);
  EXPECT_GT(lists[AUDIT_FILTER_TASK], 0u);
  // (the user- and exclude-list examples in 20-dont-audit.rules are commented out)
  if (geteuid() == 0) EXPECT_GT(lists[AUDIT_FILTER_FS], 0u);
  EXPECT_TRUE(bitmask);
  EXPECT_TRUE(not_equal);
  EXPECT_TRUE(greater_equal);
}

}  // namespace
