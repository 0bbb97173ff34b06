// Tests for rules/expr_parser.cc: every construct of the artifact-expression
// subset parses and round-trips through ExprToString; every rejected PromQL
// construct and malformed input yields the exact message and byte offset.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/expr.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

// Structural equality, ignoring offsets (NaN equals NaN, -0 differs from 0).
bool SameTree(const ExprNode* a, const ExprNode* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case ExprNode::Kind::kNumber:
      if (std::isnan(a->number)) return std::isnan(b->number);
      return a->number == b->number &&
             std::signbit(a->number) == std::signbit(b->number);
    case ExprNode::Kind::kSelector:
      if (a->metric != b->metric || a->matchers.size() != b->matchers.size()) {
        return false;
      }
      for (size_t i = 0; i < a->matchers.size(); ++i) {
        if (a->matchers[i].name != b->matchers[i].name ||
            a->matchers[i].op != b->matchers[i].op ||
            a->matchers[i].value != b->matchers[i].value) {
          return false;
        }
      }
      return true;
    case ExprNode::Kind::kAggregate:
      return a->aggregate == b->aggregate && a->grouping == b->grouping &&
             a->without == b->without && SameTree(a->lhs.get(), b->lhs.get());
    case ExprNode::Kind::kNegate:
      return SameTree(a->lhs.get(), b->lhs.get());
    case ExprNode::Kind::kBinary:
      return a->binary == b->binary && SameTree(a->lhs.get(), b->lhs.get()) &&
             SameTree(a->rhs.get(), b->rhs.get());
  }
  return false;
}

struct RoundTripCase {
  const char* input;
  const char* canonical;  // ExprToString of the parsed expression
};

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.input; }

class ExprRoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ExprRoundTripTest, ParsesAndRoundTripsThroughExprToString) {
  const RoundTripCase& c = GetParam();
  ExprError error;
  absl::StatusOr<ParsedExpr> parsed = ParseExpr(c.input, &error);
  ASSERT_TRUE(parsed.ok()) << c.input << " -> " << error.offset << ": "
                           << error.message;
  EXPECT_EQ(ExprToString(*parsed), c.canonical) << c.input;
  absl::StatusOr<ParsedExpr> again = ParseExpr(ExprToString(*parsed));
  ASSERT_TRUE(again.ok()) << ExprToString(*parsed) << ": " << again.status();
  EXPECT_TRUE(SameTree(parsed->root.get(), again->root.get())) << c.input;
  EXPECT_EQ(parsed->comparison.has_value(), again->comparison.has_value());
  EXPECT_EQ(ExprToString(*again), c.canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Constructs, ExprRoundTripTest,
    ::testing::ValuesIn(std::vector<RoundTripCase>{
        // Selectors and matchers.
        {"coverage_line_percent", "coverage_line_percent"},
        {"job:requests:rate5m", "job:requests:rate5m"},
        {":leading_colon", ":leading_colon"},
        {"_x9", "_x9"},
        {"foo{}", "foo"},
        {"tests{result=\"failed\"}", "tests{result=\"failed\"}"},
        {"tests{ result = 'failed' , suite != `a\\b` , }",
         "tests{result=\"failed\", suite!=\"a\\\\b\"}"},
        {"coverage_line_percent{package=~\"aurora/risk.*\"}",
         "coverage_line_percent{package=~\"aurora/risk.*\"}"},
        {"x{a!~\"b|c\"}", "x{a!~\"b|c\"}"},
        {"{__name__=\"x\"}", "{__name__=\"x\"}"},
        {"{__name__=~\"cov.*\", file!=\"\"}",
         "{__name__=~\"cov.*\", file!=\"\"}"},
        // Keywords are plain label names inside braces and groupings.
        {"x{by=\"1\", sum=\"2\", offset=\"3\"}",
         "x{by=\"1\", sum=\"2\", offset=\"3\"}"},
        // Go escapes in strings.
        {"x{a=\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\"}",
         "x{a=\"\\x07\\x08\\x0c\\n\\r\\t\\x0b\\\\\\\"\"}"},
        {"x{a='it\\'s'}", "x{a=\"it's\"}"},
        {"x{a=\"\\x41\\101\\u00e9\\U0001F600\"}", "x{a=\"AAé😀\"}"},
        {"x{a=\"\\xff\"}", "x{a=\"\\xff\"}"},
        {"x{a=`raw \\n \"q\" 'q'`}", "x{a=\"raw \\\\n \\\"q\\\" 'q'\"}"},
        {"x{a=`two\nlines`}", "x{a=\"two\\nlines\"}"},
        {"x{a=\"日本\"}", "x{a=\"日本\"}"},
        // Numbers, as PromQL's lexer and parseNumber read them.
        {"42", "42"},
        {"0.05", "0.05"},
        {".5", "0.5"},
        {"5.", "5"},
        {"1e-3", "0.001"},
        {"2.5E+3", "2500"},
        {"0x1F", "31"},
        {"0X1f", "31"},
        {"010", "8"},  // Go's ParseInt base 0: octal
        {"09", "9"},   // not octal: falls back to decimal
        {"1e308", "1e+308"},
        {"1e-400", "0"},  // underflow is not an error in Go's ParseFloat
        {"Inf", "+Inf"},
        {"+inf", "+Inf"},
        {"-INF", "-Inf"},
        {"NaN", "NaN"},
        {"nan", "NaN"},
        {"-0", "-0"},
        // Unary minus binds tighter than * and /, folds into numbers.
        {"-1", "-1"},
        {"- - 1", "1"},
        {"-x", "-x"},
        {"--x", "--x"},
        {"-(-(x))", "--x"},
        {"+x", "x"},
        {"-x * y", "-x * y"},
        {"-(x * y)", "-(x * y)"},
        {"-sum(x)", "-sum(x)"},
        // Binary operators: precedence and left associativity.
        {"1 + 2 * 3", "1 + 2 * 3"},
        {"(1 + 2) * 3", "(1 + 2) * 3"},
        {"a - b - c", "a - b - c"},
        {"a - (b - c)", "a - (b - c)"},
        {"a / b / c", "a / b / c"},
        {"a / (b * c)", "a / (b * c)"},
        {"a * b + c / d", "a * b + c / d"},
        {"((a))", "a"},
        {"x - -1", "x - -1"},
        {"x * -y", "x * -y"},
        {"100 * sum(mutants{status=\"Killed\"}) / sum(mutants)",
         "100 * sum(mutants{status=\"Killed\"}) / sum(mutants)"},
        // Aggregations, grouping before or after, trailing commas.
        {"sum(tests{result=\"failed\"})", "sum(tests{result=\"failed\"})"},
        {"sum by (suite) (tests)", "sum by (suite) (tests)"},
        {"sum(tests) by (suite)", "sum by (suite) (tests)"},
        {"sum by (a, b,) (x)", "sum by (a, b) (x)"},
        {"sum by () (x)", "sum(x)"},
        {"sum without () (x)", "sum without () (x)"},
        {"avg without (file) (coverage_line_percent{file!=\"\"})",
         "avg without (file) (coverage_line_percent{file!=\"\"})"},
        {"min(x)", "min(x)"},
        {"max(x) without (a)", "max without (a) (x)"},
        {"count(x)", "count(x)"},
        {"SUM BY (a) (x)", "sum by (a) (x)"},
        {"sum by (by, sum) (x)", "sum by (by, sum) (x)"},
        {"sum(sum by (a) (x))", "sum(sum by (a) (x))"},
        {"sum(x + 1)", "sum(x + 1)"},
        // Comments and whitespace.
        {"sum(x) # total\n + 1 # one", "sum(x) + 1"},
        {"\t\r\nx\n", "x"},
        // Top-level comparisons with a number on the right.
        {"x > 0.05", "x > 0.05"},
        {"sum(tests{result=\"failed\"}) == 0",
         "sum(tests{result=\"failed\"}) == 0"},
        {"x >= 90", "x >= 90"},
        {"x < -1", "x < -1"},
        {"x <= 1e3", "x <= 1000"},
        {"x != NaN", "x != NaN"},
        {"a + b > 2", "a + b > 2"},
        {"1 < 2", "1 < 2"},
    }));

TEST(ExprParserTest, SelectorKeepsUnescapedValuesAndOffsets) {
  ExprError error;
  auto parsed = ParseExpr("tests{result=\"fa\\\"iled\", suite=~'a.*'}", &error);
  ASSERT_OK(parsed);
  const ExprNode& n = *parsed->root;
  ASSERT_EQ(n.kind, ExprNode::Kind::kSelector);
  EXPECT_EQ(n.metric, "tests");
  EXPECT_EQ(n.offset, 0u);
  ASSERT_EQ(n.matchers.size(), 2u);
  EXPECT_EQ(n.matchers[0].name, "result");
  EXPECT_EQ(n.matchers[0].op, MatchOp::kEqual);
  EXPECT_EQ(n.matchers[0].value, "fa\"iled");
  EXPECT_EQ(n.matchers[0].offset, 6u);
  EXPECT_EQ(n.matchers[1].name, "suite");
  EXPECT_EQ(n.matchers[1].op, MatchOp::kRegexMatch);
  // The pattern as written; matching anchors it (^(?:a.*)$) as PromQL does.
  EXPECT_EQ(n.matchers[1].value, "a.*");
  EXPECT_EQ(n.matchers[1].offset, 25u);
}

TEST(ExprParserTest, AggregationAndBinaryTreeShape) {
  auto parsed =
      ParseExpr("100 * sum(mutants{status=\"Killed\"}) / sum(mutants)");
  ASSERT_OK(parsed);
  const ExprNode& div = *parsed->root;
  ASSERT_EQ(div.kind, ExprNode::Kind::kBinary);
  EXPECT_EQ(div.binary, BinaryOp::kDiv);
  const ExprNode& mul = *div.lhs;
  ASSERT_EQ(mul.kind, ExprNode::Kind::kBinary);
  EXPECT_EQ(mul.binary, BinaryOp::kMul);
  EXPECT_EQ(mul.lhs->kind, ExprNode::Kind::kNumber);
  EXPECT_EQ(mul.lhs->number, 100);
  ASSERT_EQ(mul.rhs->kind, ExprNode::Kind::kAggregate);
  EXPECT_EQ(mul.rhs->aggregate, AggregateOp::kSum);
  EXPECT_EQ(mul.rhs->offset, 6u);
  EXPECT_EQ(mul.rhs->lhs->metric, "mutants");
  ASSERT_EQ(div.rhs->kind, ExprNode::Kind::kAggregate);
  EXPECT_EQ(div.rhs->offset, 38u);
}

TEST(ExprParserTest, GroupingWithoutFlag) {
  auto parsed = ParseExpr("count without (file, package) (x)");
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->aggregate, AggregateOp::kCount);
  EXPECT_TRUE(parsed->root->without);
  EXPECT_THAT(parsed->root->grouping, ElementsAre("file", "package"));
}

