#include "reports/json_report.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "reports/report_text.h"
#include "tests/reports/breakdown_fixtures.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag |
            rapidjson::kParseFullPrecisionFlag>(json.c_str(), json.size());
  EXPECT_FALSE(doc.HasParseError())
      << rapidjson::GetParseError_En(doc.GetParseError()) << " at "
      << doc.GetErrorOffset();
  return doc;
}

// Runs tests/reports/validate_json_schema.py (python3-jsonschema) on the
// documents against docs/report-schema.json in one process (its start-up is
// slow). A missing validator fails the test: the script then exits 2.
int ValidateAgainstSchema(const std::vector<std::string>& docs,
                          std::string* output) {
  std::string cmd = std::string("python3 '") + AURORA_TESTDATA_DIR +
                    "/../reports/validate_json_schema.py' '" +
                    AURORA_TESTDATA_DIR + "/../../docs/report-schema.json'";
  std::vector<std::string> files;
  for (const std::string& json : docs) {
    files.push_back(testing::WriteTempFile(json, ".json"));
    cmd += " '" + files.back() + "'";
  }
  const int rc = testing::RunCommand(cmd, output);
  for (const std::string& f : files) std::remove(f.c_str());
  return rc;
}

TEST(JsonReportTest, RepresentativeRunMatchesGolden) {
  testing::ExpectMatchesGolden(RenderJson(testing::RepresentativeRun()),
                               "report.json");
}

TEST(JsonReportTest, ValidAgainstTheDocumentedSchema) {
  std::vector<std::string> docs = {RenderJson(testing::RepresentativeRun()),
                                   RenderJson(testing::HostileRun()),
                                   RenderJson(RunResult{})};
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kPending,
                    Outcome::kInconclusive, Outcome::kError, Outcome::kFail}) {
    docs.push_back(RenderJson(testing::SingleRuleRun(o)));
    docs.push_back(RenderJson(testing::SingleRuleRun(o, /*dry_run=*/true)));
    docs.push_back(
        RenderJson(testing::SingleRuleRun(o, false, /*strict=*/true)));
  }
  RunResult problems = testing::SingleRuleRun(Outcome::kFail);
  problems.action_problems = {"failed action 3f2a (webhook): HTTP 500"};
  docs.push_back(RenderJson(problems));
  std::string output;
  EXPECT_EQ(ValidateAgainstSchema(docs, &output), 0) << output;
}

// `report --window`: a live rule's series over the window, NaN kept.
RunResult RunWithHistory() {
  RunResult run = testing::SingleRuleRun(Outcome::kFail);
  run.window = absl::Minutes(30);
  RuleResult& rule = run.gates[0].rules[0];
  rule.history_start = absl::FromUnixSeconds(1700000000);
  rule.history_step_seconds = 60;
  Series s;
  s.labels = Labels({{"job", "api"}});
  s.points = {{absl::FromUnixSeconds(1700000000), 0.5},
              {absl::FromUnixMillis(1700000060250), std::nan("")},
              {absl::FromUnixSeconds(1700000180), 2}};
  rule.history.push_back(s);
  return run;
}

TEST(JsonReportTest, HistoryOfLiveRulesOverTheReportWindow) {
  const rapidjson::Document doc = Parse(RenderJson(RunWithHistory()));
  EXPECT_EQ(doc["window_seconds"].GetDouble(), 1800);
  const auto& h = doc["gates"][0]["rules"][0]["history"];
  EXPECT_STREQ(h["start"].GetString(), "2023-11-14T22:13:20Z");
  EXPECT_EQ(h["step_seconds"].GetDouble(), 60);
  ASSERT_EQ(h["series"].Size(), 1u);
  EXPECT_STREQ(h["series"][0]["labels"]["job"].GetString(), "api");
  const auto& points = h["series"][0]["points"];
  ASSERT_EQ(points.Size(), 3u);
  EXPECT_EQ(points[0][0].GetDouble(), 1700000000);
  EXPECT_EQ(points[0][1].GetDouble(), 0.5);
  EXPECT_EQ(points[1][0].GetDouble(), 1700000060.25);
  EXPECT_STREQ(points[1][1].GetString(), "NaN");
  // Without a window, neither key is written.
  const rapidjson::Document plain =
      Parse(RenderJson(testing::SingleRuleRun(Outcome::kFail)));
  EXPECT_FALSE(plain.HasMember("window_seconds"));
  EXPECT_FALSE(plain["gates"][0]["rules"][0].HasMember("history"));
  std::string output;
  EXPECT_EQ(ValidateAgainstSchema({RenderJson(RunWithHistory())}, &output), 0)
      << output;
}

