// Live gates against real servers: a Prometheus with backfilled history and
// a VictoriaMetrics single node loaded through its import API, both started
// here on loopback. Every case evaluates at a chosen moment of the history
// (as `check --at` does) through the real libcurl client.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/core/run_gate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::ExpandSeries;
using testing::OmSample;

// History: one sample a minute for an hour, starting at kStart (an hour
// boundary three hours ago, so the data is in the past and well within
// retention). Minute m of a series is at kStart + m minutes.
const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
absl::Time Minute(int m) { return absl::FromUnixSeconds(kStart + 60 * m); }

std::vector<OmSample> History() {
  std::vector<OmSample> h;
  auto add = [&h](const std::string& series, const std::string& values) {
    std::vector<OmSample> s = ExpandSeries(series, values, kStart, 60);
    h.insert(h.end(), s.begin(), s.end());
  };
  add("ratio{case=\"pass\"}", "0.001x60");
  add("ratio{case=\"warn\"}", "0.03x60");
  add("ratio{case=\"fail\"}", "0.07x60");
  // Condition (> 0.05) holds from minute 10 on.
  add("ratio{case=\"rising\"}", "0.01x9 0.07x50");
  // Holds from minute 10 to minute 20, then stops.
  add("ratio{case=\"burst\"}", "0.01x9 0.07x9 0.01x39");
  // A counter at 1/s that restarts at minute 30 (first value after the
  // restart: the 60 requests of that minute).
  add("requests_total{case=\"reset\"}", "0+60x29 60+60x29");
  // Stops at minute 20: gone once the 5m lookback has passed.
  add("ratio{case=\"stops\"}", "0.001x20");
  add("ratio{case=\"inf\"}", "Infx60");
  for (int i = 0; i < 50; ++i) {
    add(absl::StrCat("latency{case=\"many\",instance=\"i", i, "\"}"),
        i == 17 ? "0.9x60" : "0.1x60");
  }
  return h;
}

// NaN only for Prometheus: VictoriaMetrics 1.79 drops NaN samples at import.
std::vector<OmSample> NanHistory() {
  return ExpandSeries("ratio{case=\"nan\"}", "NaNx60", kStart, 60);
}

class LiveGateTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    std::vector<OmSample> h = History();
    std::vector<OmSample> with_nan = h;
    std::vector<OmSample> nan = NanHistory();
    with_nan.insert(with_nan.end(), nan.begin(), nan.end());
    prometheus_ = testing::PrometheusServer::Start(with_nan).release();
    victoria_ = testing::VictoriaMetricsServer::Start(h).release();
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    delete victoria_;
    prometheus_ = nullptr;
    victoria_ = nullptr;
  }

  std::string Url() const {
    if (GetParam() == "prometheus") {
      return prometheus_ ? prometheus_->url() : "";
    }
    return victoria_ ? victoria_->url() : "";
  }

  // Evaluates gate text (its sources' url is the server under test) at `at`.
  // With `chart_window`, as `report --window` does.
  GateResult Check(const std::string& rules_yaml, absl::Time at,
                   absl::Duration chart_window = absl::ZeroDuration()) {
    std::string text = absl::StrCat(
        "sources:\n  prom: { type: prometheus, url: \"", Url(),
        "\" }\ngroups:\n  - name: live\n    interval: 1m\n    rules:\n",
        rules_yaml);
    LoadedGate g = ParseGate("live.yaml", text, EnvironmentLookup());
    EXPECT_TRUE(g.ok()) << (g.errors.empty() ? "" : g.errors[0].ToString());
    SourceCache cache(files_);
    LiveContext ctx;
    ctx.make_client = NewCurlHttpClient;
    ctx.clock = &clock_;
    ctx.files = &files_;
    ctx.chart_window = chart_window;
    return RunGate(g.gate, cache, &ctx, at);
  }

  // A copy: callers bind it to a reference that outlives the GateResult.
  RuleResult Only(const GateResult& g) {
    EXPECT_EQ(g.rules.size(), 1u);
    return g.rules.empty() ? RuleResult{} : g.rules.front();
  }

  static testing::PrometheusServer* prometheus_;
  static testing::VictoriaMetricsServer* victoria_;
  RealFileReader files_;
  RealClock clock_;
};

