#include "rules/duration.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

TEST(DurationTest, ParsesPrometheusDurations) {
  struct Case {
    const char* text;
    absl::Duration want;
  } cases[] = {
      {"90s", absl::Seconds(90)},
      {"5m", absl::Minutes(5)},
      {"1h30m", absl::Minutes(90)},
      {"1d", absl::Hours(24)},
      {"1w", absl::Hours(24 * 7)},
      {"1y", absl::Hours(24 * 365)},
      {"250ms", absl::Milliseconds(250)},
      {"1h0m5s100ms", absl::Hours(1) + absl::Seconds(5) + absl::Milliseconds(100)},
      {"0", absl::ZeroDuration()},
      {"0s", absl::ZeroDuration()},
  };
  for (const auto& c : cases) {
    absl::StatusOr<absl::Duration> d = ParsePromDuration(c.text);
    ASSERT_OK(d) << c.text;
    EXPECT_EQ(*d, c.want) << c.text;
  }
}

TEST(DurationTest, RejectsWhatPrometheusRejects) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "invalid duration \"\": empty, expected e.g. 5m or 1h30m"},
      {"5", "invalid duration \"5\": missing unit, expected one of ms, s, m, h, d, w, y"},
      {"5min", "invalid duration \"5min\": unknown unit \"min\", expected one of ms, s, m, h, d, w, y"},
      {"30m1h", "invalid duration \"30m1h\": units must appear once each, largest first (e.g. 1h30m)"},
      {"1.5h", "invalid duration \"1.5h\": unknown unit \".\", expected one of ms, s, m, h, d, w, y"},
      {"-5m", "invalid duration \"-5m\": expected a number followed by a unit (ms, s, m, h, d, w, y)"},
      {"99999999999999999999s", "invalid duration \"99999999999999999999s\": number too large"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<absl::Duration> d = ParsePromDuration(c.text);
    EXPECT_THAT(d, testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                     ::testing::Eq(c.message)))
        << c.text;
  }
}

TEST(DurationTest, FormatsTheShortestSpelling) {
  EXPECT_EQ(FormatPromDuration(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(FormatPromDuration(absl::Hours(36)), "1d12h");
  EXPECT_EQ(FormatPromDuration(absl::Minutes(5)), "5m");
  EXPECT_EQ(FormatPromDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatPromDuration(absl::Hours(24 * 14)), "2w");
}

}  // namespace
}  // namespace aurora
