// Tests for evaluator/expr_eval.cc: PromQL instant-vector semantics over
// artifact samples. Each PromQL rule a case relies on is cited from the
// Prometheus documentation (prometheus.io/docs/prometheus/latest/querying/
// operators/ "Binary operators", "Vector matching", "Aggregation operators").
#include "evaluator/expr_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "base/number_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/expr.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Headline and breakdown samples as the artifact readers produce them.
SampleSet Artifacts() {
  SampleSet set;
  set.detail_labels = {"package", "file", "suite"};
  auto add = [&](std::string_view name, Labels labels, double v) {
    set.samples.push_back(MakeSample(name, std::move(labels), v));
  };
  // JUnit: headline per result, then per suite.
  add("tests", {{"result", "passed"}}, 90);
  add("tests", {{"result", "failed"}}, 3);
  add("tests", {{"result", "error"}}, 1);
  add("tests", {{"result", "skipped"}}, 6);
  add("tests", {{"result", "passed"}, {"suite", "a"}}, 50);
  add("tests", {{"result", "failed"}, {"suite", "a"}}, 2);
  add("tests", {{"result", "passed"}, {"suite", "b"}}, 40);
  add("tests", {{"result", "failed"}, {"suite", "b"}}, 1);
  // Mutation testing.
  add("mutants", {{"status", "Killed"}}, 80);
  add("mutants", {{"status", "Survived"}}, 15);
  add("mutants", {{"status", "NoCoverage"}}, 5);
  // Coverage: headline, per package, per file.
  add("coverage_line_percent", {}, 87.5);
  add("coverage_line_percent", {{"package", "aurora/risk"}}, 91.25);
  add("coverage_line_percent", {{"package", "aurora/riskmodel"}}, 60);
  add("coverage_line_percent", {{"package", "aurora/api"}}, 99);
  add("coverage_line_percent",
      {{"package", "aurora/risk"}, {"file", "aurora/risk/var.py"}}, 100);
  // Plain vectors for matching and arithmetic.
  add("a", {{"k", "1"}}, 10);
  add("a", {{"k", "2"}}, 20);
  add("a", {{"k", "3"}}, 30);
  add("b", {{"k", "1"}}, 2);
  add("b", {{"k", "2"}}, 0);
  add("b", {{"k", "4"}}, 8);
  add("c", {{"k", "1"}}, 1);
  add("n", {{"k", "nan"}}, kNaN);
  add("n", {{"k", "one"}}, 1);
  add("n", {{"k", "two"}}, 2);
  add("allnan", {{"k", "x"}}, kNaN);
  add("allnan", {{"k", "y"}}, kNaN);
  add("big", {{"k", "1"}}, 1e308);
  add("big", {{"k", "2"}}, 1e308);
  return set;
}

