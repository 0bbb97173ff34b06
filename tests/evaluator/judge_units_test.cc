// Issue 11.9: a rule's reason writes values and thresholds in its unit.
#include "evaluator/judge.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

Rule UnitRule(Unit unit, std::initializer_list<const char*> pass,
              std::initializer_list<const char*> fail = {}) {
  Rule r;
  r.name = "r";
  r.unit = unit;
  for (const char* t : pass) r.pass.push_back(*ParseCriterion(t));
  for (const char* t : fail) r.fail.push_back(*ParseCriterion(t));
  return r;
}

TEST(JudgeUnitsTest, ReasonShowsValueAndThresholdInTheUnit) {
  Rule r = UnitRule(Unit::kSeconds, {"<= 0.5", "<= +10%"});
  SeriesResult s = JudgeValue(r, Observed{Labels(), 0.62, 0.41}, false);
  EXPECT_EQ(s.outcome, Outcome::kFail);
  EXPECT_EQ(s.reason,
            "620 ms misses pass: <= 500 ms and <= +10% (<= 451 ms from "
            "baseline 410 ms)");
}

TEST(JudgeUnitsTest, RatioReasonReadsAsPercentages) {
  Rule r = UnitRule(Unit::kRatio, {"< 0.01"}, {"> 0.05"});
  EXPECT_EQ(JudgeValue(r, Observed{Labels(), 0.0048, std::nullopt}, false).reason,
            "0.48 % meets pass: < 1 %");
  EXPECT_EQ(JudgeValue(r, Observed{Labels(), 0.07, std::nullopt}, false).reason,
            "7 % meets fail: > 5 %");
}

TEST(JudgeUnitsTest, ConditionRuleShowsThresholdInTheUnit) {
  Rule r;
  r.name = "mem";
  r.unit = Unit::kBytes;
  r.condition = ParsedExpr::Comparison{CompareOp::kGt, 536870912, 0};
  EXPECT_EQ(JudgeValue(r, Observed{Labels(), 6e8, std::nullopt}, false).reason,
            "572.2 MiB > 512 MiB: condition holds");
}

TEST(JudgeUnitsTest, WithoutAUnitTheTextIsAsWritten) {
  Rule r = UnitRule(Unit::kNone, {"<= 0.5"});
  EXPECT_EQ(JudgeValue(r, Observed{Labels(), 0.62, std::nullopt}, false).reason,
            "0.62 misses pass: <= 0.5");
}

}  // namespace
}  // namespace aurora
