// The end-of-watch reports (issue 11.2): after a stop condition tripped and
// recovered, every report tells the incident — which rule tripped, when,
// with what value, the actions fired (outcome, idempotency key) and when it
// resolved —, explains the verdict by it, and shows the last cycle as the
// last cycle (a passing one must not read as the verdict's evidence).
#include "reports/watch_report.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/run_summary.h"
#include "reports/terminal_report.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::aurora::testing::At;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFailKey[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr char kResolvedKey[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

// A watch whose last cycle passes, after error-rate tripped at 08:00:15
// (0.07 > 0.05) and resolved at 08:01:00; the rollback webhook was
// delivered, and so was the resolved one.
RunResult TrippedAndRecovered() {
  RunResult run = testing::SingleRuleRun(Outcome::kPass);
  run.gates[0].name = "stop";
  run.gates[0].file = "stop.yaml";
  run.gates[0].rules[0].name = "error-rate";
  run.gates[0].rules[0].group = "live";
  run.verdict = Outcome::kFail;  // the watch's: a trip decides
  run.eval_time = At("2026-11-27T08:01:30Z");
  WatchSummary w;
  w.started = At("2026-11-27T08:00:00Z");
  w.ended = At("2026-11-27T08:01:45Z");
  w.interval = absl::Seconds(15);
  w.cycles = 7;
  w.exit_code = 1;
  WatchIncident i;
  i.gate = "stop";
  i.gate_file = "stop.yaml";
  i.on = "fail";
  i.tripped_at = At("2026-11-27T08:00:15Z");
  i.why = "stop/live/error-rate failed 1 time (failure_limit 0): 0.07 > 0.05";
  IncidentRule r;
  r.group = "live";
  r.name = "error-rate";
  r.outcome = Outcome::kFail;
  r.value = 0.07;
  r.reason = "0.07 > 0.05";
  i.rules.push_back(r);
  i.incident_key = kFailKey;
  WatchActionResult rollback;
  rollback.action = "stop/fail#0 (webhook)";
  rollback.on = "fail";
  rollback.idempotency_key = kFailKey;
  rollback.outcome = "delivered";
  rollback.detail = "HTTP 200";
  rollback.attempts = 1;
  rollback.fired_at = At("2026-11-27T08:00:15Z");
  WatchActionResult resolved = rollback;
  resolved.action = "stop/resolved#1 (webhook)";
  resolved.on = "resolved";
  resolved.idempotency_key = kResolvedKey;
  resolved.fired_at = At("2026-11-27T08:01:00Z");
  i.actions = {rollback, resolved};
  i.resolved_at = At("2026-11-27T08:01:00Z");
  w.incidents.push_back(i);
  run.watch = w;
  return run;
}

TEST(WatchReportTest, TheExitCodeIsTheWatchs) {
  RunResult run = TrippedAndRecovered();
  EXPECT_EQ(ExitCode(run), 1);
  run.watch->exit_code = 3;
  EXPECT_EQ(ExitCode(run), 3);
}

TEST(WatchReportTest, VerdictTextIsExplainedByTheIncidents) {
  EXPECT_THAT(WatchVerdictText(TrippedAndRecovered()),
              HasSubstr("A stop condition tripped during the watch (1 incident, "
                        "resolved before the watch ended)"));
  RunResult quiet = TrippedAndRecovered();
  quiet.watch->incidents.clear();
  EXPECT_EQ(WatchVerdictText(quiet), "No stop condition tripped in 7 cycles over 1m45s.");
  EXPECT_EQ(WatchVerdictText(testing::SingleRuleRun(Outcome::kPass)), "");
}

TEST(WatchReportTest, JsonHasTheIncidentTimelineAndIsValid) {
  const std::string json = RenderJson(TrippedAndRecovered());
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  ASSERT_TRUE(doc.HasMember("watch")) << json;
  const auto& inc = doc["watch"]["incidents"][0];
  EXPECT_STREQ(inc["rules"][0]["name"].GetString(), "error-rate");
  EXPECT_DOUBLE_EQ(inc["rules"][0]["value"].GetDouble(), 0.07);
  EXPECT_STREQ(inc["tripped_at"].GetString(), "2026-11-27T08:00:15Z");
  EXPECT_STREQ(inc["resolved_at"].GetString(), "2026-11-27T08:01:00Z");
  EXPECT_STREQ(inc["incident_key"].GetString(), kFailKey);
  EXPECT_STREQ(inc["actions"][0]["outcome"].GetString(), "delivered");
  EXPECT_STREQ(inc["actions"][1]["idempotency_key"].GetString(), kResolvedKey);
  EXPECT_STREQ(doc["verdict"].GetString(), "fail");
  EXPECT_EQ(doc["exit_code"].GetInt(), 1);
  // Valid against docs/report-schema.json, open incidents too (null).
  RunResult open = TrippedAndRecovered();
  open.watch->incidents[0].resolved_at = absl::InfiniteFuture();
  open.watch->incidents[0].rules[0].value.reset();
  std::string cmd = std::string("python3 '") + AURORA_TESTDATA_DIR +
                    "/../reports/validate_json_schema.py' '" +
                    AURORA_TESTDATA_DIR + "/../../docs/report-schema.json'";
  std::vector<std::string> files = {testing::WriteTempFile(json, ".json"),
                                    testing::WriteTempFile(RenderJson(open), ".json")};
  for (const std::string& f : files) cmd += " '" + f + "'";
  std::string output;
  EXPECT_EQ(testing::RunCommand(cmd, &output), 0) << output;
  for (const std::string& f : files) std::remove(f.c_str());
}