TEST(JsonReportTest, SchemaValidatorRejectsWhatTheSchemaForbids) {
  // Proves the validation above is not vacuous.
  std::string json = RenderJson(testing::SingleRuleRun(Outcome::kFail));
  std::string bad_verdict = json;
  bad_verdict.replace(bad_verdict.find("\"verdict\": \"fail\""), 17,
                      "\"verdict\": \"maybe\"");
  std::string bad_value = json;
  bad_value.replace(bad_value.find("\"value\": 2"), 10, "\"value\": \"nan\"");
  std::string output;
  EXPECT_EQ(ValidateAgainstSchema({json, bad_verdict, bad_value}, &output), 1)
      << output;
  EXPECT_THAT(output, HasSubstr("/verdict: 'maybe' is not one of"));
  EXPECT_THAT(output,
              HasSubstr("/gates/0/rules/0/series/0/value: 'nan' is not"));
}

TEST(JsonReportTest, TopLevelKeysInAStableOrder) {
  const rapidjson::Document doc =
      Parse(RenderJson(testing::RepresentativeRun()));
  std::vector<std::string> keys;
  for (const auto& m : doc.GetObject()) keys.push_back(m.name.GetString());
  EXPECT_THAT(keys,
              ElementsAre("schema", "tool", "verdict", "exit_code",
                          "exit_meaning", "strict", "eval_time", "started",
                          "duration_seconds", "settings", "counts", "gates"));
  EXPECT_STREQ(doc["schema"].GetString(), "aurora-gate/report/v1");
  EXPECT_EQ(std::string(doc["schema"].GetString()), kJsonReportSchema);
}

TEST(JsonReportTest, NonFiniteValuesAreStringsAndFiniteOnesNumbers) {
  const rapidjson::Document doc =
      Parse(RenderJson(testing::RepresentativeRun()));
  const auto& pre = doc["gates"][0]["rules"];
  const auto& live = doc["gates"][1]["rules"];
  EXPECT_STREQ(pre[2]["series"][0]["value"].GetString(), "NaN");
  EXPECT_STREQ(live[1]["series"][1]["value"].GetString(), "+Inf");
  EXPECT_STREQ(live[1]["series"][5]["value"].GetString(), "-Inf");
  ASSERT_TRUE(live[1]["series"][0]["value"].IsNumber());
  EXPECT_EQ(live[1]["series"][0]["value"].GetDouble(), 0.31);
  // Baseline: a number when the series has one, null when not.
  EXPECT_EQ(pre[1]["series"][0]["baseline"].GetDouble(), 0.5);
  EXPECT_TRUE(pre[0]["series"][0]["baseline"].IsNull());
  // Baseline configured but missing, and none configured.
  EXPECT_STREQ(pre[3]["baseline"]["source"].GetString(),
               "artifacts/baselines/mutation.json");
  EXPECT_TRUE(pre[3]["baseline"]["missing"].GetBool());
  EXPECT_STREQ(pre[0]["baseline"]["source"].GetString(), "");
  EXPECT_FALSE(pre[0]["baseline"]["missing"].GetBool());
}

TEST(JsonReportTest, NumbersRoundTripExactly) {
  RunResult run = testing::SingleRuleRun(Outcome::kPass);
  const double values[] = {
      0.1, 1e-05, 1e21, -0.0, 123456789.123, 5e-324, 1.7976931348623157e308};
  run.gates[0].rules[0].series.clear();
  for (double v : values) {
    run.gates[0].rules[0].series.push_back(
        SeriesResult{{}, v, std::nullopt, Outcome::kPass, ""});
  }
  const rapidjson::Document doc = Parse(RenderJson(run));
  const auto& series = doc["gates"][0]["rules"][0]["series"];
  ASSERT_EQ(series.Size(), std::size(values));
  for (size_t i = 0; i < std::size(values); ++i) {
    ASSERT_TRUE(series[i]["value"].IsNumber()) << i;
    EXPECT_EQ(series[i]["value"].GetDouble(), values[i]) << i;
  }
  EXPECT_THAT(RenderJson(run), HasSubstr("\"value\": 1e-05,"));
}