testing::PrometheusServer* LiveGateTest::prometheus_ = nullptr;
testing::VictoriaMetricsServer* LiveGateTest::victoria_ = nullptr;

constexpr char kErrorRate[] = R"(      - name: r
        expr: ratio{case="%s"}
        pass: "< 0.01"
        fail: "> 0.05"
)";

std::string ErrorRate(const std::string& c) {
  std::string s = kErrorRate;
  s.replace(s.find("%s"), 2, c);
  return s;
}

TEST_P(LiveGateTest, PassWarnAndFailWithTheObservedValue) {
  ASSERT_FALSE(Url().empty());
  struct Case {
    const char* name;
    Outcome want;
    double value;
  } cases[] = {{"pass", Outcome::kPass, 0.001},
               {"warn", Outcome::kWarn, 0.03},
               {"fail", Outcome::kFail, 0.07}};
  for (const auto& c : cases) {
    GateResult g = Check(ErrorRate(c.name), Minute(30));
    const RuleResult& r = Only(g);
    EXPECT_EQ(r.outcome, c.want) << c.name << ": " << r.reason;
    ASSERT_EQ(r.series.size(), 1u) << c.name;
    EXPECT_EQ(r.series[0].value, c.value) << c.name;
    EXPECT_EQ(r.series[0].labels.Get("case"), c.name);
  }
}

TEST_P(LiveGateTest, PendingUntilForHasElapsedThenFiring) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - alert: HighErrorRate
        expr: ratio{case="rising"} > 0.05
        for: 5m
        labels: { severity: critical }
)";
  // The condition holds from minute 10: pending at 12, still pending one
  // step short of `for` (14), firing exactly when `for` has elapsed (15).
  EXPECT_EQ(Only(Check(rule, Minute(9))).outcome, Outcome::kPass);
  EXPECT_EQ(Only(Check(rule, Minute(12))).outcome, Outcome::kPending);
  const RuleResult& short_by_one = Only(Check(rule, Minute(14)));
  EXPECT_EQ(short_by_one.outcome, Outcome::kPending) << short_by_one.reason;
  EXPECT_THAT(short_by_one.reason, HasSubstr("pending: the condition has held for 4m of 5m"));
  const RuleResult& exactly = Only(Check(rule, Minute(15)));
  EXPECT_EQ(exactly.outcome, Outcome::kFail) << exactly.reason;
  EXPECT_THAT(exactly.reason, HasSubstr("(active for 5m, for: 5m)"));
}

TEST_P(LiveGateTest, WarningSeverityAlertWarns) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - alert: Drift
        expr: ratio{case="fail"} > 0.05
        labels: { severity: warning }
)";
  EXPECT_EQ(Only(Check(rule, Minute(30))).outcome, Outcome::kWarn);
}

TEST_P(LiveGateTest, KeepFiringForHoldsAfterTheConditionStops) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - alert: Burst
        expr: ratio{case="burst"} > 0.05
        for: 2m
        keep_firing_for: 3m
        labels: { severity: critical }
)";
  // Holds minutes 10..19; firing from 12; the condition stops at 20; kept
  // firing at 20, 21, 22; resolved at 23.
  EXPECT_EQ(Only(Check(rule, Minute(19))).outcome, Outcome::kFail);
  const RuleResult& kept = Only(Check(rule, Minute(22)));
  EXPECT_EQ(kept.outcome, Outcome::kFail) << kept.reason;
  EXPECT_THAT(kept.reason, HasSubstr("keep_firing_for: 3m"));
  const RuleResult& resolved = Only(Check(rule, Minute(23)));
  EXPECT_EQ(resolved.outcome, Outcome::kPass) << resolved.reason;
}

