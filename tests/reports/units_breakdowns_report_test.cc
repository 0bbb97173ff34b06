// Issue 11.9 (values in their unit, thresholds in the same unit, the change
// from a baseline in percent) and issue 13.6 (per-module mutation table,
// per-severity findings table, the findings behind a failing rule) in every
// report: terminal, Markdown, HTML, JUnit and JSON.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/run_summary.h"
#include "reports/terminal_report.h"
#include "tests/reports/breakdown_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(UnitsReportTest, GoldenFiles) {
  const RunResult run = testing::UnitsAndBreakdownsRun();
  testing::ExpectMatchesGolden(RenderTerminal(run, false), "units_breakdowns.txt");
  testing::ExpectMatchesGolden(RenderMarkdown(run, {}), "units_breakdowns.md");
  testing::ExpectMatchesGolden(RenderJunit(run), "units_breakdowns.junit.xml");
  testing::ExpectMatchesGolden(RenderJson(run), "units_breakdowns.json");
}

TEST(UnitsReportTest, TerminalShowsValuesThresholdsAndChangeInTheUnit) {
  const std::string out = RenderTerminal(testing::UnitsAndBreakdownsRun(), false);
  EXPECT_THAT(out, HasSubstr("238.9 ms (baseline 215 ms, +11.12 %)"));
  EXPECT_THAT(out, HasSubstr("pass: <= 500 ms and <= +10%"));
  EXPECT_THAT(out, HasSubstr("93.49 %"));
  EXPECT_THAT(out, HasSubstr("0.48 %"));
  EXPECT_THAT(out, HasSubstr("pass: < 1 %"));
  EXPECT_THAT(out, HasSubstr("warn: <= +0.2 pp"));
  EXPECT_THAT(out, HasSubstr("390.6 MiB"));
  EXPECT_THAT(out, HasSubstr("pass: < 512 MiB"));
}

TEST(UnitsReportTest, MarkdownShowsUnitsAndBothTables) {
  const std::string md = RenderMarkdown(testing::UnitsAndBreakdownsRun(), {});
  EXPECT_THAT(md, HasSubstr("238.9 ms (baseline 215 ms, +11.12 %)"));
  EXPECT_THAT(md, HasSubstr("pass: &lt;= 500 ms and &lt;= +10%"));
  EXPECT_THAT(md, HasSubstr("390.6 MiB"));
  // Mutation: one row per module, lowest score first, under the total.
  EXPECT_THAT(md, HasSubstr("| Module | Score | Covered score | Killed | Survived "
                            "| Timeout | No coverage | Total |"));
  EXPECT_THAT(md, HasSubstr("| **all modules** |"));
  const size_t execution = md.find("| aurora/execution | 62.5 % | 71.43 % | 20 | 10 | 5 | 5 | 40 |");
  const size_t risk = md.find("| aurora/risk | 91.84 % |");
  ASSERT_NE(execution, std::string::npos) << md;
  ASSERT_NE(risk, std::string::npos) << md;
  EXPECT_LT(execution, risk);
  EXPECT_THAT(md, HasSubstr("| (top level) | 75 % |"));
  // Security: counts per severity, then the top findings by name, file, line.
  EXPECT_THAT(md, HasSubstr("| Severity | Findings | Ignored |"));
  EXPECT_THAT(md, HasSubstr("| high | 2 | 1 |"));
  EXPECT_THAT(md, HasSubstr("Top findings (4 of 14, worst first)"));
  EXPECT_THAT(md, HasSubstr("| high | B602 | bandit | aurora/execution/router.py:41 |"));
  EXPECT_THAT(md, HasSubstr("Findings behind ❌ checks / security-scan (3 of 3):"));
}

