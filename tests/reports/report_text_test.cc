#include "reports/report_text.h"

#include "gtest/gtest.h"
#include "reports/run_summary.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

TEST(ReportTextTest, ValidUtf8PassesThroughUnchanged) {
  const std::string s = "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 <|>";
  EXPECT_EQ(ToValidUtf8(s), s);
}

TEST(ReportTextTest, EachInvalidSequenceBecomesOneReplacementChar) {
  // Bad lead byte, truncated 2-byte sequence, overlong '/', UTF-16 surrogate,
  // code point above U+10FFFF, sequence cut by the end of the string.
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xC3(x"), "\xEF\xBF\xBD(x");
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xF4\x90\x80\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("ok\xE6\x97"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ReportTextTest, XmlTextReplacesOnlyWhatXml10Forbids) {
  EXPECT_EQ(ToXmlText(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToXmlText("\x01\x1b\x7f"), "\xEF\xBF\xBD\xEF\xBF\xBD\x7f");
  EXPECT_EQ(ToXmlText("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
  EXPECT_EQ(ToXmlText("\xEF\xBF\xBE\xEF\xBF\xBF"),  // U+FFFE, U+FFFF
            "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToXmlText("<&>\xC2\x85"), "<&>\xC2\x85");  // C1 NEL is allowed
}

TEST(ReportTextTest,
     SingleLineTurnsWhitespaceToSpacesAndControlsToReplacement) {
  EXPECT_EQ(ToSingleLine("a\nb\r\nc\td"), "a b  c d");
  EXPECT_EQ(ToSingleLine("\x1b[2Jx\x07\x7f\xC2\x9b"),
            "\xEF\xBF\xBD[2Jx\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ReportTextTest, TruncateCountsCodePointsAndEndsWithEllipsis) {
  EXPECT_EQ(DisplayWidth("h\xC3\xA9llo"), 5u);
  EXPECT_EQ(TruncateDisplay("hello", 5), "hello");
  EXPECT_EQ(TruncateDisplay("hello!", 5), "hell…");
  EXPECT_EQ(TruncateDisplay("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9…");
  EXPECT_EQ(TruncateDisplay("abc", 1), "…");
  EXPECT_EQ(TruncateDisplay("abc", 0), "");
}

// Issue 10.7/10.8: a rollback that may be lost needs a human whatever the
// verdict, and every report says the exit code the process returns.
TEST(RunSummaryTest, ActionProblemsMakeTheExitCodeThree) {
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kFail}) {
    RunResult run = testing::SingleRuleRun(o);
    run.action_problems = {"failed action 3f2a (webhook): HTTP 500"};
    EXPECT_EQ(ExitCode(run), 3) << OutcomeName(o);
  }
}

TEST(RunSummaryTest, ExitCodeFollowsTheDesignTable) {
  using testing::SingleRuleRun;
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kPass)), 0);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kWarn)), 0);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kPending)), 0);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kWarn, false, /*strict=*/true)), 1);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kPending, false, /*strict=*/true)),
            1);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kInconclusive)), 3);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kError)), 3);
  EXPECT_EQ(ExitCode(SingleRuleRun(Outcome::kFail)), 1);
  // A query the server rejected while evaluating is that rule's error: the
  // run still decides (issue 10, item 6; this asserted exit 2 before). Exit
  // 2 is only for runs that evaluated nothing, which have no RunResult.
  RunResult rejected = SingleRuleRun(Outcome::kError);
  rejected.gates[0].rules[0].located_query_error =
      "g.yaml:5:22: group \"g\": rule \"r\": expr: 1:14: parse error";
  EXPECT_EQ(ExitCode(rejected), 3);
  RunResult failing = SingleRuleRun(Outcome::kFail);
  failing.gates[0].rules.push_back(rejected.gates[0].rules[0]);
  EXPECT_EQ(ExitCode(failing), 1);
  EXPECT_EQ(ExitMeaning(0), "pass");
  EXPECT_EQ(ExitMeaning(1), "fail");
  EXPECT_EQ(ExitMeaning(2), "usage or gate-file error");
  EXPECT_EQ(ExitMeaning(3), "inconclusive or error");
}

