// --deploys files (gates/backtest_command.h ParseDeploys): times with
// optional labels; bad lines named by file and line.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "gates/app/backtest_command.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

TEST(BacktestDeploysTest, TimesWithOptionalLabelsCommentsAndBlankLines) {
  absl::StatusOr<std::vector<Deploy>> d = ParseDeploys(
      "# deploys from git log\n"
      "2026-11-24T14:05:00Z v1.4.2 (bad one)\n"
      "\n"
      "  2026-11-25T09:00:00+01:00\n"
      "1796000000 from-cd\n",
      "deploys.txt");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->size(), 3u);
  EXPECT_EQ((*d)[0].at, absl::FromCivil(absl::CivilSecond(2026, 11, 24, 14, 5, 0),
                                         absl::UTCTimeZone()));
  EXPECT_EQ((*d)[0].label, "v1.4.2 (bad one)");
  EXPECT_EQ((*d)[1].at, absl::FromCivil(absl::CivilSecond(2026, 11, 25, 8, 0, 0),
                                         absl::UTCTimeZone()));
  EXPECT_EQ((*d)[1].label, "");
  EXPECT_EQ((*d)[2].at, absl::FromUnixSeconds(1796000000));
  EXPECT_EQ((*d)[2].label, "from-cd");
}

TEST(BacktestDeploysTest, ABadTimeNamesTheFileAndLine) {
  absl::StatusOr<std::vector<Deploy>> d =
      ParseDeploys("2026-11-24T14:05:00Z ok\nyesterday afternoon\n", "deploys.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("deploys.txt:2: expected a deploy time"));
  EXPECT_THAT(d.status().message(), HasSubstr("\"yesterday\""));
}

TEST(BacktestDeploysTest, AnEmptyFileIsAnError) {
  absl::StatusOr<std::vector<Deploy>> d = ParseDeploys("# nothing\n", "d.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("d.txt: no deploy in the file"));
}

}  // namespace
}  // namespace aurora
