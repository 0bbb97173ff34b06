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
      HasSubstr("Verdict: PASS — 1 warn (1 rule in 1 gate); exit 0 (pass)\n"));
  EXPECT_THAT(
      RenderTerminal(testing::SingleRuleRun(Outcome::kPending, false, true),
                     false),
      HasSubstr(
          "Verdict: FAIL — 1 pending (1 rule in 1 gate), strict: warn and "
          "pending fail; exit 1 (fail)\n"));
  EXPECT_THAT(RenderTerminal(testing::SingleRuleRun(Outcome::kError), false),
              HasSubstr("Verdict: UNDECIDED — 1 error (1 rule in 1 gate); exit 3 "
                        "(inconclusive or error)\n"));
  EXPECT_EQ(RenderTerminal(RunResult{}, false),
            "Verdict: PASS — no rules (0 rules in 0 gates); exit 0 (pass)\n");
}

// Issue 11.8: a reason, a name or an error message is never cut. Without a
// terminal (a CI log, a pipe) every cell is printed in full.
TEST(TerminalReportTest, WithoutATerminalLongValuesArePrintedInFull) {
  RunResult run = testing::SingleRuleRun(Outcome::kFail);
  run.gates[0].rules[0].name = std::string(100, 'n');
  const std::string reason =
      "baseline file is missing: /ci/artifacts/baselines/"
      "testnet_performance_baseline_from_the_last_good_deploy.json " +
      std::string(150, 'r');
  run.gates[0].rules[0].reason = reason;
  const std::string out = RenderTerminal(run, false);
  EXPECT_THAT(out, HasSubstr("grp/" + std::string(100, 'n') + "  "));
  EXPECT_THAT(out, HasSubstr(reason + "\n"));
  EXPECT_THAT(out, Not(HasSubstr("…")));
}

// On a terminal narrower than the table, text wraps within its column: no
// line is wider than the terminal, and every character is still there.
TEST(TerminalReportTest, OnANarrowTerminalTextWrapsWithinItsColumn) {
  RunResult run = testing::SingleRuleRun(Outcome::kFail);
  run.gates[0].rules[0].name = std::string(70, 'n');
  const std::string reason =
      "baseline file is missing: artifacts/baselines/"
      "testnet_performance_baseline.json (the benchmark is new since the "
      "baseline was taken)";
  run.gates[0].rules[0].reason = reason;
  const size_t width = 100;
  const std::string out =
      RenderTerminal(run, TerminalOptions{.color = false, .width = width});
  std::string joined;  // the table's text with blanks removed
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, "Verdict:") || absl::StartsWith(line, "Gate ")) {
      continue;
    }
    EXPECT_LE(DisplayWidth(std::string(line)), width) << line;
    for (char c : line) {
      if (c != ' ') joined += c;
    }
  }
  std::string reason_letters;
  for (char c : reason) {
    if (c != ' ') reason_letters += c;
  }
  // Each column's lines follow one another in the table, so the letters of
  // a wrapped cell are there in order once the other columns are removed.
  EXPECT_THAT(joined, HasSubstr(std::string(10, 'n')));
  size_t found = 0;
  for (char c : reason_letters) {
    found = joined.find(c, found);
    ASSERT_NE(found, std::string::npos) << "lost from the reason: " << c;
    ++found;
  }
  EXPECT_THAT(out, Not(HasSubstr("…")));
  // The same run fits unwrapped on a wide terminal: the reason on one line.
  EXPECT_THAT(RenderTerminal(run, TerminalOptions{.width = 400}),
              HasSubstr(reason + "\n"));
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
  EXPECT_THAT(out,
              HasSubstr("  0 {bad_utf8=\"\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD"
                        "\xEF\xBF\xBD\", "
                        "job=\"<script>alert('x')</script>|`"));
}

}  // namespace
}  // namespace aurora
