#include "rules/advise.h"

#include <gtest/gtest.h>

#include "rules/parser.h"

namespace {

std::vector<std::string> texts(const rules::RuleSet& set, const rules::Advice& a) {
  std::vector<std::string> out;
  for (size_t i : a.order) out.push_back(set.rules[i].keys.empty() ? "-" : set.rules[i].keys[0]);
  return out;
}

}  // namespace

TEST(Advise, BusiestFirstWithinRunsBetweenNeverRules) {
  const auto set = rules::parse_text(
      "-a always,exit -F arch=b64 -S execve -k exec\n"
      "-a always,exit -F arch=b64 -S connect -k net\n"
      "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access\n"
      "-a never,exit -F arch=b64 -S openat -F dir=/tmp\n"
      "-a always,exit -F arch=b64 -S unlink -k del\n"
      "-a always,exit -F arch=b64 -S rename -k mv\n"
      "-a always,exit -F arch=b64 -S chmod\n",
      "t.rules");
  ASSERT_TRUE(set.ok()) << set.errors[0].to_string();
  const auto a = rules::advise(set, {{"exec", 10}, {"net", 500}, {"access", 40}, {"del", 1}, {"mv", 9}});
  EXPECT_TRUE(a.changed);
  EXPECT_EQ(texts(set, a), (std::vector<std::string>{"net", "access", "exec", "-", "mv", "del", "-"}));
  EXPECT_EQ(a.hits[1], 500u);
  bool mentions_unkeyed = false;
  for (const auto& n : a.notes) mentions_unkeyed = mentions_unkeyed || n.find("no key") != std::string::npos;
  EXPECT_TRUE(mentions_unkeyed);
}

TEST(Advise, AlreadyOrderedIsSaid) {
  const auto set = rules::parse_text("-a always,exit -F arch=b64 -S execve -k a\n-a always,exit -F arch=b64 -S exit_group -k b\n",
                                     "t.rules");
  const auto a = rules::advise(set, {{"a", 5}, {"b", 1}});
  EXPECT_FALSE(a.changed);
}

TEST(Advise, ParsesHitsFromStatsLogOrObject) {
  std::map<std::string, uint64_t> h;
  std::string err;
  ASSERT_TRUE(rules::parse_hits("auspex run: ready\n{\"stats\":\"interval\",\"rule_hits\":{\"exec\":3}}\n"
                                "{\"stats\":\"final\",\"rule_hits\":{\"exec\":7,\"\":2}}\n",
                                h, err))
      << err;
  EXPECT_EQ(h.at("exec"), 7u);
  h.clear();
  ASSERT_TRUE(rules::parse_hits("{\"net\": 4}", h, err)) << err;
  EXPECT_EQ(h.at("net"), 4u);
  EXPECT_FALSE(rules::parse_hits("{\"net\": \"x\"}", h, err));
  EXPECT_NE(err.find("net"), std::string::npos);
  EXPECT_FALSE(rules::parse_hits("garbage", h, err));
}
