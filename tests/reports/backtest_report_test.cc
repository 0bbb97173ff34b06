// The backtest reports (reports/backtest_report.h): pure functions of a
// BacktestRun. JSON parses and lists `incidents` in RFC 3339; Markdown and
// text tell incidents and deploys; the HTML page has a timeline band per
// gate with incidents as red spans.
#include "reports/backtest_report.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kT0 = absl::FromUnixSeconds(1'795'939'200);  // 2026-11-29T08:00:00Z

// One rule, live/error-rate of gate stop-conditions (a rollback webhook on
// fail), replayed from kT0 every 15 s over its outcomes.
BacktestResult ReplayOneRule(std::vector<Outcome> outcomes, std::vector<double> values,
                             std::vector<std::string> reasons) {
  RuleTrack t;
  t.group = "live";
  t.name = "error-rate";
  t.outcomes = std::move(outcomes);
  t.values = std::move(values);
  for (std::string& r : reasons) t.reasons.push_back(std::move(r));
  t.labels.resize(t.outcomes.size());
  GateTrack g;
  g.name = "stop-conditions";
  g.file = "stop-conditions.yaml";
  g.rules = {t};
  g.actions = {{"rollback-webhook", ActionTrigger::kFail}};
  BacktestSpan span;
  span.from = kT0;
  span.step = absl::Seconds(15);
  span.steps = t.outcomes.size();
  return ReplayGates(span, {g});
}

BacktestResult OneIncident() {
  return ReplayOneRule({Outcome::kPass, Outcome::kFail, Outcome::kFail, Outcome::kPass},
                       {0.01, 0.07, 0.08, 0.01}, {"", "0.07 > 0.05", "0.08 > 0.05", ""});
}

BacktestRun RunWithIncidentAndDeploys() {
  BacktestRun run;
  run.span = OneIncident();
  run.exit_code = 1;
  DeployWindow bad{{kT0, "v1.4.2"}, absl::Minutes(1), OneIncident()};
  DeployWindow good{{kT0 + absl::Hours(1), "v1.4.3"}, absl::Minutes(1), BacktestResult()};
  good.result.span = bad.result.span;
  run.deploys = {bad, good};
  return run;
}

TEST(BacktestReportTest, JsonListsIncidentsInRfc3339) {
  const std::string json = RenderBacktestJson(RunWithIncidentAndDeploys());
  rapidjson::Document d;
  ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
  EXPECT_STREQ(d["schema"].GetString(), "aurora-gate/backtest/v1");
  EXPECT_EQ(d["exit_code"].GetInt(), 1);
  ASSERT_TRUE(d["incidents"].IsArray());
  ASSERT_EQ(d["incidents"].Size(), 2u);  // the span's and the bad deploy's
  const auto& i = d["incidents"][0];
  EXPECT_STREQ(i["tripped_at"].GetString(), "2026-11-29T08:00:15Z");
  EXPECT_STREQ(i["resolved_at"].GetString(), "2026-11-29T08:00:45Z");
  EXPECT_STREQ(i["rules"][0]["name"].GetString(), "error-rate");
  EXPECT_DOUBLE_EQ(i["rules"][0]["value"].GetDouble(), 0.07);
  EXPECT_STREQ(i["would_fire"][0]["action"].GetString(), "rollback-webhook");
  EXPECT_STREQ(d["span"]["gates"][0]["first_trip"].GetString(), "2026-11-29T08:00:15Z");
  EXPECT_DOUBLE_EQ(d["span"]["gates"][0]["fraction_failing"].GetDouble(), 0.5);
  EXPECT_TRUE(d["deploys"][0]["would_have_tripped"].GetBool());
  EXPECT_FALSE(d["deploys"][1]["would_have_tripped"].GetBool());
}

