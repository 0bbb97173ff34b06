// Replays hostile inputs against the artifact-expression parser: deep
// nesting, huge numbers, NUL bytes, invalid UTF-8, very long tokens. Each
// must end in a clean error (message and offset) or a correct parse — never
// a crash or a stack overflow (nesting is capped at 256 levels).
#include <string>

#include "gtest/gtest.h"
#include "rules/expr.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s);
  return out;
}

struct Outcome {
  bool ok;
  size_t offset;
  std::string message;
};

Outcome Parse(std::string_view text) {
  ExprError error;
  absl::StatusOr<ParsedExpr> parsed = ParseExpr(text, &error);
  if (parsed.ok()) return {true, 0, ""};
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(parsed.status().message()), error.message);
  return {false, error.offset, error.message};
}

constexpr char kTooDeep[] =
    "expression is nested too deeply (more than 256 levels)";

TEST(ExprParserCorpusTest, TenThousandOpenParensAreRejectedAtTheLimit) {
  Outcome o = Parse(Repeat("(", 10000));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 256u);  // the 257th '('
  EXPECT_EQ(o.message, kTooDeep);
}

TEST(ExprParserCorpusTest, BalancedDeepParensAreRejectedAtTheLimit) {
  Outcome o = Parse(Repeat("(", 10000) + "x" + Repeat(")", 10000));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 256u);
  EXPECT_EQ(o.message, kTooDeep);
}

TEST(ExprParserCorpusTest, NestingAtTheLimitIsAccepted) {
  Outcome o = Parse(Repeat("(", 256) + "x" + Repeat(")", 256));
  EXPECT_TRUE(o.ok) << o.message;
}

TEST(ExprParserCorpusTest, LongUnaryMinusChainIsRejected) {
  Outcome o = Parse(Repeat("-", 10000) + "x");
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 256u);
  EXPECT_EQ(o.message, kTooDeep);
}

TEST(ExprParserCorpusTest, LongOperatorChainIsRejectedByTreeHeight) {
  // A left-deep chain is built in a loop, but the tree it makes would
  // overflow the recursive printer and evaluator: its height is capped too.
  Outcome o = Parse("x" + Repeat(" + x", 10000));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 2u + 255u * 4u);  // the 256th '+' makes height 257
  EXPECT_EQ(o.message, kTooDeep);
  EXPECT_TRUE(Parse("x" + Repeat(" + x", 255)).ok);
}

TEST(ExprParserCorpusTest, DeepAggregationNestingIsRejected) {
  Outcome o = Parse(Repeat("sum(", 1000) + "x" + Repeat(")", 1000));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.message, kTooDeep);
}

TEST(ExprParserCorpusTest, HugeNumbers) {
  Outcome o = Parse("1" + Repeat("0", 400));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 0u);
  EXPECT_EQ(o.message, "number \"1" + Repeat("0", 400) + "\" is out of range");
  o = Parse("x > 1e309");
  EXPECT_EQ(o.offset, 4u);
  EXPECT_EQ(o.message, "number \"1e309\" is out of range");
  o = Parse("0x" + Repeat("F", 20));
  EXPECT_EQ(o.message, "number \"0x" + Repeat("F", 20) + "\" is out of range");
  o = Parse("1e99999999999999999999");
  EXPECT_EQ(o.message, "number \"1e99999999999999999999\" is out of range");
  // Representable after all: long mantissas, tiny magnitudes.
  auto parsed = ParseExpr("1" + Repeat("0", 1000) + "e-1000");
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->number, 1);
  parsed = ParseExpr("1e-99999999999999999999");
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->number, 0);
  parsed = ParseExpr("0." + Repeat("0", 500) + "1");
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->number, 0);
}

TEST(ExprParserCorpusTest, NulBytes) {
  Outcome o = Parse(std::string("x\0y", 3));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.offset, 1u);
  EXPECT_EQ(o.message, "unexpected character \"\\x00\"");
  o = Parse(std::string("\0", 1));
  EXPECT_EQ(o.offset, 0u);
  EXPECT_EQ(o.message, "unexpected character \"\\x00\"");
  // Inside a string a NUL is just a byte, and prints back escaped.
  auto parsed = ParseExpr(std::string("x{a=\"\0\"}", 8));
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->matchers[0].value, std::string("\0", 1));
  EXPECT_EQ(ExprToString(*parsed), "x{a=\"\\x00\"}");
}

TEST(ExprParserCorpusTest, InvalidUtf8) {
  struct Case {
    std::string input;
    size_t offset;
    std::string message;
  };
  for (const Case& c : {
           Case{"x{a=\"\xff\"}", 5, "invalid UTF-8 byte 0xff"},
           Case{"x # \xc3", 4, "invalid UTF-8 byte 0xc3"},  // truncated
           Case{"\xc0\xaf", 0, "invalid UTF-8 byte 0xc0"},  // overlong '/'
           Case{"x{a=`\xed\xa0\x80`}", 5,
                "invalid UTF-8 byte 0xed"},  // surrogate half
           Case{"\xf4\x90\x80\x80", 0,
                "invalid UTF-8 byte 0xf4"},  // above U+10FFFF
           Case{"x\x80", 1, "invalid UTF-8 byte 0x80"},
       }) {
    Outcome o = Parse(c.input);
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.offset, c.offset) << c.message;
    EXPECT_EQ(o.message, c.message);
  }
}

TEST(ExprParserCorpusTest, VeryLongTokens) {
  std::string name = "m" + Repeat("x", 100000);
  auto parsed = ParseExpr(name + "{a=\"" + Repeat("v", 1 << 20) + "\"}");
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->root->metric, name);
  EXPECT_EQ(parsed->root->matchers[0].value.size(), 1u << 20);
  // Error messages quote at most 40 bytes of a token.
  Outcome o = Parse("x " + Repeat("y", 1000));
  EXPECT_EQ(o.offset, 2u);
  EXPECT_EQ(o.message,
            "expected an operator or the end of the expression, got \"" +
                Repeat("y", 40) + "...\"");
}

TEST(ExprParserCorpusTest, TruncatedInputsEndCleanly) {
  const std::string full =
      "100 * sum by (suite) (tests{result=~\"fail.*\", suite!='x'}) / "
      "sum(tests) > 0.05";
  for (size_t n = 0; n < full.size(); ++n) {
    ExprError error;
    absl::StatusOr<ParsedExpr> parsed = ParseExpr(full.substr(0, n), &error);
    if (!parsed.ok()) {
      EXPECT_LE(error.offset, n) << full.substr(0, n);
      EXPECT_FALSE(error.message.empty());
    }
  }
}

}  // namespace
}  // namespace aurora
