// Differential test against Prometheus itself: for generated scenarios
// (series in promtool's input_series notation and an alerting rule with
// `for` / `keep_firing_for`), aurora-gate decides, at every evaluation time,
// which alerts fire — from a real Prometheus holding the same series as
// backfilled history. The test then writes a promtool rule test whose
// `exp_alerts` are exactly aurora-gate's firing alerts; `promtool test rules`
// (Prometheus' own rule engine) must pass it.
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

constexpr int kScenarios = 24;
constexpr int kSteps = 40;  // samples per series, one a minute

const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;

struct Scenario {
  int id;
  std::vector<std::pair<std::string, std::string>> series;  // name{..}, values
  std::string metric;
  double threshold;
  std::string op;  // ">" or "<"
  int for_minutes;
  int keep_firing_minutes;
};

// Deterministic scenarios: 1–3 series of 0/1-ish values with runs (so `for`
// windows start, hold, break), occasional gaps (`_`, which both promtool and
// a backfilled Prometheus bridge with the 5m lookback), NaN and spikes.
std::vector<Scenario> MakeScenarios() {
  std::vector<Scenario> out;
  std::mt19937 rng(20261127);
  const int fors[] = {0, 1, 2, 3, 5};
  for (int id = 0; id < kScenarios; ++id) {
    Scenario s;
    s.id = id;
    s.metric = absl::StrCat("diff", id, "_value");
    s.op = id % 4 == 3 ? "<" : ">";
    s.threshold = 0.5;
    s.for_minutes = fors[id % 5];
    s.keep_firing_minutes = id % 3 == 2 ? 2 : 0;
    int n_series = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n_series; ++k) {
      std::vector<std::string> values;
      bool high = rng() % 2;
      for (int t = 0; t < kSteps; ++t) {
        if (rng() % 6 == 0) high = !high;  // runs of a few minutes
        int r = static_cast<int>(rng() % 40);
        if (t > 0 && t < kSteps - 1 && r == 0) {
          values.push_back("_");
        } else if (r == 1) {
          values.push_back("NaN");
        } else {
          values.push_back(high ? "0.9" : "0.1");
        }
      }
      s.series.push_back({absl::StrCat(s.metric, "{instance=\"i", k, "\"}"),
                          absl::StrJoin(values, " ")});
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string AlertName(const Scenario& s) { return absl::StrCat("Diff", s.id); }

std::string RuleYaml(const Scenario& s, const std::string& indent) {
  std::string out = absl::StrCat(indent, "- alert: ", AlertName(s), "\n", indent,
                                 "  expr: ", s.metric, " ", s.op, " ", s.threshold,
                                 "\n");
  if (s.for_minutes) absl::StrAppend(&out, indent, "  for: ", s.for_minutes, "m\n");
  if (s.keep_firing_minutes) {
    absl::StrAppend(&out, indent, "  keep_firing_for: ", s.keep_firing_minutes, "m\n");
  }
  absl::StrAppend(&out, indent, "  labels: { severity: critical }\n");
  return out;
}

class PromtoolDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenarios_ = new std::vector<Scenario>(MakeScenarios());
    std::vector<testing::OmSample> history;
    for (const auto& s : *scenarios_) {
      for (const auto& [series, values] : s.series) {
        auto samples = testing::ExpandSeries(series, values, kStart, 60);
        history.insert(history.end(), samples.begin(), samples.end());
      }
    }
    server_ = testing::PrometheusServer::Start(history).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete scenarios_;
  }
  static testing::PrometheusServer* server_;
  static std::vector<Scenario>* scenarios_;
};

testing::PrometheusServer* PromtoolDifferentialTest::server_ = nullptr;
std::vector<Scenario>* PromtoolDifferentialTest::scenarios_ = nullptr;

