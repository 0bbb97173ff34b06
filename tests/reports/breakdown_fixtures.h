// File: tests/reports/breakdown_fixtures.h
// A hand-built RunResult for issue 11.9 (values with units, baselines with
// their change) and issue 13.6 (mutation per module, security per severity
// and the findings behind a failing rule), rendered into its own golden
// files (units_breakdowns.*).
#ifndef AURORA_TESTS_REPORTS_BREAKDOWN_FIXTURES_H_
#define AURORA_TESTS_REPORTS_BREAKDOWN_FIXTURES_H_

#include <limits>

#include "evaluator/result.h"
#include "tests/reports/report_fixtures.h"

namespace aurora::testing {

inline RuleResult UnitRule(std::string name, std::string source_type,
                           std::string unit, std::string expr) {
  RuleResult r;
  r.name = std::move(name);
  r.group = "checks";
  r.kind = "gate";
  r.source = source_type;
  r.source_type = std::move(source_type);
  r.source_detail = "artifacts/" + r.source;
  r.expr = expr;
  r.query = std::move(expr);
  r.severity = "critical";
  r.unit = std::move(unit);
  return r;
}

inline FindingResult Finding(std::string severity, std::string tool,
                             std::string rule, std::string file, int line,
                             std::string package, std::string title) {
  FindingResult f;
  f.severity = std::move(severity);
  f.tool = std::move(tool);
  f.category = f.tool == "trivy" ? "vulnerability" : "code";
  f.rule = std::move(rule);
  f.file = std::move(file);
  f.line = line;
  f.package = std::move(package);
  f.title = std::move(title);
  return f;
}

inline MutationModuleResult Module(std::string name, double killed,
                                   double survived, double timeout,
                                   double no_coverage) {
  MutationModuleResult m;
  m.module = std::move(name);
  m.mutants = {{"killed", killed},           {"survived", survived},
               {"timeout", timeout},         {"no_coverage", no_coverage},
               {"compile_error", 0},         {"ignored", 0}};
  m.total = killed + survived + timeout + no_coverage;
  const double detected = killed + timeout;
  m.score_percent = m.total == 0 ? std::numeric_limits<double>::quiet_NaN()
                                 : 100 * detected / m.total;
  m.covered_percent = detected + survived == 0
                          ? std::numeric_limits<double>::quiet_NaN()
                          : 100 * detected / (detected + survived);
  return m;
}

inline RunResult UnitsAndBreakdownsRun() {
  RunResult run;
  run.verdict = Outcome::kFail;
  run.eval_time = At("2026-11-27T08:00:00Z");
  run.started = At("2026-11-27T07:59:59Z");
  run.duration_seconds = 0.5;
  run.tool_version = "0.1.0";
  run.hostname = "ci-runner-7";

  GateResult g;
  g.name = "predeploy";
  g.title = "Pre-deployment checklist";
  g.file = "gates/runbook/predeploy.yaml";
  g.verdict = Outcome::kFail;

  RuleResult lat = UnitRule("order-submit-latency", "pytest-benchmark", "seconds",
                            "benchmark_mean_seconds{name=\"test_order_submit_latency\"}");
  lat.pass = {"<= 0.5", "<= +10%"};
  lat.outcome = Outcome::kFail;
  lat.reason = "1 of 1 series fail";
  lat.series = {SeriesResult{{{"name", "test_order_submit_latency"}}, 0.2389,
                             0.215, Outcome::kFail, "misses <= +10%"}};
  lat.baseline_source = "artifacts/baselines/performance_baseline.json";
  g.rules.push_back(lat);

  RuleResult cov = UnitRule("line-coverage", "coverage", "percent",
                            "coverage_line_percent");
  cov.pass = {"> 90"};
  cov.reason = "meets pass";
  cov.series = {SeriesResult{{}, 93.4915, std::nullopt, Outcome::kPass, ""}};
  g.rules.push_back(cov);

  RuleResult err = UnitRule("error-rate", "prometheus", "ratio",
                            "sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))");
  err.pass = {"< 0.01"};
  err.warn = {"<= +0.002"};
  err.fail = {"> 0.05"};
  err.reason = "meets pass";
  err.series = {SeriesResult{{}, 0.0048, std::nullopt, Outcome::kPass, ""}};
  g.rules.push_back(err);

  RuleResult mem = UnitRule("resident-memory", "prometheus", "bytes",
                            "max(process_resident_memory_bytes)");
  mem.pass = {"< 536870912"};
  mem.reason = "meets pass";
  mem.series = {SeriesResult{{}, 409600000, std::nullopt, Outcome::kPass, ""}};
  g.rules.push_back(mem);

  RuleResult mut = UnitRule("mutation-critical-modules", "mutation", "percent",
                            "mutation_score_percent{module=~\"aurora/(risk|execution).*\"}");
  mut.pass = {"> 80"};
  mut.outcome = Outcome::kFail;
  mut.reason = "1 of 2 series fail";
  mut.series = {
      SeriesResult{{{"module", "aurora/execution"}}, 62.5, std::nullopt,
                   Outcome::kFail, "misses > 80"},
      SeriesResult{{{"module", "aurora/risk"}}, 90, std::nullopt, Outcome::kPass, ""}};
  g.rules.push_back(mut);

  RuleResult sec = UnitRule("security-scan", "security", "",
                            "sum(security_findings{severity=~\"high|critical\"})");
  sec.pass = {"== 0"};
  sec.outcome = Outcome::kFail;
  sec.reason = "3 misses pass: == 0";
  sec.series = {SeriesResult{{}, 3, std::nullopt, Outcome::kFail, "misses == 0"}};
  sec.findings = {
      Finding("critical", "trivy", "CVE-2023-37920", "requirements.txt", 0,
              "certifi@2022.12.7", "certifi: Removal of e-Tugra root certificate"),
      Finding("high", "bandit", "B602", "aurora/execution/router.py", 41, "",
              "subprocess call with shell=True identified"),
      Finding("high", "bandit", "B324", "aurora/risk/hashing.py", 9, "",
              "Use of weak MD5 hash for security")};
  sec.findings_total = 3;
  g.rules.push_back(sec);

  SourceBreakdown mb;
  mb.name = "mutation";
  mb.type = "mutation";
  mb.detail = "artifacts/mutation/mutation.json (Stryker mutation-testing-report JSON)";
  MutationBreakdown m;
  m.modules = {Module("aurora/execution", 20, 10, 5, 5),
               Module("aurora/risk", 40, 4, 5, 0),
               Module(".", 3, 0, 0, 1)};
  m.total = Module("", 63, 14, 10, 6);
  mb.mutation = m;
  g.breakdowns.push_back(mb);

  SourceBreakdown sb;
  sb.name = "security";
  sb.type = "security";
  sb.detail = "artifacts/security/*.json (Bandit JSON, Trivy JSON)";
  SecurityBreakdown s;
  s.by_severity = {{"critical", 1, 0}, {"high", 2, 1}, {"medium", 4, 0},
                   {"low", 7, 0},      {"unknown", 0, 0}};
  s.tools = {"bandit", "trivy"};
  s.top = sec.findings;
  s.top.push_back(Finding("medium", "bandit", "B108", "aurora/tmp.py", 3, "",
                          "Probable insecure usage of temp file/directory"));
  s.findings_total = 14;
  sb.security = s;
  g.breakdowns.push_back(sb);

  run.gates.push_back(g);
  return run;
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_REPORTS_BREAKDOWN_FIXTURES_H_
