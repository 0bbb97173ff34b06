// The `actions:` section of gate files: options per kind, validated at
// their file:line:col, stored flattened in ActionSpec::settings.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

VarLookup ActionVars(std::map<std::string, std::string> m = {}) {
  return [m](const std::string& name) -> std::optional<std::string> {
    auto it = m.find(name);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

constexpr char kHead[] = R"(gate: stop-conditions
sources:
  prom: { type: prometheus, url: "http://prom:9090" }
groups:
  - name: g
    rules:
      - alert: HighErrorRate
        expr: up == 0
)";

LoadedGate Load(const std::string& actions,
                std::map<std::string, std::string> vars = {}) {
  return ParseGate("gate.yaml", std::string(kHead) + actions,
                   ActionVars(std::move(vars)));
}

std::vector<std::string> ActionErrors(const std::string& actions) {
  std::vector<std::string> out;
  for (const GateError& e : Load(actions).errors) out.push_back(e.ToString());
  return out;
}

TEST(ActionLoaderTest, LoadsTheRunbookActions) {
  LoadedGate g =
      Load(R"(actions:
  - on: start
    webhook:
      url: ${SLACK_WEBHOOK_URL}
      format: slack
      text: "Aurora testnet deployment started - Monitor: http://grafana.testnet.aurora.internal"
  - on: fail
    webhook:
      url: ${SLACK_WEBHOOK_URL}
      format: slack
      text: "🚨 Aurora testnet rollback initiated - Check logs"
      headers: { X-Team: aurora, Authorization: "Bearer ${HOOK_TOKEN}" }
      timeout: 5s
      max_attempts: 8
      max_duration: 10m
      signing_key_env: AURORA_HOOK_KEY
  - on: fail
    exec:
      command: [aws, ecs, update-service, --cluster, aurora-testnet,
                --service, aurora-api, --task-definition,
                aurora-testnet-previous, --force-new-deployment]
      timeout: 2m
      name: rollback
  - on: resolved
    alertmanager: { url: "http://am:9093", generator_url: "http://grafana" }
)",
           {{"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X"},
            {"HOOK_TOKEN", "t0k"}});
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  const auto& a = g.gate.actions;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].on, ActionTrigger::kStart);
  EXPECT_EQ(a[0].kind, "webhook");
  EXPECT_EQ(a[1].settings.at("text"),
            "🚨 Aurora testnet rollback initiated - Check logs");
  EXPECT_THAT(
      a[1].settings,
      UnorderedElementsAre(
          Pair("url", "https://hooks.slack.com/services/T/B/X"),
          Pair("format", "slack"),
          Pair("text", "🚨 Aurora testnet rollback initiated - Check logs"),
          Pair("headers.X-Team", "aurora"),
          Pair("headers.Authorization", "Bearer t0k"), Pair("timeout", "5s"),
          Pair("max_attempts", "8"), Pair("max_duration", "10m"),
          Pair("signing_key_env", "AURORA_HOOK_KEY")));
  EXPECT_EQ(a[2].kind, "exec");
  EXPECT_THAT(
      a[2].argv,
      ElementsAre("aws", "ecs", "update-service", "--cluster", "aurora-testnet",
                  "--service", "aurora-api", "--task-definition",
                  "aurora-testnet-previous", "--force-new-deployment"));
  EXPECT_THAT(a[2].settings, UnorderedElementsAre(Pair("timeout", "2m"),
                                                  Pair("name", "rollback")));
  EXPECT_EQ(a[2].pos.line, 25);
  EXPECT_EQ(a[3].kind, "alertmanager");
  EXPECT_EQ(a[3].settings.at("url"), "http://am:9093");
}

TEST(ActionLoaderTest, ExecListFormStillWorks) {
  LoadedGate g = Load(R"(actions:
  - on: error
    exec: ["/usr/local/bin/rollback", "--now"]
)");
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_THAT(g.gate.actions[0].argv,
              ElementsAre("/usr/local/bin/rollback", "--now"));
  EXPECT_TRUE(g.gate.actions[0].settings.empty());
}

