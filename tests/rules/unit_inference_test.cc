// Issue 11.9: the unit a metric name says, when the gate file does not say.
#include "rules/unit_inference.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(UnitInferenceTest, ArtifactMetricNamesSayTheirUnit) {
  EXPECT_EQ(InferUnit("coverage_line_percent"), Unit::kPercent);
  EXPECT_EQ(InferUnit("coverage_branch_percent{package=~\"aurora/risk.*\"}"),
            Unit::kPercent);
  EXPECT_EQ(InferUnit("mutation_score_percent{module=~\"aurora/(risk|execution).*\"}"),
            Unit::kPercent);
  EXPECT_EQ(InferUnit("benchmark_mean_seconds{name=\"test_order_submit_latency\"}"),
            Unit::kSeconds);
  EXPECT_EQ(InferUnit("max(benchmark_max_seconds)"), Unit::kSeconds);
  EXPECT_EQ(InferUnit("benchmark_ops"), Unit::kOpsPerSecond);
}

TEST(UnitInferenceTest, PrometheusNamingConventions) {
  EXPECT_EQ(InferUnit("process_resident_memory_bytes{job=\"api\"}"), Unit::kBytes);
  EXPECT_EQ(InferUnit("avg_over_time(cache_hit_ratio[5m])"), Unit::kRatio);
  EXPECT_EQ(InferUnit("histogram_quantile(0.99, sum by (le) "
                      "(rate(http_request_duration_seconds_bucket[5m])))"),
            Unit::kSeconds);
  EXPECT_EQ(InferUnit("request_latency_milliseconds"), Unit::kMilliseconds);
}

TEST(UnitInferenceTest, QueriesThatMayChangeTheUnitSayNothing) {
  EXPECT_EQ(InferUnit("sum(tests{result=\"failed\"})"), Unit::kNone);
  EXPECT_EQ(InferUnit("100 * sum(mutants{status=\"killed\"}) / sum(mutants)"),
            Unit::kNone);
  EXPECT_EQ(InferUnit("coverage_line_percent / 100"), Unit::kNone);
  EXPECT_EQ(InferUnit("count(benchmark_mean_seconds)"), Unit::kNone);
  EXPECT_EQ(InferUnit("rate(process_cpu_seconds_total[5m])"), Unit::kNone);
  EXPECT_EQ(InferUnit("deriv(process_resident_memory_bytes[5m])"), Unit::kNone);
  // Names that disagree.
  EXPECT_EQ(InferUnit("a_seconds - b_bytes"), Unit::kNone);
}

TEST(UnitInferenceTest, LabelsStringsAndGroupingAreNotMetricNames) {
  EXPECT_EQ(InferUnit("sum by (duration_seconds) (up)"), Unit::kNone);
  EXPECT_EQ(InferUnit("up{job=\"x_seconds\"}"), Unit::kNone);
  EXPECT_EQ(InferUnit("max without (instance) (x_seconds) - 0.5"), Unit::kSeconds);
}

}  // namespace
}  // namespace aurora
