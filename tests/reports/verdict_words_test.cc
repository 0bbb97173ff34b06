// Issue 11.11: one verdict vocabulary in every report a person reads.
// `report` (the go-live decision) says GO / NO-GO, `check` and `watch` say
// PASS / FAIL, all say UNDECIDED when the run exits 3, and the terminal,
// the Markdown summary and the HTML page say the same word for one run.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/run_summary.h"
#include "reports/terminal_report.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string command;
  Outcome outcome;
  bool strict;
  std::string word;
};

TEST(VerdictWordsTest, EachCommandHasOneSchemeFollowingTheExitCode) {
  const Case cases[] = {
      {"check", Outcome::kPass, false, "PASS"},
      {"check", Outcome::kWarn, false, "PASS"},
      {"check", Outcome::kWarn, true, "FAIL"},
      {"check", Outcome::kFail, false, "FAIL"},
      {"check", Outcome::kInconclusive, false, "UNDECIDED"},
      {"check", Outcome::kError, false, "UNDECIDED"},
      {"watch", Outcome::kPass, false, "PASS"},
      {"watch", Outcome::kFail, false, "FAIL"},
      {"report", Outcome::kPass, false, "GO"},
      {"report", Outcome::kPending, false, "GO"},
      {"report", Outcome::kFail, false, "NO-GO"},
      {"report", Outcome::kError, false, "UNDECIDED"},
  };
  for (const Case& c : cases) {
    RunResult run = testing::SingleRuleRun(c.outcome, /*dry_run=*/false, c.strict);
    run.command = c.command;
    EXPECT_EQ(VerdictWord(run), c.word) << c.command << " " << OutcomeName(c.outcome);
  }
}

TEST(VerdictWordsTest, TerminalMarkdownAndHtmlSayTheSameWord) {
  const Case cases[] = {
      {"check", Outcome::kWarn, false, "PASS"},
      {"check", Outcome::kFail, false, "FAIL"},
      {"report", Outcome::kPass, false, "GO"},
      {"report", Outcome::kFail, false, "NO-GO"},
      {"check", Outcome::kInconclusive, false, "UNDECIDED"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.command + " " + c.word);
    RunResult run = testing::SingleRuleRun(c.outcome, /*dry_run=*/false, c.strict);
    run.command = c.command;
    EXPECT_THAT(RenderTerminal(run, false), HasSubstr("Verdict: " + c.word + " — "));
    EXPECT_THAT(RenderMarkdown(run, {}), HasSubstr("aurora-gate verdict: **" + c.word + "**"));
    const std::string html = RenderHtml(run, {});
    EXPECT_THAT(html, HasSubstr("data-verdict=\"" + c.word + "\""));
    EXPECT_THAT(html, HasSubstr("<title>" + c.word + " "));
    // The other scheme's words never appear as the verdict.
    const std::string other = c.command == "report" ? "PASS" : "GO";
    EXPECT_THAT(html, ::testing::Not(HasSubstr("data-verdict=\"" + other + "\"")));
  }
}

// A pass is green and a fail red in the terminal, whatever rule outcomes
// led there (a warn that passes is not yellow).
TEST(VerdictWordsTest, TerminalColoursTheVerdictByWhatItDecides) {
  RunResult warn = testing::SingleRuleRun(Outcome::kWarn);
  EXPECT_THAT(RenderTerminal(warn, true), HasSubstr("Verdict: \x1b[32mPASS\x1b[0m"));
  RunResult fail = testing::SingleRuleRun(Outcome::kFail);
  fail.command = "report";
  EXPECT_THAT(RenderTerminal(fail, true), HasSubstr("Verdict: \x1b[1;31mNO-GO\x1b[0m"));
}

}  // namespace
}  // namespace aurora