TEST(WatchReportTest, JunitHasAFailurePerTrippedRuleWithTheTimes) {
  const std::string xml = RenderJunit(TrippedAndRecovered());
  EXPECT_THAT(xml, HasSubstr("failures=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<failure type=\"tripped\" message=\"stop condition "
                             "tripped (fail) at 2026-11-27T08:00:15Z (value 0.07), "
                             "resolved at 2026-11-27T08:01:00Z, after 45s\""));
  EXPECT_THAT(xml, HasSubstr(kFailKey));
  EXPECT_THAT(xml, HasSubstr("aurora.watch.incidents\" value=\"1\""));
  // Valid against both XSDs.
  const std::string file = testing::WriteTempFile(xml, ".xml");
  for (const char* xsd : {"jenkins-xunit-plugin-junit-10.xsd", "windyroad-JUnit.xsd"}) {
    std::string output;
    EXPECT_EQ(testing::RunCommand(std::string("xmllint --noout --schema '") +
                                      AURORA_SHARED_DIR + "/fixtures/real/junit/xsd/" +
                                      xsd + "' '" + file + "'",
                                  &output),
              0)
        << xsd << ": " << output;
  }
  std::remove(file.c_str());
}

TEST(WatchReportTest, MarkdownTellsTheIncidentThenTheLastCycle) {
  const std::string md = RenderMarkdown(TrippedAndRecovered(), {});
  EXPECT_THAT(md, HasSubstr("aurora-gate verdict: **FAIL**"));
  EXPECT_THAT(md, HasSubstr("last cycle: **1 pass**"));
  EXPECT_THAT(md, HasSubstr("### Incidents during the watch"));
  EXPECT_THAT(md, HasSubstr("| ❌ stop / live/error-rate | tripped (fail) at "
                            "2026-11-27T08:00:15Z | 0.07 |"));
  EXPECT_THAT(md, HasSubstr("✅ 2026-11-27T08:01:00Z |"));
  EXPECT_THAT(md, HasSubstr(kResolvedKey));
  EXPECT_LT(md.find("Incidents during the watch"), md.find("**Last cycle.**"));
  EXPECT_LT(md.find("**Last cycle.**"), md.find("| ✅ pass |"));
}

TEST(WatchReportTest, MarkdownNeverCutsAnIdempotencyKey) {
  RunResult run = TrippedAndRecovered();
  run.watch->incidents[0].actions[1].action =
      "stop action 2 (webhook on resolved) POST https://hooks.example/" + std::string(200, 'p');
  EXPECT_THAT(RenderMarkdown(run, {}), HasSubstr(kResolvedKey));
}

TEST(WatchReportTest, HtmlBannerIsExplainedByTheIncidentNotTheLastCycle) {
  const std::string html = RenderHtml(TrippedAndRecovered(), {});
  EXPECT_THAT(html, HasSubstr("data-verdict=\"FAIL\""));  // watch: PASS/FAIL (11.11)
  EXPECT_THAT(html, HasSubstr("A stop condition tripped during the watch"));
  EXPECT_THAT(html, Not(HasSubstr("0 rules fail")));
  EXPECT_THAT(html, Not(HasSubstr("the verdict is the decision at its end")));
  EXPECT_THAT(html, HasSubstr("last cycle: 1 pass"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#incident-0\">stop / live/error-rate = 0.07</a>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"incident resolved\" id=\"incident-0\""));
  EXPECT_THAT(html, HasSubstr(kFailKey));
  EXPECT_THAT(html, HasSubstr("<h2>Last cycle</h2>"));
  EXPECT_LT(html.find("id=\"incidents\""), html.find("<h2>Last cycle</h2>"));
}

TEST(WatchReportTest, TerminalSummaryTellsTheIncident) {
  const std::string out = RenderTerminal(TrippedAndRecovered(), false);
  EXPECT_THAT(out, HasSubstr("Incidents during the watch:\n  2026-11-27T08:00:15Z "
                             "tripped (fail): stop / live/error-rate = 0.07\n"));
  EXPECT_THAT(out, HasSubstr("  2026-11-27T08:01:00Z resolved, after 45s\n"));
  EXPECT_THAT(out, HasSubstr("Verdict: FAIL — last cycle: 1 pass"));
  EXPECT_THAT(out, HasSubstr("exit 1 (fail)"));
}

}  // namespace
}  // namespace aurora
