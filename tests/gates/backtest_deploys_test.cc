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

// A binary file (a tarball given by mistake) is named as such, and no raw
// byte of it reaches the terminal.
TEST(BacktestDeploysTest, ABinaryFileIsSaidToBeOneWithoutEchoingIt) {
  const std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xc1", 12);
  absl::StatusOr<std::vector<Deploy>> d = ParseDeploys(gz, "deploys.tar.gz");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("deploys.tar.gz:1: not a text file (invalid UTF-8 at byte 1)"));
  d = ParseDeploys(std::string("2026-11-24T14:05:00Z\n\0\0\0", 24), "d.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("d.txt:2: not a text file (a NUL byte at byte 21)"));
  d = ParseDeploys(std::string("2026-11-24T14:05:00Z ok\n\xff\xfe\x01\n"), "d.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("d.txt:2: not a text file (invalid UTF-8 at byte 24)"));
  // Control characters in a bad line are escaped, and a long one is cut.
  d = ParseDeploys("\x1b[31mred\x07 label\n", "d.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("got \"\\x1b[31mred\\x07\""));
  d = ParseDeploys(std::string(300, 'x'), "d.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr(std::string(64, 'x') + "…\""));
}

// Which rules backtest reads as written (comparison included): only those
// whose verdict the dropped steps cannot change.
TEST(BacktestReadsAsWrittenTest, OnlyAlertRulesWhoseDroppedSeriesAreInactive) {
  Rule alert;
  alert.kind = Rule::Kind::kAlert;
  alert.condition = ParsedExpr::Comparison{CompareOp::kGt, 0.05, 10};
  EXPECT_TRUE(ReadsAsWritten(alert, false));
  EXPECT_FALSE(ReadsAsWritten(alert, /*all_values=*/true));
  Rule no_condition = alert;  // `expr: up == 0 and ...`: nothing split off
  no_condition.condition.reset();
  EXPECT_FALSE(ReadsAsWritten(no_condition, false));
  Rule any = alert;  // the passing series it would drop let it pass
  any.policies.series_any = true;
  EXPECT_FALSE(ReadsAsWritten(any, false));
  Rule no_data = alert;  // no series is not inactive for it
  no_data.policies.no_data_set = true;
  EXPECT_FALSE(ReadsAsWritten(no_data, false));
  Rule nan = alert;  // a NaN the comparison drops would be its nan policy
  nan.policies.nan_set = true;
  EXPECT_FALSE(ReadsAsWritten(nan, false));
  Rule gate = alert;  // gate rules judge every value (warn, no data)
  gate.kind = Rule::Kind::kGate;
  EXPECT_FALSE(ReadsAsWritten(gate, false));
}

}  // namespace
}  // namespace aurora
