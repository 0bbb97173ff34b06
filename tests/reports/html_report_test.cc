#include "reports/html_report.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "reports/rule_chart.h"
#include "tests/reports/html_fixtures.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The page is XHTML-compatible: it loads as XML (the doctype is skipped).
pugi::xml_document ParsePage(const std::string& html) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r =
      doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_ws_pcdata);
  EXPECT_TRUE(r) << r.description() << " at " << r.offset << ": "
                 << html.substr(r.offset > 80 ? r.offset - 80 : 0, 160);
  return doc;
}

std::string Text(const pugi::xml_node& n) {
  std::string out;
  for (pugi::xml_node c : n.children()) {
    out += c.type() == pugi::node_pcdata ? c.value() : Text(c);
  }
  return out;
}

// The banner's word on the page `command` (default: report) writes.
std::string VerdictOf(RunResult run, const std::string& command = "report") {
  run.command = command;
  const pugi::xml_document doc = ParsePage(RenderHtml(run, {}));
  return doc.select_node("//*[@id='verdict']").node().attribute("data-verdict").value();
}

TEST(HtmlReportTest, VerdictBannerFollowsTheExitCode) {
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kPass)), "GO");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kWarn)), "GO");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kPending)), "GO");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kWarn, false, true)), "NO-GO");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kFail)), "NO-GO");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kError)), "UNDECIDED");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kInconclusive)), "UNDECIDED");
  EXPECT_EQ(VerdictOf(testing::SingleRuleRun(Outcome::kFail, /*dry_run=*/true)), "GO");
  EXPECT_EQ(VerdictOf(RunResult{}), "GO");
}

// Issue 11.11: the commit row shows the commit, not "commit=…"; times are
// to the second.
TEST(HtmlReportTest, CommitRowShowsTheCommitAndTimesAreToTheSecond) {
  RunResult run = testing::SingleRuleRun(Outcome::kPass);
  run.settings = {{"commit", "abc123"}, {"env", "testnet"}};
  run.eval_time = absl::FromUnixNanos(1714564800123456789);
  const std::string html = RenderHtml(run, {});
  EXPECT_THAT(html, HasSubstr("<code>abc123</code>"));
  EXPECT_THAT(html, Not(HasSubstr("commit=abc123")));
  EXPECT_THAT(html, HasSubstr("<code>env=testnet</code>"));
  EXPECT_THAT(html, HasSubstr("2024-05-01T12:00:00Z"));
  EXPECT_THAT(html, Not(HasSubstr("12:00:00.123")));
}

// Issue 11.3: the verdict is the decision at the window's end, but a GO
// banner and the rule's row say when the rule failed inside the window.
TEST(HtmlReportTest, AGoBannerStillSaysWhenARuleFailedInsideTheWindow) {
  RunResult run = testing::GoLiveRun();
  GateResult& gate = run.gates[0];
  gate.rules.resize(1);  // error-rate: passes now, failed 11:40-11:45
  gate.verdict = Outcome::kPass;
  run.gates.resize(1);
  run.verdict = Outcome::kPass;
  ASSERT_EQ(VerdictOf(run), "GO");
  const pugi::xml_document doc = ParsePage(RenderHtml(run, {}));
  const std::string banner = Text(doc.select_node("//*[@id='verdict']").node());
  const std::string held =
      "fail condition held for 5m15s of the window (11:40:00\xE2\x80\x93"
      "11:45:15 UTC)";
  EXPECT_THAT(banner, HasSubstr("Failed inside the window"));
  EXPECT_THAT(banner, HasSubstr("golive / live / error-rate: " + held));
  const std::string row =
      Text(doc.select_node("//tr[@id='rule-0-0']").node());
  EXPECT_THAT(row, HasSubstr(held));
  // A rule that never failed in the window says nothing of the kind.
  RunResult clean = testing::SingleRuleRun(Outcome::kPass);
  EXPECT_THAT(RenderHtml(clean, {}), Not(HasSubstr("Failed inside")));
}