// "labels value" per sample, sorted (PromQL leaves result order undefined),
// or "scalar value".
std::vector<std::string> Render(const ExprValue& v) {
  if (v.is_scalar) return {"scalar " + FormatNumber(v.scalar)};
  std::vector<std::string> out;
  for (const Sample& s : v.vector) {
    out.push_back(s.labels.ToString() + " " + FormatNumber(s.value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<ExprValue> Eval(std::string_view text, const SampleSet& set) {
  ExprError error;
  absl::StatusOr<ParsedExpr> parsed = ParseExpr(text, &error);
  if (!parsed.ok()) return parsed.status();
  return EvaluateExpr(*parsed->root, set);
}

struct EvalCase {
  const char* expr;
  std::vector<std::string> want;
  const char* why;  // the PromQL rule relied on
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.expr; }

class ExprEvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(ExprEvalTest, MatchesPromQLSemantics) {
  const EvalCase& c = GetParam();
  absl::StatusOr<ExprValue> v = Eval(c.expr, Artifacts());
  ASSERT_OK(v) << c.expr;
  std::vector<std::string> want = c.want;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Render(*v), want) << c.expr << " (" << c.why << ")";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExprEvalTest,
    ::testing::ValuesIn(std::vector<EvalCase>{
        // Selection and the detail-label rule of SampleSet.
        {"tests{result=\"failed\"}",
         {"tests{result=\"failed\"} 3"},
         "no detail label named: headline sample only"},
        {"sum(tests{result=\"failed\"})",
         {"{} 3"},
         "aggregation drops __name__; suite samples not double counted"},
        {"tests{result=\"failed\", suite!=\"\"}",
         {"tests{result=\"failed\", suite=\"a\"} 2",
          "tests{result=\"failed\", suite=\"b\"} 1"},
         "naming a detail label selects breakdown samples"},
        {"tests{suite=\"\"}",
         {"tests{result=\"error\"} 1", "tests{result=\"failed\"} 3",
          "tests{result=\"passed\"} 90", "tests{result=\"skipped\"} 6"},
         "an empty-value matcher matches an absent label"},
        {"coverage_line_percent",
         {"coverage_line_percent 87.5"},
         "the report's headline figure"},
        {"coverage_line_percent{package=~\"aurora/risk.*\"}",
         {"coverage_line_percent{package=\"aurora/risk\"} 91.25",
          "coverage_line_percent{package=\"aurora/riskmodel\"} 60"},
         "regex fully anchored; naming package selects the package level, "
         "so file samples (which carry package too) are left out"},
        {"coverage_line_percent{package=\"aurora/risk\", file!=\"\"}",
         {"coverage_line_percent{file=\"aurora/risk/var.py\", "
          "package=\"aurora/risk\"} 100"},
         "naming file selects the file level: one package's files"},
        {"coverage_line_percent{file!=\"\"}",
         {"coverage_line_percent{file=\"aurora/risk/var.py\", "
          "package=\"aurora/risk\"} 100"},
         "every file sample"},
        {"coverage_line_percent{package=~\"aurora/risk.*\", file=\"\"}",
         {"coverage_line_percent{package=\"aurora/risk\"} 91.25",
          "coverage_line_percent{package=\"aurora/riskmodel\"} 60"},
         "file=\"\" keeps package-level samples only"},
        {"coverage_line_percent{package=~\"risk\"}",
         {},
         "regex is anchored at both ends (^(?:risk)$)"},
        {"coverage_line_percent{package!~\"aurora/(risk|api)\"}",
         {"coverage_line_percent{package=\"aurora/riskmodel\"} 60"},
         "!~ keeps the packages the anchored regex does not match; the "
         "headline sample is another level"},
        {"{__name__=\"mutants\", status=\"Killed\"}",
         {"mutants{status=\"Killed\"} 80"},
         "__name__ is matched like any label"},
        {"no_such_metric", {}, "a selector matching nothing is empty"},
        // Aggregation.
        {"100 * sum(mutants{status=\"Killed\"}) / sum(mutants)",
         {"{} 80"},
         "scalar-vector keeps labels; {} matches {} one-to-one"},
        {"sum by (suite) (tests{suite!=\"\"})",
         {"{suite=\"a\"} 52", "{suite=\"b\"} 41"},
         "by keeps only the listed labels"},
        {"sum without (result) (tests{suite=~\".+\"})",
         {"{suite=\"a\"} 52", "{suite=\"b\"} 41"},
         "without drops the listed labels and __name__"},
        {"sum(tests{suite!=\"\"}) by (result)",
         {"{result=\"failed\"} 3", "{result=\"passed\"} 90"},
         "by may follow the argument"},
        {"sum by (__name__) ({__name__=~\"tests|mutants\"})",
         {"mutants 100", "tests 100"},
         "by (__name__) keeps the metric name"},
        {"sum by (nosuch) (mutants)",
         {"{} 100"},
         "grouping by an absent label: one group with that label empty"},
        {"avg(tests)", {"{} 25"}, "avg = sum / count"},
        {"min(tests)", {"{} 1"}, "min"},
        {"max(tests)", {"{} 90"}, "max"},
        {"count(coverage_line_percent{package!=\"\"})",
         {"{} 3"},
         "count counts samples (the three packages)"},
        {"count(no_such_metric)", {}, "count of nothing is empty, not 0"},
        {"avg(no_such_metric)", {}, "avg of nothing is absent"},
        {"sum(no_such_metric)", {}, "sum of nothing is absent"},
        {"min(n)", {"{} 1"}, "min ignores NaN unless all are NaN"},
        {"max(n)", {"{} 2"}, "max ignores NaN unless all are NaN"},
        {"min(allnan)", {"{} NaN"}, "min of only NaN is NaN"},
        {"sum(n)", {"{} NaN"}, "NaN propagates through sum"},
        {"avg(n)", {"{} NaN"}, "NaN propagates through avg"},
        {"count(n)", {"{} 3"}, "count counts NaN samples too"},
        {"avg(big)", {"{} 1e+308"}, "avg does not overflow to +Inf"},
        {"sum(big)", {"{} +Inf"}, "sum overflows as IEEE does"},
        {"count by (status) (mutants)",
         {"{status=\"Killed\"} 1", "{status=\"NoCoverage\"} 1",
          "{status=\"Survived\"} 1"},
         "count per group"},
        // Vector matching.
        {"a / b",
         {"{k=\"1\"} 5", "{k=\"2\"} +Inf"},
         "one-to-one on all labels; unmatched k=3, k=4 dropped; x/0 = +Inf"},
        {"a - a",
         {"{k=\"1\"} 0", "{k=\"2\"} 0", "{k=\"3\"} 0"},
         "result drops __name__"},
        {"b / b", {"{k=\"1\"} 1", "{k=\"2\"} NaN", "{k=\"4\"} 1"}, "0/0 = NaN"},
        {"sum(a) + sum(b)", {"{} 70"}, "aggregates match on the empty set"},
        {"sum(a) + sum(no_such_metric)", {}, "no partner: dropped"},
        {"a + c", {"{k=\"1\"} 11"}, "only k=1 has a partner"},
        // Scalars and vector-scalar arithmetic.
        {"1 + 2 * 3", {"scalar 7"}, "scalar arithmetic, precedence"},
        {"(1 + 2) * 3", {"scalar 9"}, "parentheses"},
        {"7 - 2 - 1", {"scalar 4"}, "left associative"},
        {"1 / 0", {"scalar +Inf"}, "IEEE division"},
        {"-1 / 0", {"scalar -Inf"}, "IEEE division"},
        {"0 / 0", {"scalar NaN"}, "IEEE division"},
        {"Inf - Inf", {"scalar NaN"}, "IEEE"},
        {"NaN + 1", {"scalar NaN"}, "NaN propagates"},
        {"-(2 * 3)", {"scalar -6"}, "unary minus on a scalar"},
        {"a * 2",
         {"{k=\"1\"} 20", "{k=\"2\"} 40", "{k=\"3\"} 60"},
         "vector-scalar keeps labels, drops __name__"},
        {"100 - a",
         {"{k=\"1\"} 90", "{k=\"2\"} 80", "{k=\"3\"} 70"},
         "scalar on the left"},
        {"a / 0",
         {"{k=\"1\"} +Inf", "{k=\"2\"} +Inf", "{k=\"3\"} +Inf"},
         "x/0 = +Inf"},
        {"-a / 0",
         {"{k=\"1\"} -Inf", "{k=\"2\"} -Inf", "{k=\"3\"} -Inf"},
         "-x/0 = -Inf"},
        {"n + 1",
         {"{k=\"nan\"} NaN", "{k=\"one\"} 2", "{k=\"two\"} 3"},
         "NaN propagates per sample"},
        {"-a",
         {"{k=\"1\"} -10", "{k=\"2\"} -20", "{k=\"3\"} -30"},
         "unary minus drops __name__"},
        {"+a",
         {"a{k=\"1\"} 10", "a{k=\"2\"} 20", "a{k=\"3\"} 30"},
         "unary plus changes nothing"},
    }));

TEST(ExprEvalTest, ScalarExpressionIsScalar) {
  auto v = Eval("2 * 21", Artifacts());
  ASSERT_OK(v);
  EXPECT_TRUE(v->is_scalar);
  EXPECT_EQ(v->scalar, 42);
  EXPECT_TRUE(v->vector.empty());
}

TEST(ExprEvalTest, EmptyVectorIsNotScalar) {
  auto v = Eval("sum(no_such_metric)", Artifacts());
  ASSERT_OK(v);
  EXPECT_FALSE(v->is_scalar);
  EXPECT_TRUE(v->vector.empty());
}

TEST(ExprEvalTest, DuplicateSeriesOnTheRightIsAnError) {
  // PromQL: "found duplicate series for the match group ... on the right
  // hand-side of the operation" (one-to-one matching needs unique sides).
  EXPECT_THAT(
      Eval("b + {__name__=~\"a|c\"}", Artifacts()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "found duplicate series for the match group {k=\"1\"} on the "
               "right hand-side of the operation: [c{k=\"1\"}, a{k=\"1\"}];"
               "many-to-many matching not allowed: matching labels must be "
               "unique on one side"));
}

TEST(ExprEvalTest, DuplicateSeriesOnTheLeftIsAnError) {
  EXPECT_THAT(
      Eval("{__name__=~\"a|c\"} + b", Artifacts()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "found duplicate series for the match group {k=\"1\"} on the "
               "left hand-side of the operation: [c{k=\"1\"}, a{k=\"1\"}];"
               "many-to-one matching must be explicit "
               "(group_left/group_right), which artifact expressions do not "
               "support"));
}

TEST(ExprEvalTest, UnmatchedDuplicatesOnTheLeftAreDropped) {
  // Two left samples share {k="3"} but nothing on the right matches them.
  SampleSet set;
  set.samples = {MakeSample("x", {{"k", "3"}}, 1),
                 MakeSample("y", {{"k", "3"}}, 2),
                 MakeSample("z", {{"k", "1"}}, 5)};
  auto v = Eval("{__name__=~\"x|y\"} + z", set);
  ASSERT_OK(v);
  EXPECT_TRUE(v->vector.empty());
}

TEST(ExprEvalTest, SameLabelSetAfterDroppingNamesIsAnError) {
  // PromQL: "vector cannot contain metrics with the same labelset".
  EXPECT_THAT(Eval("{__name__=~\"a|c\"} * 2", Artifacts()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "vector cannot contain metrics with the same label set "
                       "{k=\"1\"}"));
}

TEST(ExprEvalTest, BadRegexInAHandBuiltTreeIsAnError) {
  auto node = std::make_shared<ExprNode>();
  node->kind = ExprNode::Kind::kSelector;
  node->metric = "a";
  node->matchers.push_back({"k", MatchOp::kRegexMatch, "(", 2});
  EXPECT_THAT(EvaluateExpr(*node, Artifacts()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid regular expression \"(\": missing ): ("));
}

TEST(ExprEvalTest, AggregationTakesTheLatestTimestampOfItsGroup) {
  SampleSet set;
  set.samples = {MakeSample("x", {}, 1, absl::FromUnixSeconds(100)),
                 MakeSample("x", {{"a", "1"}}, 2, absl::FromUnixSeconds(300)),
                 MakeSample("x", {{"a", "2"}}, 3, absl::FromUnixSeconds(200))};
  auto v = Eval("sum(x)", set);
  ASSERT_OK(v);
  ASSERT_EQ(v->vector.size(), 1u);
  EXPECT_EQ(v->vector[0].value, 6);
  EXPECT_EQ(v->vector[0].timestamp, absl::FromUnixSeconds(300));
}

TEST(ExprEvalTest, DetailRuleWithoutDetailLabelsSelectsEverything) {
  SampleSet set;
  set.samples = {MakeSample("x", {{"file", "f"}}, 1), MakeSample("x", {}, 2)};
  auto v = Eval("sum(x)", set);
  ASSERT_OK(v);
  ASSERT_EQ(v->vector.size(), 1u);
  EXPECT_EQ(v->vector[0].value, 3);
}

}  // namespace
}  // namespace aurora
