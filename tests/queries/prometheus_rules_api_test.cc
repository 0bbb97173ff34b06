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

}  // namespace
}  // namespace aurora
