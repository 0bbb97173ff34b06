#include "base/number_format.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(NumberFormatTest, FormatNumberRoundTripsAndSpellsSpecialsLikePrometheus) {
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(93.49152542372882), "93.49152542372882");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatNumber(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(NumberFormatTest, ShortFormIsForPeopleAndNeverFakesAWholeNumber) {
  EXPECT_EQ(FormatNumberShort(93.49152542372882), "93.4915");
  EXPECT_EQ(FormatNumberShort(0.4318624639899781), "0.431862");
  EXPECT_EQ(FormatNumberShort(12), "12");
  EXPECT_EQ(FormatNumberShort(0.5), "0.5");
  EXPECT_EQ(FormatNumberShort(1e-05), "1e-05");
  // %.6g would print "90", which reads as meeting ">= 90".
  EXPECT_EQ(FormatNumberShort(89.9999999), "89.9999999");
  EXPECT_EQ(FormatNumberShort(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(NumberFormatTest, ParseNumberAcceptsPrometheusSpellingsOnly) {
  EXPECT_EQ(ParseNumber("1e3"), 1000);
  EXPECT_EQ(ParseNumber(" -2.5 "), -2.5);
  EXPECT_TRUE(std::isnan(*ParseNumber("NaN")));
  EXPECT_EQ(ParseNumber("+Inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseNumber("-inf"), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(ParseNumber("").has_value());
  EXPECT_FALSE(ParseNumber("0x1F").has_value());
  EXPECT_FALSE(ParseNumber("12abc").has_value());
  EXPECT_FALSE(ParseNumber("nan(1)").has_value());
}

}  // namespace
}  // namespace aurora
