// File: tests/reports/report_fixtures.h
// Hand-built RunResults shared by the report tests: one representative run
// (every outcome, dry run, several series, NaN/±Inf, baselines present and
// missing) rendered into the golden files, and a hostile one. Also the
// golden-file comparison and a helper that runs a command on a temp file.
#ifndef AURORA_TESTS_REPORTS_REPORT_FIXTURES_H_
#define AURORA_TESTS_REPORTS_REPORT_FIXTURES_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/strings.h"
#include "evaluator/result.h"
#include "gtest/gtest.h"

namespace aurora::testing {

inline absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) std::abort();
  return t;
}

// Two gates, every outcome and a dry-run rule, the verdict fail.
inline RunResult RepresentativeRun() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  RunResult run;
  run.verdict = Outcome::kFail;
  run.eval_time = At("2024-05-01T12:00:00Z");
  run.started = At("2024-05-01T11:59:58.5Z");
  run.duration_seconds = 1.75;
  run.tool_version = "0.1.0";
  run.tool_commit = "0123456789ab";
  run.settings = {{"commit", "abc123"}, {"env", "testnet"}};

  GateResult pre;
  pre.name = "predeploy";
  pre.title = "Pre-deployment checklist (runbook phase 1)";
  pre.file = "gates/runbook/predeploy.yaml";
  pre.file_sha256 =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  pre.verdict = Outcome::kFail;

  RuleResult cov;
  cov.name = "line-coverage";
  cov.group = "quality";
  cov.kind = "gate";
  cov.source = "coverage";
  cov.source_type = "coverage";
  cov.source_detail = "artifacts/coverage.xml (cobertura)";
  cov.expr = "coverage_line_percent";
  cov.query = "coverage_line_percent";
  cov.pass = {">= 90"};
  cov.severity = "critical";
  cov.outcome = Outcome::kPass;
  cov.reason = "92.5 >= 90";
  cov.series = {
      SeriesResult{{}, 92.5, std::nullopt, Outcome::kPass, "92.5 >= 90"}};
  cov.line = 12;
  cov.duration_seconds = 0.012;
  pre.rules.push_back(cov);

  RuleResult lat;
  lat.name = "order-submit-latency";
  lat.group = "quality";
  lat.kind = "gate";
  lat.source = "bench";
  lat.source_type = "pytest-benchmark";
  lat.source_detail = "artifacts/testnet_performance.json";
  lat.expr = "benchmark_mean_seconds{name=\"test_order_submit_latency\"}";
  lat.query = lat.expr;
  lat.pass = {"<= 0.5", "<= +10%"};
  lat.severity = "critical";
  lat.outcome = Outcome::kFail;
  lat.reason = "0.62 > 0.5 (pass: <= 0.5)";
  lat.series = {SeriesResult{{{"name", "test_order_submit_latency"}},
                             0.62,
                             0.5,
                             Outcome::kFail,
                             "0.62 > 0.5 (pass: <= 0.5); +24% > +10%"}};
  lat.baseline_source = "artifacts/baselines/performance_baseline.json";
  lat.line = 16;
  lat.duration_seconds = 0.003;
  pre.rules.push_back(lat);

  RuleResult branch;
  branch.name = "branch-coverage";
  branch.group = "quality";
  branch.kind = "gate";
  branch.source = "coverage";
  branch.source_type = "coverage";
  branch.source_detail = "artifacts/coverage.xml (cobertura)";
  branch.expr = "coverage_branch_percent";
  branch.query = "coverage_branch_percent";
  branch.pass = {">= 80"};
  branch.outcome = Outcome::kInconclusive;
  branch.reason = "value is NaN (nan: inconclusive)";
  branch.series = {SeriesResult{
      {}, nan, std::nullopt, Outcome::kInconclusive, "value is NaN"}};
  branch.line = 20;
  branch.duration_seconds = 0.001;
  pre.rules.push_back(branch);

  RuleResult mut;
  mut.name = "mutation-score";
  mut.group = "quality";
  mut.kind = "gate";
  mut.source = "mutation";
  mut.source_type = "mutation";
  mut.source_detail = "artifacts/mutation.json (stryker)";
  mut.expr = "mutation_score_percent";
  mut.query = "mutation_score_percent";
  mut.pass = {">= 80", ">= -2%"};
  mut.fail = {"< 60"};
  mut.outcome = Outcome::kWarn;
  mut.reason = "72.5 is between fail (< 60) and pass (>= 80)";
  mut.series = {SeriesResult{
      {{"module", "risk"}}, 72.5, std::nullopt, Outcome::kWarn, "72.5 < 80"}};
  mut.baseline_source = "artifacts/baselines/mutation.json";
  mut.baseline_missing = true;
  mut.warnings = {
      "baseline artifacts/baselines/mutation.json not found: "
      "relative criterion >= -2% not checked"};
  mut.line = 24;
  mut.duration_seconds = 0.02;
  pre.rules.push_back(mut);
  run.gates.push_back(pre);

  GateResult live;
  live.name = "golive";
  live.title = "Go-live stop conditions";
  live.file = "gates/runbook/golive.yaml";
  live.file_sha256 =
      "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
  live.verdict = Outcome::kFail;

  RuleResult err_rate;
  err_rate.name = "error-rate";
  err_rate.group = "live";
  err_rate.kind = "gate";
  err_rate.source = "prom";
  err_rate.source_type = "prometheus";
  err_rate.source_detail = "http://localhost:9090";
  err_rate.expr =
      "sum(rate(http_requests_total{status=~\"5..\"}[5m])) / "
      "sum(rate(http_requests_total[5m]))";
  err_rate.query = err_rate.expr;
  err_rate.pass = {"< 0.01"};
  err_rate.fail = {"> 0.05"};
  err_rate.for_duration = "5m";
  err_rate.severity = "critical";
  err_rate.outcome = Outcome::kPending;
  err_rate.reason = "0.07 > 0.05 for 2m of 5m";
  err_rate.series = {
      SeriesResult{{}, 0.07, std::nullopt, Outcome::kPending, "0.07 > 0.05"}};
  err_rate.labels = {{"team", "exchange"}};
  err_rate.annotations = {{"summary", "5xx ratio is {{ $value }}"}};
  err_rate.line = 8;
  err_rate.duration_seconds = 0.215;
  live.rules.push_back(err_rate);

  RuleResult p99;
  p99.name = "p99-latency";
  p99.group = "live";
  p99.kind = "alert";
  p99.source = "prom";
  p99.source_type = "prometheus";
  p99.source_detail = "http://localhost:9090";
  p99.expr =
      "histogram_quantile(0.99, sum by (le, route) "
      "(rate(http_request_duration_seconds_bucket[5m]))) > 0.5";
  p99.query =
      "histogram_quantile(0.99, sum by (le, route) "
      "(rate(http_request_duration_seconds_bucket[5m])))";
  p99.fail = {"> 0.5"};
  p99.severity = "warning";
  p99.outcome = Outcome::kFail;
  p99.reason = "2 of 7 series fail: > 0.5";
  const struct {
    const char* route;
    double value;
    Outcome outcome;
  } routes[] = {
      {"/api/orders", 0.31, Outcome::kPass},
      {"/api/quotes", inf, Outcome::kFail},
      {"/api/fills", 0.12, Outcome::kPass},
      {"/api/cancel", 0.74, Outcome::kFail},
      {"/api/book", 0.05, Outcome::kPass},
      {"/api/ticker", -inf, Outcome::kPass},
      {"/api/user", 0.2, Outcome::kPass},
  };
  for (const auto& r : routes) {
    p99.series.push_back(
        SeriesResult{{{"route", r.route}},
                     r.value,
                     std::nullopt,
                     r.outcome,
                     r.outcome == Outcome::kFail ? "> 0.5" : "<= 0.5"});
  }
  p99.line = 17;
  p99.duration_seconds = 0.198;
  live.rules.push_back(p99);

  RuleResult rej;
  rej.name = "order-rejections";
  rej.group = "live";
  rej.kind = "gate";
  rej.source = "prom";
  rej.source_type = "prometheus";
  rej.source_detail = "http://localhost:9090";
  rej.expr = "sum(increase(orders_rejected_total[10m]))";
  rej.query = rej.expr;
  rej.fail = {"> 100"};
  rej.outcome = Outcome::kError;
  rej.reason =
      "query failed: Post \"http://localhost:9090/api/v1/query\": "
      "connection refused";
  rej.line = 26;
  rej.duration_seconds = 1.002;
  live.rules.push_back(rej);

  RuleResult canary;
  canary.name = "canary-saturation";
  canary.group = "";
  canary.kind = "gate";
  canary.source = "prom";
  canary.source_type = "prometheus";
  canary.source_detail = "http://localhost:9090";
  canary.expr =
      "max(node_load1) / count(node_cpu_seconds_total{mode=\"idle\"})";
  canary.query = canary.expr;
  canary.warn = {"< 0.7"};
  canary.fail = {">= 0.9"};
  canary.dry_run = true;
  canary.outcome = Outcome::kFail;
  canary.reason = "0.93 >= 0.9";
  canary.series = {SeriesResult{{}, 0.93, 0.41, Outcome::kFail, "0.93 >= 0.9"}};
  canary.line = 33;
  canary.duration_seconds = 0.05;
  live.rules.push_back(canary);
  run.gates.push_back(live);
  return run;
}

