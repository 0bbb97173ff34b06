#include "rules/rule_test_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Errors(const LoadedRuleTestFile& f) {
  std::vector<std::string> out;
  for (const GateError& e : f.errors) out.push_back(e.ToString());
  return out;
}

TEST(RuleTestFileTest, ReadsPromtoolFormat) {
  LoadedRuleTestFile f = ParseRuleTestFile("dir/t.yml", R"(
rule_files: [alerts.yml, /abs/other.yml]
evaluation_interval: 30s
group_eval_order: [a, b]
tests:
  - interval: 1m
    name: down
    external_labels: {region: eu}
    external_url: http://x/
    input_series:
      - series: 'up{job="p"}'
        values: 0x3
    alert_rule_test:
      - eval_time: 5m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: {severity: page, code: 500}
            exp_annotations: {summary: down}
          - {}
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{job="p"}'
            value: 0
          - value: 1e3
  - {}
)");
  ASSERT_TRUE(f.ok()) << ::testing::PrintToString(Errors(f));
  EXPECT_THAT(f.file.rule_files, ElementsAre("dir/alerts.yml", "/abs/other.yml"));
  EXPECT_EQ(f.file.evaluation_interval, absl::Seconds(30));
  ASSERT_EQ(f.file.tests.size(), 2u);
  const RuleTestGroup& g = f.file.tests[0];
  EXPECT_EQ(g.name, "down");
  EXPECT_EQ(g.external_labels.at("region"), "eu");
  ASSERT_EQ(g.input_series.size(), 1u);
  EXPECT_EQ(g.input_series[0].steps.size(), 4u);
  ASSERT_EQ(g.alert_rule_tests.size(), 1u);
  EXPECT_EQ(g.alert_rule_tests[0].eval_time_text, "5m");
  ASSERT_EQ(g.alert_rule_tests[0].exp_alerts.size(), 2u);
  EXPECT_EQ(g.alert_rule_tests[0].exp_alerts[0].labels.at("code"), "500");
  ASSERT_EQ(g.promql_expr_tests[0].exp_samples.size(), 2u);
  EXPECT_EQ(g.promql_expr_tests[0].exp_samples[1].value, 1000);
  EXPECT_EQ(g.MaxEvalTime(), absl::Minutes(5));
}

TEST(RuleTestFileTest, ReadsGateFileExtensions) {
  LoadedRuleTestFile f = ParseRuleTestFile("t.yml", R"(
rule_files: [gate.yaml]
tests:
  - input_artifacts:
      coverage: artifacts/coverage.xml
      tests: {content: "<testsuite tests='1'/>"}
    outcome_test:
      - eval_time: 0m
        exp_outcomes:
          line-coverage: pass
          quality/tests: {outcome: fail, value: 2}
)");
  ASSERT_TRUE(f.ok()) << ::testing::PrintToString(Errors(f));
  const RuleTestGroup& g = f.file.tests[0];
  ASSERT_EQ(g.input_artifacts.size(), 2u);
  EXPECT_EQ(g.input_artifacts[0].file, "artifacts/coverage.xml");
  EXPECT_TRUE(g.input_artifacts[1].inline_content);
  ASSERT_EQ(g.outcome_tests[0].exp_outcomes.size(), 2u);
  EXPECT_EQ(g.outcome_tests[0].exp_outcomes[1].rule, "quality/tests");
  EXPECT_EQ(g.outcome_tests[0].exp_outcomes[1].outcome, Outcome::kFail);
  EXPECT_EQ(g.outcome_tests[0].exp_outcomes[1].value, 2);
}

TEST(RuleTestFileTest, EveryErrorNamesFileLineAndColumn) {
  LoadedRuleTestFile f = ParseRuleTestFile("t.yml", R"(rule_files: [a.yml]
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="prometheus", instance="localhost:9090"'
        values: "0+0x1440"
      - series: up
        values: "1 2 x"
    alert_rule_test:
      - eval_time: 5m
    promql_expr_test:
      - expr: up
        eval_tme: 1m
)");
  EXPECT_THAT(
      Errors(f),
      ElementsAre(
          "t.yml:5:17: tests[0]: series: bad series \"up{job=\"prometheus\", "
          "instance=\"localhost:9090\"\": column 47: expected \",\" or \"}\"",
          "t.yml:8:17: tests[0]: values \"1 2 x\": column 5: expected a number, "
          "\"_\" or \"stale\", got \"x\"",
          "t.yml:10:9: tests[0]: an item under alert_rule_test misses required "
          "attribute alertname at eval_time 5m",
          "t.yml:13:9: tests[0]: unknown key \"eval_tme\" in a promql_expr_test item "
          "(expected one of: expr, eval_time, exp_samples)"));
}

TEST(RuleTestFileTest, BadYamlIsOneLocatedError) {
  LoadedRuleTestFile f = ParseRuleTestFile("t.yml", "tests: [\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].file, "t.yml");
  EXPECT_GT(f.errors[0].pos.line, 0);
}

TEST(RuleTestFileTest, GarbageNeverCrashes) {
  // Fuzz-friendly: odd shapes are errors, never exceptions.
  for (const char* text : {"", "[]", "tests: 5", "tests: [[1]]", "tests: [{input_series: 3}]",
                           "tests: [{outcome_test: [{exp_outcomes: [1]}]}]",
                           "rule_files: {a: 1}", "evaluation_interval: [1]",
                           "tests: [{input_artifacts: {a: [1]}}]", "- - -", "{{{",
                           "tests: [{alert_rule_test: [{exp_alerts: [[1]]}]}]"}) {
    LoadedRuleTestFile f = ParseRuleTestFile("t.yml", text);
    EXPECT_FALSE(f.ok()) << text;
  }
}

// A file cut short (a CI artifact truncated, an editor crash) must not pass
// as a file whose tests all succeeded: a file without tests, or a test that
// checks nothing, is a located error (exit 2), where promtool says SUCCESS.
TEST(RuleTestFileTest, AFileCutShortIsAnErrorNotASuccess) {
  EXPECT_THAT(Errors(ParseRuleTestFile("t.yml", "rule_files: [a.yml]\n")),
              ElementsAre("t.yml:1:1: no tests: expected a list of tests under "
                          "\"tests\" (is the file cut short?)"));
  EXPECT_THAT(Errors(ParseRuleTestFile("t.yml", "rule_files: [a.yml]\ntests:\n")),
              ElementsAre("t.yml:2:1: no tests: expected a list of tests under "
                          "\"tests\" (is the file cut short?)"));
  LoadedRuleTestFile cut = ParseRuleTestFile("t.yml", R"(rule_files: [a.yml]
tests:
  - name: checks something
    interval: 1m
    input_series:
      - series: up
        values: "1x5"
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples: [{labels: up, value: 1}]
  - name: cut here
    interval: 1m
    input_series:
      - series: up
        values: "1x5"
)");
  EXPECT_THAT(Errors(cut),
              ElementsAre("t.yml:12:5: tests[1]: test \"cut here\" checks nothing: "
                          "expected alert_rule_test, promql_expr_test or outcome_test "
                          "(is the file cut short?)"));
}

}  // namespace
}  // namespace aurora