TEST(ExprParserTest, TopLevelComparisonIsKeptApart) {
  auto parsed = ParseExpr("sum(x) / 2 >= -0.5");
  ASSERT_OK(parsed);
  ASSERT_TRUE(parsed->comparison.has_value());
  EXPECT_EQ(parsed->comparison->op, CompareOp::kGe);
  EXPECT_EQ(parsed->comparison->threshold, -0.5);
  EXPECT_EQ(parsed->comparison->offset, 11u);
  EXPECT_EQ(ExprToString(*parsed->root), "sum(x) / 2");
  auto plain = ParseExpr("sum(x)");
  ASSERT_OK(plain);
  EXPECT_FALSE(plain->comparison.has_value());
}

TEST(ExprParserTest, ReferencedMetricsInSourceOrderWithOffsets) {
  auto parsed = ParseExpr(
      "100 * sum(mutants{status=\"Killed\"}) / sum(mutants) + "
      "{__name__=\"tests\"} + {__name__=~\"re.*\"}");
  ASSERT_OK(parsed);
  EXPECT_THAT(ReferencedMetrics(*parsed->root),
              ElementsAre(Pair("mutants", 10u), Pair("mutants", 42u),
                          Pair("tests", 54u)));
}

TEST(ExprParserTest, CompareOpTextAndCompare) {
  EXPECT_EQ(CompareOpText(CompareOp::kLt), "<");
  EXPECT_EQ(CompareOpText(CompareOp::kLe), "<=");
  EXPECT_EQ(CompareOpText(CompareOp::kGt), ">");
  EXPECT_EQ(CompareOpText(CompareOp::kGe), ">=");
  EXPECT_EQ(CompareOpText(CompareOp::kEq), "==");
  EXPECT_EQ(CompareOpText(CompareOp::kNe), "!=");
  EXPECT_TRUE(Compare(1, CompareOp::kLt, 2));
  EXPECT_FALSE(Compare(2, CompareOp::kLt, 2));
  EXPECT_TRUE(Compare(2, CompareOp::kLe, 2));
  EXPECT_TRUE(Compare(3, CompareOp::kGt, 2));
  EXPECT_TRUE(Compare(2, CompareOp::kGe, 2));
  EXPECT_TRUE(Compare(2, CompareOp::kEq, 2));
  EXPECT_TRUE(Compare(1, CompareOp::kNe, 2));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(Compare(inf, CompareOp::kGt, 1e308));
  EXPECT_TRUE(Compare(-inf, CompareOp::kLt, -1e308));
  // NaN compares false with every operator, != included (rules/expr.h), so
  // a NaN observation never satisfies a criterion.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (CompareOp op : {CompareOp::kLt, CompareOp::kLe, CompareOp::kGt,
                       CompareOp::kGe, CompareOp::kEq, CompareOp::kNe}) {
    EXPECT_FALSE(Compare(nan, op, 1)) << CompareOpText(op);
    EXPECT_FALSE(Compare(1, op, nan)) << CompareOpText(op);
    EXPECT_FALSE(Compare(nan, op, nan)) << CompareOpText(op);
  }
}

