#include "daemon/config.h"

#include <gtest/gtest.h>

#include "daemon/embedded_rules.h"
#include "daemon/rule_sources.h"

using daemon_cli::Backpressure;
using daemon_cli::parse_config;

namespace {

std::string error_of(std::string_view json) {
  auto r = parse_config(json, "cfg.json");
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? "" : r.error().message;
}

}  // namespace

TEST(Config, DefaultsAreTheIntegrations) {
  auto r = parse_config("{}", "cfg.json");
  ASSERT_TRUE(r.ok());
  const auto& c = r.value();
  EXPECT_EQ(c.socket_type, "auto");
  EXPECT_EQ(c.backlog_limit, 8192u);
  EXPECT_EQ(c.rate_limit, 0u);
  EXPECT_EQ(c.priority_boost, 4u);  // auditd's default
  EXPECT_EQ(c.max_read_delay_ms, 40u);
  EXPECT_EQ(c.failure_mode, "silent");
  EXPECT_EQ(c.backpressure, Backpressure::kAuto);
  EXPECT_TRUE(c.include_raw_message);
  EXPECT_FALSE(c.include_warnings);
  EXPECT_TRUE(c.resolve_ids);
  EXPECT_FALSE(c.immutable);
  EXPECT_FALSE(c.session_metadata);
  EXPECT_EQ(c.format, "ecs");
}

TEST(Config, EveryKey) {
  auto r = parse_config(R"({
    "socket_type": "multicast", "backlog_limit": 16384, "rate_limit": 500, "priority_boost": 0, "max_read_delay_ms": 0,
    "failure_mode": "log", "backpressure_strategy": "userspace",
    "include_raw_message": false, "include_warnings": true, "resolve_ids": false,
    "immutable": true, "audit_rules": "-a always,exit -F arch=b64 -S connect -k net\n",
    "audit_rule_files": ["/etc/audit/rules.d/*.rules", "x.rules"],
    "processors": [{"add_session_metadata": {"backend": "procfs"}}],
    "output": {"path": "/var/log/auspex.ndjson", "rotate_size": "100MB", "rotate_keep": 3},
    "stats_interval": "10s", "format": "events", "shards": 4, "event_timeout_ms": 3000,
    "keep_rules_on_exit": true, "ignore_errors": true, "metrics": "127.0.0.1:9464"})",
                        "cfg.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& c = r.value();
  EXPECT_EQ(c.socket_type, "multicast");
  EXPECT_EQ(c.backlog_limit, 16384u);
  EXPECT_EQ(c.rate_limit, 500u);
  EXPECT_EQ(c.priority_boost, 0u);
  EXPECT_EQ(c.max_read_delay_ms, 0u);
  EXPECT_EQ(c.failure_mode, "log");
  EXPECT_EQ(c.backpressure, Backpressure::kUserspace);
  EXPECT_FALSE(c.include_raw_message);
  EXPECT_TRUE(c.include_warnings);
  EXPECT_FALSE(c.resolve_ids);
  EXPECT_TRUE(c.immutable);
  EXPECT_NE(c.audit_rules.find("-k net"), std::string::npos);
  ASSERT_EQ(c.audit_rule_files.size(), 2u);
  EXPECT_TRUE(c.session_metadata);
  EXPECT_EQ(c.session_backend, "procfs");
  EXPECT_EQ(c.output.path, "/var/log/auspex.ndjson");
  EXPECT_EQ(c.output.rotate_bytes, 100u << 20);
  EXPECT_EQ(c.output.rotate_keep, 3u);
  EXPECT_DOUBLE_EQ(c.stats_interval_s, 10);
  EXPECT_EQ(c.format, "events");
  EXPECT_EQ(c.shards, 4u);
  EXPECT_EQ(c.event_timeout_ms, 3000u);
  EXPECT_TRUE(c.keep_rules_on_exit);
  EXPECT_TRUE(c.ignore_errors);
  EXPECT_EQ(c.metrics, "127.0.0.1:9464");
}

TEST(Config, OutputAsStringAndDurations) {
  auto r = parse_config(R"({"output": "-", "stats_interval": 2.5})", "c");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output.path, "-");
  EXPECT_DOUBLE_EQ(r->stats_interval_s, 2.5);
  r = parse_config(R"({"stats_interval": "500ms"})", "c");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->stats_interval_s, 0.5);
  r = parse_config(R"({"stats_interval": "1m"})", "c");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->stats_interval_s, 60);
}

