#include "reports/terminal_report.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/report_text.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TerminalReportTest, RepresentativeRunMatchesGolden) {
  testing::ExpectMatchesGolden(
      RenderTerminal(testing::RepresentativeRun(), false), "report.txt");
}

TEST(TerminalReportTest, NoColourMeansNoEscapeSequences) {
  const std::string out = RenderTerminal(testing::RepresentativeRun(), false);
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
}

TEST(TerminalReportTest, ColourPaintsOutcomeWordsButKeepsThem) {
  const std::string out = RenderTerminal(testing::RepresentativeRun(), true);
  EXPECT_THAT(out, HasSubstr("\x1b[1;31mFAIL\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[32mPASS\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[33mWARN\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[36mPENDING\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[35mINCONCLUSIVE\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[1;31mERROR\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("\x1b[2mDRY-RUN (FAIL)\x1b[0m"));
  EXPECT_THAT(out, HasSubstr("Verdict: \x1b[1;31mFAIL\x1b[0m — "));
}

TEST(TerminalReportTest, ColourDoesNotChangeTheTextOrAlignment) {
  const RunResult run = testing::RepresentativeRun();
  std::string coloured = RenderTerminal(run, true);
  // Strip every SGR sequence; what is left must be the plain rendering.
  std::string stripped;
  for (size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      i = coloured.find('m', i);
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, RenderTerminal(run, false));
}

TEST(TerminalReportTest, ManySeriesShowWorstFirstThenHowManyMore) {
  const std::string out = RenderTerminal(testing::RepresentativeRun(), false);
  EXPECT_THAT(out, HasSubstr("+Inf {route=\"/api/quotes\"} → fail"));
  EXPECT_THAT(out, HasSubstr("0.74 {route=\"/api/cancel\"} → fail"));
  EXPECT_THAT(out, HasSubstr("… and 2 more"));
  // The 6th and 7th series in worst-first order are not shown.
  EXPECT_THAT(out, Not(HasSubstr("/api/ticker")));
  EXPECT_THAT(out, Not(HasSubstr("/api/user")));
}

TEST(TerminalReportTest, VerdictLineCountsOutcomesAndStatesExitCode) {
  const std::string out = RenderTerminal(testing::RepresentativeRun(), false);
  EXPECT_THAT(
      out,
      HasSubstr("Verdict: FAIL — 2 fail, 1 error, 1 inconclusive, 1 pending, "
                "1 warn, 1 pass, 1 dry-run (8 rules in 2 gates); exit 1 "
                "(fail)\n"));
  EXPECT_THAT(
      RenderTerminal(testing::SingleRuleRun(Outcome::kWarn), false),
      HasSubstr("Verdict: WARN — 1 warn (1 rule in 1 gate); exit 0 (pass)\n"));
  EXPECT_THAT(
      RenderTerminal(testing::SingleRuleRun(Outcome::kPending, false, true),
                     false),
      HasSubstr(
          "Verdict: PENDING — 1 pending (1 rule in 1 gate), strict: warn and "
          "pending fail; exit 1 (fail)\n"));
  EXPECT_THAT(RenderTerminal(testing::SingleRuleRun(Outcome::kError), false),
              HasSubstr("exit 3 (inconclusive or error)\n"));
  EXPECT_EQ(RenderTerminal(RunResult{}, false),
            "Verdict: PASS — no rules (0 rules in 0 gates); exit 0 (pass)\n");
}

TEST(TerminalReportTest, LongValuesAreCutWithEllipsisAtTheColumnCap) {
  RunResult run = testing::SingleRuleRun(Outcome::kFail);
  run.gates[0].rules[0].name = std::string(100, 'n');
  run.gates[0].rules[0].reason = std::string(200, 'r');
  const std::string out = RenderTerminal(run, false);
  // RULE cap 40: "grp/" + 35 n + "…"; REASON cap 72: 71 r + "…".
  EXPECT_THAT(out, HasSubstr("grp/" + std::string(35, 'n') + "…  "));
  EXPECT_THAT(out, HasSubstr(std::string(71, 'r') + "…\n"));
  EXPECT_THAT(out, Not(HasSubstr(std::string(72, 'r'))));
}

TEST(TerminalReportTest, ColumnsAreAlignedByDisplayWidth) {
  const std::string out = RenderTerminal(testing::RepresentativeRun(), false);
  const std::vector<std::string> lines = absl::StrSplit(out, '\n');
  // In each gate table the RULE column starts at the same code point index.
  size_t header_col = 0;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "  OUTCOME")) {
      header_col = line.find("RULE");
      continue;
    }
    if (absl::StartsWith(line, "  PASS ")) {
      EXPECT_EQ(line.find("quality/line-coverage"), header_col) << line;
    }
  }
  EXPECT_GT(header_col, 0u);
}

TEST(TerminalReportTest, HostileTextCannotEscapeTheTerminalOrBreakRows) {
  const std::string out = RenderTerminal(testing::HostileRun(), false);
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
  EXPECT_THAT(out, Not(HasSubstr("\x07")));
  EXPECT_THAT(out, Not(HasSubstr(std::string(1, '\0'))));
  EXPECT_THAT(out, Not(HasSubstr("\r")));
  // Every line is valid UTF-8 and the outcome word is there.
  EXPECT_EQ(ToValidUtf8(out), out);
  EXPECT_THAT(out, HasSubstr("  FAIL  "));
  // The label's newline did not start a new row: the series is on one line.
  // (The series is cut at the OBSERVED cap of 56 code points.)
  EXPECT_THAT(out,
              HasSubstr("  0 {bad_utf8=\"\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD"
                        "\xEF\xBF\xBD\", "
                        "job=\"<script>alert('x')</script>|`…  pass: > 0  "));
}

}  // namespace
}  // namespace aurora
