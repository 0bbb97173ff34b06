// File: tests/reports/html_fixtures.h
// RunResults for the HTML report tests, the browser test and the render
// benchmark: a small go-live run (a live rule with history and thresholds,
// a failing alert with a hostile label, a gap and a NaN, a live rule without
// history, artifact rules with and without a baseline) and a big one (N live
// rules, each with a 24 h history at a 15 s step). Deterministic; no gtest.
#ifndef AURORA_TESTS_REPORTS_HTML_FIXTURES_H_
#define AURORA_TESTS_REPORTS_HTML_FIXTURES_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "evaluator/result.h"

namespace aurora::testing {

inline constexpr char kHostileLabel[] = "<script>alert(1)</script>";

inline absl::Time HtmlEvalTime() {
  return absl::FromUnixSeconds(1714564800);  // 2024-05-01T12:00:00Z
}

// `n` points ending at `end`, `step` apart; value(i) gives each value.
template <typename F>
Series MakeHistory(Labels labels, absl::Time end, absl::Duration step, int n,
                   F value) {
  Series s;
  s.labels = std::move(labels);
  for (int i = 0; i < n; ++i) {
    s.points.push_back({end - (n - 1 - i) * step, value(i)});
  }
  return s;
}

inline RuleResult LiveRule(std::string name, absl::Time eval_time,
                           absl::Duration window) {
  RuleResult r;
  r.name = std::move(name);
  r.group = "live";
  r.kind = "gate";
  r.source = "prom";
  r.source_type = "prometheus";
  r.source_detail = "http://prometheus:9090";
  r.history_start = eval_time - window;
  r.history_step_seconds = 15;
  return r;
}

// 30 minutes at 15 s (121 points a series).
inline RunResult GoLiveRun() {
  const absl::Time now = HtmlEvalTime();
  const absl::Duration window = absl::Minutes(30);
  const absl::Duration step = absl::Seconds(15);
  RunResult run;
  run.command = "report";
  run.verdict = Outcome::kFail;
  run.eval_time = now;
  run.started = now - absl::Seconds(2);
  run.duration_seconds = 1.25;
  run.window = window;
  run.tool_version = "0.3.0";
  run.tool_commit = "abcdef012345";
  run.settings = {{"commit", "9f8e7d6"}, {"env", "testnet"}};

  GateResult live;
  live.name = "golive";
  live.title = "Go-live stop conditions";
  live.file = "gates/runbook/golive.yaml";
  live.file_sha256 = std::string(64, 'a');
  live.verdict = Outcome::kFail;

  // error-rate: low, except 11:40-11:45 (indices 40..60) above 0.05.
  RuleResult err = LiveRule("error-rate", now, window);
  err.expr = "sum(rate(errors[5m])) / sum(rate(requests[5m]))";
  err.query = err.expr;
  err.pass = {"< 0.01"};
  err.fail = {"> 0.05"};
  err.for_duration = "5m";
  err.severity = "critical";
  err.outcome = Outcome::kPass;
  err.reason = "0.004 meets pass: < 0.01";
  err.series = {SeriesResult{{}, 0.004, std::nullopt, Outcome::kPass, ""}};
  err.history = {MakeHistory({}, now, step, 121, [](int i) {
    return i >= 40 && i <= 60 ? 0.08 : 0.004 + 0.001 * (i % 3);
  })};
  live.rules.push_back(err);

  // p99-latency: an alert over three routes; the hostile route fails.
  RuleResult p99 = LiveRule("p99-latency", now, window);
  p99.kind = "alert";
  p99.expr = "histogram_quantile(0.99, rate(latency_bucket[5m])) > 0.5";
  p99.query = "histogram_quantile(0.99, rate(latency_bucket[5m]))";
  p99.fail = {"> 0.5"};
  p99.severity = "critical";
  p99.outcome = Outcome::kFail;
  p99.reason = "1 of 3 series fail: > 0.5";
  p99.series = {
      SeriesResult{{{"route", kHostileLabel}}, 0.9, std::nullopt,
                   Outcome::kFail, "0.9 > 0.5"},
      SeriesResult{{{"route", "/api/orders"}}, 0.2, std::nullopt,
                   Outcome::kPass, "0.2 is not > 0.5"},
      SeriesResult{{{"route", "/api/fills"}}, 0.1, std::nullopt,
                   Outcome::kPass, "0.1 is not > 0.5"}};
  p99.annotations = {{"summary", "p99 of {{ $labels.route }} is high"}};
  p99.history.push_back(MakeHistory({{"route", "/api/fills"}}, now, step, 121,
                                    [](int i) {
                                      // NaN at 20, a gap 70..79 below.
                                      return i == 20 ? std::nan("")
                                                     : 0.1 + 0.01 * (i % 5);
                                    }));
  p99.history.back().points.erase(p99.history.back().points.begin() + 70,
                                  p99.history.back().points.begin() + 80);
  p99.history.push_back(MakeHistory({{"route", "/api/orders"}}, now, step, 121,
                                    [](int i) { return 0.2 + 0.002 * i; }));
  p99.history.push_back(MakeHistory({{"route", kHostileLabel}}, now, step, 121,
                                    [](int i) { return i > 100 ? 0.9 : 0.3; }));
  live.rules.push_back(p99);

  RuleResult rej = LiveRule("order-rejections", now, window);
  rej.expr = "sum(increase(orders_rejected_total[10m]))";
  rej.query = rej.expr;
  rej.fail = {"> 100"};
  rej.outcome = Outcome::kError;
  rej.reason = "query failed: connection refused";
  live.rules.push_back(rej);
  run.gates.push_back(live);

  GateResult pre;
  pre.name = "predeploy";
  pre.file = "gates/runbook/predeploy.yaml";
  pre.file_sha256 = std::string(64, 'b');
  pre.verdict = Outcome::kFail;
  RuleResult cov;
  cov.name = "line-coverage";
  cov.kind = "gate";
  cov.source = "coverage";
  cov.source_type = "coverage";
  cov.source_detail = "artifacts/coverage.xml (cobertura)";
  cov.expr = "coverage_line_percent";
  cov.pass = {">= 90"};
  cov.outcome = Outcome::kPass;
  cov.reason = "92.5 meets pass: >= 90";
  cov.series = {SeriesResult{{}, 92.5, std::nullopt, Outcome::kPass, ""}};
  pre.rules.push_back(cov);
  RuleResult bench;
  bench.name = "order-submit-latency";
  bench.kind = "gate";
  bench.source = "bench";
  bench.source_type = "pytest-benchmark";
  bench.source_detail = "artifacts/bench.json";
  bench.expr = "benchmark_mean_seconds";
  bench.pass = {"<= 0.5", "<= +10%"};
  bench.outcome = Outcome::kFail;
  bench.reason = "0.62 misses pass: <= 0.5";
  bench.baseline_source = "baselines/bench.json";
  bench.series = {SeriesResult{{{"name", "test_submit"}}, 0.62, 0.5,
                               Outcome::kFail, ""}};
  pre.rules.push_back(bench);
  run.gates.push_back(pre);
  return run;
}

// `rules` live rules, each one series over 24 h at 15 s (5761 points): a
// noisy wave with one failing spike; verdict fail.
inline RunResult BigRun(int rules) {
  const absl::Time now = HtmlEvalTime();
  const absl::Duration window = absl::Hours(24);
  RunResult run;
  run.command = "report";
  run.verdict = Outcome::kFail;
  run.eval_time = now;
  run.window = window;
  run.tool_version = "0.3.0";
  GateResult gate;
  gate.name = "big";
  gate.file = "gates/big.yaml";
  gate.verdict = Outcome::kFail;
  uint32_t seed = 12345;
  for (int r = 0; r < rules; ++r) {
    RuleResult rule = LiveRule(absl::StrCat("rule-", r), now, window);
    rule.expr = absl::StrCat("metric_", r);
    rule.query = rule.expr;
    rule.pass = {"< 80"};
    rule.fail = {"> 95"};
    rule.for_duration = "10m";
    rule.outcome = r == 0 ? Outcome::kFail : Outcome::kPass;
    rule.reason = "x";
    rule.series = {SeriesResult{{{"instance", absl::StrCat("node-", r)}}, 50,
                                std::nullopt, rule.outcome, ""}};
    rule.history = {MakeHistory(
        {{"instance", absl::StrCat("node-", r)}}, now, absl::Seconds(15),
        24 * 240 + 1, [&](int i) {
          seed = seed * 1664525u + 1013904223u;
          const double noise = (seed >> 8) % 1000 / 100.0;
          const double spike = (i / 240) % 7 == r % 7 && i % 240 < 20 ? 40 : 0;
          return 50 + 20 * std::sin(i / 400.0) + noise + spike;
        })};
    gate.rules.push_back(std::move(rule));
  }
  run.gates.push_back(std::move(gate));
  return run;
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_REPORTS_HTML_FIXTURES_H_