TEST(HtmlReportTest, BannerNamesTheRulesThatDecided) {
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), {}));
  const pugi::xml_node banner = doc.select_node("//*[@id='verdict']").node();
  const std::string text = Text(banner);
  EXPECT_THAT(text, HasSubstr("NO-GO"));
  EXPECT_THAT(text, HasSubstr("2 rules fail"));
  const pugi::xpath_node_set causes = banner.select_nodes(".//ul[@class='causes']/li");
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_THAT(Text(causes[0].node()), HasSubstr("golive / live / p99-latency"));
  EXPECT_THAT(Text(causes[1].node()), HasSubstr("predeploy / order-submit-latency"));
  // Each cause links to its checklist row.
  const std::string href = causes[0].node().select_node(".//a").node().attribute("href").value();
  ASSERT_EQ(href.substr(0, 1), "#");
  EXPECT_TRUE(doc.select_node(("//*[@id='" + href.substr(1) + "']").c_str()));

  const std::string undecided = Text(
      ParsePage(RenderHtml(testing::SingleRuleRun(Outcome::kError), {}))
          .select_node("//*[@id='verdict']")
          .node());
  EXPECT_THAT(undecided, HasSubstr("UNDECIDED"));
  EXPECT_THAT(undecided, HasSubstr("reason error"));
}

TEST(HtmlReportTest, ChecklistHasOneRowPerRuleWithMarkAndWord) {
  const RunResult run = testing::RepresentativeRun();
  const pugi::xml_document doc = ParsePage(RenderHtml(run, {}));
  const pugi::xpath_node_set rows = doc.select_nodes("//tr[contains(@class,'rule')]");
  size_t rules = 0;
  for (const GateResult& g : run.gates) rules += g.rules.size();
  ASSERT_EQ(rows.size(), rules);
  size_t i = 0;
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      const pugi::xml_node row = rows[i++].node();
      EXPECT_EQ(std::string(row.attribute("data-outcome").value()),
                std::string(OutcomeName(r.outcome)));
      const pugi::xml_node outcome = row.select_node("td[@class='outcome']").node();
      // Never colour alone: a mark and the outcome word.
      EXPECT_FALSE(std::string(outcome.select_node(".//span[@class='mark']").node().child_value()).empty());
      EXPECT_THAT(Text(outcome), HasSubstr(std::string(OutcomeName(r.outcome))));
      EXPECT_THAT(Text(row), HasSubstr(r.name));
      for (const std::string& c : r.pass) EXPECT_THAT(Text(row), HasSubstr(c));
      for (const std::string& c : r.fail) EXPECT_THAT(Text(row), HasSubstr(c));
      if (!r.for_duration.empty()) {
        EXPECT_EQ(std::string(row.select_node("td[@class='for']").node().child_value()),
                  r.for_duration);
      }
    }
  }
  EXPECT_EQ(doc.select_nodes("//tr[@data-outcome='fail' and @data-dry-run='false']").size(), 2u);
  EXPECT_EQ(doc.select_nodes("//tr[@data-dry-run='true']").size(), 1u);
  // Seven series, listed worst first, each with its labels.
  const pugi::xml_node p99 = rows[5].node();
  const pugi::xpath_node_set values = p99.select_nodes(".//ul[@class='values']/li");
  ASSERT_EQ(values.size(), 7u);
  EXPECT_EQ(std::string(values[0].node().attribute("data-outcome").value()), "fail");
  EXPECT_THAT(Text(values[0].node()), HasSubstr("+Inf {route=\"/api/quotes\"}"));
}