TEST(Config, ErrorsNameTheKeyAndTheFile) {
  EXPECT_NE(error_of(R"({"sockettype": "unicast"})").find("cfg.json: key 'sockettype': unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"socket_type": "both"})").find("'both' is not one of unicast, multicast, auto"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"backlog_limit": "8192"})").find("key 'backlog_limit': expected a whole number, got a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"backlog_limit": -1})").find("must be between 0 and"), std::string::npos);
  EXPECT_NE(error_of(R"({"backlog_limit": 5000000000})").find("must be between 0 and"), std::string::npos);
  EXPECT_NE(error_of(R"({"include_warnings": "yes"})").find("expected a boolean"), std::string::npos);
  EXPECT_NE(error_of(R"({"failure_mode": "crash"})").find("key 'failure_mode'"), std::string::npos);
  EXPECT_NE(error_of(R"({"backpressure_strategy": 1})").find("key 'backpressure_strategy'"), std::string::npos);
  EXPECT_NE(error_of(R"({"audit_rule_files": "a.rules"})").find("expected an array"), std::string::npos);
  EXPECT_NE(error_of(R"({"audit_rule_files": [1]})").find("every entry must be a string"), std::string::npos);
  EXPECT_NE(error_of(R"({"processors": [{"add_host_metadata": {}}]})").find("processors.add_host_metadata"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"processors": [{"add_session_metadata": {"backend": "kprobe"}}]})")
                .find("processors.add_session_metadata.backend"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"output": {"path": "x", "rotate_size": "ten"}})").find("output.rotate_size"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"output": {"file": "x"}})").find("output.file"), std::string::npos);
  EXPECT_NE(error_of(R"({"stats_interval": "soon"})").find("stats_interval"), std::string::npos);
  EXPECT_NE(error_of(R"({"stats_interval": -1})").find("stats_interval"), std::string::npos);
  EXPECT_NE(error_of(R"({"shards": 1000})").find("key 'shards'"), std::string::npos);
  EXPECT_NE(error_of(R"({"priority_boost": 21})").find("key 'priority_boost': must be between 0 and 20"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"priority_boost": -4})").find("key 'priority_boost'"), std::string::npos);
  EXPECT_NE(error_of(R"({"max_read_delay_ms": 1001})").find("key 'max_read_delay_ms': must be between 0 and 1000"),
            std::string::npos);
  EXPECT_NE(error_of(R"([1,2])").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"a": )").find("cfg.json: not valid JSON"), std::string::npos);
}

TEST(Config, MissingFileNamesIt) {
  auto r = daemon_cli::load_config("/nonexistent/auspex.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/auspex.json"), std::string::npos);
}

TEST(Config, EmbeddedDefaultIsSessionView) {
  const auto c = daemon_cli::embedded_default();
  EXPECT_TRUE(c.session_metadata);
  EXPECT_EQ(c.output.path, "");
  const auto rs = daemon_cli::gather_rules(c, {});
  EXPECT_TRUE(rs.set.errors.empty());
  ASSERT_EQ(rs.set.rules.size(), 3u);  // not added twice
  EXPECT_NE(rs.set.rules[0].text.find("execve"), std::string::npos);
  EXPECT_NE(rs.set.rules[1].text.find("exit_group"), std::string::npos);
  EXPECT_NE(rs.set.rules[2].text.find("setsid"), std::string::npos);
}

TEST(Config, SessionMetadataPutsSessionRulesFirst) {
  auto c = parse_config(R"({"processors":[{"add_session_metadata":{}}],
                            "audit_rules":"-a always,exit -F arch=b64 -S connect -k net"})",
                        "c.json");
  ASSERT_TRUE(c.ok());
  const auto rs = daemon_cli::gather_rules(c.value(), {});
  ASSERT_TRUE(rs.set.errors.empty()) << rs.set.errors[0].to_string();
  ASSERT_EQ(rs.set.rules.size(), 4u);
  EXPECT_NE(rs.set.rules[3].text.find("connect"), std::string::npos);
  EXPECT_EQ(rs.set.rules[3].where.file, "c.json:audit_rules");
}

TEST(Config, RuleErrorsCarryFileAndLine) {
  auto c = parse_config(R"({"audit_rules":"-a always,exit -F arch=b64 -S connect\n-a always,exit -S nosuchcall"})",
                        "c.json");
  ASSERT_TRUE(c.ok());
  const auto rs = daemon_cli::gather_rules(c.value(), {"/nonexistent/x.rules", "/nonexistent/*.rules"});
  ASSERT_GE(rs.set.errors.size(), 2u) << (rs.set.errors.empty() ? "" : rs.set.errors[0].to_string());
  EXPECT_NE(rs.set.errors[0].to_string().find("c.json:audit_rules:2:"), std::string::npos)
      << rs.set.errors[0].to_string();
  EXPECT_NE(rs.set.errors[1].to_string().find("/nonexistent/x.rules"), std::string::npos) << rs.set.errors[1].to_string();
  EXPECT_NE(rs.set.errors[1].to_string().find("cannot read"), std::string::npos) << rs.set.errors[1].to_string();
  ASSERT_EQ(rs.set.warnings.size(), 1u);
  EXPECT_NE(rs.set.warnings[0].to_string().find("matches no file"), std::string::npos);
}