TEST_F(PromtoolDifferentialTest, FiringAlertsAtEveryEvaluationMatchPromtool) {
  ASSERT_NE(server_, nullptr);
  std::string dir = testing::MakeTempDir();
  // One rule file and one test file for all scenarios.
  std::string rules = "groups:\n  - name: diff\n    rules:\n";
  std::string tests = absl::StrCat(
      "rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n");
  RealFileReader files;
  RealClock clock;
  int firing_total = 0, pending_total = 0;
  for (const Scenario& s : *scenarios_) {
    absl::StrAppend(&rules, RuleYaml(s, "      "));
    std::string gate_text = absl::StrCat(
        "sources:\n  prom: { type: prometheus, url: \"", server_->url(),
        "\" }\ngroups:\n  - name: diff\n    interval: 1m\n    rules:\n",
        RuleYaml(s, "      "));
    LoadedGate gate = ParseGate("diff.yaml", gate_text, EnvironmentLookup());
    ASSERT_TRUE(gate.ok()) << gate.errors[0].ToString();
    absl::StrAppend(&tests, "  - interval: 1m\n    input_series:\n");
    for (const auto& [series, values] : s.series) {
      absl::StrAppend(&tests, "      - series: '", series, "'\n        values: '",
                      values, "'\n");
    }
    absl::StrAppend(&tests, "    alert_rule_test:\n");
    for (int t = 0; t < kSteps; ++t) {
      SourceCache cache(files);
      LiveContext ctx;
      ctx.make_client = NewCurlHttpClient;
      ctx.clock = &clock;
      ctx.files = &files;
      GateResult g = RunGate(gate.gate, cache, &ctx,
                             absl::FromUnixSeconds(kStart + 60 * t));
      ASSERT_EQ(g.rules.size(), 1u);
      const RuleResult& r = g.rules[0];
      ASSERT_NE(r.outcome, Outcome::kError) << r.reason;
      std::vector<std::string> firing;
      for (const auto& series : r.series) {
        if (series.outcome == Outcome::kFail) {
          firing.push_back(absl::StrCat("          - exp_labels: {severity: critical, instance: ",
                                        std::string(series.labels.Get("instance")), "}\n"));
        }
        if (series.outcome == Outcome::kPending) ++pending_total;
      }
      firing_total += static_cast<int>(firing.size());
      absl::StrAppend(&tests, "      - eval_time: ", t, "m\n        alertname: ",
                      AlertName(s), "\n        exp_alerts:",
                      firing.empty() ? " []\n" : "\n", absl::StrJoin(firing, ""));
    }
  }
  {
    std::ofstream(dir + "/rules.yaml") << rules;
    std::ofstream(dir + "/test.yaml") << tests;
  }
  // The scenarios exercise both states, or the comparison proves little.
  EXPECT_GT(firing_total, 100);
  EXPECT_GT(pending_total, 20);
  testing::ToolResult check = testing::PromtoolCheckRules(dir + "/rules.yaml");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  testing::ToolResult result = testing::PromtoolTestRules(dir + "/test.yaml");
  EXPECT_EQ(result.exit_code, 0)
      << "promtool disagrees with aurora-gate (files kept in " << dir << "):\n"
      << result.output.substr(0, 4000);
  if (result.exit_code == 0) {
    testing::RemoveDir(dir);
  }
}

// Issue 12 probes: no series, NaN comparisons, `and` with no data,
// templated labels (a label holding $value is a new alert at each new value:
// pending for ever), rendered annotations, `@ end()` in a replayed read and a
// group `limit`. aurora-gate's firing alerts (labels and annotations) at
// every evaluation time are written as promtool's expectations.
constexpr char kProbeRules[] = R"(groups:
  - name: probes
    interval: 1m
    rules:
      - alert: ProbeNoSeries
        expr: probe_absent > 1
        labels: { severity: critical }
      - alert: ProbeNaN
        expr: probe_zero / probe_zero > 0.5
        labels: { severity: critical }
      - alert: ProbeAnd
        expr: probe_a > 0.5 and probe_b > 0.5
        for: 2m
        labels: { severity: critical }
      - alert: ProbeSteady
        expr: probe_steady > 0
        for: 2m
        labels: { severity: critical, v: "{{ $value }}", who: "{{ $labels.instance | toUpper }}" }
        annotations:
          summary: "{{ $labels.instance }} is at {{ $value | humanize }}"
          description: '{{ printf "%.2f" $value }} on {{ .Labels.instance }}{{ if gt $value 4.0 }} (high){{ end }}'
      - alert: ProbeRising
        expr: probe_rising > 0
        for: 2m
        labels: { severity: warning, v: "{{ $value }}" }
      - alert: ProbeAtEnd
        expr: probe_rising @ end() > 10
        for: 1m
        labels: { severity: critical }
)";

// promtool stops a rule test at a rule's evaluation error, so the group
// `limit` probe is compared apart: the same error text.
constexpr char kLimitGroup[] = R"(  - name: limited
    interval: 1m
    limit: 1
    rules:
      - alert: ProbeLimit
        expr: probe_multi > 0
        labels: { severity: critical }
)";

std::string YamlQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string YamlMap(const std::map<std::string, std::string>& m) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : m) parts.push_back(absl::StrCat(k, ": ", YamlQuoted(v)));
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