TEST(HtmlReportTest, OneChartPerLiveRuleWithHistoryAndANoteOtherwise) {
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), {}));
  const pugi::xpath_node_set live = doc.select_nodes("//section[@class='live-rule']");
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].node().select_nodes(".//svg[@class='chart']").size(), 1u);
  EXPECT_EQ(live[1].node().select_nodes(".//svg[@class='chart']").size(), 1u);
  EXPECT_EQ(live[2].node().select_nodes(".//svg[@class='chart']").size(), 0u);
  EXPECT_TRUE(live[2].node().select_node(".//p[@class='no-history']"));
  EXPECT_EQ(doc.select_nodes("//svg[@class='chart']").size(), 2u);
  // error-rate: pass and fail lines, one failing stretch, the for window.
  const pugi::xml_node err = live[0].node();
  EXPECT_EQ(err.select_nodes(".//line[@data-kind='pass']").size(), 1u);
  EXPECT_EQ(err.select_nodes(".//line[@data-kind='fail']").size(), 1u);
  EXPECT_EQ(err.select_nodes(".//rect[@data-outcome='fail']").size(), 1u);
  EXPECT_EQ(err.select_nodes(".//rect[@class='for-window']").size(), 1u);
  // p99 is an alert: its condition is the fail line; three series drawn,
  // the failing (hostile) one first.
  const pugi::xml_node p99 = live[1].node();
  EXPECT_EQ(std::string(p99.select_node(".//line[@data-kind='fail']").node()
                            .attribute("data-value").value()),
            "0.5");
  EXPECT_EQ(p99.select_nodes(".//path[@class='series']").size(), 3u);
  EXPECT_THAT(Text(p99.select_node(".//ul[@class='legend']/li").node()),
              HasSubstr(testing::kHostileLabel));
  EXPECT_EQ(p99.select_nodes(".//path[@class='special']").size(), 1u);  // the NaN
}

// A live rule without history says why: a failed query is not "no samples".
TEST(HtmlReportTest, NoHistoryNoteTellsAFailedQueryFromAnEmptyOne) {
  RunResult run = testing::GoLiveRun();
  const auto note_of = [](const RunResult& r) {
    const pugi::xml_document doc = ParsePage(RenderHtml(r, {}));
    const pugi::xpath_node_set live =
        doc.select_nodes("//section[@class='live-rule']");
    EXPECT_EQ(live.size(), 3u);
    return live.size() < 3 ? std::string()
                           : Text(live[2].node().select_node(
                                 ".//p[@class='no-history']").node());
  };
  RuleResult& rej = run.gates[0].rules[run.gates[0].rules.size() - 1];
  ASSERT_EQ(rej.name, "order-rejections");
  ASSERT_EQ(rej.outcome, Outcome::kError);
  const std::string failed = note_of(run);
  EXPECT_THAT(failed, Not(HasSubstr("returned no samples")));
  EXPECT_THAT(failed, HasSubstr("the query failed: query failed: connection refused"));
  rej.outcome = Outcome::kInconclusive;
  rej.reason = "no data (no_data policy: inconclusive)";
  EXPECT_THAT(note_of(run), HasSubstr("the query returned no samples over the window"));
}

TEST(HtmlReportTest, FailingStretchIsWhereHistoryFails) {
  const RunResult run = testing::GoLiveRun();
  const RuleResult& err = run.gates[0].rules[0];
  // Points 40..60 (11:40..11:45) are 0.08 > 0.05: each covers half a step
  // either side.
  const std::vector<ChartStretch> stretches =
      JudgedStretches(err, run.eval_time - run.window, run.eval_time, 1);
  std::vector<ChartStretch> fails;
  for (const ChartStretch& s : stretches) {
    if (s.outcome == Outcome::kFail) fails.push_back(s);
  }
  ASSERT_EQ(fails.size(), 1u);
  EXPECT_DOUBLE_EQ(fails[0].from, 600 - 7.5);
  EXPECT_DOUBLE_EQ(fails[0].to, 900 + 7.5);
  // 0.004..0.006 misses nothing; there is no warn band (pass < 0.01 holds).
  EXPECT_EQ(stretches.size(), 1u);
}

