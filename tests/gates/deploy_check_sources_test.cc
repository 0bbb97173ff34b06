// The runbook's deploy-time checks as sources, through RunGate: `env`
// (1.3, required variables, values never shown) and `command` (2.3, an argv
// run without a shell, JSON stdout picked like a json source).
#include <cstdlib>

#include "gates/core/run_gate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LoadedGate LoadAny(const std::string& text) {
  return ParseGate("g.yaml", text, EnvironmentLookup());
}

GateFile Load(const std::string& text) {
  LoadedGate g = LoadAny(text);
  EXPECT_TRUE(g.ok()) << (g.errors.empty() ? "" : g.errors[0].ToString());
  return g.gate;
}

const RuleResult& Find(const GateResult& g, const std::string& name) {
  for (const auto& r : g.rules) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no rule " << name;
  static RuleResult none;
  return none;
}

std::string AllText(const GateResult& g) {
  std::string out;
  for (const auto& r : g.rules) {
    out += r.reason + "|" + r.source_detail + "|";
    for (const auto& w : r.warnings) out += w + "|";
  }
  return out;
}

GateResult RunText(const std::string& text) {
  testing::FakeFileReader files;
  SourceCache cache(files);
  return RunGate(Load(text), cache, nullptr, absl::UnixEpoch());
}

constexpr char kEnvGate[] = R"G(sources:
  env:
    type: env
    required: [AG_TEST_KEY, AG_TEST_DB, AG_TEST_REDIS]
    patterns: { AG_TEST_DB: "postgres(ql)?://.*" }
groups:
  - name: config
    source: env
    rules:
      - { name: all-valid, expr: min(env_valid), pass: "== 1" }
      - { name: key-present, expr: 'env_present{name="AG_TEST_KEY"}', pass: "== 1" }
)G";

TEST(DeployCheckSourcesTest, EnvPassesWhenEveryVariableIsSetAndMatches) {
  setenv("AG_TEST_KEY", "k-123", 1);
  setenv("AG_TEST_DB", "postgresql://u:pw-Secret-9@db/aurora", 1);
  setenv("AG_TEST_REDIS", "redis://r:6379", 1);
  GateResult r = RunText(kEnvGate);
  EXPECT_EQ(Find(r, "all-valid").outcome, Outcome::kPass);
  EXPECT_EQ(Find(r, "key-present").outcome, Outcome::kPass);
  EXPECT_THAT(AllText(r), Not(HasSubstr("pw-Secret-9")));
}

TEST(DeployCheckSourcesTest, EnvFailsOnAMissingEmptyOrMalformedVariableNamingItNotItsValue) {
  setenv("AG_TEST_KEY", "", 1);
  setenv("AG_TEST_DB", "mysql://u:pw-Secret-9@db/aurora", 1);
  unsetenv("AG_TEST_REDIS");
  GateResult r = RunText(kEnvGate);
  EXPECT_EQ(Find(r, "all-valid").outcome, Outcome::kFail);
  EXPECT_EQ(Find(r, "key-present").outcome, Outcome::kFail);
  const std::string text = AllText(r);
  EXPECT_THAT(text, HasSubstr("AG_TEST_KEY is set but empty"));
  EXPECT_THAT(text, HasSubstr("AG_TEST_DB is set but does not match"));
  EXPECT_THAT(text, HasSubstr("AG_TEST_REDIS is not set"));
  EXPECT_THAT(text, Not(HasSubstr("pw-Secret-9")));
  EXPECT_THAT(text, Not(HasSubstr("mysql")));
}

