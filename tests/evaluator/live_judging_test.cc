// Live judging (evaluator/live_judging.h) stepped one evaluation at a time,
// as `watch` and `backtest` drive it: cases are named after the outcomes
// over the evaluations, as vmalert's rule tests are.
#include "evaluator/live_judging.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Rule ErrorRateAlert(absl::Duration hold) {
  Rule r;
  r.kind = Rule::Kind::kAlert;
  r.name = "HighErrorRate";
  r.policies.severity = "critical";
  ParsedExpr::Comparison c;
  c.op = CompareOp::kGt;
  c.threshold = 0.05;
  r.condition = c;
  r.for_duration = hold;
  r.annotations = {{"summary", "error rate {{ $value }}"}};
  return r;
}

// One value per minute for one series (NaN: no series at all).
std::string Outcomes(const Rule& rule, const std::vector<double>& values,
                     int group_limit = 0) {
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  std::vector<std::string> out;
  for (size_t i = 0; i < values.size(); ++i) {
    const absl::Time t = kT0 + absl::Minutes(static_cast<int>(i));
    std::vector<Observed> current;
    if (!std::isnan(values[i])) current.push_back({Labels(), values[i], std::nullopt});
    StepLiveAlerts(rule, current, t, &tracker);
    RuleResult r;
    if (!JudgeLiveAlerts(rule, current, tracker, kT0, t, group_limit, {}, "", &r)) {
      tracker = AlertTracker(rule.for_duration, rule.keep_firing_for);
    }
    out.push_back(std::string(OutcomeName(r.outcome)));
  }
  return absl::StrJoin(out, "=>");
}

TEST(LiveJudgingTest, Table) {
  const double none = std::nan("");
  struct Case {
    const char* name;
    absl::Duration hold;
    std::vector<double> values;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"pass=>fail=>pass without for", absl::ZeroDuration(), {0.01, 0.07, 0.01},
       "pass=>fail=>pass"},
      {"pending=>pending=>fail with for: 2m", absl::Minutes(2), {0.07, 0.07, 0.07},
       "pending=>pending=>fail"},
      {"pending=>pass: the condition stopped before for", absl::Minutes(2),
       {0.07, 0.01}, "pending=>pass"},
      {"no series: an alert is inactive", absl::ZeroDuration(), {none}, "pass"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Outcomes(ErrorRateAlert(c.hold), c.values), c.expected);
  }
}

TEST(LiveJudgingTest, AnnotationsOfTheFiringAlertAreRendered) {
  Rule rule = ErrorRateAlert(absl::ZeroDuration());
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  std::vector<Observed> current = {{Labels(), 0.07, std::nullopt}};
  StepLiveAlerts(rule, current, kT0, &tracker);
  RuleResult r;
  ASSERT_TRUE(JudgeLiveAlerts(rule, current, tracker, kT0, kT0, 0, {}, "", &r));
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.annotations["summary"], "error rate 0.07");
}

TEST(LiveJudgingTest, MoreAlertsThanTheGroupLimitIsAnError) {
  Rule rule = ErrorRateAlert(absl::ZeroDuration());
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  std::vector<Observed> current = {{Labels({{"i", "a"}}), 0.07, std::nullopt},
                                   {Labels({{"i", "b"}}), 0.08, std::nullopt}};
  StepLiveAlerts(rule, current, kT0, &tracker);
  RuleResult r;
  EXPECT_FALSE(JudgeLiveAlerts(rule, current, tracker, kT0, kT0, 1, {}, "", &r));
  EXPECT_EQ(r.outcome, Outcome::kError);
  EXPECT_THAT(r.reason, HasSubstr("exceeded limit of 1 with 2 alerts"));
}

}  // namespace
}  // namespace aurora