TEST(ReportTextTest, WrapDisplayBreaksAtBlanksAndKeepsEveryCharacter) {
  using V = std::vector<std::string>;
  EXPECT_EQ(WrapDisplay("short", 10), V({"short"}));
  EXPECT_EQ(WrapDisplay("no width limit at all", 0),
            V({"no width limit at all"}));
  EXPECT_EQ(WrapDisplay("baseline file is missing", 10),
            V({"baseline", "file is", "missing"}));
  // A blank exactly after `width` characters is a break too.
  EXPECT_EQ(WrapDisplay("abcde fgh", 5), V({"abcde", "fgh"}));
  // A word longer than the width is broken inside, nothing dropped.
  EXPECT_EQ(WrapDisplay("artifacts/baselines/perf.json x", 10),
            V({"artifacts/", "baselines/", "perf.json", "x"}));
  // Widths count code points: "é" and "→" are one column each.
  EXPECT_EQ(WrapDisplay("ééé →→→", 3), V({"ééé", "→→→"}));
}

TEST(RunSummaryTest, CountsKeepDryRunRulesOutOfTheirOutcome) {
  const OutcomeCounts counts = CountRules(testing::RepresentativeRun());
  EXPECT_EQ(counts.total, 8);
  EXPECT_EQ(counts.dry_run, 1);
  EXPECT_EQ(counts.of(Outcome::kFail), 2);  // the dry-run fail is not counted
  EXPECT_EQ(counts.of(Outcome::kError), 1);
  EXPECT_EQ(counts.of(Outcome::kInconclusive), 1);
  EXPECT_EQ(counts.of(Outcome::kPending), 1);
  EXPECT_EQ(counts.of(Outcome::kWarn), 1);
  EXPECT_EQ(counts.of(Outcome::kPass), 1);
  EXPECT_EQ(CountsText(counts),
            "2 fail, 1 error, 1 inconclusive, 1 pending, 1 warn, 1 pass, "
            "1 dry-run");
  EXPECT_EQ(CountsText(OutcomeCounts{}), "no rules");
}

TEST(RunSummaryTest, CriteriaAndSeriesText) {
  const RunResult run = testing::RepresentativeRun();
  EXPECT_EQ(CriteriaText(run.gates[0].rules[1]), "pass: <= 0.5 and <= +10%");
  EXPECT_EQ(CriteriaText(run.gates[0].rules[3]),
            "pass: >= 80 and >= -2%; fail: < 60");
  EXPECT_EQ(CriteriaText(RuleResult{}), "");
  EXPECT_EQ(SeriesText(run.gates[0].rules[1].series[0]),
            "0.62 (baseline 0.5, +24 %) {name=\"test_order_submit_latency\"}");
  EXPECT_EQ(SeriesText(run.gates[0].rules[2].series[0]), "NaN");
  EXPECT_EQ(SeriesText(run.gates[1].rules[1].series[1]),
            "+Inf {route=\"/api/quotes\"}");
}

TEST(ReportTextTest, HtmlTextEscapesMarkupAndQuotes) {
  EXPECT_EQ(ToHtmlText("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(ToHtmlText("caf\xC3\xA9"), "caf\xC3\xA9");
  // What XML cannot carry becomes U+FFFD, as in ToXmlText.
  EXPECT_EQ(ToHtmlText(std::string("a\0b\x1b\xFF", 5)),
            "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(RunSummaryTest, SeriesWorstFirstIsStable) {
  const RunResult run = testing::RepresentativeRun();
  const auto series = SeriesWorstFirst(run.gates[1].rules[1]);
  ASSERT_EQ(series.size(), 7u);
  EXPECT_EQ(series[0]->labels.Get("route"), "/api/quotes");
  EXPECT_EQ(series[1]->labels.Get("route"), "/api/cancel");
  EXPECT_EQ(series[2]->labels.Get("route"), "/api/orders");
  EXPECT_EQ(series[6]->labels.Get("route"), "/api/user");
}

TEST(RunSummaryTest, Rfc3339UsesUtcAndOnlyNeededFractionDigits) {
  EXPECT_EQ(Rfc3339Utc(testing::At("2024-05-01T14:00:00+02:00")),
            "2024-05-01T12:00:00Z");
  EXPECT_EQ(Rfc3339Utc(testing::At("2024-05-01T11:59:58.5Z")),
            "2024-05-01T11:59:58.5Z");
  EXPECT_EQ(Rfc3339Utc(absl::InfiniteFuture()), "");
}

}  // namespace
}  // namespace aurora