// One gate whose strings carry <script>, |, quotes, backticks, newlines,
// control characters (ESC, NUL, BEL), invalid UTF-8 and non-ASCII text.
inline RunResult HostileRun() {
  RunResult run;
  run.verdict = Outcome::kFail;
  run.eval_time = At("2024-05-01T12:00:00Z");
  run.started = At("2024-05-01T12:00:00Z");
  run.tool_version = "0.1.0<b>";
  run.settings = {{"note", "a|b `c` <i>d</i>"}, {"", "empty key"}};
  GateResult gate;
  gate.name = "h\xC3\xA9t\xC3\xA9rog\xC3\xA8ne <script>alert(1)</script>";
  gate.title = "Title with \"quotes\" & 'apostrophes' | pipe\nnew line";
  gate.file = "gates/\xE6\x97\xA5\xE6\x9C\xAC.yaml";
  gate.verdict = Outcome::kFail;
  RuleResult rule;
  rule.name = "rule|name`with`<b>bold</b>\x1b[31mred\x07";
  rule.group = "grp\x01\x02";
  rule.kind = "gate";
  rule.source = "prom";
  rule.source_type = "prometheus";
  rule.source_detail = "http://localhost:9090/?a=1&b=2";
  rule.expr = "up{job=\"a|b\"} \n > 0";
  rule.query = "up{job=\"a|b\"}";
  rule.pass = {"> 0"};
  rule.outcome = Outcome::kFail;
  rule.reason =
      std::string("bad") + '\0' + "byte ]]> <script>x</script> \xFF\xFE end";
  Labels hostile;
  hostile.Set("job", "<script>alert('x')</script>|`x`\n\x1b[2J");
  hostile.Set("bad_utf8", "\xC3\x28\xED\xA0\x80");  // invalid 2-byte, surrogate
  rule.series = {SeriesResult{hostile, 0, std::nullopt, Outcome::kFail,
                              "0 <= 0 \x0b\x0c"}};
  rule.warnings = {"warn\r\nline two", "\xEF\xBF\xBE noncharacter U+FFFE"};
  rule.labels = {{"k\x01", "v\x1b"}};
  rule.annotations = {{"summary", "<img src=x onerror=alert(1)>"}};
  rule.duration_seconds = 0.5;
  gate.rules.push_back(rule);
  run.gates.push_back(gate);
  return run;
}

