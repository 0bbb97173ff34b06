#include "base/number_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
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

// The short form prints what printf's "%.6g" / "%.12g" print (it uses
// std::to_chars, specified to match): checked against printf itself over
// values of every magnitude, a fixed seed.
TEST(NumberFormatTest, ShortFormMatchesPrintfsGeneralFormat) {
  auto reference = [](double v) {
    std::string full = FormatNumber(v);
    if (!std::isfinite(v) || full.size() <= 8) return full;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    double back = std::strtod(buf, nullptr);
    if (back == v) return full.size() < std::strlen(buf) ? full : std::string(buf);
    if (std::floor(back) == back && std::floor(v) != v) {
      std::snprintf(buf, sizeof buf, "%.12g", v);
    }
    return std::string(buf);
  };
  std::mt19937_64 random(20261204);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 200000; ++i) {
    double v = mantissa(random) * std::pow(10.0, exponent(random));
    if (i % 4 == 0) v = std::round(v * 1e6) / 1e6;  // short decimals, whole numbers
    if (i % 8 == 1) v = std::nextafter(std::round(v), 1e300);  // just above a whole number
    ASSERT_EQ(FormatNumberShort(v), reference(v)) << v;
  }
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

// ParseNumber reads plain decimals with std::from_chars and everything else
// with strtod: every result must be strtod's, bit for bit.
TEST(NumberFormatTest, ParseNumberEqualsStrtodBitForBit) {
  std::mt19937_64 rng(42);
  auto same = [](const std::string& text) {
    std::optional<double> got = ParseNumber(text);
    ASSERT_TRUE(got.has_value()) << text;
    double want = std::strtod(text.c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&*got, &want, sizeof want), 0)
        << text << ": " << *got << " vs strtod " << want;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string text = (rng() % 4 == 0) ? "-" : "";
    if (rng() % 2) {
      // Prometheus' own spelling of a float64 (shortest round trip).
      double v = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 150);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v);
      text += buf;
    } else {
      // Long digit strings, with and without a point and an exponent.
      int digits = 1 + static_cast<int>(rng() % 30);
      for (int d = 0; d < digits; ++d) text.push_back(static_cast<char>('0' + rng() % 10));
      if (rng() % 2) text.insert(1 + rng() % text.size(), ".");
      if (rng() % 3 == 0) text += "e" + std::to_string(static_cast<int>(rng() % 700) - 350);
    }
    same(text);
  }
  for (const char* edge : {"0", "-0", "1e308", "1.7976931348623157e308", "1e309", "-1e400",
                           "4.9406564584124654e-324", "2e-324", "1e-400", ".5", "5.", "0.1",
                           "9007199254740993", "2.2250738585072011e-308", "1e+5", "1E5"}) {
    same(edge);
  }
  EXPECT_FALSE(ParseNumber("--5").has_value());
  EXPECT_FALSE(ParseNumber("+-5").has_value());
  EXPECT_FALSE(ParseNumber("1.2.3").has_value());
}

}  // namespace
}  // namespace aurora
