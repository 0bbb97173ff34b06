#include "reports/action_payload.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "reports/json_report.h"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::aurora::testing::At;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The runbook's stop conditions, one tripped: HighErrorRate fails, the
// latency rule passes, a dry-run rule that fails never counts.
GateResult StopConditions() {
  GateResult gate;
  gate.name = "stop-conditions";
  gate.file = "gates/runbook/stop-conditions.yaml";
  gate.verdict = Outcome::kFail;
  RuleResult err;
  err.name = "HighErrorRate";
  err.kind = "alert";
  err.severity = "critical";
  err.outcome = Outcome::kFail;
  err.reason = "0.062 > 0.05 for 5m";
  err.labels = {{"team", "aurora"}};
  err.annotations = {{"runbook", "https://wiki/rollback"}};
  SeriesResult s;
  s.labels = Labels{{"service", "aurora-api"}};
  s.value = 0.062;
  s.outcome = Outcome::kFail;
  err.series.push_back(s);
  RuleResult lat;
  lat.name = "HighLatency";
  lat.severity = "critical";
  lat.outcome = Outcome::kPass;
  lat.reason = "0.41 <= 1";
  RuleResult dry;
  dry.name = "CoverageDrop";
  dry.severity = "warning";
  dry.outcome = Outcome::kFail;
  dry.dry_run = true;
  gate.rules = {err, lat, dry};
  return gate;
}

ActionEvent FailEvent() {
  return MakeActionEvent(ActionTrigger::kFail, StopConditions(), At("2026-11-27T08:00:00Z"),
                         At("2026-11-27T08:05:15Z"));
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(ActionEventTest, FailPicksFailingDecidingRulesOnly) {
  EXPECT_THAT(FailEvent().rules, ElementsAre("HighErrorRate"));
  ActionEvent pass =
      MakeActionEvent(ActionTrigger::kPass, StopConditions(), absl::Time(), absl::Time());
  EXPECT_TRUE(pass.rules.empty());
  ActionEvent resolved =
      MakeActionEvent(ActionTrigger::kResolved, StopConditions(), absl::Time(), absl::Time(),
                      {"XAIMissing", "HighErrorRate", "XAIMissing"});
  EXPECT_THAT(resolved.rules, ElementsAre("HighErrorRate", "XAIMissing"));
}

TEST(IdempotencyKeyTest, IsSha256OfTheDocumentedFields) {
  // printf 'aurora-gate/idempotency/v1\nstop-conditions\nfail\n
  // HighErrorRate\n1795766400000000000' | sha256sum
  EXPECT_EQ(IdempotencyKey(FailEvent()),
            "9f48876cfcf6b4eb6d34724ab8bcac9094e6811c2fa99ee82b7a825e017c0120");
}

TEST(IdempotencyKeyTest, StableWithinAnIncidentDistinctAcrossIncidents) {
  ActionEvent a = FailEvent();
  ActionEvent later = a;
  later.now += absl::Minutes(10);  // a later cycle of the same incident
  EXPECT_EQ(IdempotencyKey(a), IdempotencyKey(later));
  ActionEvent other_incident = a;
  other_incident.incident_start += absl::Hours(1);
  EXPECT_NE(IdempotencyKey(a), IdempotencyKey(other_incident));
  ActionEvent more_rules = a;
  more_rules.rules.push_back("XAIMissing");
  EXPECT_NE(IdempotencyKey(a), IdempotencyKey(more_rules));
  ActionEvent resolved = a;
  resolved.on = ActionTrigger::kResolved;
  EXPECT_NE(IdempotencyKey(a), IdempotencyKey(resolved));
}

TEST(LabelsFingerprintTest, MatchesPrometheusModelSignatureVector) {
  // prometheus/common model/signature_test.go (TestLabelsToSignature):
  // 5799056148416392346 == 0x507a62d79ee76c9a.
  EXPECT_EQ(LabelsFingerprint(
                {{"name", "garland, briggs"}, {"fear", "love is not enough"}}),
            absl::StrFormat("%016x", uint64_t{5799056148416392346u}));
  EXPECT_EQ(LabelsFingerprint({}), "cbf29ce484222325");  // FNV-1a offset
}

TEST(SlackPayloadTest, GoldenWithFailingRulesAndValues) {
  const ActionEvent e = FailEvent();
  EXPECT_EQ(SlackPayload(e, StopConditions(), {}, "KEY"),
            R"j({"text":"🚨 aurora-gate stop-conditions: fail (verdict fail)",)j"
            R"j("blocks":[{"type":"section","text":{"type":"mrkdwn","text":)j"
            R"j("🚨 aurora-gate stop-conditions: fail (verdict fail)"}},)j"
            R"j({"type":"section","text":{"type":"mrkdwn","text":)j"
            R"j("*HighErrorRate* fail: 0.062 &gt; 0.05 for 5m\n)j"
            R"j(• 0.062 {service=\"aurora-api\"}"}},)j"
            R"j({"type":"context","elements":[{"type":"mrkdwn","text":)j"
            R"j("gate stop-conditions · since 2026-11-27T08:00:00Z · )j"
            R"j(idempotency key KEY"}]}],"idempotency_key":"KEY"})j");
}

