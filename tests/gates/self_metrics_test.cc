// The watcher's /metrics as a scraper reads it: per-rule outcome, value and
// no-data gauges for the rules of the last cycle only, next to the counters.
#include "gates/app/self_metrics.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/prometheus_harness.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RuleResult RuleWith(const std::string& name, Outcome outcome,
                std::optional<double> value) {
  RuleResult r;
  r.group = "stop";
  r.name = name;
  r.outcome = outcome;
  if (value) {
    SeriesResult s;
    s.value = *value;
    r.series.push_back(s);
  }
  return r;
}

RunResult OneGateRun(std::vector<RuleResult> rules) {
  RunResult run;
  GateResult g;
  g.name = "postdeploy";
  g.rules = std::move(rules);
  run.gates.push_back(std::move(g));
  return run;
}

std::string Scrape(const SelfMetrics& m) {
  testing::ToolResult r =
      testing::HttpGet(absl::StrCat("http://127.0.0.1:", m.port(), "/metrics"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

TEST(SelfMetricsTest, ServesPerRuleGaugesOfTheLastCycle) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  (*m)->RecordCycle(OneGateRun({RuleWith("error_rate", Outcome::kFail, 0.062),
                         RuleWith("p95", Outcome::kPass, 0.31),
                         RuleWith("no_series", Outcome::kInconclusive, std::nullopt),
                         RuleWith("down", Outcome::kError, std::nullopt)}),
                    0.25);
  std::string text = Scrape(**m);
  EXPECT_THAT(text, HasSubstr("# TYPE aurora_gate_rule_outcome gauge"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"error_rate\"} 5\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"p95\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"down\"} 4\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_value{gate=\"postdeploy\",group=\"stop\",rule=\"error_rate\"} 0.062\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_value{gate=\"postdeploy\",group=\"stop\",rule=\"p95\"} 0.31\n"));
  // No value for a rule whose query matched nothing; no_data says so.
  EXPECT_THAT(text, Not(HasSubstr("aurora_gate_rule_value{gate=\"postdeploy\",group=\"stop\",rule=\"no_series\"}")));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_no_data{gate=\"postdeploy\",group=\"stop\",rule=\"no_series\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_no_data{gate=\"postdeploy\",group=\"stop\",rule=\"p95\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("aurora_gate_evaluations_total 1\n"));
  EXPECT_THAT(text, HasSubstr("aurora_gate_evaluation_errors_total 1\n"));

  // The next cycle replaces the values; a rule no longer evaluated (removed
  // by a reload) is gone rather than frozen at its last value.
  (*m)->RecordCycle(OneGateRun({RuleWith("error_rate", Outcome::kPass, 0.004),
                         RuleWith("p95", Outcome::kPass, 0.29)}),
                    0.2);
  text = Scrape(**m);
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"error_rate\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_value{gate=\"postdeploy\",group=\"stop\",rule=\"error_rate\"} 0.004\n"));
  EXPECT_THAT(text, Not(HasSubstr("rule=\"no_series\"")));
  EXPECT_THAT(text, Not(HasSubstr("rule=\"down\"")));
  EXPECT_THAT(text, HasSubstr("aurora_gate_evaluations_total 2\n"));
}

TEST(SelfMetricsTest, RulesWithTheSameNameGiveOneSeriesTheLastOneWins) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  (*m)->RecordCycle(OneGateRun({RuleWith("twice", Outcome::kFail, 7),
                                RuleWith("other", Outcome::kPass, 1),
                                RuleWith("twice", Outcome::kPass, 3)}),
                    0.1);
  std::string text = Scrape(**m);
  const std::string series =
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"twice\"}";
  size_t first = text.find(series);
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find(series, first + 1), std::string::npos) << text;
  EXPECT_THAT(text, HasSubstr(series + " 0\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_value{gate=\"postdeploy\",group=\"stop\",rule=\"twice\"} 3\n"));
  EXPECT_THAT(text, HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"other\"} 0\n"));
}

TEST(SelfMetricsTest, BeforeTheFirstCycleThereAreNoRuleSeries) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  std::string text = Scrape(**m);
  EXPECT_THAT(text, Not(HasSubstr("aurora_gate_rule_outcome{")));
  EXPECT_THAT(text, HasSubstr("aurora_gate_evaluations_total 0\n"));
}

TEST(SelfMetricsTest, EscapesLabelValuesFromTheGateFile) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  (*m)->RecordCycle(OneGateRun({RuleWith("say \"hi\"\\now", Outcome::kWarn, 1)}), 0.1);
  EXPECT_THAT(Scrape(**m), HasSubstr(
      "aurora_gate_rule_outcome{gate=\"postdeploy\",group=\"stop\",rule=\"say \\\"hi\\\"\\\\now\"} 1\n"));
}

// Issue 11, item 12: /healthz is a health check, not metrics text: "ok"
// while healthy; aurora_gate_up is on /metrics.
TEST(SelfMetricsTest, HealthzAnswersOkAndUpIsAMetric) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  testing::ToolResult r = testing::HttpGet(
      absl::StrCat("http://127.0.0.1:", (*m)->port(), "/healthz"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ok\n");
  EXPECT_THAT(Scrape(**m), HasSubstr("aurora_gate_up 1\n"));
}

// Issue 10, item 9: /healthz reports a stalled evaluation loop.
TEST(SelfMetricsTest, HealthzIs503WhenNoCycleCompletesWithinTheThreshold) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  (*m)->SetStallThreshold(absl::Milliseconds(300));
  (*m)->RecordHeartbeat();
  const std::string url = absl::StrCat("http://127.0.0.1:", (*m)->port(), "/healthz");
  testing::ToolResult r = testing::HttpGet(url);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The loop stops completing cycles: unhealthy once the threshold passes.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    r = testing::HttpGet(url);
    if (r.exit_code != 0) break;
  }
  EXPECT_NE(r.exit_code, 0);
  // The body says what is unhealthy, in words, not as metrics text.
  EXPECT_THAT(r.output, HasSubstr("503"));
  EXPECT_THAT(r.output,
              HasSubstr("unhealthy: evaluation loop stalled: no cycle completed for "));
  EXPECT_THAT(r.output, HasSubstr("(threshold 300ms)\n"));
  EXPECT_THAT(r.output, Not(HasSubstr("aurora_gate_up")));
  // A cycle completes: healthy again; /metrics is still served.
  (*m)->RecordHeartbeat();
  r = testing::HttpGet(url);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(Scrape(**m), HasSubstr("aurora_gate_evaluations_total"));
  (*m)->SetStallThreshold(absl::Minutes(1));
}

TEST(SelfMetricsTest, SpoolDurabilityAndFailedActionsAreMetrics) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> m = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(m.ok()) << m.status();
  (*m)->RecordSpool(false, 2);
  EXPECT_THAT(Scrape(**m), HasSubstr("aurora_gate_spool_durable 0\n"));
  EXPECT_THAT(Scrape(**m), HasSubstr("aurora_gate_failed_actions 2\n"));
}

TEST(SelfMetricsTest, AnAddressInUseIsUnavailable) {
  absl::StatusOr<std::unique_ptr<SelfMetrics>> first = SelfMetrics::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<SelfMetrics>> second =
      SelfMetrics::Start(absl::StrCat("127.0.0.1:", (*first)->port()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace aurora
