// Error paths of live (prometheus) rules through an injected HTTP client:
// nothing here may ever pass. The happy paths run against a real Prometheus
// in tests/e2e.
#include "gates/core/live_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "base/status_macros.h"
#include "gates/core/run_gate.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/fake_http_client.h"

namespace aurora {
namespace {

using testing::LoadGate;
using ::testing::HasSubstr;
using testing::MakeHttpResponse;

constexpr char kGate[] = R"(sources:
  prom: { type: prometheus, url: "http://prom.test:9090" }
groups:
  - name: live
    interval: 30s
    rules:
      - name: error-rate
        expr: sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
        pass: "< 0.01"
        fail: "> 0.05"
)";

const absl::Time kAt = absl::FromUnixSeconds(1764230400);

struct Fixture {
  testing::FakeFileReader files;
  testing::FakeClock clock;
  std::shared_ptr<testing::FakeHttpClient> http =
      std::make_shared<testing::FakeHttpClient>();
  LiveContext Context() {
    LiveContext c;
    c.make_client = testing::ForwardingTo(http);
    c.clock = &clock;
    c.files = &files;
    return c;
  }
  GateResult Run(const std::string& gate_text) {
    GateFile gate = LoadGate(gate_text);
    SourceCache cache(files);
    LiveContext ctx = Context();
    return RunGate(gate, cache, &ctx, kAt);
  }
};

constexpr char kQueryUrl[] = "http://prom.test:9090/api/v1/query";

TEST(LiveRulesTest, InstantValueIsJudged) {
  Fixture f;
  f.http->On(kQueryUrl, MakeHttpResponse(200, R"({"status":"success","data":{
    "resultType":"vector","result":[{"metric":{},"value":[1764230400,"0.03"]}]}})"));
  GateResult g = f.Run(kGate);
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kWarn);
  EXPECT_EQ(g.rules[0].series[0].value, 0.03);
  EXPECT_EQ(g.rules[0].source_detail, "http://prom.test:9090");
  ASSERT_EQ(f.http->requests().size(), 1u);
  EXPECT_THAT(f.http->requests()[0].body, HasSubstr("time=1764230400"));
}

// aurora_gate_query_duration_seconds is fed each query's latency, not the
// cycle's duration: one observation per query, sent to answered.
TEST(LiveRulesTest, EachQuerysLatencyIsObservedOncePerQuery) {
  Fixture f;
  f.http->On(kQueryUrl, MakeHttpResponse(200, R"({"status":"success","data":{
    "resultType":"vector","result":[{"metric":{},"value":[1764230400,"0.03"]}]}})"));
  GateFile gate = LoadGate(kGate);
  SourceCache cache(f.files);
  LiveContext ctx = f.Context();
  auto inner = ctx.make_client;
  testing::FakeClock* clock = &f.clock;
  ctx.make_client = [inner, clock](const HttpClientOptions& o)
      -> absl::StatusOr<std::unique_ptr<HttpClient>> {
    struct Slow : HttpClient {
      std::unique_ptr<HttpClient> to;
      testing::FakeClock* clock;
      std::vector<absl::StatusOr<HttpResponse>> SendAll(
          const std::vector<HttpRequest>& r) override {
        clock->Advance(absl::Milliseconds(250));  // the server's time
        return to->SendAll(r);
      }
    };
    auto s = std::make_unique<Slow>();
    ASSIGN_OR_RETURN(s->to, inner(o));
    s->clock = clock;
    return std::unique_ptr<HttpClient>(std::move(s));
  };
  std::vector<absl::Duration> observed;
  ctx.on_query_answered = [&](absl::Duration d) { observed.push_back(d); };
  f.clock.Advance(absl::Seconds(5));  // a cycle that started earlier
  RunGate(gate, cache, &ctx, kAt);
  EXPECT_EQ(observed.size(), f.http->requests().size());
  EXPECT_THAT(observed, ::testing::ElementsAre(absl::Milliseconds(250)));
}

TEST(LiveRulesTest, ServiceUnavailableStormIsAnErrorAfterBoundedRetries) {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.http->On(kQueryUrl, MakeHttpResponse(503, "Service Unavailable"));
  }
  GateResult g = f.Run(kGate);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_EQ(g.verdict, Outcome::kError);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("HTTP 503 from Prometheus"));
  EXPECT_THAT(g.rules[0].reason, HasSubstr("(after 3 attempts)"));
  EXPECT_EQ(f.http->requests().size(), 3u);
  EXPECT_EQ(f.clock.sleeps().size(), 2u);  // backoff between attempts
}