TEST(SlackPayloadTest, RunbookRollbackTextIsConfigurable) {
  PayloadOptions o;
  o.text = "\xF0\x9F\x9A\xA8 Aurora testnet rollback initiated - Check logs";
  const std::string body = SlackPayload(FailEvent(), StopConditions(), o, "K");
  rapidjson::Document doc = Parse(body);
  EXPECT_STREQ(doc["text"].GetString(),
               "🚨 Aurora testnet rollback initiated - Check logs");
  EXPECT_STREQ(doc["idempotency_key"].GetString(), "K");
  EXPECT_THAT(body, StartsWith("{\"text\":\"🚨 Aurora testnet rollback "
                               "initiated - Check logs\",\"blocks\":["));
}

TEST(SlackPayloadTest, EscapesMrkdwnAndCapsRuleBlocks) {
  GateResult gate = StopConditions();
  ActionEvent e = FailEvent();
  e.rules.clear();
  for (int i = 0; i < 25; ++i) {
    e.rules.push_back(absl::StrCat("r<", i, ">&"));
  }
  rapidjson::Document doc = Parse(SlackPayload(e, gate, {}, "K"));
  const auto& blocks = doc["blocks"];
  // Summary, 20 rules, "… and 5 more rules", context.
  ASSERT_EQ(blocks.Size(), 23u);
  EXPECT_STREQ(blocks[1]["text"]["text"].GetString(), "*r&lt;0&gt;&amp;*");
  EXPECT_STREQ(blocks[21]["text"]["text"].GetString(), "… and 5 more rules");
}

TEST(AlertmanagerWebhookPayloadTest, GoldenFiring) {
  PayloadOptions o;
  o.external_url = "http://aurora-gate.example:9464";
  o.generator_url = "http://grafana.testnet.aurora.internal";
  EXPECT_EQ(
      AlertmanagerWebhookPayload(FailEvent(), StopConditions(), o, "KEY"),
      R"j({"receiver":"aurora-gate","status":"firing","alerts":[)j"
      R"j({"status":"firing","labels":{"alertname":"HighErrorRate",)j"
      R"j("gate":"stop-conditions","severity":"critical","team":"aurora"},)j"
      R"j("annotations":{"idempotency_key":"KEY",)j"
      R"j("runbook":"https://wiki/rollback","summary":"0.062 > 0.05 for 5m"},)j"
      R"j("startsAt":"2026-11-27T08:00:00Z","endsAt":"0001-01-01T00:00:00Z",)j"
      R"j("generatorURL":"http://grafana.testnet.aurora.internal",)j"
      R"j("fingerprint":"638200f9671dabe9"}],)j"
      R"j("groupLabels":{"gate":"stop-conditions"},)j"
      R"j("commonLabels":{"alertname":"HighErrorRate",)j"
      R"j("gate":"stop-conditions","severity":"critical","team":"aurora"},)j"
      R"j("commonAnnotations":{"idempotency_key":"KEY",)j"
      R"j("runbook":"https://wiki/rollback","summary":"0.062 > 0.05 for 5m"},)j"
      R"j("externalURL":"http://aurora-gate.example:9464","version":"4",)j"
      R"j("groupKey":"{}:{gate=\"stop-conditions\"}","truncatedAlerts":0,)j"
      R"j("idempotency_key":"KEY"})j");
}