TEST(HtmlReportTest, PointJudgementAgreesWithTheRuleCombination) {
  RuleResult r;
  r.pass = {"<= 10"};
  r.warn = {"<= 20"};
  EXPECT_EQ(JudgePoint(r, 5), Outcome::kPass);
  EXPECT_EQ(JudgePoint(r, 15), Outcome::kWarn);
  EXPECT_EQ(JudgePoint(r, 25), Outcome::kFail);
  r.warn.clear();
  r.fail = {"> 30"};
  EXPECT_EQ(JudgePoint(r, 25), Outcome::kWarn);
  EXPECT_EQ(JudgePoint(r, 31), Outcome::kFail);
  r.pass = {"<= +10%"};  // relative: no fixed line, not judged per point
  EXPECT_EQ(JudgePoint(r, 25), Outcome::kPass);
  EXPECT_EQ(JudgePoint(r, 31), Outcome::kFail);
  RuleResult alert;
  alert.fail = {"> 0.5"};
  EXPECT_EQ(JudgePoint(alert, 0.6), Outcome::kFail);
  EXPECT_EQ(JudgePoint(alert, 0.5), Outcome::kPass);
  EXPECT_EQ(JudgePoint(alert, std::nan("")), Outcome::kInconclusive);
}

TEST(HtmlReportTest, ThresholdsSplitAbsoluteFromRelative) {
  RuleResult r;
  r.pass = {"<= 0.5", "<= +10%"};
  r.warn = {"< (-1)"};
  r.fail = {"bogus"};
  const RuleThresholds t = ThresholdsOf(r);
  ASSERT_EQ(t.lines.size(), 2u);
  EXPECT_EQ(t.lines[0].value, 0.5);
  EXPECT_EQ(t.lines[1].kind, Outcome::kWarn);
  EXPECT_EQ(t.lines[1].value, -1);
  EXPECT_THAT(t.relative, ::testing::ElementsAre("pass <= +10%"));
  EXPECT_THAT(t.invalid, ::testing::ElementsAre("bogus"));
}

// Walks every element: no script, no event handler, nothing loaded from
// elsewhere (only in-page #anchors).
void ExpectInert(const pugi::xml_document& doc) {
  for (pugi::xpath_node n : doc.select_nodes("//*")) {
    const std::string name = n.node().name();
    EXPECT_NE(name, "script");
    EXPECT_NE(name, "img");
    EXPECT_NE(name, "link");
    EXPECT_NE(name, "iframe");
    EXPECT_NE(name, "object");
    for (pugi::xml_attribute a : n.node().attributes()) {
      const std::string attr = a.name();
      EXPECT_FALSE(absl::StartsWithIgnoreCase(attr, "on")) << attr;
      EXPECT_NE(attr, "src");
      if (attr == "href") {
        EXPECT_EQ(std::string(a.value()).substr(0, 1), "#");
      }
    }
  }
  const std::string css = doc.select_node("//style").node().child_value();
  EXPECT_THAT(css, Not(HasSubstr("url(")));
  EXPECT_THAT(css, Not(HasSubstr("@import")));
  EXPECT_THAT(css, HasSubstr("@media print"));
}

TEST(HtmlReportTest, HostileStringsStayText) {
  for (const RunResult& run : {testing::HostileRun(), testing::GoLiveRun(),
                               testing::RepresentativeRun()}) {
    const std::string html = RenderHtml(run, {});
    const pugi::xml_document doc = ParsePage(html);
    ExpectInert(doc);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<img")));
  }
  // The hostile label is shown, as text, in the row and in the legend.
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), {}));
  size_t shown = 0;
  for (pugi::xpath_node n : doc.select_nodes("//span[@class='labels' or @class='series-label']")) {
    if (absl::StrContains(n.node().child_value(), testing::kHostileLabel)) ++shown;
  }
  EXPECT_EQ(shown, 2u);
  const pugi::xml_document hostile = ParsePage(RenderHtml(testing::HostileRun(), {}));
  const std::string annotation =
      hostile.select_node("//p[@class='annotation']").node().last_child().value();
  EXPECT_EQ(annotation, " <img src=x onerror=alert(1)>");
}