TEST(LiveRulesTest, ARetryThatSucceedsDecides) {
  Fixture f;
  testing::FakeHttpClient& http = *f.http;
  http.On(kQueryUrl, MakeHttpResponse(503, "busy"));
  // FakeHttpClient answers with the first matching canned result, so script
  // the recovery through a matcher on the attempt count instead.
  Fixture g2;
  int calls = 0;
  g2.http->On(kQueryUrl, ::testing::Truly([&calls](const std::string&) {
                return ++calls == 1;
              }),
              MakeHttpResponse(503, "busy"));
  g2.http->On(kQueryUrl, MakeHttpResponse(200, R"({"status":"success","data":{
    "resultType":"vector","result":[{"metric":{},"value":[1764230400,"0.001"]}]}})"));
  GateResult g = g2.Run(kGate);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kPass) << g.rules[0].reason;
}

TEST(LiveRulesTest, UnreachableServerIsAnErrorNeverAPass) {
  Fixture f;
  for (int i = 0; i < 3; ++i) {
    f.http->On(kQueryUrl, absl::UnavailableError(
                              "POST http://prom.test:9090/api/v1/query: "
                              "Connection refused"));
  }
  GateResult g = f.Run(kGate);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("Connection refused"));
}

TEST(LiveRulesTest, BadQueryIsReportedWithTheServersMessageAndNotRetried) {
  Fixture f;
  f.http->On(kQueryUrl, MakeHttpResponse(400, R"({"status":"error",
    "errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""})"));
  GateResult g = f.Run(kGate);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  // The request is named in front (issue 10, item 15).
  EXPECT_EQ(g.rules[0].reason, "POST http://prom.test:9090/api/v1/query: "
                               "Prometheus rejected the query: bad_data: 1:5: "
                               "parse error: unexpected \"}\"");
  EXPECT_EQ(f.http->requests().size(), 1u);
}

TEST(LiveRulesTest, TruncatedBodyIsAnError) {
  Fixture f;
  for (int i = 0; i < 3; ++i) {
    f.http->On(kQueryUrl, MakeHttpResponse(200, R"({"status":"success","data":{"resu)"));
  }
  GateResult g = f.Run(kGate);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("invalid JSON from Prometheus"));
}

TEST(LiveRulesTest, NoServerConfiguredIsAnError) {
  Fixture f;
  GateResult g = f.Run(R"(groups:
  - name: a
    rules:
      - { alert: Down, expr: up == 0 }
)");
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_EQ(g.rules[0].reason,
            "no Prometheus server for source \"prometheus\": give it a url, or "
            "pass --prometheus URL / set PROMETHEUS_URL");
}

TEST(LiveRulesTest, BearerTokenComesFromItsFileAndNeverIntoTheReport) {
  Fixture f;
  f.files.Add("/run/secrets/prom-token", "s3cr3t-token\n");
  f.http->On(kQueryUrl, MakeHttpResponse(200, R"({"status":"success","data":{
    "resultType":"vector","result":[]}})"));
  GateResult g = f.Run(R"(sources:
  prom:
    type: prometheus
    url: "http://prom.test:9090"
    bearer_token_file: /run/secrets/prom-token
    headers: { X-Scope-OrgID: team-a }
groups:
  - name: a
    rules:
      - { name: r, expr: up, fail: "< 1" }
)");
  ASSERT_EQ(f.http->requests().size(), 1u);
  const std::vector<HttpHeader> headers = f.http->requests()[0].headers;
  bool auth = false, tenant = false;
  for (const auto& h : headers) {
    auth |= h.name == "Authorization" && h.value == "Bearer s3cr3t-token";
    tenant |= h.name == "X-Scope-OrgID" && h.value == "team-a";
  }
  EXPECT_TRUE(auth);
  EXPECT_TRUE(tenant);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kInconclusive);  // no data
  for (const auto& r : g.rules) {
    EXPECT_THAT(r.reason + r.source_detail, ::testing::Not(HasSubstr("s3cr3t")));
  }
}

TEST(LiveRulesTest, ForIsDecidedFromARangeQueryOverTheWindow) {
  Fixture f;
  // for: 2m at 30s steps: the window is 2m + 30s -> 5 steps before kAt.
  std::string values;
  for (int i = 0; i <= 5; ++i) {
    if (i) values += ",";
    values += "[" + std::to_string(1764230400 - (5 - i) * 30) + ",\"0.07\"]";
  }
  f.http->On("http://prom.test:9090/api/v1/query_range",
             MakeHttpResponse(200, R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[)" +
                                      values + "]}]}}"));
  GateResult g = f.Run(R"(sources:
  prom: { type: prometheus, url: "http://prom.test:9090" }
groups:
  - name: live
    interval: 30s
    rules:
      - { name: r, expr: error_ratio, fail: "> 0.05", for: 2m }
)");
  ASSERT_EQ(f.http->requests().size(), 1u);
  EXPECT_THAT(f.http->requests()[0].body,
              HasSubstr("start=1764230250&end=1764230400&step=30"));
  EXPECT_EQ(g.rules[0].outcome, Outcome::kFail) << g.rules[0].reason;
  EXPECT_THAT(g.rules[0].reason, HasSubstr("(active for at least 2m30s, for: 2m)"));
}

