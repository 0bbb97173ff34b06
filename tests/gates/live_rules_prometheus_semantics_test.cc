// Issue 12.2 and 12.7 through an injected HTTP client: range reads stay under
// Prometheus' 11,000 points per series; without a written interval the
// replay steps at the server's global.evaluation_interval, read once.
#include "gates/core/live_rules.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "gates/core/run_gate.h"
#include "queries/prometheus_status.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/fake_http_client.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::MakeHttpResponse;

const absl::Time kAt = absl::FromUnixSeconds(1764230400);
constexpr char kRangeUrl[] = "http://prom.test:9090/api/v1/query_range";
constexpr char kConfigUrl[] = "http://prom.test:9090/api/v1/status/config";
constexpr char kEmptyMatrix[] =
    R"({"status":"success","data":{"resultType":"matrix","result":[]}})";

struct Fixture {
  testing::FakeFileReader files;
  testing::FakeClock clock;
  std::shared_ptr<testing::FakeHttpClient> http =
      std::make_shared<testing::FakeHttpClient>();
  GateResult Run(const std::string& text) {
    GateFile gate = testing::LoadGate(text);
    SourceCache cache(files);
    LiveContext c;
    c.make_client = testing::ForwardingTo(http);
    c.clock = &clock;
    c.files = &files;
    c.default_url = "http://prom.test:9090";
    return RunGate(gate, cache, &c, kAt);
  }
};

// The form value of `name` in a request body.
double FormSeconds(const std::string& body, const std::string& name) {
  for (absl::string_view kv : absl::StrSplit(body, '&')) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    double v = 0;
    if (p.first == name && absl::SimpleAtod(p.second, &v)) return v;
  }
  return -1;
}

TEST(LiveRulesSemanticsTest, LongRangeReadsAreSplitUnderThePointsLimit) {
  Fixture f;
  f.http->On(kRangeUrl, MakeHttpResponse(200, kEmptyMatrix));
  GateResult g = f.Run(R"(groups:
  - name: g
    interval: 10s
    rules:
      - alert: Long
        expr: up == 0
        for: 40h
)");
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kPass) << g.rules[0].reason;
  int reads = 0;
  double covered_to = -1;
  for (const HttpRequest& r : f.http->requests()) {
    if (r.url != kRangeUrl) continue;
    ++reads;
    double start = FormSeconds(r.body, "start"), end = FormSeconds(r.body, "end");
    EXPECT_LE((end - start) / 10 + 1, 11000) << r.body;  // points per series
    if (covered_to >= 0) {
      EXPECT_EQ(start, covered_to + 10);  // no gap, no overlap
    }
    covered_to = end;
  }
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(covered_to, absl::ToUnixSeconds(kAt));
}

TEST(LiveRulesSemanticsTest, StepIsTheServersEvaluationIntervalReadOnce) {
  Fixture f;
  f.http->On(kConfigUrl, MakeHttpResponse(200, R"({"status":"success","data":{"yaml":"global:\n  scrape_interval: 1m\n  evaluation_interval: 15s\n  external_labels:\n    cluster: eu\n"}})"));
  f.http->On(kRangeUrl, MakeHttpResponse(200, kEmptyMatrix));
  GateResult g = f.Run(R"(groups:
  - name: g
    rules:
      - { alert: A, expr: up == 0, for: 30s }
      - { alert: B, expr: up == 0, for: 1m }
)");
  ASSERT_EQ(g.rules.size(), 2u);
  int config_reads = 0;
  for (const HttpRequest& r : f.http->requests()) {
    if (r.url == kConfigUrl) ++config_reads;
    if (r.url == kRangeUrl) {
      EXPECT_EQ(FormSeconds(r.body, "step"), 15) << r.body;
    }
  }
  EXPECT_EQ(config_reads, 1);
  EXPECT_EQ(g.rules[0].step, "15s (the server's global.evaluation_interval)");
}

TEST(LiveRulesSemanticsTest, UnreadableServerConfigStepsAtOneMinuteAndSaysWhy) {
  Fixture f;
  f.http->On(kConfigUrl, MakeHttpResponse(404, "404 page not found"));
  f.http->On(kRangeUrl, MakeHttpResponse(200, kEmptyMatrix));
  GateResult g = f.Run("groups:\n  - name: g\n    rules:\n      - { alert: A, expr: up == 0, for: 5m }\n");
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_THAT(g.rules[0].step, HasSubstr("1m (default: "));
  EXPECT_THAT(g.rules[0].step, HasSubstr("HTTP 404"));
}

TEST(LiveRulesSemanticsTest, ForLongerThanTheServersRetentionIsPendingWithThatReason) {
  Fixture f;
  f.http->On(kConfigUrl, MakeHttpResponse(404, "404 page not found"));
  f.http->On("http://prom.test:9090/api/v1/status/runtimeinfo",
             MakeHttpResponse(200, R"({"status":"success","data":{"storageRetention":"15d"}})"));
  // The condition holds over all the data the server has (the last 10m).
  std::string values;
  for (int m = 10; m >= 0; --m) {
    absl::StrAppend(&values, m < 10 ? "," : "", "[", absl::ToUnixSeconds(kAt) - 60 * m,
                    ",\"1\"]");
  }
  f.http->On(kRangeUrl, HasSubstr(absl::StrCat("end=", absl::ToUnixSeconds(kAt))),
             MakeHttpResponse(200, absl::StrCat(
                 R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[)",
                 values, "]}]}}")));
  f.http->On(kRangeUrl, MakeHttpResponse(200, kEmptyMatrix));
  GateResult g = f.Run("groups:\n  - name: g\n    rules:\n      - { alert: A, expr: x > 0, for: 30d }\n");
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kPending) << g.rules[0].reason;
  EXPECT_THAT(g.rules[0].reason, HasSubstr("longer than the server's retention"));
}

TEST(PromServerConfigTest, ParsesEvaluationIntervalAndExternalLabels) {
  absl::StatusOr<PromServerConfig> c = ParseStatusConfig(
      200, R"({"status":"success","data":{"yaml":"global:\n  evaluation_interval: 30s\n  external_labels:\n    region: eu\n"}})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->evaluation_interval, absl::Seconds(30));
  EXPECT_EQ(c->external_labels.at("region"), "eu");
  absl::StatusOr<PromServerConfig> d = ParseStatusConfig(
      200, R"({"status":"success","data":{"yaml":"global:\n  scrape_interval: 15s\n"}})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->evaluation_interval, absl::Minutes(1));  // Prometheus' default
  EXPECT_FALSE(ParseStatusConfig(200, "{}").ok());
}

}  // namespace
}  // namespace aurora