TEST(JsonReportTest, EveryRuleFieldIsWritten) {
  const RunResult run = testing::RepresentativeRun();
  const rapidjson::Document doc = Parse(RenderJson(run));
  EXPECT_STREQ(doc["tool"]["version"].GetString(), "0.1.0");
  EXPECT_STREQ(doc["tool"]["commit"].GetString(), "0123456789ab");
  EXPECT_STREQ(doc["verdict"].GetString(), "fail");
  EXPECT_EQ(doc["exit_code"].GetInt(), 1);
  EXPECT_STREQ(doc["eval_time"].GetString(), "2024-05-01T12:00:00Z");
  EXPECT_STREQ(doc["started"].GetString(), "2024-05-01T11:59:58.5Z");
  EXPECT_EQ(doc["duration_seconds"].GetDouble(), 1.75);
  EXPECT_STREQ(doc["settings"]["env"].GetString(), "testnet");
  EXPECT_EQ(doc["counts"]["fail"].GetInt(), 2);
  EXPECT_EQ(doc["counts"]["dry_run"].GetInt(), 1);
  EXPECT_EQ(doc["counts"]["total"].GetInt(), 8);
  const auto& gate = doc["gates"][1];
  EXPECT_STREQ(gate["file_sha256"].GetString(),
               run.gates[1].file_sha256.c_str());
  EXPECT_EQ(gate["counts"]["total"].GetInt(), 4);
  const auto& rule = gate["rules"][0];
  const RuleResult& want = run.gates[1].rules[0];
  EXPECT_STREQ(rule["name"].GetString(), "error-rate");
  EXPECT_STREQ(rule["group"].GetString(), "live");
  EXPECT_STREQ(rule["kind"].GetString(), "gate");
  EXPECT_EQ(rule["line"].GetInt(), 8);
  EXPECT_STREQ(rule["outcome"].GetString(), "pending");
  EXPECT_FALSE(rule["dry_run"].GetBool());
  EXPECT_STREQ(rule["reason"].GetString(), want.reason.c_str());
  EXPECT_STREQ(rule["severity"].GetString(), "critical");
  EXPECT_STREQ(rule["source"]["name"].GetString(), "prom");
  EXPECT_STREQ(rule["source"]["type"].GetString(), "prometheus");
  EXPECT_STREQ(rule["source"]["detail"].GetString(), "http://localhost:9090");
  EXPECT_STREQ(rule["expr"].GetString(), want.expr.c_str());
  EXPECT_STREQ(rule["query"].GetString(), want.query.c_str());
  EXPECT_STREQ(rule["criteria"]["pass"][0].GetString(), "< 0.01");
  EXPECT_EQ(rule["criteria"]["warn"].Size(), 0u);
  EXPECT_STREQ(rule["criteria"]["fail"][0].GetString(), "> 0.05");
  EXPECT_STREQ(rule["for"].GetString(), "5m");
  EXPECT_STREQ(rule["labels"]["team"].GetString(), "exchange");
  EXPECT_STREQ(rule["annotations"]["summary"].GetString(),
               "5xx ratio is {{ $value }}");
  EXPECT_EQ(rule["duration_seconds"].GetDouble(), 0.215);
  EXPECT_STREQ(rule["series"][0]["outcome"].GetString(), "pending");
  EXPECT_STREQ(rule["series"][0]["reason"].GetString(), "0.07 > 0.05");
  EXPECT_TRUE(gate["rules"][3]["dry_run"].GetBool());
  EXPECT_STREQ(gate["rules"][3]["outcome"].GetString(), "fail");
  EXPECT_STREQ(gate["rules"][1]["series"][0]["labels"]["route"].GetString(),
               "/api/orders");
  EXPECT_STREQ(doc["gates"][0]["rules"][3]["warnings"][0].GetString(),
               run.gates[0].rules[3].warnings[0].c_str());
}

TEST(JsonReportTest, HostileStringsSurviveAsValidJson) {
  const RunResult run = testing::HostileRun();
  const std::string json = RenderJson(run);
  // NUL and ESC are escaped, not written raw.
  EXPECT_THAT(json, HasSubstr("bad\\u0000byte ]]> <script>x</script>"));
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
  const rapidjson::Document doc = Parse(json);
  const auto& rule = doc["gates"][0]["rules"][0];
  EXPECT_EQ(std::string(doc["gates"][0]["name"].GetString()),
            run.gates[0].name);
  EXPECT_EQ(std::string(rule["name"].GetString()), run.gates[0].rules[0].name);
  EXPECT_EQ(
      std::string(rule["reason"].GetString(), rule["reason"].GetStringLength()),
      ToValidUtf8(run.gates[0].rules[0].reason));
  const auto& labels = rule["series"][0]["labels"];
  EXPECT_EQ(std::string(labels["job"].GetString()),
            "<script>alert('x')</script>|`x`\n\x1b[2J");
  EXPECT_EQ(std::string(labels["bad_utf8"].GetString()),
            "\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(std::string(rule["labels"]["k\x01"].GetString()), "v\x1b");
  EXPECT_EQ(std::string(doc["settings"][""].GetString()), "empty key");
}

// Issue 11.9 / 13.6: the unit, the change from a baseline, the mutation and
// security breakdowns and a rule's findings are in the documented schema.
TEST(JsonReportTest, UnitsAndBreakdownsValidAgainstTheSchema) {
  std::string output;
  EXPECT_EQ(ValidateAgainstSchema({RenderJson(testing::UnitsAndBreakdownsRun())},
                                  &output),
            0)
      << output;
}

}  // namespace
}  // namespace aurora
