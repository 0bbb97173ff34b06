#include "rules/criterion.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

Criterion Parse(const char* text) {
  absl::StatusOr<Criterion> c = ParseCriterion(text);
  EXPECT_OK(c) << text;
  return c.ok() ? *c : Criterion{};
}

TEST(CriterionTest, AbsoluteThresholdsCompareAgainstTheNumber) {
  EXPECT_EQ(Holds(Parse(">= 90"), 90, std::nullopt), true);
  EXPECT_EQ(Holds(Parse("> 90"), 90, std::nullopt), false);
  EXPECT_EQ(Holds(Parse("<0.5"), 0.49, std::nullopt), true);
  EXPECT_EQ(Holds(Parse("== 0"), 0, std::nullopt), true);
  EXPECT_EQ(Holds(Parse("!= 0"), 0, std::nullopt), false);
  EXPECT_EQ(Holds(Parse("> (-1)"), -0.5, std::nullopt), true);
  EXPECT_FALSE(Parse("> (-1)").relative());
}

TEST(CriterionTest, SignedPercentIsRelativeToTheBaseline) {
  Criterion c = Parse("<= +10%");
  EXPECT_EQ(c.kind, Criterion::Kind::kRelativePercent);
  EXPECT_EQ(Holds(c, 0.55, 0.5), true);   // exactly +10 %
  EXPECT_EQ(Holds(c, 0.56, 0.5), false);
  EXPECT_EQ(Holds(Parse(">= -5%"), 95, 100), true);
  EXPECT_EQ(Holds(Parse(">= -5%"), 94.9, 100), false);
}

TEST(CriterionTest, SignedNumberIsADeltaFromTheBaseline) {
  Criterion c = Parse("<= +0.02");
  EXPECT_EQ(c.kind, Criterion::Kind::kRelativeDelta);
  EXPECT_EQ(Holds(c, 0.52, 0.5), true);
  EXPECT_EQ(Holds(c, 0.53, 0.5), false);
}

TEST(CriterionTest, RelativeWithoutBaselineIsUnknown) {
  EXPECT_EQ(Holds(Parse("<= +10%"), 1, std::nullopt), std::nullopt);
}

TEST(CriterionTest, NanNeverHolds) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Holds(Parse("<= 1"), nan, std::nullopt), false);
  EXPECT_EQ(Holds(Parse("!= 1"), nan, std::nullopt), false);
}

TEST(CriterionTest, InfinityComparesAsANumber) {
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Holds(Parse("<= 0.5"), inf, std::nullopt), false);
  EXPECT_EQ(Holds(Parse("> 0.5"), inf, std::nullopt), true);
}

TEST(CriterionTest, AHundredThousandDigitThresholdIsRefusedNotInfinite) {
  const std::string huge = "< " + std::string(100000, '9');
  EXPECT_FALSE(ParseCriterion(huge).ok());
  // The largest finite double is still a threshold.
  EXPECT_TRUE(ParseCriterion("< 1.7976931348623157e308").ok());
}

TEST(CriterionTest, BadCriteriaSayWhatWasExpected) {
  const std::string kExpected =
      "; expected an operator (<, <=, >, >=, ==, !=) and a number, e.g. "
      "\">= 90\" or \"<= +10%\"";
  struct Case {
    const char* text;
    const char* why;
    size_t offset;
  } cases[] = {
      {"90", "missing operator", 0},
      {"= 90", "\"=\" is not an operator (use ==)", 0},
      {">=", "missing number after the operator", 2},
      {">= ninety", "\"ninety\" is not a number", 3},
      {"<= 10%", "a percentage is relative to the baseline and needs a sign "
                 "(\"<= +10%\", \">= -5%\")", 3},
      {"<= NaN", "NaN is not a threshold", 3},
      {"> (-1", "unbalanced parenthesis", 2},
      // Issue 10.5: a threshold that overflows would be ±Inf and `< 1e400`
      // would always hold.
      {"< 1e400", "\"1e400\" is not a finite number (a threshold must lie "
                  "within ±1.8e308)", 2},
      {"> -1e400", "\"-1e400\" is not a finite number (a threshold must "
                   "lie within ±1.8e308)", 2},
      {"<= +Inf", "\"+Inf\" is not a finite number (a threshold must lie "
                  "within ±1.8e308)", 3},
      {"<= +1e400%", "\"+1e400\" is not a finite number (a threshold must "
                     "lie within ±1.8e308)", 3},
  };
  for (const auto& c : cases) {
    size_t offset = 99;
    absl::StatusOr<Criterion> r = ParseCriterion(c.text, &offset);
    EXPECT_THAT(r, testing::StatusIs(
                       absl::StatusCode::kInvalidArgument,
                       ::testing::Eq(std::string("invalid criterion \"") +
                                     c.text + "\": " + c.why + kExpected)))
        << c.text;
    EXPECT_EQ(offset, c.offset) << c.text;
  }
}

}  // namespace
}  // namespace aurora