TEST(AlertmanagerWebhookPayloadTest, GoldenResolved) {
  const ActionEvent e =
      MakeActionEvent(ActionTrigger::kResolved, StopConditions(), At("2026-11-27T08:00:00Z"),
                      At("2026-11-27T08:20:00.5Z"), {"HighErrorRate"});
  EXPECT_EQ(
      AlertmanagerWebhookPayload(e, StopConditions(), {}, "KEY"),
      R"j({"receiver":"aurora-gate","status":"resolved","alerts":[)j"
      R"j({"status":"resolved","labels":{"alertname":"HighErrorRate",)j"
      R"j("gate":"stop-conditions","severity":"critical",)j"
      R"j("team":"aurora"},"annotations":{"idempotency_key":"KEY",)j"
      R"j("runbook":"https://wiki/rollback",)j"
      R"j("summary":"0.062 > 0.05 for 5m"},)j"
      R"j("startsAt":"2026-11-27T08:00:00Z",)j"
      R"j("endsAt":"2026-11-27T08:20:00.5Z","generatorURL":"",)j"
      R"j("fingerprint":"638200f9671dabe9"}],)j"
      R"j("groupLabels":{"gate":"stop-conditions"},)j"
      R"j("commonLabels":{"alertname":"HighErrorRate",)j"
      R"j("gate":"stop-conditions","severity":"critical",)j"
      R"j("team":"aurora"},"commonAnnotations":{"idempotency_key":"KEY",)j"
      R"j("runbook":"https://wiki/rollback",)j"
      R"j("summary":"0.062 > 0.05 for 5m"},"externalURL":"",)j"
      R"j("version":"4","groupKey":"{}:{gate=\"stop-conditions\"}",)j"
      R"j("truncatedAlerts":0,"idempotency_key":"KEY"})j");
}

