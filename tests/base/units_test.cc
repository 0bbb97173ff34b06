// Issue 11.9: values written in their unit in every report.
#include "base/units.h"

#include <limits>

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(UnitsTest, SecondsAreShownInTheLargestFittingUnit) {
  EXPECT_EQ(FormatValue(0.2389123, Unit::kSeconds), "238.9 ms");
  EXPECT_EQ(FormatValue(0.5, Unit::kSeconds), "500 ms");
  EXPECT_EQ(FormatValue(1.25, Unit::kSeconds), "1.25 s");
  EXPECT_EQ(FormatValue(0.0000123, Unit::kSeconds), "12.3 \xC2\xB5s");
  EXPECT_EQ(FormatValue(4.2e-8, Unit::kSeconds), "42 ns");
  EXPECT_EQ(FormatValue(0, Unit::kSeconds), "0 s");
  EXPECT_EQ(FormatValue(238.9, Unit::kMilliseconds), "238.9 ms");
}

TEST(UnitsTest, RatioIsShownAsPercentAndPercentKeepsItsValue) {
  EXPECT_EQ(FormatValue(0.0048, Unit::kRatio), "0.48 %");
  EXPECT_EQ(FormatValue(93.4915, Unit::kPercent), "93.49 %");
  EXPECT_EQ(FormatValue(100, Unit::kPercent), "100 %");
}

TEST(UnitsTest, BytesUseIecMultiples) {
  EXPECT_EQ(FormatValue(409600000, Unit::kBytes), "390.6 MiB");
  EXPECT_EQ(FormatValue(512, Unit::kBytes), "512 B");
  EXPECT_EQ(FormatValue(1536, Unit::kBytes), "1.5 KiB");
}

TEST(UnitsTest, AFractionIsNeverRoundedToAWholeNumber) {
  // 89.996 % must not read as "90 %" next to a ">= 90" threshold.
  EXPECT_EQ(FormatValue(89.996, Unit::kPercent), "89.996 %");
  EXPECT_EQ(FormatValue(0.4999999, Unit::kSeconds), "499.9999 ms");
}

TEST(UnitsTest, CountsAndPlainNumbersAreUnchanged) {
  EXPECT_EQ(FormatValue(12345, Unit::kCount), "12345");
  EXPECT_EQ(FormatValue(0.431862, Unit::kNone), "0.431862");
  EXPECT_EQ(FormatValue(1234.5, Unit::kOpsPerSecond), "1234.5 ops/s");
}

TEST(UnitsTest, NanAndInfinitiesKeepTheirSpelling) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN(), Unit::kSeconds),
            "NaN");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity(), Unit::kBytes),
            "+Inf");
}

TEST(UnitsTest, DeltasAreSignedAndPercentagePointsForRatios) {
  EXPECT_EQ(FormatDelta(0.02, Unit::kSeconds), "+20 ms");
  EXPECT_EQ(FormatDelta(-0.02, Unit::kSeconds), "-20 ms");
  EXPECT_EQ(FormatDelta(0.02, Unit::kRatio), "+2 pp");
  EXPECT_EQ(FormatDelta(-5, Unit::kPercent), "-5 pp");
  EXPECT_EQ(FormatDelta(0.5, Unit::kNone), "+0.5");
}

TEST(UnitsTest, ChangePercentFromABaseline) {
  EXPECT_EQ(FormatChangePercent(*ChangePercent(0.55, 0.5)), "+10 %");
  EXPECT_EQ(FormatChangePercent(*ChangePercent(0.45, 0.5)), "-10 %");
  EXPECT_EQ(FormatChangePercent(*ChangePercent(0.5, 0.5)), "0 %");
  EXPECT_FALSE(ChangePercent(1, 0).has_value());
  EXPECT_FALSE(
      ChangePercent(std::numeric_limits<double>::quiet_NaN(), 1).has_value());
}

TEST(UnitsTest, UnitNamesParseBack) {
  for (const std::string& name : UnitNames()) {
    ASSERT_TRUE(ParseUnit(name).has_value()) << name;
  }
  EXPECT_EQ(ParseUnit("seconds"), Unit::kSeconds);
  EXPECT_EQ(UnitName(Unit::kBytes), "bytes");
  EXPECT_EQ(UnitName(Unit::kNone), "");
  EXPECT_FALSE(ParseUnit("secs").has_value());
}

}  // namespace
}  // namespace aurora