// Issue 12.12: an alert the server itself evaluates (same name, expression
// — `1.0` printed `1` by the server —, `for`, labels) is decided from the
// server's rules answer alone: one request, no query of the expression; the
// alerts, values and rendered annotations are the server's.
TEST(LiveRulesTest, AlertTheServerEvaluatesNeedsOnlyItsRulesAnswer) {
  Fixture f;
  f.http->On("http://prom.test:9090/api/v1/rules?type=alert", MakeHttpResponse(200, R"json(
    {"status":"success","data":{"groups":[{"name":"g","file":"/r.yml","interval":15,
     "rules":[{"state":"firing","name":"HighLatency",
      "query":"histogram_quantile(0.95, rate(x_bucket[5m])) > 1","duration":300,
      "keepFiringFor":0,"labels":{"severity":"critical"},"annotations":{},"health":"ok",
      "lastEvaluation":"2025-11-27T07:59:55Z","type":"alerting",
      "alerts":[{"labels":{"alertname":"HighLatency","instance":"a","severity":"critical"},
                 "annotations":{"summary":"slow a"},"state":"firing",
                 "activeAt":"2025-11-27T07:50:00Z","value":"2.5e+00"},
                {"labels":{"alertname":"HighLatency","instance":"b","severity":"critical"},
                 "annotations":{"summary":"slow b"},"state":"pending",
                 "activeAt":"2025-11-27T07:59:00Z","value":"1.5e+00"}]}]}]}})json"));
  GateFile gate = LoadGate(R"(groups:
  - name: g
    rules:
      - alert: HighLatency
        expr: histogram_quantile(0.95, rate(x_bucket[5m])) > 1.0
        for: 5m
        labels: { severity: critical }
        annotations: { summary: "slow {{ $labels.instance }}" }
)");
  SourceCache cache(f.files);
  LiveContext ctx = f.Context();
  ctx.default_url = "http://prom.test:9090";
  GateResult g = RunGate(gate, cache, &ctx, kAt);
  ASSERT_EQ(f.http->requests().size(), 1u);
  ASSERT_EQ(g.rules.size(), 1u);
  const RuleResult& r = g.rules[0];
  EXPECT_EQ(r.outcome, Outcome::kFail) << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("the server's own evaluation of this rule"));
  EXPECT_THAT(r.reason, HasSubstr("firing since 2025-11-27T07:50:00Z"));
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_EQ(r.series[0].labels.Get("instance"), "a");
  EXPECT_EQ(r.series[0].outcome, Outcome::kFail);
  EXPECT_EQ(r.series[0].value, 2.5);
  EXPECT_EQ(r.series[0].annotations.at("summary"), "slow a");
  EXPECT_EQ(r.series[1].labels.Get("instance"), "b");
  EXPECT_EQ(r.series[1].outcome, Outcome::kPending);
  EXPECT_EQ(r.series[1].value, 1.5);
}

// The same rule with no pending or firing alert on the server: inactive,
// a pass that says so (not "no series": the server's answer lists only
// active alerts).
TEST(LiveRulesTest, AlertTheServerHoldsInactivePassesAndSaysWhy) {
  Fixture f;
  f.http->On("http://prom.test:9090/api/v1/rules?type=alert", MakeHttpResponse(200, R"json(
    {"status":"success","data":{"groups":[{"name":"g","file":"/r.yml","interval":15,
     "rules":[{"state":"inactive","name":"Down","query":"up == 0","duration":300,
      "keepFiringFor":0,"labels":{},"annotations":{},"health":"ok",
      "lastEvaluation":"2025-11-27T07:59:55Z","type":"alerting","alerts":[]}]}]}})json"));
  GateFile gate = LoadGate("groups:\n  - name: g\n    rules:\n"
                       "      - { alert: Down, expr: up == 0, for: 5m }\n");
  SourceCache cache(f.files);
  LiveContext ctx = f.Context();
  ctx.default_url = "http://prom.test:9090";
  GateResult g = RunGate(gate, cache, &ctx, kAt);
  ASSERT_EQ(f.http->requests().size(), 1u);
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kPass);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("no pending or firing alert"));
  EXPECT_THAT(g.rules[0].reason, HasSubstr("the server's own evaluation"));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

TEST(ServerErrorPositionTest, PlacesPrometheusParseErrorsAndIgnoresBigNumbers) {
  Rule r;
  r.pos = {4, 7};
  r.expr_pos = {5, 15};
  EXPECT_EQ(ServerErrorPosition(r, "invalid parameter \"query\": 1:35: parse error: x").column, 49);
  FilePos second = ServerErrorPosition(r, "2:3: parse error: x");
  EXPECT_EQ(second.line, 6);
  EXPECT_EQ(second.column, 3);
  // VictoriaMetrics puts timestamps in its messages: not a position, and no
  // overflow either (UBSan caught one here).
  FilePos ts = ServerErrorPosition(r, "cannot parse at 1795764600:1795764660: bad");
  EXPECT_EQ(ts.line, 5);
  EXPECT_EQ(ts.column, 15);
}

}  // namespace
}  // namespace aurora