TEST(HtmlReportTest, ArtifactResultsShowValuesBaselinesAndDeltas) {
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), {}));
  const pugi::xpath_node_set tables = doc.select_nodes("//table[@class='artifact']");
  ASSERT_EQ(tables.size(), 2u);
  const pugi::xml_node cov_row = tables[0].node().select_node(".//tbody/tr").node();
  EXPECT_THAT(Text(cov_row), HasSubstr("92.5"));
  EXPECT_EQ(std::string(cov_row.select_node(".//span[@class='fill']").node()
                            .attribute("style").value()),
            "width:92.5%");
  const pugi::xml_node bench_row = tables[1].node().select_node(".//tbody/tr").node();
  EXPECT_EQ(std::string(bench_row.select_node("td[@class='baseline']").node().child_value()), "0.5");
  EXPECT_THAT(Text(bench_row.select_node("td[@class='delta']").node()), HasSubstr("+0.12 (+24 %)"));
  EXPECT_THAT(Text(bench_row), HasSubstr("fail"));
}

TEST(HtmlReportTest, MetadataNamesRangeFilesSourcesAndVersion) {
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), {}));
  const std::string meta = Text(doc.select_node("//*[@id='metadata']").node());
  EXPECT_THAT(meta, HasSubstr("2024-05-01T11:30:00Z \xE2\x80\x93 2024-05-01T12:00:00Z (30m)"));
  EXPECT_THAT(meta, HasSubstr("Evaluation time2024-05-01T12:00:00Z"));
  EXPECT_THAT(meta, HasSubstr(std::string(64, 'a')));
  EXPECT_THAT(meta, HasSubstr("Commit9f8e7d6"));
  EXPECT_THAT(meta, HasSubstr("env=testnet"));
  EXPECT_THAT(meta, HasSubstr("0.3.0 (abcdef012345)"));
  EXPECT_THAT(meta, HasSubstr("http://prometheus:9090"));
  EXPECT_THAT(meta, HasSubstr("artifacts/coverage.xml (cobertura)"));
  EXPECT_THAT(meta, HasSubstr("1.25 s"));
}

TEST(HtmlReportTest, TitleOptionAndSeriesCap) {
  HtmlOptions options;
  options.title = "Release <42>";
  options.max_series_per_chart = 2;
  const pugi::xml_document doc = ParsePage(RenderHtml(testing::GoLiveRun(), options));
  EXPECT_EQ(std::string(doc.select_node("//h1").node().child_value()), "Release <42>");
  EXPECT_EQ(std::string(doc.select_node("//title").node().child_value()),
            "NO-GO \xE2\x80\x94 Release <42>");
  EXPECT_EQ(std::string(doc.select_node("//p[@class='more-series']").node().child_value()),
            "1 more series not drawn");
}

TEST(HtmlReportTest, FiftyRulesOverADayStayUnderTwoMegabytes) {
  HtmlOptions options;
  const std::string html = RenderHtml(testing::BigRun(50), options);
  EXPECT_LT(html.size(), 2u * 1024 * 1024);
  const pugi::xml_document doc = ParsePage(html);
  const pugi::xpath_node_set paths = doc.select_nodes("//path[@class='series']");
  ASSERT_EQ(paths.size(), 50u);
  for (pugi::xpath_node p : paths) {
    // 5761 samples became at most two points per pixel column.
    EXPECT_LE(p.node().attribute("data-points").as_int(), 2 * options.chart_width);
    EXPECT_GT(p.node().attribute("data-points").as_int(), options.chart_width / 2);
  }
  EXPECT_EQ(doc.select_nodes("//tr[contains(@class,'rule')]").size(), 50u);
}

TEST(HtmlReportTest, EveryFixtureIsWellFormed) {
  ParsePage(RenderHtml(RunResult{}, {}));
  ParsePage(RenderHtml(testing::HostileRun(), {}));
  ParsePage(RenderHtml(testing::RepresentativeRun(), {}));
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kPending,
                    Outcome::kInconclusive, Outcome::kError, Outcome::kFail}) {
    ParsePage(RenderHtml(testing::SingleRuleRun(o), {}));
  }
}

}  // namespace
}  // namespace aurora
