// `auspex rules check|dump|list` run as a process on temporary rule files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/hex.h"
#include "rules/compiler.h"

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RulesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("auspex-rules-cli-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  CliRun run(const std::string& args) {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = std::string(AUSPEX_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int rc = std::system(cmd.c_str());
    CliRun r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  fs::path dir_;
};

TEST_F(RulesCli, CheckGoodFile) {
  const auto f = write("good.rules",
                       "# fine\n-a always,exit -F arch=b64 -S execve,execveat -k exec\n-b 8192\n"
                       "-w /etc/passwd -p wa -k identity\n");
  const CliRun r = run("rules check " + f.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2 rules OK\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(RulesCli, CheckReportsEveryErrorAsFileLine) {
  const auto f = write("bad.rules",
                       "-a always,exit -F arch=b64 -S execve\n"
                       "-D\n"
                       "-a always,exit -F arch=b64 -S bogus_call\n"
                       "-e 2\n");
  const CliRun r = run("rules check " + f.string());
  EXPECT_EQ(r.status, 1);
  const std::string p = f.string();
  EXPECT_NE(r.err.find(p + ":2: -D (delete all rules) is not allowed in a rule file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(p + ":3: -S bogus_call: unknown syscall for x86_64"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(p + ":4: note: -e 2 makes the audit configuration immutable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 errors\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(RulesCli, CheckSeveralFilesAndAMissingOne) {
  const auto a = write("a.rules", "-a always,exit -F arch=b64 -S execve\n");
  const CliRun r = run("rules check " + a.string() + " " + (dir_ / "missing.rules").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find((dir_ / "missing.rules").string() + ": cannot read the file: No such file or directory"),
            std::string::npos)
      << r.err;
}

TEST_F(RulesCli, DumpPrintsOneJsonLinePerRule) {
  const auto f = write("d.rules",
                       "-a always,exit -F arch=b64 -S execve,execveat -k exec\n"
                       "\n"
                       "-w '/nonexistent dir/f' -p wa -k \"two words\"\n");
  const CliRun r = run("rules dump " + f.string());
  EXPECT_EQ(r.status, 0) << r.err;
  auto hex = [](const std::string& text) {
    auto c = rules::compile_rule_text(text);
    EXPECT_TRUE(c.ok());
    return core::hex_encode(std::string_view(reinterpret_cast<const char*>(c->bytes.data()), c->bytes.size()));
  };
  const std::string p = f.string();
  const std::string want =
      "{\"file\":\"" + p + "\",\"line\":1,\"rule\":\"-a always,exit -F arch=b64 -S execve,execveat -F key=exec\",\"hex\":\"" +
      hex("-a always,exit -F arch=b64 -S execve,execveat -k exec") + "\"}\n" + "{\"file\":\"" + p +
      "\",\"line\":3,\"rule\":\"-w '/nonexistent dir/f' -p wa -k 'two words'\",\"hex\":\"" +
      hex("-w '/nonexistent dir/f' -p wa -k 'two words'") + "\"}\n";
  EXPECT_EQ(r.out, want);
}

TEST_F(RulesCli, DumpWithErrorsStillDumpsGoodRulesAndFails) {
  const auto f = write("e.rules", "-a always,exit -F arch=b64 -S execve\n-a always,exit -F nosuchfield=1\n");
  const CliRun r = run("rules dump " + f.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("\"line\":1"), std::string::npos);
  EXPECT_NE(r.err.find(f.string() + ":2: -F nosuchfield=1: unknown field 'nosuchfield'"), std::string::npos) << r.err;
}

TEST_F(RulesCli, UsageAndList) {
  EXPECT_EQ(run("rules").status, 2);
  EXPECT_EQ(run("rules check").status, 2);
  EXPECT_EQ(run("rules frobnicate").status, 2);
  const CliRun help = run("rules --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("auspex rules check FILE..."), std::string::npos);
  // `rules list` reads the kernel: with CAP_AUDIT_CONTROL it lists (auditctl -l form, the
  // netlink kernel test compares the two); without, it says what is missing.
  const CliRun list = run("rules list");
  if (geteuid() == 0) {
    EXPECT_EQ(list.status, 0) << list.err;
    EXPECT_FALSE(list.out.empty());
  } else {
    EXPECT_EQ(list.status, 1);
    EXPECT_FALSE(list.err.empty());
  }
}

}  // namespace