// `report --window`: every live rule is read over the window; the series
// are kept for the charts, and the decision is the one `check` makes.
TEST_P(LiveGateTest, ReportWindowKeepsTheSeriesAndTheSameDecision) {
  ASSERT_FALSE(Url().empty());
  const std::string alert = R"(      - alert: Burst
        expr: ratio{case="burst"} > 0.05
        for: 2m
        keep_firing_for: 3m
        labels: { severity: critical }
)";
  for (int minute : {9, 11, 12, 19, 22, 23, 40}) {
    const RuleResult plain = Only(Check(alert, Minute(minute)));
    const RuleResult charted =
        Only(Check(alert, Minute(minute), absl::Minutes(30)));
    EXPECT_EQ(charted.outcome, plain.outcome) << "minute " << minute;
    EXPECT_TRUE(plain.history.empty());
  }
  // The longer history read makes the reason more precise, not different.
  EXPECT_THAT(Only(Check(alert, Minute(19))).reason,
              HasSubstr("(active for at least 6m, for: 2m)"));
  EXPECT_THAT(Only(Check(alert, Minute(19), absl::Minutes(30))).reason,
              HasSubstr("(active for 9m, for: 2m)"));
  // At minute 40 the 30m window starts at minute 10: 31 one-minute points
  // of the left side (the comparison is split off), 0.07 until minute 19.
  const RuleResult r = Only(Check(alert, Minute(40), absl::Minutes(30)));
  ASSERT_EQ(r.history.size(), 1u);
  EXPECT_EQ(r.history_start, Minute(10));
  EXPECT_EQ(r.history_step_seconds, 60);
  const std::vector<Point>& points = r.history[0].points;
  ASSERT_EQ(points.size(), 31u);
  EXPECT_EQ(points.front().timestamp, Minute(10));
  EXPECT_EQ(points.back().timestamp, Minute(40));
  EXPECT_DOUBLE_EQ(points[0].value, 0.07);
  EXPECT_DOUBLE_EQ(points[9].value, 0.07);
  EXPECT_DOUBLE_EQ(points[10].value, 0.01);
  EXPECT_EQ(r.history[0].labels.Get("case"), "burst");

  // A rule without `for` is read over the window too; many series each.
  const RuleResult many = Only(Check(R"(      - name: p95
        expr: latency{case="many"}
        pass: "< 0.5"
        series: any
)", Minute(30), absl::Minutes(10)));
  EXPECT_EQ(many.history.size(), 50u);
  for (const Series& s : many.history) EXPECT_EQ(s.points.size(), 11u);
}

// Prometheus answers at most 11,000 points per series: a window longer than
// that at the rule's step is shortened, and the rule says so.
TEST_P(LiveGateTest, ReportWindowTooLongForTheStepIsShortenedWithAWarning) {
  ASSERT_FALSE(Url().empty());
  const RuleResult r = Only(Check(ErrorRate("fail"), Minute(30),
                                  absl::Hours(24 * 10)));
  EXPECT_EQ(r.outcome, Outcome::kFail) << r.reason;
  EXPECT_THAT(r.warnings, ::testing::Contains(HasSubstr(
                              "the chart covers the last 7d15h19m of the 10d window")));
  ASSERT_EQ(r.history.size(), 1u);
  EXPECT_EQ(r.history[0].points.size(), 31u);  // the data: minutes 0..30
}

TEST_P(LiveGateTest, CounterResetsAreHandledByRate) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - name: throughput
        expr: rate(requests_total{case="reset"}[5m])
        pass: "> 0.9"
)";
  // 5 minutes after the reset at minute 30, and right across it.
  for (int m : {33, 35, 40}) {
    const RuleResult& r = Only(Check(rule, Minute(m)));
    EXPECT_EQ(r.outcome, Outcome::kPass) << m << ": " << r.reason;
    ASSERT_EQ(r.series.size(), 1u);
    EXPECT_NEAR(r.series[0].value, 1.0, 0.01) << m;
  }
}

TEST_P(LiveGateTest, InfinitySurvivesAndFails) {
  ASSERT_FALSE(Url().empty());
  const RuleResult& r = Only(Check(ErrorRate("inf"), Minute(30)));
  EXPECT_EQ(r.outcome, Outcome::kFail);
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.series[0].value, std::numeric_limits<double>::infinity());
}

TEST_P(LiveGateTest, ManySeriesAllOrAny) {
  ASSERT_FALSE(Url().empty());
  const std::string all = R"(      - name: p95
        expr: latency{case="many"}
        pass: "< 0.5"
)";
  const RuleResult& r = Only(Check(all, Minute(30)));
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.series.size(), 50u);
  EXPECT_THAT(r.reason, HasSubstr("1 of 50 series fail"));
  EXPECT_THAT(r.reason, HasSubstr("instance=\"i17\""));
  const std::string any = std::string(all) + "        series: any\n";
  EXPECT_EQ(Only(Check(any, Minute(30))).outcome, Outcome::kPass);
}