TEST(PromtoolDifferentialProbesTest, ProbesMatchPromtool) {
  const std::vector<std::pair<std::string, std::string>> series = {
      {"probe_zero{instance=\"z\"}", "0x39"},
      {"probe_a{instance=\"a\"}", "1x39"},
      {"probe_b{instance=\"a\"}", "0x19 1x19"},
      {"probe_steady{instance=\"s\"}", "5x39"},
      {"probe_rising{instance=\"r\"}", "1+1x39"},
      {"probe_multi{instance=\"m1\"}", "1x39"},
      {"probe_multi{instance=\"m2\"}", "1x39"},
  };
  std::vector<testing::OmSample> history;
  for (const auto& [name, values] : series) {
    auto samples = testing::ExpandSeries(name, values, kStart, 60);
    history.insert(history.end(), samples.begin(), samples.end());
  }
  std::unique_ptr<testing::PrometheusServer> server =
      testing::PrometheusServer::Start(history);
  ASSERT_NE(server, nullptr);
  LoadedGate gate = ParseGate("rules.yaml", std::string(kProbeRules) + kLimitGroup,
                              EnvironmentLookup());
  ASSERT_TRUE(gate.ok()) << gate.errors[0].ToString();
  std::string dir = testing::MakeTempDir();
  std::string tests =
      "rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n"
      "  - interval: 1m\n    input_series:\n";
  for (const auto& [name, values] : series) {
    absl::StrAppend(&tests, "      - series: '", name, "'\n        values: '",
                    values, "'\n");
  }
  absl::StrAppend(&tests, "    alert_rule_test:\n");
  RealFileReader files;
  RealClock clock;
  int firing = 0, pending = 0;
  std::string limit_reason;
  for (int t = 0; t < kSteps; ++t) {
    SourceCache cache(files);
    LiveContext ctx;
    ctx.make_client = NewCurlHttpClient;
    ctx.clock = &clock;
    ctx.files = &files;
    ctx.default_url = server->url();
    GateResult g = RunGate(gate.gate, cache, &ctx, absl::FromUnixSeconds(kStart + 60 * t));
    size_t k = 0;
    for (const RuleGroup& group : gate.gate.groups) {
      for (const Rule& rule : group.rules) {
        ASSERT_LT(k, g.rules.size());
        const RuleResult& r = g.rules[k++];
        if (rule.name == "ProbeLimit") {
          // Prometheus: "exceeded limit of 1 with 2 alerts", no alerts.
          EXPECT_EQ(r.outcome, Outcome::kError) << r.reason;
          EXPECT_THAT(r.reason, ::testing::HasSubstr("exceeded limit of 1 with 2 alerts"));
          limit_reason = r.reason;
          continue;
        } else {
          ASSERT_NE(r.outcome, Outcome::kError) << rule.name << ": " << r.reason;
          if (rule.name == "ProbeNoSeries" || rule.name == "ProbeNaN") {
            EXPECT_EQ(r.outcome, Outcome::kPass) << rule.name << ": " << r.reason;
          }
        }
        std::vector<std::string> alerts;
        for (const SeriesResult& s : r.series) {
          if (s.outcome == Outcome::kPending) ++pending;
          if (s.outcome != Outcome::kFail && s.outcome != Outcome::kWarn) continue;
          std::map<std::string, std::string> labels;
          for (const auto& [name, value] : rule.labels) labels[name] = value;
          for (const auto& [name, value] : s.labels.pairs()) labels[name] = value;
          std::string line = absl::StrCat("          - exp_labels: ", YamlMap(labels), "\n");
          if (!rule.annotations.empty()) {
            absl::StrAppend(&line, "            exp_annotations: ", YamlMap(s.annotations), "\n");
          }
          alerts.push_back(line);
        }
        firing += static_cast<int>(alerts.size());
        absl::StrAppend(&tests, "      - eval_time: ", t, "m\n        alertname: ", rule.name,
                        "\n        exp_alerts:", alerts.empty() ? " []\n" : "\n",
                        absl::StrJoin(alerts, ""));
      }
    }
  }
  {
    std::ofstream(dir + "/rules.yaml") << kProbeRules;
    std::ofstream(dir + "/test.yaml") << tests;
  }
  EXPECT_GT(firing, 40);   // ProbeSteady, ProbeAnd and ProbeAtEnd fire
  EXPECT_GT(pending, 30);  // ProbeRising never leaves pending
  testing::ToolResult check = testing::PromtoolCheckRules(dir + "/rules.yaml");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  testing::ToolResult result = testing::PromtoolTestRules(dir + "/test.yaml");
  EXPECT_EQ(result.exit_code, 0)
      << "promtool disagrees with aurora-gate (files kept in " << dir << "):\n"
      << result.output.substr(0, 4000);
  // The limit: promtool's rule engine reports the error aurora-gate gives.
  {
    std::ofstream(dir + "/limit.yaml") << "groups:\n" << kLimitGroup;
    std::ofstream(dir + "/limit_test.yaml")
        << "rule_files: [limit.yaml]\nevaluation_interval: 1m\ntests:\n"
           "  - interval: 1m\n    input_series:\n"
           "      - { series: 'probe_multi{instance=\"m1\"}', values: '1x5' }\n"
           "      - { series: 'probe_multi{instance=\"m2\"}', values: '1x5' }\n"
           "    alert_rule_test:\n"
           "      - { eval_time: 1m, alertname: ProbeLimit, exp_alerts: [] }\n";
  }
  testing::ToolResult limited = testing::PromtoolTestRules(dir + "/limit_test.yaml");
  EXPECT_THAT(limited.output, ::testing::HasSubstr("err: exceeded limit of 1 with 2 alerts"));
  EXPECT_THAT(limit_reason, ::testing::HasSubstr("exceeded limit of 1 with 2 alerts"));
  if (result.exit_code == 0) {
    testing::RemoveDir(dir);
  }
}

}  // namespace
}  // namespace aurora