TEST(DeployCheckSourcesTest, CommandJsonStdoutIsPickedLikeAJsonSource) {
  GateResult r = RunText(R"G(sources:
  ecs:
    type: command
    command: [sh, -c, 'echo "{\"services\":[{\"deployments\":[{\"rolloutState\":\"COMPLETED\"},{\"rolloutState\":\"IN_PROGRESS\"}]}]}"; echo note >&2']
    timeout: 20s
    values:
      rollout_completed: { pointer: "/services/0/deployments/*/rolloutState", match: COMPLETED, reduce: count }
groups:
  - name: health
    source: ecs
    rules:
      - { name: rollout, expr: rollout_completed, pass: ">= 1" }
      - { name: exit, expr: command_exit_code, pass: "== 0" }
      - { name: quick, expr: command_duration_seconds, pass: "< 20" }
)G");
  EXPECT_EQ(Find(r, "rollout").outcome, Outcome::kPass);
  EXPECT_EQ(Find(r, "exit").outcome, Outcome::kPass);
  EXPECT_EQ(Find(r, "quick").outcome, Outcome::kPass);
}

TEST(DeployCheckSourcesTest, AFailingCommandDecidesItsExitCodeRuleAndErrorsItsValues) {
  GateResult r = RunText(R"G(sources:
  aws:
    type: command
    command: [sh, -c, 'echo "An error occurred (AccessDenied)" >&2; exit 254']
    values:
      rollout_completed: { pointer: "/services/0/deployments/*/rolloutState", match: COMPLETED, reduce: count }
groups:
  - name: health
    source: aws
    rules:
      - { name: rollout, expr: rollout_completed, pass: ">= 1" }
      - { name: exit, expr: command_exit_code, pass: "== 0" }
)G");
  EXPECT_EQ(Find(r, "exit").outcome, Outcome::kFail);
  EXPECT_EQ(Find(r, "rollout").outcome, Outcome::kError);
  EXPECT_THAT(Find(r, "rollout").reason,
              HasSubstr("sh exited with code 254: An error occurred (AccessDenied)"));
}

TEST(DeployCheckSourcesTest, AHungCommandIsKilledAndIsAnErrorNeverAPass) {
  GateResult r = RunText(R"G(sources:
  slow:
    type: command
    command: [sh, -c, 'sleep 30 & sleep 30', --token, s3cr3t-arg]
    timeout: 300ms
groups:
  - name: g
    source: slow
    rules:
      - { name: exit, expr: command_exit_code, pass: "== 0" }
)G");
  const RuleResult& rule = Find(r, "exit");
  EXPECT_EQ(rule.outcome, Outcome::kError);
  EXPECT_THAT(rule.reason, HasSubstr("command sh: timed out after"));
  EXPECT_THAT(rule.reason, Not(HasSubstr("s3cr3t-arg")));
}

TEST(DeployCheckSourcesTest, StdoutBeyondMaxOutputIsNotReadAsJson) {
  GateResult r = RunText(R"G(sources:
  big:
    type: command
    command: [sh, -c, 'printf "{\"a\": 1, \"pad\": \"%02000d\"}" 0']
    max_output: 100
    values:
      a: { pointer: /a }
groups:
  - name: g
    source: big
    rules:
      - { name: a, expr: a, pass: "== 1" }
)G");
  EXPECT_EQ(Find(r, "a").outcome, Outcome::kError);
  EXPECT_THAT(Find(r, "a").reason, HasSubstr("more than 100 bytes"));
}

TEST(DeployCheckSourcesTest, LoaderNamesWrongKeysAndBadPatternsWithTheirPlace) {
  LoadedGate g = LoadAny(R"G(sources:
  env:
    type: env
    required: [A, B]
    patterns: { A: "(", C: "x" }
    path: env.txt
  cmd:
    type: command
    command: []
groups:
  - name: g
    source: env
    rules:
      - { name: r, expr: min(env_valid), pass: "== 1" }
)G");
  ASSERT_FALSE(g.ok());
  std::string all;
  for (const auto& e : g.errors) all += e.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("g.yaml:5:20: source \"env\": patterns: \"A\": invalid regular expression"));
  EXPECT_THAT(all, HasSubstr("invalid regular expression"));
  EXPECT_THAT(all, HasSubstr("\"C\" is not in the required list"));
  EXPECT_THAT(all, HasSubstr("g.yaml:6:5: source \"env\": \"path\" is not a key of an env source"));
  EXPECT_THAT(all, HasSubstr("command: expected the command as a non-empty list"));
}

}  // namespace
}  // namespace aurora
