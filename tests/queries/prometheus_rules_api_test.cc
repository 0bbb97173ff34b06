// Issue 12.12: the server's own alerting rules and alerts (/api/v1/rules).
#include "queries/prometheus_rules_api.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

constexpr char kRules[] = R"json({"status":"success","data":{"groups":[{"name":"g","file":"/r.yml","interval":15,
 "rules":[{"state":"firing","name":"Down","query":"up == 0","duration":300,"keepFiringFor":0,
  "labels":{"severity":"critical"},"annotations":{},"health":"ok",
  "lastEvaluation":"2026-12-03T10:00:05.123Z","type":"alerting",
  "alerts":[{"labels":{"alertname":"Down","instance":"a","severity":"critical"},"annotations":{},
   "state":"firing","activeAt":"2026-12-03T09:50:00Z","value":"0e+00"}]},
  {"name":"job:x:sum","query":"sum(x)","health":"ok","type":"recording"}]}]}})json";

TEST(PrometheusRulesApiTest, ParsesAlertingRulesAndTheirAlerts) {
  absl::StatusOr<std::vector<ServerAlertRule>> rules = ParseAlertingRules(200, kRules);
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 1u);  // the recording rule is not one
  const ServerAlertRule& r = (*rules)[0];
  EXPECT_EQ(r.name, "Down");
  EXPECT_EQ(r.group, "g");
  EXPECT_EQ(r.group_interval, absl::Seconds(15));
  EXPECT_EQ(r.for_duration, absl::Minutes(5));
  EXPECT_EQ(r.labels.at("severity"), "critical");
  EXPECT_EQ(r.last_evaluation, absl::FromUnixMillis(1796292005123));
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].state, "firing");
  EXPECT_EQ(r.alerts[0].active_at, absl::FromUnixSeconds(1796291400));
  EXPECT_EQ(r.alerts[0].labels.at("instance"), "a");
}

TEST(PrometheusRulesApiTest, NotARulesAnswerIsAnError) {
  EXPECT_FALSE(ParseAlertingRules(404, "404 page not found").ok());
  EXPECT_FALSE(ParseAlertingRules(200, R"({"status":"success","data":[]})").ok());
}

TEST(PrometheusRulesApiTest, ExpressionsCompareWithoutSpacesOutsideStrings) {
  EXPECT_EQ(ExprWithoutSpaces("rate(x[5m]) >\n  0.5"), ExprWithoutSpaces("rate(x[5m])>0.5"));
  EXPECT_NE(ExprWithoutSpaces("x{a=\"b c\"}"), ExprWithoutSpaces("x{a=\"bc\"}"));
}

// The server prints number literals and durations its own way (`1.0` as
// `1`, `[300s]` as `[5m]`): the same rule still compares equal.
TEST(PrometheusRulesApiTest, ComparableExprReadsNumbersAndDurationsByValue) {
  EXPECT_EQ(ComparableExpr("histogram_quantile(0.95, rate(x_bucket[5m])) > 1.0"),
            ComparableExpr("histogram_quantile(0.95, rate(x_bucket[5m])) > 1"));
  EXPECT_EQ(ComparableExpr("x > .80"), ComparableExpr("x > 0.8"));
  EXPECT_EQ(ComparableExpr("x > 1e3"), ComparableExpr("x > 1000"));
  EXPECT_EQ(ComparableExpr("rate(x[300s]) > 0"), ComparableExpr("rate(x[5m]) > 0"));
  EXPECT_EQ(ComparableExpr("rate(x[90m]) > 0"), ComparableExpr("rate(x[1h30m]) > 0"));
  EXPECT_NE(ComparableExpr("x > 1.0"), ComparableExpr("x > 1.5"));
  EXPECT_NE(ComparableExpr("rate(x[5m]) > 0"), ComparableExpr("rate(x[6m]) > 0"));
  // Digits inside names and strings are not numbers.
  EXPECT_NE(ComparableExpr("node_cpu2 > 1"), ComparableExpr("node_cpu2.0 > 1"));
  EXPECT_NE(ComparableExpr("x{a=\"1.0\"} > 1"), ComparableExpr("x{a=\"1\"} > 1"));
  EXPECT_NE(ComparableExpr("x{a=\"b c\"}"), ComparableExpr("x{a=\"bc\"}"));
  EXPECT_EQ(ComparableExpr("rate(x[5m]) >\n  0.5"), ComparableExpr("rate(x[5m])>0.5"));
  // A duration too long for milliseconds stays as written (no overflow).
  EXPECT_EQ(ComparableExpr("rate(x[999999999999999y])"), "rate(x[999999999999999y])");
}

}  // namespace
}  // namespace aurora