TEST(BacktestReportTest, TextAndMarkdownTellIncidentsAndDeploys) {
  const BacktestRun run = RunWithIncidentAndDeploys();
  const std::string text = RenderBacktestText(run);
  EXPECT_THAT(text, HasSubstr("incident (fail) tripped at 2026-11-29T08:00:15Z by "
                              "live/error-rate = 0.07; resolved at 2026-11-29T08:00:45Z"));
  EXPECT_THAT(text, HasSubstr("would have fired: rollback-webhook (on fail)"));
  EXPECT_THAT(text, HasSubstr("2026-11-29T08:00:00Z v1.4.2 +1m: would have tripped at "
                              "2026-11-29T08:00:15Z (live/error-rate)"));
  EXPECT_THAT(text, HasSubstr("2026-11-29T09:00:00Z v1.4.3 +1m: clean"));
  const std::string md = RenderBacktestMarkdown(run);
  EXPECT_THAT(md, HasSubstr("| stop-conditions | 2026-11-29T08:00:15Z | live/error-rate | "
                            "0.07 | 2026-11-29T08:00:45Z | rollback-webhook (on fail) |"));
  EXPECT_THAT(md, HasSubstr("| 2026-11-29T09:00:00Z v1.4.3 | clean |  |"));
  EXPECT_THAT(md, HasSubstr("Nothing was fired"));
}

TEST(BacktestReportTest, TimelineBandDrawsIncidentsAsRedSpans) {
  const BacktestResult r = OneIncident();
  const std::string svg = RenderTimelineBand(r, 0, 400, 20);
  // 4 steps of 15 s over 400 px: the incident is [15 s, 45 s) = [100, 300).
  EXPECT_THAT(svg, HasSubstr("<rect class=\"incident\" x=\"100\" y=\"10\" width=\"200\""));
  EXPECT_THAT(svg, HasSubstr("fill=\"#c62828\""));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"verdict fail\" x=\"100\""));
  RunResult page;
  page.command = "backtest";
  BacktestRun run;
  run.span = r;
  run.exit_code = 1;
  const std::string html = RenderBacktestHtml(run, page);
  EXPECT_THAT(html, HasSubstr("<section id=\"backtest\">"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"timeline\" data-gate=\"stop-conditions\""));
  EXPECT_THAT(html, HasSubstr("<tr class=\"incident\" data-resolved=\"true\">"));
  EXPECT_LT(html.find("<section id=\"backtest\">"), html.find("<section id=\"checklist\">"));
  EXPECT_THAT(html, Not(HasSubstr("delivered")));
}

// The banner, the page's <title> and the Markdown headline tell the
// backtest's decision (its exit code), not the worst outcome of a rule at
// some step: a --deploys run has no span page at all, and a rule that
// errored at a few steps without reaching its limit opened no incident.
std::string Banner(const std::string& html) {
  const size_t at = html.find("<section id=\"verdict\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</section>", at) - at);
}