TEST(AlertmanagerApiPayloadTest, GoldenFiringHasNoEndsAt) {
  PayloadOptions o;
  o.generator_url = "http://grafana.testnet.aurora.internal";
  EXPECT_EQ(AlertmanagerApiPayload(FailEvent(), StopConditions(), o, "KEY"),
            R"j([{"labels":{"alertname":"HighErrorRate",)j"
            R"j("gate":"stop-conditions","severity":"critical",)j"
            R"j("team":"aurora"},"annotations":{"idempotency_key":"KEY",)j"
            R"j("runbook":"https://wiki/rollback",)j"
            R"j("summary":"0.062 > 0.05 for 5m"},)j"
            R"j("startsAt":"2026-11-27T08:00:00Z",)j"
            R"j("generatorURL":"http://grafana.testnet.aurora.internal"}])j");
}

TEST(AlertmanagerApiPayloadTest, GoldenResolvedCarriesEndsAt) {
  const ActionEvent e =
      MakeActionEvent(ActionTrigger::kResolved, StopConditions(), At("2026-11-27T08:00:00Z"),
                      At("2026-11-27T08:20:00Z"), {"HighErrorRate"});
  EXPECT_EQ(AlertmanagerApiPayload(e, StopConditions(), {}, "KEY"),
            R"j([{"labels":{"alertname":"HighErrorRate",)j"
            R"j("gate":"stop-conditions","severity":"critical",)j"
            R"j("team":"aurora"},"annotations":{"idempotency_key":"KEY",)j"
            R"j("runbook":"https://wiki/rollback",)j"
            R"j("summary":"0.062 > 0.05 for 5m"},)j"
            R"j("startsAt":"2026-11-27T08:00:00Z",)j"
            R"j("endsAt":"2026-11-27T08:20:00Z"}])j");
}

TEST(AlertmanagerApiPayloadTest, StartIsOneGateLevelAlert) {
  GateResult gate = StopConditions();
  gate.verdict = Outcome::kPass;
  const ActionEvent e = MakeActionEvent(
      ActionTrigger::kStart, gate, At("2026-11-27T08:00:00Z"), At("2026-11-27T08:00:00Z"));
  EXPECT_EQ(
      AlertmanagerApiPayload(e, gate, {}, "KEY"),
      R"j([{"labels":{"alertname":"stop-conditions",)j"
      R"j("gate":"stop-conditions"},"annotations":{)j"
      R"j("idempotency_key":"KEY",)j"
      R"j("summary":"aurora-gate stop-conditions: watch started"},)j"
      R"j("startsAt":"2026-11-27T08:00:00Z"}])j");
}

TEST(JsonVerdictPayloadTest, IsTheReportWithKeyAndTransitionFirst) {
  RunResult run = testing::RepresentativeRun();
  const std::string body = JsonVerdictPayload(FailEvent(), run, "KEY");
  const std::string report = RenderJson(run);
  EXPECT_EQ(body, absl::StrCat("{\n  \"idempotency_key\": \"KEY\",\n"
                               "  \"transition\": \"fail\",\n",
                               report.substr(2)));
  rapidjson::Document doc = Parse(body);
  EXPECT_STREQ(doc["idempotency_key"].GetString(), "KEY");
  EXPECT_STREQ(doc["schema"].GetString(), "aurora-gate/report/v1");
}

// Issue 11.15: a receiver matches a resolution to the incident it closes.
TEST(IncidentKeyTest, ResolvedPayloadsCarryTheKeyOfTheIncidentTheyClose) {
  const GateResult gate = StopConditions();
  const ActionEvent opened = MakeActionEvent(
      ActionTrigger::kFail, gate, At("2026-11-27T08:00:00Z"), At("2026-11-27T08:00:00Z"));
  ActionEvent resolved =
      MakeActionEvent(ActionTrigger::kResolved, gate, At("2026-11-27T08:00:00Z"),
                      At("2026-11-27T08:20:00Z"), {"HighErrorRate"});
  resolved.incident_on = "fail";
  const std::string incident = IdempotencyKey(opened);
  ASSERT_EQ(IncidentKey(resolved), incident);
  EXPECT_NE(IdempotencyKey(resolved), incident);
  EXPECT_EQ(IncidentKey(opened), "");
  const std::string own = IdempotencyKey(resolved);

  rapidjson::Document json =
      Parse(JsonVerdictPayload(resolved, testing::RepresentativeRun(), own));
  EXPECT_EQ(std::string(json["idempotency_key"].GetString()), own);
  EXPECT_EQ(std::string(json["incident_key"].GetString()), incident);
  EXPECT_STREQ(json["transition"].GetString(), "resolved");

  rapidjson::Document slack = Parse(SlackPayload(resolved, gate, {}, own));
  EXPECT_EQ(std::string(slack["incident_key"].GetString()), incident);

  rapidjson::Document webhook =
      Parse(AlertmanagerWebhookPayload(resolved, gate, {}, own));
  EXPECT_EQ(std::string(webhook["incident_key"].GetString()), incident);
  EXPECT_EQ(std::string(webhook["alerts"][0]["annotations"]["incident_key"].GetString()),
            incident);

  rapidjson::Document api = Parse(AlertmanagerApiPayload(resolved, gate, {}, own));
  EXPECT_EQ(std::string(api[0]["annotations"]["incident_key"].GetString()), incident);
  // Firing payloads have no incident_key (their own key is the incident's).
  EXPECT_FALSE(Parse(SlackPayload(opened, gate, {}, incident)).HasMember("incident_key"));
}

TEST(StartPayloadTest, StartIsNotAVerdict) {
  RunResult start;
  start.started = At("2026-11-27T08:00:00Z");
  start.eval_time = start.started;
  start.tool_version = "1.2.3";
  GateResult gate;
  gate.name = "stop-conditions";
  gate.title = "Stop conditions";
  gate.file = "gates/runbook/stop-conditions.yaml";
  start.gates.push_back(gate);
  const ActionEvent e = MakeActionEvent(ActionTrigger::kStart, gate, start.started, start.started);
  rapidjson::Document doc = Parse(JsonVerdictPayload(e, start, "KEY"));
  EXPECT_STREQ(doc["transition"].GetString(), "start");
  EXPECT_STREQ(doc["idempotency_key"].GetString(), "KEY");
  EXPECT_STREQ(doc["started"].GetString(), "2026-11-27T08:00:00Z");
  EXPECT_STREQ(doc["gates"][0]["file"].GetString(), "gates/runbook/stop-conditions.yaml");
  // Nothing was evaluated: no verdict, counts or exit code.
  EXPECT_FALSE(doc.HasMember("verdict"));
  EXPECT_FALSE(doc.HasMember("counts"));
  EXPECT_FALSE(doc.HasMember("exit_code"));
  rapidjson::Document slack = Parse(SlackPayload(e, gate, {}, "KEY"));
  EXPECT_THAT(std::string(slack["text"].GetString()),
              ::testing::AllOf(HasSubstr("stop-conditions: watch started"),
                               ::testing::Not(HasSubstr("verdict"))));
}

}  // namespace
}  // namespace aurora
