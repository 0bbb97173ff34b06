// JenkinsTimeSeconds reads plain decimals ("0.677", "12", "3.") without
// strtod (queries/junit_reader.cc, PlainDecimalSeconds). These tests check
// that the result is bit-identical to the strtod path it replaces —
// min(365 days, max(0, strtod(text))) — over a million generated values and
// the edges of the fast path (2^53, 22 fraction digits, 19 digits).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "queries/jenkins_time.h"
#include "queries/junit_reader.h"

namespace aurora {
namespace {

// What JenkinsTimeSeconds computed for a plain decimal before the fast path.
double ViaStrtod(const std::string& text) {
  const double v = std::strtod(text.c_str(), nullptr);
  return std::min(365.0 * 24 * 60 * 60, std::max(0.0, v));
}

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

void ExpectSameAsStrtod(const std::string& text) {
  EXPECT_EQ(Bits(JenkinsTimeSeconds(text.c_str())), Bits(ViaStrtod(text)))
      << "text \"" << text << "\": fast " << JenkinsTimeSeconds(text.c_str())
      << " strtod " << ViaStrtod(text);
}

TEST(JunitTimeFastPathTest, RandomDigitStringsEqualStrtodBitForBit) {
  std::mt19937_64 rng(20261127);
  auto below = [&rng](int n) { return static_cast<int>(rng() % n); };
  for (int i = 0; i < 600000; ++i) {
    std::string text;
    const int int_digits = below(4) == 0 ? below(21) : below(4);
    const int frac_digits = below(5) == 0 ? below(26) : below(7);
    const bool point = frac_digits > 0 || below(3) == 0;
    // Digits biased to 0 and 9, where rounding and carries are tight.
    auto digit = [&] {
      int r = below(4);
      return r == 0 ? '0' : r == 1 ? '9' : static_cast<char>('0' + below(10));
    };
    for (int d = 0; d < int_digits; ++d) text += digit();
    if (point) text += '.';
    for (int d = 0; d < frac_digits; ++d) text += digit();
    if (int_digits + frac_digits == 0) text += digit();
    ExpectSameAsStrtod(text);
  }
}

TEST(JunitTimeFastPathTest, PrintedDoublesEqualStrtodBitForBit) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> small(0, 10);
  std::uniform_real_distribution<double> exponent(-6, 9);
  char buf[64];
  for (int i = 0; i < 400000; ++i) {
    const double v = small(rng) * std::pow(10.0, exponent(rng));
    const int precision = static_cast<int>(rng() % 20);
    std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    ExpectSameAsStrtod(buf);
  }
}

TEST(JunitTimeFastPathTest, EdgesOfTheFastPathEqualStrtod) {
  for (const char* text : {
           "0", "0.", ".0", ".5", "5.", "00000", "0.000",
           "9007199254740992",    // 2^53: still exact
           "9007199254740993",    // 2^53 + 1: rounds (strtod path)
           "9007199254740995", "900719925474099.3", "90071992547409.93",
           "9007199254740.993", "0.9007199254740993",
           "1234567890123456789",     // 19 digits
           "12345678901234567890",    // 20 digits
           "0.1234567890123456789012",   // 22 fraction digits
           "0.12345678901234567890123",  // 23
           "1.0000000000000000000001", "0.0000000000000000000001",
           "31535999.999", "31536000", "31536000.001", "99999999999",
           "0.1", "0.2", "0.3", "2.675", "1e3", "1,5", " 1.5", "1.5 ",
       }) {
    SCOPED_TRACE(text);
    if (std::string(text).find_first_of("e, ") == std::string::npos) {
      ExpectSameAsStrtod(text);
    }
  }
  // Values the fast path must leave to the full grammar, unchanged.
  EXPECT_EQ(JenkinsTimeSeconds("1e3"), 1000);
  EXPECT_EQ(JenkinsTimeSeconds("1,5"), 15);
  EXPECT_EQ(JenkinsTimeSeconds(" 1.5"), 1.5);
  EXPECT_EQ(JenkinsTimeSeconds("."), 0);
  EXPECT_EQ(JenkinsTimeSeconds("1.2.3"), 1.2);  // DecimalFormat prefix
  EXPECT_EQ(JenkinsTimeSeconds("31536001"), 365.0 * 24 * 60 * 60);
}

}  // namespace
}  // namespace aurora