// A run with one gate and one rule of the given outcome.
inline RunResult SingleRuleRun(Outcome outcome, bool dry_run = false,
                               bool strict = false) {
  RunResult run;
  run.strict = strict;
  run.verdict = dry_run ? Outcome::kPass : outcome;
  run.eval_time = At("2024-05-01T12:00:00Z");
  run.started = At("2024-05-01T12:00:00Z");
  GateResult gate;
  gate.name = "g";
  gate.verdict = run.verdict;
  RuleResult rule;
  rule.name = "r";
  rule.group = "grp";
  rule.kind = "gate";
  rule.source = "s";
  rule.source_type = "json";
  rule.expr = "x";
  rule.query = "x";
  rule.pass = {"<= 1"};
  rule.outcome = outcome;
  rule.dry_run = dry_run;
  rule.reason = absl::StrCat("reason ", Sv(OutcomeName(outcome)));
  rule.series = {SeriesResult{{}, 2, std::nullopt, outcome, "2 > 1"}};
  gate.rules.push_back(rule);
  run.gates.push_back(gate);
  return run;
}

// Compares `actual` with tests/testdata/golden/<name>; the whole text must
// match. With AURORA_UPDATE_GOLDEN=1 in the environment the file is rewritten
// instead (and the test fails, so a regeneration is never silent).
inline void ExpectMatchesGolden(const std::string& actual,
                                const std::string& name) {
  const std::string path = std::string(AURORA_TESTDATA_DIR) + "/golden/" + name;
  const char* update = std::getenv("AURORA_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    ADD_FAILURE() << "rewrote golden file " << path
                  << " (AURORA_UPDATE_GOLDEN=1); review and commit it";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read golden file " << path;
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "differs from " << path;
}

// Writes `content` to a fresh temporary file; returns its path.
inline std::string WriteTempFile(const std::string& content,
                                 const std::string& suffix) {
  std::string tmpl = (std::filesystem::temp_directory_path() /
                      ("aurora-report-XXXXXX" + suffix))
                         .string();
  const int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) std::abort();
  close(fd);
  std::ofstream(tmpl, std::ios::binary) << content;
  return tmpl;
}

// Runs a shell command; returns its exit status (127 when the shell cannot
// find it, -1 when it could not be started) and fills `output` with its
// stdout and stderr.
inline int RunCommand(const std::string& command, std::string* output) {
  output->clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_REPORTS_REPORT_FIXTURES_H_