struct ErrorCase {
  std::string input;
  size_t offset;
  std::string message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.input; }

class ExprErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ExprErrorTest, ReportsMessageAndOffset) {
  const ErrorCase& c = GetParam();
  ExprError error;
  absl::StatusOr<ParsedExpr> parsed = ParseExpr(c.input, &error);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument, c.message))
      << c.input;
  EXPECT_EQ(error.message, c.message) << c.input;
  EXPECT_EQ(error.offset, c.offset) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Rejections, ExprErrorTest,
    ::testing::ValuesIn(std::vector<ErrorCase>{
        {"", 0, "empty expression"},
        {"  \n\t ", 0, "empty expression"},
        {"# only a comment", 0, "empty expression"},
        // PromQL constructs outside the artifact subset.
        {"rate(x[5m])", 0,
         "unknown function \"rate\": artifact expressions support sum, min, "
         "max, avg, count"},
        {"sum(histogram_quantile(0.9, x))", 4,
         "unknown function \"histogram_quantile\": artifact expressions "
         "support sum, min, max, avg, count"},
        {"abs (x)", 0,
         "unknown function \"abs\": artifact expressions support sum, min, "
         "max, avg, count"},
        {"topk(3, x)", 0,
         "aggregation \"topk\" is not supported: artifact expressions support "
         "sum, min, max, avg, count"},
        {"sum(x[5m])", 5,
         "range selector [5m] is not supported in artifact expressions"},
        {"x[5m:1m]", 1,
         "subquery [5m:1m] is not supported in artifact expressions"},
        {"x[", 1, "range selector is not supported in artifact expressions"},
        {"x offset 5m", 2,
         "offset modifier is not supported in artifact expressions"},
        {"x @ 1700000000", 2,
         "@ modifier is not supported in artifact expressions"},
        {"x > bool 1", 4,
         "bool modifier is not supported in artifact expressions"},
        {"a + on(job) b", 4,
         "vector matching modifier \"on\" is not supported: artifact "
         "expressions match vectors on all their labels"},
        {"a * ignoring(x) b", 4,
         "vector matching modifier \"ignoring\" is not supported: artifact "
         "expressions match vectors on all their labels"},
        {"a and b", 2,
         "operator \"and\" is not supported: artifact expressions support +, "
         "-, *, /"},
        {"a % 2", 2,
         "operator \"%\" is not supported: artifact expressions support +, "
         "-, *, /"},
        {"a ^ 2", 2,
         "operator \"^\" is not supported: artifact expressions support +, "
         "-, *, /"},
        {"x > 5m", 4,
         "duration \"5m\" is not supported in artifact expressions"},
        // Comparisons other than one top-level one with a number on the right.
        {"(x > 1)", 3,
         "comparison \">\" is only allowed once, at the top level of an "
         "artifact expression, with a number on the right"},
        {"sum(x == 1)", 6,
         "comparison \"==\" is only allowed once, at the top level of an "
         "artifact expression, with a number on the right"},
        {"x > 1 < 2", 6,
         "comparison \"<\" is only allowed once, at the top level of an "
         "artifact expression, with a number on the right"},
        {"a > b", 4,
         "the right side of a top-level comparison must be a number, got "
         "\"b\""},
        {"a > 1 + b  # note", 4,
         "the right side of a top-level comparison must be a number, got "
         "\"1 + b  # note\""},
        // Selectors.
        {"x{a<\"b\"}", 3,
         "expected a label matcher operator (=, !=, =~, !~), got \"<\""},
        {"x{a==\"b\"}", 3,
         "expected a label matcher operator (=, !=, =~, !~), got \"==\""},
        {"x{a=b}", 4, "expected a quoted label value, got \"b\""},
        {"x{a=1}", 4, "expected a quoted label value, got number \"1\""},
        {"x{\"a\"=\"b\"}", 2,
         "expected a label name, got string \"\\\"a\\\"\""},
        {"x{a:b=\"c\"}", 2, "expected a label name, got \"a:b\""},
        {"x{a=\"b\" c=\"d\"}", 8, "expected ',' or '}', got \"c\""},
        {"x{a=\"b\"", 7, "unexpected end of expression, expected ',' or '}'"},
        {"x{,}", 2, "expected a label name, got \",\""},
        {"x{a=~\"(\"}", 5, "invalid regular expression \"(\": missing ): ("},
        {"x{a!~\"a)|(b\"}", 5,
         "invalid regular expression \"a)|(b\": unexpected ): a)|(b"},
        {"x{a=~\"[z-a]\"}", 5,
         "invalid regular expression \"[z-a]\": invalid character class "
         "range: z-a"},
        {"{}", 0,
         "vector selector must contain at least one non-empty matcher"},
        {"{a=\"\"}", 0,
         "vector selector must contain at least one non-empty matcher"},
        {"{a=~\".*\", b!=\"x\"}", 0,
         "vector selector must contain at least one non-empty matcher"},
        {"x{__name__=\"y\"}", 2,
         "metric name must not be set twice: \"x\" or \"y\""},
        // Strings.
        {"x{a=\"b}", 4, "unterminated quoted string"},
        {"x{a=\"b\nc\"}", 4, "unterminated quoted string"},
        {"x{a=`b}", 4, "unterminated raw string"},
        {"x{a=\"\\q\"}", 5, "unknown escape sequence \"\\\\q\" in string"},
        {"x{a='\\\"'}", 5, "unknown escape sequence \"\\\\\\\"\" in string"},
        {"x{a=\"\\x4\"}", 5, "unknown escape sequence \"\\\\x4\" in string"},
        {"x{a=\"\\400\"}", 5, "unknown escape sequence \"\\\\400\" in string"},
        {"x{a=\"\\ud800\"}", 5,
         "unknown escape sequence \"\\\\ud800\" in string"},
        {"x{a=\"\\U00110000\"}", 5,
         "unknown escape sequence \"\\\\U00110000\" in string"},
        {"\"str\"", 0,
         "expected a metric selector, number, aggregation or '(', got string "
         "\"\\\"str\\\"\""},
        // Numbers.
        {"1e", 0, "bad number syntax \"1e\""},
        {"0x", 0, "bad number syntax \"0x\""},
        {"1.2.3", 0, "bad number syntax \"1.2.3\""},
        {"0b101", 0, "bad number syntax \"0b101\""},
        {"1e999", 0, "number \"1e999\" is out of range"},
        {"0x8000000000000000", 0,
         "number \"0x8000000000000000\" is out of range"},
        // Aggregations.
        {"sum(1)", 4,
         "expected type instant vector in aggregation expression, got "
         "scalar"},
        {"sum()", 4,
         "expected a metric selector, number, aggregation or '(', got \")\""},
        {"sum(x, y)", 5, "\"sum\" takes exactly one argument"},
        {"sum x", 4, "expected '(' after \"sum\", got \"x\""},
        {"sum by x", 7, "expected '(' after \"by\", got \"x\""},
        {"sum by (a b) (x)", 10, "expected ',' or ')', got \"b\""},
        {"sum by (\"a\") (x)", 8,
         "expected a label name, got string \"\\\"a\\\"\""},
        {"sum by (a) (x) by (b)", 15,
         "expected an operator or the end of the expression, got \"by\""},
        {"sum", 3, "unexpected end of expression, expected '(' after \"sum\""},
        // Structure.
        {"(x", 2, "unexpected end of expression, expected ')'"},
        {"x)", 1,
         "expected an operator or the end of the expression, got \")\""},
        {"x y", 2,
         "expected an operator or the end of the expression, got \"y\""},
        {"x +", 3,
         "unexpected end of expression, expected a metric selector, number, "
         "aggregation or '('"},
        {"* x", 0,
         "expected a metric selector, number, aggregation or '(', got \"*\""},
        {"by", 0,
         "expected a metric selector, number, aggregation or '(', got \"by\""},
        {"x = 1", 2,
         "expected an operator or the end of the expression, got \"=\""},
        {"x $ 1", 2, "unexpected character \"$\""},
        {"x ! 1", 2, "unexpected character \"!\""},
        {"é", 0, "unexpected character \"é\""},
        {"inf{a=\"b\"}", 3,
         "expected an operator or the end of the expression, got \"{\""},
    }));

}  // namespace
}  // namespace aurora