TEST(BacktestReportTest, BannerAndHeadlineTellTheBacktestsExitCode) {
  // --deploys only: the bad deploy would have tripped; exit 1.
  BacktestRun deploys = RunWithIncidentAndDeploys();
  deploys.span.reset();
  RunResult empty_page;
  empty_page.command = "backtest";
  std::string html = RenderBacktestHtml(deploys, empty_page);
  EXPECT_THAT(Banner(html), HasSubstr("data-verdict=\"FAIL\" data-exit-code=\"1\""));
  EXPECT_THAT(Banner(html), HasSubstr("1 of 2 deploys would have tripped"));
  EXPECT_THAT(Banner(html), Not(HasSubstr("PASS")));
  EXPECT_THAT(html, HasSubstr("<title>FAIL \xE2\x80\x94 "));
  EXPECT_THAT(RenderBacktestMarkdown(deploys),
              HasSubstr("**FAIL** (exit 1): at least one incident would have opened"));

  // No incident (exit 0), although a rule could not be evaluated at a step
  // (its error limit not reached): the page's rules say error, the banner
  // says what the backtest decided.
  BacktestRun clean;
  clean.exit_code = 0;
  clean.span = OneIncident();
  clean.span->incidents.clear();
  RunResult page;
  page.command = "backtest";
  GateResult gate;
  gate.name = "stop-conditions";
  RuleResult rule;
  rule.name = "error-rate";
  rule.outcome = Outcome::kError;
  gate.rules = {rule};
  gate.verdict = Outcome::kError;
  page.gates = {gate};
  page.verdict = Outcome::kError;
  html = RenderBacktestHtml(clean, page);
  EXPECT_THAT(Banner(html), HasSubstr("data-verdict=\"PASS\" data-exit-code=\"0\""));
  EXPECT_THAT(Banner(html), HasSubstr("No incident would have opened"));
  EXPECT_THAT(html, HasSubstr("<title>PASS \xE2\x80\x94 "));
  EXPECT_THAT(RenderBacktestMarkdown(clean),
              HasSubstr("**PASS** (exit 0): no incident would have opened"));

  // History not read and no incident: undecided.
  BacktestRun undecided;
  undecided.span = OneIncident();
  undecided.span->incidents.clear();
  undecided.errors = {"stop-conditions/live/error-rate: connection refused"};
  undecided.exit_code = 3;
  html = RenderBacktestHtml(undecided, empty_page);
  EXPECT_THAT(Banner(html), HasSubstr("data-verdict=\"UNDECIDED\" data-exit-code=\"3\""));
  EXPECT_THAT(Banner(html), HasSubstr("stop-conditions/live/error-rate: connection refused"));
  EXPECT_THAT(RenderBacktestMarkdown(undecided),
              HasSubstr("**UNDECIDED** (exit 3): some history could not be read"));

  // An incident would have opened and another history was not read: a
  // failure outranks what could not be decided (exit 1, as check), and the
  // unread history is still named.
  BacktestRun both = RunWithIncidentAndDeploys();
  both.errors = {"stop-conditions/live/error-rate: connection refused"};
  both.exit_code = 1;
  html = RenderBacktestHtml(both, empty_page);
  EXPECT_THAT(Banner(html), HasSubstr("data-verdict=\"FAIL\" data-exit-code=\"1\""));
  EXPECT_THAT(Banner(html), HasSubstr("history not read: stop-conditions/live/error-rate"));
  EXPECT_THAT(RenderBacktestMarkdown(both),
              HasSubstr("**FAIL** (exit 1): at least one incident would have opened"));
  EXPECT_THAT(RenderBacktestMarkdown(both), HasSubstr("1 history not read"));

  // Every history read, but a stop condition could not be evaluated for
  // long enough to trip (an error incident): undecided, and said so.
  BacktestRun on_error;
  on_error.span = OneIncident();
  on_error.span->incidents[0].on = "error";
  on_error.exit_code = BacktestExitCode(on_error);
  ASSERT_EQ(on_error.exit_code, 3);
  html = RenderBacktestHtml(on_error, empty_page);
  EXPECT_THAT(Banner(html), HasSubstr("data-verdict=\"UNDECIDED\" data-exit-code=\"3\""));
  EXPECT_THAT(Banner(html), HasSubstr("incident (error) tripped at"));
  EXPECT_THAT(RenderBacktestMarkdown(on_error),
              HasSubstr("**UNDECIDED** (exit 3): an incident would have opened on an error"));
  EXPECT_THAT(RenderBacktestText(on_error),
              Not(HasSubstr("history could not be read")));
}

// An error incident that escalated to fail (--keep-running semantics) is
// said to have escalated, never to have resolved.
TEST(BacktestReportTest, AnEscalatedErrorIncidentIsNotCalledResolved) {
  const Outcome E = Outcome::kError;
  const double none = std::nan("");  // an error step has no value
  BacktestRun run;
  run.span = ReplayOneRule({E, E, E, E, E, Outcome::kFail, Outcome::kPass},
                           {none, none, none, none, none, 0.07, 0.01},
                           {"timeout", "timeout", "timeout", "timeout", "timeout",
                            "0.07 > 0.05", ""});
  run.exit_code = BacktestExitCode(run);
  EXPECT_EQ(run.exit_code, 1);
  const std::string json = RenderBacktestJson(run);
  rapidjson::Document d;
  ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
  ASSERT_EQ(d["incidents"].Size(), 2u) << json;
  EXPECT_STREQ(d["incidents"][0]["on"].GetString(), "error");
  EXPECT_TRUE(d["incidents"][0]["resolved_at"].IsNull());
  EXPECT_STREQ(d["incidents"][0]["escalated_at"].GetString(), "2026-11-29T08:01:15Z");
  EXPECT_STREQ(d["incidents"][1]["on"].GetString(), "fail");
  EXPECT_STREQ(d["incidents"][1]["resolved_at"].GetString(), "2026-11-29T08:01:30Z");
  EXPECT_TRUE(d["incidents"][1]["escalated_at"].IsNull());
  EXPECT_THAT(RenderBacktestText(run),
              HasSubstr("incident (error) tripped at 2026-11-29T08:01:00Z by live/error-rate; "
                        "escalated to fail at 2026-11-29T08:01:15Z"));
  EXPECT_THAT(RenderBacktestMarkdown(run), HasSubstr("escalated to fail at 2026-11-29T08:01:15Z"));
}

}  // namespace
}  // namespace aurora