TEST(ActionLoaderTest, BadOptionsAreReportedAtTheirPosition) {
  EXPECT_THAT(
      ActionErrors(R"(actions:
  - on: fail
    webhook:
      url: ftp://host/x
      format: teams
      timeout: 5 seconds
      max_attempts: 0
      max_duration: 0s
      signing_key_env: "not a name"
)"),
      ElementsAre("gate.yaml:12:12: action 1: url: expected an http:// or "
                  "https:// URL",
                  "gate.yaml:13:15: action 1: format: expected one of json, "
                  "slack, alertmanager, got \"teams\"",
                  "gate.yaml:14:16: action 1: timeout: invalid duration \"5 "
                  "seconds\": unknown unit \" seconds\", expected one of ms, "
                  "s, m, h, d, w, y",
                  "gate.yaml:15:21: action 1: max_attempts: expected an "
                  "integer from 1 to 100, got \"0\"",
                  "gate.yaml:16:21: action 1: max_duration: must be greater "
                  "than 0",
                  "gate.yaml:17:24: action 1: signing_key_env: expected the "
                  "name of an environment variable, got \"not a name\""));
}

TEST(ActionLoaderTest, UnknownOptionSuggestsTheNearestKey) {
  EXPECT_THAT(ActionErrors(R"(actions:
  - on: fail
    webhook: { url: "http://h", fromat: slack }
)"),
              ElementsAre("gate.yaml:11:33: action 1: unknown key \"fromat\" "
                          "in a webhook action, did you mean \"format\"? "
                          "(expected one of: url, format, text, receiver, "
                          "external_url, generator_url, headers, timeout, "
                          "max_attempts, max_duration, signing_key_env, "
                          "signing_key_file, name)"));
}

TEST(ActionLoaderTest, MissingUrlAndCommandAreErrors) {
  EXPECT_THAT(ActionErrors(R"(actions:
  - on: fail
    alertmanager: { generator_url: "http://g" }
  - on: fail
    exec: { timeout: 1m }
)"),
              ElementsAre("gate.yaml:11:19: action 1: alertmanager: missing "
                          "key \"url\"",
                          "gate.yaml:13:11: action 2: exec: missing key "
                          "\"command\" (the command as a list of arguments)"));
}

TEST(ActionLoaderTest, HeadersMustBeAMappingOfValidNames) {
  EXPECT_THAT(ActionErrors(R"(actions:
  - on: fail
    webhook:
      url: "http://h"
      headers: { "Bad Name": x, X-Ok: "a\nb" }
  - on: fail
    webhook: { url: "http://h", headers: [a, b] }
)"),
              ElementsAre("gate.yaml:13:18: action 1: headers: invalid header "
                          "name \"Bad Name\" (letters, digits and "
                          "!#$%&'*+-.^_`|~ only)",
                          "gate.yaml:13:39: action 1: headers: the value of "
                          "\"X-Ok\" contains a line break",
                          "gate.yaml:15:42: action 2: headers: expected a "
                          "mapping of header names to values, got a "
                          "list"));
}

TEST(ActionLoaderTest, SigningKeyFromEnvAndFileTogetherIsAnError) {
  EXPECT_THAT(ActionErrors(R"(actions:
  - on: fail
    webhook:
      url: "http://h"
      signing_key_env: K
      signing_key_file: /etc/aurora/key
)"),
              ElementsAre("gate.yaml:14:25: action 1: signing_key_env and "
                          "signing_key_file: give one, not both"));
}

TEST(ActionLoaderTest, UrlErrorsNeverQuoteTheUrl) {
  std::vector<std::string> errors = ActionErrors(R"(actions:
  - on: fail
    webhook: { url: "hooks.slack.com/services/T/B/s3cr3t" }
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "gate.yaml:11:21: action 1: url: expected an http:// "
            "or https:// URL");
}

}  // namespace
}  // namespace aurora
