#include "reports/markdown_report.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Cells of a GFM table row: split on pipes not preceded by a backslash.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size()) {
      cell += row.substr(i, 2);
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  cells.push_back(cell);
  return cells;
}

std::vector<std::string> TableRows(const std::string& md) {
  std::vector<std::string> rows;
  for (absl::string_view line : absl::StrSplit(md, '\n')) {
    if (absl::StartsWith(line, "| ")) rows.emplace_back(line);
  }
  return rows;
}

TEST(MarkdownReportTest, RepresentativeRunMatchesGolden) {
  MarkdownOptions options;
  options.html_report_url =
      "https://ci.example.com/job/42/artifacts/golive.html";
  testing::ExpectMatchesGolden(
      RenderMarkdown(testing::RepresentativeRun(), options), "report.md");
}

TEST(MarkdownReportTest, VerdictLineFirst) {
  const std::string md = RenderMarkdown(testing::RepresentativeRun(), {});
  EXPECT_TRUE(
      absl::StartsWith(md,
                       "## ❌ aurora-gate verdict: **FAIL**\n\n**2 fail, "
                       "1 error, 1 inconclusive, 1 pending, 1 warn, 1 "
                       "pass, 1 dry-run** in 2 gates · exit 1 (fail)"))
      << md;
  EXPECT_THAT(md, Not(HasSubstr("Full report")));
}

// Issue 11.11: times people read are to the second, never nanoseconds.
TEST(MarkdownReportTest, TimesAreShownToTheSecond) {
  RunResult run = testing::SingleRuleRun(Outcome::kPass);
  run.eval_time = absl::FromUnixNanos(1714564800123456789);
  const std::string md = RenderMarkdown(run, {});
  EXPECT_THAT(md, HasSubstr("evaluated at 2024-05-01T12:00:00Z"));
  EXPECT_THAT(md, Not(HasSubstr("12:00:00.")));
}

TEST(MarkdownReportTest, EveryOutcomeHasItsOwnMarkAndWord) {
  const std::pair<Outcome, const char*> marks[] = {
      {Outcome::kPass, "| ✅ pass |"},
      {Outcome::kWarn, "| ⚠️ warn |"},
      {Outcome::kPending, "| ⏳ pending |"},
      {Outcome::kInconclusive, "| ❔ inconclusive |"},
      {Outcome::kError, "| 🛑 error |"},
      {Outcome::kFail, "| ❌ fail |"},
  };
  for (const auto& [outcome, cell] : marks) {
    EXPECT_THAT(RenderMarkdown(testing::SingleRuleRun(outcome), {}),
                HasSubstr(cell));
  }
  EXPECT_THAT(RenderMarkdown(testing::SingleRuleRun(Outcome::kFail, true), {}),
              HasSubstr("| 🧪 dry run (fail) |"));
}

TEST(MarkdownReportTest, TableRowsHaveFiveCellsAndObservedValuesPerSeries) {
  const std::string md = RenderMarkdown(testing::RepresentativeRun(), {});
  const std::vector<std::string> rows = TableRows(md);
  ASSERT_EQ(rows.size(), 2u * 2 + 8);  // header + delimiter per gate, 8 rules
  for (const std::string& row : rows) {
    EXPECT_EQ(Cells(row).size(), 7u) << row;  // 5 cells between 6 pipes
  }
  EXPECT_THAT(
      md, HasSubstr("| ❌ fail | live / p99-latency | +Inf "
                    "{route=\"/api/quotes\"} → fail<br>0.74 {route=\"/api/cancel\"} → fail<br>"));
  EXPECT_THAT(md, HasSubstr("<br>… and 2 more | fail: &gt; 0.5 | "));
  EXPECT_THAT(
      md, HasSubstr("| ❔ inconclusive | quality / branch-coverage | NaN |"));
}

TEST(MarkdownReportTest, HostileStringsCannotBreakTheTableOrInjectHtml) {
  const std::string md = RenderMarkdown(testing::HostileRun(), {});
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));
  EXPECT_THAT(md, Not(HasSubstr("<i>")));
  EXPECT_THAT(md, Not(HasSubstr("\x1b")));
  EXPECT_THAT(md, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  const std::vector<std::string> rows = TableRows(md);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Cells(rows[2]).size(), 7u) << rows[2];
  // No unescaped backtick (a code span would show entities literally).
  for (size_t i = md.find('`'); i != std::string::npos;
       i = md.find('`', i + 1)) {
    EXPECT_EQ(md[i - 1], '\\') << md.substr(i - 10, 20);
  }
  EXPECT_THAT(rows[2],
              HasSubstr("rule\\|name\\`with\\`&lt;b&gt;bold&lt;/b&gt;"));
  // The title's newline did not end the heading.
  EXPECT_THAT(md,
              HasSubstr("— Title with \"quotes\" &amp; 'apostrophes' \\| pipe "
                        "new line\n"));
}

TEST(MarkdownReportTest, ReportLinkIsEncodedAndOnlyForHttpOrRelativeUrls) {
  const RunResult run = testing::SingleRuleRun(Outcome::kPass);
  MarkdownOptions options;
  options.html_report_url = "https://ci.example.com/a b/(x)[y]<z>.html";
  EXPECT_THAT(RenderMarkdown(run, options),
              HasSubstr("[Full report (HTML)](https://ci.example.com/a%20b/"
                        "%28x%29%5By%5D%3Cz%3E.html)\n"));
  options.html_report_url = "golive.html";
  EXPECT_THAT(RenderMarkdown(run, options),
              HasSubstr("[Full report (HTML)](golive.html)\n"));
  options.html_report_url = "javascript:alert(1)";
  const std::string md = RenderMarkdown(run, options);
  EXPECT_THAT(md, Not(HasSubstr("](javascript")));
  EXPECT_THAT(md, HasSubstr("Full report: javascript:alert(1)\n"));
}

}  // namespace
}  // namespace aurora
