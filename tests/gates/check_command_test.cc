#include "gates/check_command.h"

#include <optional>

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(ParseEvalTimeTest, UnixSecondsAndRfc3339) {
  EXPECT_EQ(ParseEvalTime("1795780620"), absl::FromUnixSeconds(1795780620));
  EXPECT_EQ(ParseEvalTime("1795780620.25"),
            absl::FromUnixSeconds(1795780620) + absl::Milliseconds(250));
  EXPECT_EQ(ParseEvalTime("2026-11-27T08:00:00+02:00"),
            absl::FromUnixSeconds(1795759200));
  EXPECT_EQ(ParseEvalTime("yesterday"), std::nullopt);
}

// Unix seconds past 2262 overflowed int64 nanoseconds and wrapped to 1677.
TEST(ParseEvalTimeTest, LateTimesAreKeptOrRefusedNeverWrapped) {
  EXPECT_EQ(ParseEvalTime("9999999999"), absl::FromUnixSeconds(9999999999));
  EXPECT_EQ(ParseEvalTime("253402300799"), absl::FromUnixSeconds(253402300799));
  EXPECT_EQ(ParseEvalTime("253402300800"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("99999999999999999999"), std::nullopt);
}

// Issue 10.16: the year 10000 was accepted written as RFC 3339 although the
// message says "up to the year 9999".
TEST(ParseEvalTimeTest, Rfc3339PastTheYear9999IsRefused) {
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59Z"),
            absl::FromUnixSeconds(253402300799));
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59.5Z"),
            absl::FromUnixSeconds(253402300799) + absl::Milliseconds(500));
  EXPECT_EQ(ParseEvalTime("10000-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59-01:00"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("-0001-01-01T00:00:00Z"), std::nullopt);
}

}  // namespace
}  // namespace aurora
