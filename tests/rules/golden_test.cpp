// Byte-exact check of the rule compiler against go-libaudit's goldens: what the kernel
// listed back after auditctl installed each rule (shared/corpus/README.md, rule/testdata).
// We compile each golden's `flags` line, apply the two kernel steps (rules::kernel_form)
// and compare. Nothing is installed into the kernel.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/compiler.h"
#include "rules/decoder.h"
#include "rules/golden_yaml.h"
#include "rules/rule_layout.h"
#include "rules/tokenize.h"

namespace fs = std::filesystem;

namespace {

// The goldens' generator prefixed every path with this and created it first.
constexpr const char* kPathRoot = "/tmp/audit-test";
constexpr size_t kGoldenRuleCount = 86;  // corpus README: the 10 pairs hold 86 rules

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Golden {
  std::string file;
  rules_test::GoldenRule rule;
};

std::vector<Golden> load_goldens() {
  std::vector<Golden> all;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(AUSPEX_CORPUS) / "go-libaudit/rule/testdata")) {
    const std::string name = e.path().filename().string();
    if (name.size() > 16 && name.ends_with(".rules.golden.yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string err;
    auto rules = rules_test::read_golden_yaml(read_file(f), err);
    EXPECT_TRUE(err.empty()) << f << ": " << err;
    for (auto& r : rules) all.push_back(Golden{f.filename().string(), std::move(r)});
  }
  return all;
}

// Paths named by -w, -F path= and -F dir= in a flags line.
std::vector<std::string> paths_of(const std::string& flags) {
  std::vector<std::string> out;
  auto words = rules::tokenize_line(flags);
  if (!words) return out;
  for (size_t i = 0; i < words->size(); ++i) {
    const std::string& w = (*words)[i];
    if (w == "-w" && i + 1 < words->size()) out.push_back((*words)[i + 1]);
    if (w == "-F" && i + 1 < words->size()) {
      const std::string& v = (*words)[i + 1];
      if (v.rfind("path=", 0) == 0) out.push_back(v.substr(5));
      if (v.rfind("dir=", 0) == 0) out.push_back(v.substr(4));
    }
  }
  return out;
}

// As the generator did: a directory if the path ends in '/', else an empty file.
void create_path(const std::string& p) {
  ASSERT_EQ(p.rfind(kPathRoot, 0), 0u) << "golden path outside " << kPathRoot << ": " << p;
  if (p.ends_with('/')) {
    fs::create_directories(p);
    return;
  }
  fs::create_directories(fs::path(p).parent_path());
  if (!fs::exists(p)) std::ofstream(p).close();
}

// libaudit asks the kernel for its feature bitmap (AUDIT_GET) for these; without
// CAP_AUDIT_CONTROL it gets none and rejects the rule.
const char* needs_kernel_features(const std::string& flags) {
  if (flags.find("exe=") != std::string::npos) return "exe= (AUDIT_FEATURE_BITMAP_EXECUTABLE_PATH)";
  if (flags.find("exclude") != std::string::npos) return "exclude-list fields (AUDIT_FEATURE_BITMAP_EXCLUDE_EXTEND)";
  if (flags.find("sessionid=") != std::string::npos) return "sessionid= (AUDIT_FEATURE_BITMAP_SESSIONID_FILTER)";
  if (flags.find("filesystem") != std::string::npos) return "filesystem list (AUDIT_FEATURE_BITMAP_FILTER_FS)";
  return nullptr;
}

std::string hex_diff(const std::vector<uint8_t>& want, const std::vector<uint8_t>& got) {
  std::ostringstream s;
  s << "sizes " << want.size() << " vs " << got.size();
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i)
    if (want[i] != got[i]) {
      s << "; first difference at byte " << i << " (want 0x" << std::hex << int(want[i]) << ", got 0x"
        << int(got[i]) << std::dec << ")";
      break;
    }
  return s.str();
}

class RulesGolden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fs::remove_all(kPathRoot); }
  static void TearDownTestSuite() { fs::remove_all(kPathRoot); }
};

TEST_F(RulesGolden, CompiledBytesEqualKernelListedBytes) {
  const auto goldens = load_goldens();
  ASSERT_EQ(goldens.size(), kGoldenRuleCount) << "the corpus should hold 86 golden rules";
  const bool root = geteuid() == 0;
  size_t compared = 0, skipped = 0;
  for (const auto& g : goldens) {
    SCOPED_TRACE(g.file + ":" + std::to_string(g.rule.line) + ": " + g.rule.flags);
    for (const auto& p : paths_of(g.rule.flags)) create_path(p);
    auto compiled = rules::compile_rule_text(g.rule.flags);
    const char* feature = needs_kernel_features(g.rule.flags);
    if (!root && feature && !compiled.ok()) {
      std::cout << "[ SKIP     ] " << g.rule.flags << ": needs root (CAP_AUDIT_CONTROL) so libaudit can read the "
                << "kernel's feature bitmap for " << feature << " (libaudit said: " << compiled.error().message << ")\n";
      ++skipped;
      continue;
    }
    ASSERT_TRUE(compiled.ok()) << compiled.error().message;
    const auto got = rules::kernel_form(compiled->bytes);
    EXPECT_EQ(got, g.rule.bytes) << hex_diff(g.rule.bytes, got);
    ++compared;
  }
  EXPECT_EQ(compared + skipped, kGoldenRuleCount);
  if (root) EXPECT_EQ(compared, kGoldenRuleCount);
}

// bytes -> to_auditctl_text -> compile gives the golden bytes again: the decoder loses
// nothing that matters, so `auspex rules list` output can be fed back to auspex.
TEST_F(RulesGolden, DecodedTextCompilesToTheSameBytes) {
  const auto goldens = load_goldens();
  ASSERT_EQ(goldens.size(), kGoldenRuleCount);
  const bool root = geteuid() == 0;
  size_t checked = 0;
  for (const auto& g : goldens) {
    SCOPED_TRACE(g.file + ":" + std::to_string(g.rule.line) + ": " + g.rule.flags);
    for (const auto& p : paths_of(g.rule.flags)) create_path(p);
    auto text = rules::decode_rule(g.rule.bytes);
    ASSERT_TRUE(text.ok()) << text.error().message;
    SCOPED_TRACE("decoded: " + *text);
    auto compiled = rules::compile_rule_text(*text);
    if (!root && needs_kernel_features(g.rule.flags) && !compiled.ok()) continue;  // as above
    ASSERT_TRUE(compiled.ok()) << compiled.error().message;
    const auto got = rules::kernel_form(compiled->bytes);
    EXPECT_EQ(got, g.rule.bytes) << hex_diff(g.rule.bytes, got);
    ++checked;
  }
  if (root) EXPECT_EQ(checked, kGoldenRuleCount);
}

// The README's worked example, spelled out, so a reader sees what the bytes hold.
TEST_F(RulesGolden, WorkedExampleFromTheCorpusReadme) {
  auto c = rules::compile_rule_text("-a always,exit -F arch=b64 -S accept,connect -F key=external-access");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto b = rules::kernel_form(c->bytes);
  ASSERT_EQ(b.size(), 1056u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffFlags), 4u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffAction), 2u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffFieldCount), 2u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffMask + 4), 0x00000c00u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffFields), 11u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffValues), 0xc000003eu);
  EXPECT_EQ(rules::read_u32(b, rules::kOffFields + 4), 210u);
  EXPECT_EQ(rules::read_u32(b, rules::kOffValues + 4), 15u);
  EXPECT_EQ(std::string(b.begin() + rules::kHeaderSize, b.begin() + rules::kHeaderSize + 15), "external-access");
}

}  // namespace
