// Where a live rule failed inside the report's window (issue 11.3: a GO
// banner must never hide a failure inside the window).
#include "reports/rule_chart.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reports/html_fixtures.h"

namespace aurora {
namespace {

using testing::HtmlEvalTime;
using testing::LiveRule;
using testing::MakeHistory;

absl::Time At(const char* hhmmss) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%SZ",
                              std::string("2024-05-01T") + hhmmss + "Z", &t,
                              &err))
      << err;
  return t;
}

// 5 minutes at 15 s ending 12:00:00; `bad(i)` says which points fail > 0.05.
template <typename F>
RuleResult ErrorRate(F bad) {
  RuleResult rule = LiveRule("error-rate", HtmlEvalTime(), absl::Minutes(5));
  rule.pass = {"< 0.01"};
  rule.fail = {"> 0.05"};
  rule.history = {MakeHistory({}, HtmlEvalTime(), absl::Seconds(15), 21,
                              [&](int i) { return bad(i) ? 0.08 : 0.004; })};
  return rule;
}

TEST(FailedSpansTest, ARunOfFailingPointsLastsUntilTheNextEvaluation) {
  // Points 6..11 (11:56:30 .. 11:57:45) fail: 6 evaluations = 1m30s.
  const RuleResult rule = ErrorRate([](int i) { return i >= 6 && i <= 11; });
  const std::vector<FailedSpan> spans =
      FailedSpans(rule, HtmlEvalTime() - absl::Minutes(5), HtmlEvalTime());
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].from, At("11:56:30"));
  EXPECT_EQ(spans[0].to, At("11:58:00"));
  EXPECT_EQ(FailedSpansText(spans),
            "fail condition held for 1m30s of the window "
            "(11:56:30\xE2\x80\x93" "11:58:00 UTC)");
}

TEST(FailedSpansTest, SeparateRunsAreSeparateSpansAndTheEndIsClipped) {
  const RuleResult rule =
      ErrorRate([](int i) { return i == 2 || i == 3 || i == 20; });
  const std::vector<FailedSpan> spans =
      FailedSpans(rule, HtmlEvalTime() - absl::Minutes(5), HtmlEvalTime());
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].from, At("11:55:30"));
  EXPECT_EQ(spans[0].to, At("11:56:00"));
  // The last point is the window's end: nothing is counted past it.
  EXPECT_EQ(spans[1].from, At("12:00:00"));
  EXPECT_EQ(spans[1].to, At("12:00:00"));
  EXPECT_EQ(FailedSpansText(spans),
            "fail condition held for 30s of the window (11:55:30\xE2\x80\x93"
            "11:56:00, 12:00:00\xE2\x80\x93" "12:00:00 UTC)");
}

TEST(FailedSpansTest, AnySeriesFailingCountsAndManySpansAreSummarised) {
  RuleResult rule = ErrorRate([](int i) { return i % 2 == 0 && i < 14; });
  // A second series failing at odd points 1 and 3 joins the first's 0, 2, 4
  // into one run from 11:55:00 to 11:56:15; 6, 8, 10 and 12 stay apart.
  rule.history.push_back(MakeHistory({{"route", "/b"}}, HtmlEvalTime(),
                                     absl::Seconds(15), 21, [](int i) {
                                       return i % 2 == 1 && i < 4 ? 0.08
                                                                  : 0.004;
                                     }));
  const std::vector<FailedSpan> spans =
      FailedSpans(rule, HtmlEvalTime() - absl::Minutes(5), HtmlEvalTime());
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(spans[0].from, At("11:55:00"));
  EXPECT_EQ(spans[0].to, At("11:56:15"));
  EXPECT_THAT(FailedSpansText(spans), ::testing::HasSubstr(" UTC, and 2 more)"));
}

TEST(FailedSpansTest, NoFailureNoCriteriaOrNoHistoryIsNothing) {
  EXPECT_TRUE(FailedSpans(ErrorRate([](int) { return false; }),
                          HtmlEvalTime() - absl::Minutes(5), HtmlEvalTime())
                  .empty());
  RuleResult no_criteria = ErrorRate([](int) { return true; });
  no_criteria.pass.clear();
  no_criteria.fail.clear();
  EXPECT_TRUE(FailedSpans(no_criteria, HtmlEvalTime() - absl::Minutes(5),
                          HtmlEvalTime())
                  .empty());
  EXPECT_EQ(FailedSpansText({}), "");
}

// Issue 11.9: a chart writes its axis, threshold labels and description in
// the rule's unit.
TEST(RuleChartUnitsTest, AxisThresholdsAndDescriptionUseTheUnit) {
  RuleResult rule = ErrorRate([](int i) { return i == 3; });
  rule.unit = "ratio";
  RunResult run;
  run.eval_time = HtmlEvalTime();
  run.window = absl::Minutes(5);
  const std::string svg = RenderRuleChart(run, rule, "c", 10, 720, 240);
  const size_t axis = svg.find("<g class=\"y-axis\">");
  ASSERT_NE(axis, std::string::npos);
  const std::string y_axis = svg.substr(axis, svg.find("</g>", axis) - axis);
  EXPECT_THAT(y_axis, ::testing::HasSubstr(" %</text>"));
  EXPECT_THAT(y_axis, ::testing::Not(::testing::HasSubstr("0.0")));
  EXPECT_THAT(svg, ::testing::HasSubstr("&lt; 1 %"));
  EXPECT_THAT(svg, ::testing::HasSubstr("&gt; 5 %"));
  EXPECT_THAT(svg, ::testing::HasSubstr("min 0.4 %, max 8 %"));
}

}  // namespace
}  // namespace aurora
