#include "rules/promql_split.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(PromqlSplitTest, SplitsATopLevelComparisonWithANumber) {
  SplitExpr s = SplitTopLevelComparison(
      "rate(http_requests_total{status=~\"5..\"}[5m]) / "
      "rate(http_requests_total[5m]) > 0.05");
  EXPECT_EQ(s.query,
            "rate(http_requests_total{status=~\"5..\"}[5m]) / "
            "rate(http_requests_total[5m])");
  ASSERT_TRUE(s.comparison.has_value());
  EXPECT_EQ(s.comparison->op, CompareOp::kGt);
  EXPECT_EQ(s.comparison->threshold, 0.05);
}

TEST(PromqlSplitTest, HandlesEveryOperator) {
  struct Case {
    const char* expr;
    CompareOp op;
    double threshold;
  } cases[] = {
      {"aurora_test_coverage < 90", CompareOp::kLt, 90},
      {"x <= 1e3", CompareOp::kLe, 1000},
      {"x >= -2", CompareOp::kGe, -2},
      {"x == 0", CompareOp::kEq, 0},
      {"x != 0", CompareOp::kNe, 0},
      {"histogram_quantile(0.95, rate(h_bucket[5m])) > 1.0", CompareOp::kGt, 1},
  };
  for (const auto& c : cases) {
    SplitExpr s = SplitTopLevelComparison(c.expr);
    ASSERT_TRUE(s.comparison.has_value()) << c.expr;
    EXPECT_EQ(s.comparison->op, c.op) << c.expr;
    EXPECT_EQ(s.comparison->threshold, c.threshold) << c.expr;
  }
}

TEST(PromqlSplitTest, LeavesOtherExpressionsAlone) {
  for (const char* e : {
           "x > bool 1",                        // bool modifier
           "sum(x > 1)",                        // not top level
           "x > 1 and y < 2",                   // set operator
           "x > y",                             // vector on the right
           "up{job=\">\"}",                     // operator inside a string
           "x > 1 # trailing comment",          // right side is not a bare number
           "x",                                 // no comparison
       }) {
    SplitExpr s = SplitTopLevelComparison(e);
    EXPECT_FALSE(s.comparison.has_value()) << e;
  }
  // Unsplit expressions are kept as written.
  EXPECT_EQ(SplitTopLevelComparison("x > bool 1").query, "x > bool 1");
}

}  // namespace
}  // namespace aurora
