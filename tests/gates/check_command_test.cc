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

}  // namespace
}  // namespace aurora