TEST(UnitsReportTest, JsonKeepsRawNumbersAndAddsUnitAndChange) {
  const std::string json = RenderJson(testing::UnitsAndBreakdownsRun());
  EXPECT_THAT(json, HasSubstr("\"value\": 0.2389"));
  EXPECT_THAT(json, HasSubstr("\"baseline\": 0.215"));
  EXPECT_THAT(json, HasSubstr("\"change_percent\": 11.1162"));
  EXPECT_THAT(json, HasSubstr("\"unit\": \"seconds\""));
  EXPECT_THAT(json, HasSubstr("\"value\": 409600000"));
  EXPECT_THAT(json, HasSubstr("\"unit\": \"bytes\""));
  EXPECT_THAT(json, HasSubstr("\"breakdowns\""));
  EXPECT_THAT(json, HasSubstr("\"by_severity\""));
  EXPECT_THAT(json, HasSubstr("\"rule\": \"B602\""));
  EXPECT_THAT(json, HasSubstr("\"line\": 41"));
  EXPECT_THAT(json, Not(HasSubstr("238.9 ms")));
}

TEST(UnitsReportTest, JunitFailureCarriesTheFindings) {
  const std::string xml = RenderJunit(testing::UnitsAndBreakdownsRun());
  EXPECT_THAT(xml, HasSubstr("; findings: critical trivy CVE-2023-37920 in "
                             "requirements.txt (certifi@2022.12.7), high bandit "
                             "B602 at aurora/execution/router.py:41, high bandit "
                             "B324 at aurora/risk/hashing.py:9"));
  EXPECT_THAT(xml, HasSubstr("findings (3, worst first):\n"
                             "  critical trivy CVE-2023-37920 in requirements.txt "
                             "(certifi@2022.12.7): certifi: Removal of e-Tugra root "
                             "certificate\n"));
  EXPECT_THAT(xml, HasSubstr("observed 238.9 ms (baseline 215 ms, +11.12 %)"));
}

TEST(UnitsReportTest, HtmlShowsUnitsAndTables) {
  const std::string html = RenderHtml(testing::UnitsAndBreakdownsRun(), {});
  EXPECT_THAT(html, HasSubstr("<span class=\"value\">238.9 ms</span>"));
  EXPECT_THAT(html, HasSubstr("(baseline 215 ms, +11.12 %)"));
  EXPECT_THAT(html, HasSubstr("<code>&lt;= 500 ms and &lt;= +10%</code>"));
  // The artifact table's delta: the difference in the unit and in percent.
  EXPECT_THAT(html, HasSubstr("+23.9 ms (+11.12 %)"));
  EXPECT_THAT(html, HasSubstr("<section id=\"breakdowns\">"));
  EXPECT_THAT(html, HasSubstr("<table class=\"mutation\">"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\" data-status=\"no_coverage\">No coverage</th>"));
  EXPECT_THAT(html, HasSubstr("<table class=\"severities\">"));
  EXPECT_THAT(html, HasSubstr("<tr data-severity=\"critical\" class=\"found\">"));
  EXPECT_THAT(html, HasSubstr("<code>aurora/execution/router.py:41</code>"));
  EXPECT_THAT(html, HasSubstr("findings behind it (3 of 3)"));
}

TEST(UnitsReportTest, CriterionTextWritesNumbersInTheUnit) {
  EXPECT_EQ(CriterionText("<= 0.5", "seconds"), "<= 500 ms");
  EXPECT_EQ(CriterionText("<= +10%", "seconds"), "<= +10%");
  EXPECT_EQ(CriterionText("<= +0.02", "ratio"), "<= +2 pp");
  EXPECT_EQ(CriterionText(">= -5", "percent"), ">= -5 pp");
  EXPECT_EQ(CriterionText("> (-1)", "seconds"), "> -1 s");
  EXPECT_EQ(CriterionText("<= 0.5", ""), "<= 0.5");
  EXPECT_EQ(CriterionText("<= 0.5", "unknown-unit"), "<= 0.5");
}

}  // namespace
}  // namespace aurora