TEST_P(LiveGateTest, EmptyResultFollowsEachNoDataPolicy) {
  ASSERT_FALSE(Url().empty());
  struct Case {
    const char* policy;
    Outcome want;
  } cases[] = {{"", Outcome::kInconclusive},
               {"pass", Outcome::kPass},
               {"warn", Outcome::kWarn},
               {"fail", Outcome::kFail},
               {"inconclusive", Outcome::kInconclusive},
               {"error", Outcome::kError}};
  for (const auto& c : cases) {
    std::string rule = R"(      - name: r
        expr: ratio{case="no-such-series"}
        fail: "> 0.05"
)";
    if (*c.policy) rule += absl::StrCat("        no_data: ", c.policy, "\n");
    const RuleResult& r = Only(Check(rule, Minute(30)));
    EXPECT_EQ(r.outcome, c.want) << c.policy;
    EXPECT_THAT(r.reason, HasSubstr("no data"));
  }
}

TEST_P(LiveGateTest, AlertWithoutSplittableConditionPassesWhenNothingFires) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - alert: Both
        expr: ratio{case="fail"} > 0.05 and ratio{case="fail"} > 1
)";
  const RuleResult& r = Only(Check(rule, Minute(30)));
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.reason;
}

TEST_P(LiveGateTest, BadQueryIsAnErrorWithTheServersMessage) {
  ASSERT_FALSE(Url().empty());
  const std::string rule = R"(      - name: r
        expr: sum(rate(ratio[5m]) by (case)
        fail: "> 1"
)";
  const RuleResult& r = Only(Check(rule, Minute(30)));
  EXPECT_EQ(r.outcome, Outcome::kError);
  EXPECT_THAT(r.reason, HasSubstr("rejected the query"));
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveGateTest,
                         ::testing::Values("prometheus", "victoriametrics"),
                         [](const auto& param_info) { return param_info.param; });

// Prometheus-only behaviour: VictoriaMetrics 1.79 drops NaN samples at
// import and derives its lookback from the sample interval.
class PrometheusOnlyTest : public LiveGateTest {};

TEST_P(PrometheusOnlyTest, NanFollowsTheNanPolicy) {
  ASSERT_FALSE(Url().empty());
  const RuleResult& r = Only(Check(ErrorRate("nan"), Minute(30)));
  EXPECT_EQ(r.outcome, Outcome::kInconclusive);
  EXPECT_THAT(r.reason, HasSubstr("value is NaN"));
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_TRUE(std::isnan(r.series[0].value));
}

TEST_P(PrometheusOnlyTest, StoppedSeriesIsNoDataAfterTheLookback) {
  ASSERT_FALSE(Url().empty());
  // Last sample at minute 20: still seen at 24 (5m lookback), gone at 26.
  EXPECT_EQ(Only(Check(ErrorRate("stops"), Minute(24))).outcome, Outcome::kPass);
  const RuleResult& gone = Only(Check(ErrorRate("stops"), Minute(26)));
  EXPECT_EQ(gone.outcome, Outcome::kInconclusive);
  EXPECT_THAT(gone.reason, HasSubstr("no data"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PrometheusOnlyTest,
                         ::testing::Values("prometheus"),
                         [](const auto& param_info) { return param_info.param; });

// The binary on the shipped runbook alert file: exit codes as a CI step sees
// them, with `--at` and `--prometheus`.
TEST_P(PrometheusOnlyTest, ShippedRunbookAlertsThroughTheBinary) {
  ASSERT_FALSE(Url().empty());
  std::string at = std::to_string(absl::ToUnixSeconds(Minute(30)));
  auto r = testing::RunProcess({AURORA_GATE_BIN, "check", "gates/runbook/runbook-alerts.yml",
                                "--prometheus", Url(), "--at", at, "--color", "never"},
                               {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  // None of the runbook's metrics exist in this history: nothing fires. As
  // in Prometheus, an alert with no series is inactive (issue 12.1), so the
  // gate passes, and every rule says it saw no series.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("no series"));
  auto down = testing::RunProcess(
      {AURORA_GATE_BIN, "check", "gates/runbook/runbook-alerts.yml", "--prometheus",
       "http://127.0.0.1:1", "--at", at},
      {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(down.exit_code, 3) << down.out << down.err;
  EXPECT_THAT(down.out, HasSubstr("ERROR"));
}

}  // namespace
}  // namespace aurora
