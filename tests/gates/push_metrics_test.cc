// What `check --push` sends: the grouping path the Pushgateway expects and
// the exposition of a run (names, units, publish: metrics, verdicts).
#include "gates/app/push_metrics.h"

#include "gates/core/run_gate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PushMetricsTest, GroupingValuesWithSlashesOrEmptyAreBase64AsThePushgatewayWants) {
  PushTarget t;
  t.job = "aurora-gate";
  t.grouping = {{"env", "testnet"}, {"branch", "feature/x"}, {"empty", ""}};
  EXPECT_EQ(PushPath(t),
            "/metrics/job/aurora-gate/branch@base64/ZmVhdHVyZS94/empty@base64/=/env/testnet");
}

TEST(PushMetricsTest, ExpositionHasSamplesAsRatiosVerdictsAndPublishedSeries) {
  LoadedGate g = ParseGate("g.yaml", R"(gate: cov
sources:
  c:
    type: json
    path: c.json
    values:
      line_percent: /line
publish:
  aurora_test_coverage: { source: c, expr: line_percent }
groups:
  - name: g
    source: c
    rules:
      - { name: lines, expr: line_percent, pass: "> 90" }
)", EnvironmentLookup());
  ASSERT_TRUE(g.ok()) << g.errors[0].ToString();
  testing::FakeFileReader files;
  files.Add("c.json", R"({"line": 85.5})");
  SourceCache cache(files);
  RunResult run;
  run.eval_time = absl::FromUnixSeconds(1764748800);
  run.gates.push_back(RunGate(g.gate, cache, nullptr, run.eval_time));
  const std::string text = PushExposition({g.gate}, run, cache);
  EXPECT_THAT(text, HasSubstr("aurora_gate_line_ratio{source=\"c\"} 0.855"));
  EXPECT_THAT(text, Not(HasSubstr("aurora_gate_line_percent")));
  EXPECT_THAT(text, HasSubstr("aurora_test_coverage 85.5"));
  EXPECT_THAT(text, HasSubstr("aurora_gate_rule_passed{gate=\"cov\",rule=\"lines\"} 0"));
  EXPECT_THAT(text, HasSubstr("aurora_gate_passed{gate=\"cov\"} 0"));
  EXPECT_THAT(text, HasSubstr("aurora_gate_last_run_timestamp_seconds{gate=\"cov\"} 1764748800"));
}

TEST(PushMetricsTest, PublishNamesAreCheckedAtLoad) {
  LoadedGate g = ParseGate("g.yaml", R"(sources:
  c: { type: json, path: c.json, values: { v: /v } }
publish:
  "bad-name": { source: c, expr: v }
  ok_name: { source: nope, expr: v }
  other: { source: c, expr: w }
groups:
  - name: g
    source: c
    rules:
      - { name: r, expr: v, pass: "> 0" }
)", EnvironmentLookup());
  ASSERT_FALSE(g.ok());
  std::string all;
  for (const auto& e : g.errors) all += e.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("g.yaml:4:3: publish: \"bad-name\" is not a Prometheus metric name"));
  EXPECT_THAT(all, HasSubstr("\"nope\" is not an artifact source of this gate"));
  EXPECT_THAT(all, HasSubstr("unknown metric \"w\""));
}

}  // namespace
}  // namespace aurora
