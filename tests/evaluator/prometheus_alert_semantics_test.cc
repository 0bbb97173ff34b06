// Issue 12.1 and 12.8: an alerting rule (`alert:` without aurora-gate
// criteria) means what it means to Prometheus: no series, or a comparison
// meeting NaN, is simply not firing (pass, "no series" noted); native gate
// rules keep their no_data / nan policies. A firing alert's reason says so.
#include <cmath>
#include <limits>

#include "evaluator/judge.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Rule AlertRule(std::optional<double> threshold) {
  Rule r;
  r.kind = Rule::Kind::kAlert;
  r.name = "A";
  r.policies.severity = "critical";
  if (threshold) {
    ParsedExpr::Comparison c;
    c.op = CompareOp::kGt;
    c.threshold = *threshold;
    r.condition = c;
  }
  return r;
}

Rule GateRule() {
  Rule r = AlertRule(0.5);
  r.kind = Rule::Kind::kGate;
  return r;
}

Judgement JudgeNow(const Rule& rule, const std::vector<Observed>& now) {
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  std::map<Labels, double> holding;
  for (const auto& o : now) {
    if (!rule.condition || ConditionHolds(rule, o.value)) holding[o.labels] = o.value;
  }
  tracker.Step(kT0, holding);
  return JudgeLiveRule(rule, now, tracker, kT0, kT0);
}

TEST(PrometheusAlertSemanticsTest, SplitComparisonWithNoSeriesIsInactive) {
  Judgement j = JudgeNow(AlertRule(0.5), {});
  EXPECT_EQ(j.outcome, Outcome::kPass);
  EXPECT_THAT(j.reason, HasSubstr("no series"));
}

TEST(PrometheusAlertSemanticsTest, AndOrExpressionWithNoSeriesIsInactiveToo) {
  Judgement j = JudgeNow(AlertRule(std::nullopt), {});
  EXPECT_EQ(j.outcome, Outcome::kPass);
  EXPECT_THAT(j.reason, HasSubstr("no series"));
}

TEST(PrometheusAlertSemanticsTest, ComparisonMeetingNaNIsInactive) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Judgement j = JudgeNow(AlertRule(0.5), {{Labels(), nan, std::nullopt}});
  EXPECT_EQ(j.outcome, Outcome::kPass);
  EXPECT_THAT(j.reason, HasSubstr("NaN"));
}

TEST(PrometheusAlertSemanticsTest, WrittenPoliciesStillApplyToAlerts) {
  Rule r = AlertRule(0.5);
  r.policies.no_data_set = true;  // `no_data: inconclusive` written
  r.policies.nan_set = true;
  EXPECT_EQ(JudgeNow(r, {}).outcome, Outcome::kInconclusive);
  EXPECT_EQ(JudgeNow(r, {{Labels(), std::nan(""), std::nullopt}}).outcome,
            Outcome::kInconclusive);
}

TEST(PrometheusAlertSemanticsTest, NativeGateRulesKeepTheirPolicies) {
  EXPECT_EQ(JudgeNow(GateRule(), {}).outcome, Outcome::kInconclusive);
  EXPECT_EQ(JudgeNow(GateRule(), {{Labels(), std::nan(""), std::nullopt}}).outcome,
            Outcome::kInconclusive);
}

TEST(PrometheusAlertSemanticsTest, ArtifactJudgeFollowsTheSameRule) {
  EXPECT_EQ(JudgeRule(AlertRule(0.5), {}, false).outcome, Outcome::kPass);
  EXPECT_EQ(JudgeRule(GateRule(), {}, false).outcome, Outcome::kInconclusive);
}

TEST(PrometheusAlertSemanticsTest, FiringPresenceAlertReasonSaysFiring) {
  Judgement j = JudgeNow(AlertRule(std::nullopt), {{Labels(), 3, std::nullopt}});
  EXPECT_EQ(j.outcome, Outcome::kFail);
  EXPECT_THAT(j.reason, HasSubstr("firing, value 3"));
  EXPECT_THAT(j.reason, Not(HasSubstr("no fail or warn criterion holds")));
}

TEST(PrometheusAlertSemanticsTest, FiringAfterForReasonSaysSinceAndValue) {
  Rule r = AlertRule(std::nullopt);
  r.for_duration = absl::Minutes(2);
  AlertTracker tracker(r.for_duration, r.keep_firing_for);
  Labels l;
  for (int m = 0; m <= 3; ++m) tracker.Step(kT0 + absl::Minutes(m), {{l, 7}});
  Judgement j = JudgeLiveRule(r, {{l, 7, std::nullopt}}, tracker,
                              kT0 - absl::Minutes(10), kT0 + absl::Minutes(3));
  EXPECT_EQ(j.outcome, Outcome::kFail);
  EXPECT_THAT(j.reason, HasSubstr("firing since 2027-01-15T08:00:00Z"));
  EXPECT_THAT(j.reason, HasSubstr("value 7"));
  EXPECT_THAT(j.reason, Not(HasSubstr("criterion")));
}

}  // namespace
}  // namespace aurora
