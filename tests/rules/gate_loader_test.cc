#include "rules/gate_loader.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

VarLookup Vars(std::map<std::string, std::string> m = {}) {
  return [m](const std::string& name) -> std::optional<std::string> {
    auto it = m.find(name);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> Errors(std::string_view text,
                                std::map<std::string, std::string> vars = {}) {
  LoadedGate g = ParseGate("gate.yaml", text, Vars(vars));
  std::vector<std::string> out;
  for (const auto& e : g.errors) out.push_back(e.ToString());
  return out;
}

constexpr char kSources[] = R"(sources:
  cov: { type: coverage, path: coverage.xml }
  bench: { type: pytest-benchmark, path: b.json, baseline: base.json }
)";

TEST(GateLoaderTest, LoadsTheNativeForm) {
  LoadedGate g = ParseGate("gates/pre.yaml", std::string(kSources) + R"(gate: predeploy
title: Pre-deployment
defaults: { no_data: fail, series: any }
groups:
  - name: quality
    rules:
      - name: line-coverage
        source: cov
        expr: coverage_line_percent
        pass: ">= 90"
        fail: "< 85"
      - name: latency
        source: bench
        expr: benchmark_mean_seconds{name="test_order_submit_latency"}
        pass: ["<= 0.5", "<= +10%"]
        dry_run: true
)",
                           Vars());
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_EQ(g.gate.name, "predeploy");
  EXPECT_EQ(g.gate.title, "Pre-deployment");
  ASSERT_EQ(g.gate.groups.size(), 1u);
  const auto& rules = g.gate.groups[0].rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, "line-coverage");
  EXPECT_EQ(rules[0].group, "quality");
  EXPECT_EQ(rules[0].source, "cov");
  EXPECT_EQ(rules[0].pass.size(), 1u);
  EXPECT_EQ(rules[0].fail.size(), 1u);
  EXPECT_EQ(rules[0].policies.no_data, Outcome::kFail);  // from defaults
  EXPECT_TRUE(rules[0].policies.series_any);
  EXPECT_EQ(rules[0].pos.line, 10);
  EXPECT_EQ(rules[0].pos.column, 9);
  EXPECT_EQ(rules[1].pass.size(), 2u);
  EXPECT_TRUE(rules[1].pass[1].relative());
  EXPECT_TRUE(rules[1].policies.dry_run);
  EXPECT_EQ(g.gate.sha256.size(), 64u);
}

TEST(GateLoaderTest, APrometheusAlertFileIsAValidGateFile) {
  LoadedGate g = ParseGate("alerts.yml", R"(groups:
  - name: aurora-critical
    rules:
      - alert: HighErrorRate
        expr: rate(http_requests_total{status=~"5.."}[5m]) / rate(http_requests_total[5m]) > 0.05
        for: 5m
        labels: { severity: critical }
        annotations: { summary: "error rate {{ $value | humanizePercentage }}" }
      - alert: CoverageDrop
        expr: aurora_test_coverage < 90
        for: 15m
      - record: job:up:sum
        expr: sum(up) by (job)
)",
                           Vars());
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_TRUE(g.gate.prometheus_rule_file);
  EXPECT_EQ(g.gate.name, "alerts");
  ASSERT_EQ(g.gate.sources.count("prometheus"), 1u);
  const auto& rules = g.gate.groups[0].rules;
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].kind, Rule::Kind::kAlert);
  EXPECT_EQ(rules[0].policies.severity, "critical");
  EXPECT_EQ(rules[0].for_duration, absl::Minutes(5));
  EXPECT_EQ(rules[0].query,
            "rate(http_requests_total{status=~\"5..\"}[5m]) / "
            "rate(http_requests_total[5m])");
  ASSERT_TRUE(rules[0].condition.has_value());
  EXPECT_EQ(rules[0].condition->threshold, 0.05);
  EXPECT_EQ(rules[0].annotations.at("summary"),
            "error rate {{ $value | humanizePercentage }}");
  EXPECT_EQ(rules[1].policies.severity, "warning");  // no severity label
  EXPECT_EQ(rules[2].kind, Rule::Kind::kRecord);
}

TEST(GateLoaderTest, ExpandsVariablesFromTheLookup) {
  LoadedGate g = ParseGate("g.yaml", R"(sources:
  cov: { type: coverage, path: "${ARTIFACTS:-artifacts}/coverage.xml" }
groups:
  - name: q
    rules:
      - { name: lines, expr: coverage_line_percent, pass: ">= ${MIN_LINES}" }
)",
                           Vars({{"MIN_LINES", "90"}}));
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_EQ(g.gate.sources.at("cov").path, "artifacts/coverage.xml");
  EXPECT_EQ(g.gate.groups[0].rules[0].pass[0].number, 90);
}

TEST(GateLoaderTest, SecuritySourceTakesPathListAndIgnoreEntries) {
  LoadedGate g = ParseGate("g.yaml", R"(sources:
  sec:
    type: security
    path: [trivy.json, "sarif/*.sarif"]
    ignore:
      - { id: CVE-2019-14697, reason: "musl unused", expires: 2027-01-31 }
      - { id: B602, path: "tools/*", reason: "build scripts only" }
  mut: { type: mutation, path: m.json, module_depth: 2 }
groups:
  - name: q
    rules:
      - { name: s, source: sec, expr: 'sum(security_findings{severity="high"})', pass: "== 0" }
      - { name: m, source: mut, expr: mutation_score_percent, pass: ">= 80" }
)",
                           Vars());
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  const SourceSpec& sec = g.gate.sources.at("sec");
  EXPECT_THAT(sec.paths, ElementsAre("trivy.json", "sarif/*.sarif"));
  EXPECT_EQ(sec.path, "trivy.json, sarif/*.sarif");
  ASSERT_EQ(sec.ignore.size(), 2u);
  EXPECT_EQ(sec.ignore[0].id, "CVE-2019-14697");
  EXPECT_EQ(sec.ignore[0].expires, absl::CivilDay(2027, 1, 31));
  EXPECT_EQ(sec.ignore[1].path, "tools/*");
  EXPECT_FALSE(sec.ignore[1].expires.has_value());
  EXPECT_EQ(g.gate.sources.at("mut").module_depth, 2);
}

TEST(GateLoaderTest, IgnoreEntryNeedsIdAndReasonAndADate) {
  EXPECT_THAT(
      Errors(R"(sources:
  sec:
    type: security
    path: s.json
    ignore:
      - { reason: "x" }
      - { id: CVE-1, reason: "  " }
      - { id: CVE-2, reason: y, expires: 2027-02-30 }
      - { id: CVE-3 }
groups:
  - name: q
    rules:
      - { name: s, source: sec, expr: security_findings, pass: "== 0" }
)"),
      ElementsAre(
          "gate.yaml:6:9: source \"sec\": ignore: missing key \"id\" (a rule "
          "id or CVE id)",
          "gate.yaml:7:30: source \"sec\": ignore: \"reason\" must not be "
          "empty",
          "gate.yaml:8:42: source \"sec\": ignore: expires: expected a date "
          "YYYY-MM-DD, got \"2027-02-30\"",
          "gate.yaml:9:9: source \"sec\": ignore: missing key \"reason\" (why "
          "the finding is accepted; shown in reports)"));
}

// Each bad file and the full text of every error it must produce.
TEST(GateLoaderTest, InvalidYamlNamesTheLine) {
  EXPECT_THAT(Errors("groups:\n  - name: a\n    rules: [\n"),
              ElementsAre("gate.yaml:4:1: invalid YAML: end of sequence flow "
                          "not found"));
}

TEST(GateLoaderTest, EmptyAndNonMappingFiles) {
  // Issue 12.9: an empty file is valid, as in Prometheus (no rules; see
  // prometheus_compat_loader_test.cc for the note it gets).
  EXPECT_THAT(Errors(""), ElementsAre());
  EXPECT_THAT(Errors("- a\n- b\n"),
              ElementsAre("gate.yaml:1:1: expected a mapping with \"groups\" "
                          "at the top level, got a list"));
  EXPECT_THAT(Errors("title: x\n"),
              ElementsAre("gate.yaml:1:1: missing key \"groups\": a gate file "
                          "needs a list of groups of rules"));
}

// Issue 10.2: a stricter rule after `---` disappeared and the gate passed.
TEST(GateLoaderTest, ASecondYamlDocumentIsAnErrorNeverDropped) {
  const std::string first = std::string(kSources) + R"(groups:
  - name: q
    source: cov
    rules:
      - { name: a, expr: coverage_line_percent, pass: "> 10" }
)";
  EXPECT_THAT(Errors(first + "---\ngroups:\n  - name: stricter\n"),
              ElementsAre("gate.yaml:10:1: a second YAML document (after "
                          "\"---\"): a gate file holds one document; put "
                          "the rules of the others in its groups or in a file "
                          "of their own (Prometheus would ignore them, "
                          "aurora-gate does not drop rules silently)"));
  // Empty documents around the one that holds the gate are harmless.
  EXPECT_THAT(Errors("---\n" + first + "---\n"), ElementsAre());
  EXPECT_THAT(Errors(first + "...\n---\n# nothing\n"), ElementsAre());
}

// Issue 10.5: a threshold that overflows a double is a gate-file error at
// its position, not a criterion that always holds.
TEST(GateLoaderTest, AThresholdThatOverflowsIsAnError) {
  EXPECT_THAT(
      Errors(std::string(kSources) + R"(groups:
  - name: q
    source: cov
    rules:
      - { name: a, expr: coverage_line_percent, pass: "< 1e400" }
)"),
      ElementsAre("gate.yaml:8:58: group \"q\": rule \"a\": pass: invalid "
                  "criterion \"< 1e400\": \"1e400\" is not a finite number "
                  "(a threshold must lie within ±1.8e308); expected an "
                  "operator (<, <=, >, >=, ==, !=) and a number, e.g. \">= "
                  "90\" or \"<= +10%\""));
}

// Review of issue 10.5: a condition's number that overflows (or NaN) made
// `x > 1e400` never fire: a gate-file error, in alert files and artifact
// gates alike.
TEST(GateLoaderTest, AConditionWhoseNumberIsNotFiniteIsAnError) {
  EXPECT_THAT(Errors(R"(groups:
  - name: a
    rules:
      - alert: Errors
        expr: sum(rate(errors[5m])) > 1e400
)"),
              ElementsAre("gate.yaml:5:37: group \"a\": rule \"Errors\": "
                          "expr: the comparison's number (+Inf) is not "
                          "finite: a threshold must lie within ±1.8e308, or "
                          "the condition never (or always) holds"));
  EXPECT_THAT(Errors(std::string(kSources) + R"(groups:
  - name: q
    source: cov
    rules:
      - { name: a, expr: coverage_line_percent < NaN }
)"),
              ElementsAre(::testing::HasSubstr(
                  "expr: the comparison's number (NaN) is not finite")));
}

TEST(GateLoaderTest, UnknownKeysAreRejectedWithAHint) {
  EXPECT_THAT(
      Errors(std::string(kSources) + R"(groups:
  - name: q
    rules:
      - name: lines
        source: cov
        expr: coverage_line_percent
        pas: ">= 90"
)"),
      ElementsAre(
          "gate.yaml:7:9: group \"q\": rule \"lines\": no criteria: add "
          "pass/warn/fail (e.g. pass: \">= 90\") or end expr with a "
          "comparison (e.g. expr: ... > 0.05)",
          "gate.yaml:10:9: group \"q\": rule \"lines\": unknown key \"pas\" in "
          "a rule, did you mean \"pass\"? (expected one of: name, alert, "
          "record, expr, source, description, pass, warn, fail, for, "
          "keep_firing_for, labels, annotations, no_data, nan, series, "
          "severity, dry_run, failure_limit, consecutive_failure_limit, "
          "consecutive_error_limit, unit, baseline)"));
}

TEST(GateLoaderTest, ExpressionErrorsPointAtTheColumn) {
  EXPECT_THAT(
      Errors(std::string(kSources) + R"(groups:
  - name: q
    rules:
      - name: lines
        source: cov
        expr: coverage_lines_percent
        pass: ">= 90"
      - name: tests
        source: cov
        expr: sum(rate(coverage_line_percent[5m]))
        pass: ">= 90"
)"),
      ElementsAre(
          "gate.yaml:9:15: group \"q\": rule \"lines\": expr: unknown metric "
          "\"coverage_lines_percent\" for a coverage source, did you mean "
          "\"coverage_line_percent\"? (coverage yields: "
          "coverage_line_percent, coverage_lines_covered, "
          "coverage_lines_valid, coverage_branch_percent, "
          "coverage_branches_covered, coverage_branches_valid, "
          "coverage_function_percent, coverage_functions_covered, "
          "coverage_functions_valid, coverage_instruction_percent, "
          "coverage_instructions_covered, coverage_instructions_valid, "
          "coverage_method_percent, coverage_methods_covered, "
          "coverage_methods_valid, coverage_class_percent, "
          "coverage_classes_covered, coverage_classes_valid, "
          "coverage_complexity_percent, coverage_complexity_covered, "
          "coverage_complexity_valid, coverage_combined_percent)",
          "gate.yaml:13:19: group \"q\": rule \"tests\": expr: unknown "
          "function \"rate\": artifact expressions support sum, min, max, "
          "avg, count"));
}

TEST(GateLoaderTest, CriteriaAndPolicyErrors) {
  EXPECT_THAT(
      Errors(std::string(kSources) + R"(groups:
  - name: q
    source: cov
    rules:
      - name: a
        expr: coverage_line_percent
        pass: ">= ninety"
        no_data: maybe
        series: some
      - name: b
        expr: coverage_line_percent
        pass: "<= +10%"
      - name: c
        expr: coverage_line_percent
        pass: { min: 90 }
        for: 5m
)"),
      ElementsAre(
          "gate.yaml:10:19: group \"q\": rule \"a\": pass: invalid criterion "
          "\">= ninety\": \"ninety\" is not a number; expected an operator "
          "(<, <=, >, >=, ==, !=) and a number, e.g. \">= 90\" or \"<= +10%\"",
          "gate.yaml:11:18: group \"q\": rule \"a\": no_data: expected one "
          "of pass, warn, inconclusive, error, fail, got \"maybe\"",
          "gate.yaml:12:17: group \"q\": rule \"a\": series: expected all or "
          "any, got \"some\"",
          "gate.yaml:13:9: group \"q\": rule \"b\": criterion \"<= +10%\" is "
          "relative to a baseline, but source \"cov\" has no \"baseline\" "
          "file",
          "gate.yaml:18:15: group \"q\": rule \"c\": pass: expected a "
          "criterion such as \">= 90\" or a list of them, got a mapping",
          "gate.yaml:19:14: group \"q\": rule \"c\": \"for\" and "
          "\"keep_firing_for\" need a live source with history; source "
          "\"cov\" is a coverage artifact"));
}

TEST(GateLoaderTest, SourceErrors) {
  EXPECT_THAT(
      Errors(R"(sources:
  cov: { type: coverge, path: c.xml }
  mut: { type: mutation, path: m.json, ignore: [] }
  j: { type: junit }
  p: { type: prometheus, path: x }
groups:
  - name: q
    rules:
      - { name: a, source: nope, expr: x, pass: "> 1" }
      - { name: b, expr: "x", pass: "> 1" }
)"),
      ElementsAre(
          "gate.yaml:2:16: source \"cov\": unknown source type \"coverge\", "
          "did you mean \"coverage\"? (expected one of: coverage, "
          "pytest-benchmark, junit, mutation, security, json, http, "
          "prometheus, env, command)",
          "gate.yaml:3:40: source \"mut\": \"ignore\" is for security "
          "sources",
          "gate.yaml:4:3: source \"j\": missing key \"path\": a junit source "
          "reads an artifact file",
          "gate.yaml:5:26: source \"p\": \"path\" is for artifact sources; a "
          "prometheus source takes \"url\"",
          "gate.yaml:9:28: group \"q\": rule \"a\": source \"nope\" is not "
          "declared (declared: cov, j, mut, p)"));
}

TEST(GateLoaderTest, UnsetVariableIsAnErrorAtItsColumn) {
  EXPECT_THAT(
      Errors(R"(sources:
  cov: { type: coverage, path: "${ARTIFACTS}/coverage.xml" }
groups:
  - name: q
    rules:
      - { name: a, expr: coverage_line_percent, pass: "> 1" }
)"),
      ElementsAre("gate.yaml:2:33: source \"cov\": path: ${ARTIFACTS} is not "
                  "set and has no default; set it (environment or --set "
                  "ARTIFACTS=VALUE) or write ${ARTIFACTS:-default}"));
}

TEST(GateLoaderTest, RuleShapeErrors) {
  EXPECT_THAT(
      Errors(std::string(kSources) + R"(groups:
  - name: q
    source: cov
    rules:
      - expr: coverage_line_percent
        pass: "> 1"
      - name: a
        alert: b
        expr: coverage_line_percent
      - name: c
        pass: "> 1"
      - alert: d
        expr: coverage_line_percent > 1
        pass: "> 1"
      - name: e
        expr: coverage_line_percent > 1
        pass: "> 1"
  - name: q
    rules: []
)"),
      ElementsAre(
          "gate.yaml:8:9: group \"q\": rule 1: missing key \"name\" (or "
          "\"alert\" for a Prometheus alerting rule)",
          "gate.yaml:10:9: group \"q\": rule \"b\": a rule has exactly one of "
          "\"name\", \"alert\" or \"record\"",
          "gate.yaml:13:9: group \"q\": rule \"c\": missing key \"expr\"",
          "gate.yaml:15:9: group \"q\": rule \"d\": a Prometheus alert rule "
          "takes no pass/warn/fail; its expression is the condition",
          "gate.yaml:19:15: group \"q\": rule \"e\": expr ends in a "
          "comparison and the rule also has pass/warn/fail: use one or the "
          "other",
          "gate.yaml:21:11: duplicate group name \"q\""));
}

TEST(GateLoaderTest, DuplicateKeysAndBadDurations) {
  EXPECT_THAT(
      Errors(R"(groups:
  - name: live
    interval: 1m30
    rules:
      - alert: A
        expr: up == 0
        for: 5min
        for: 5m
)"),
      ElementsAre(
          "gate.yaml:3:15: group \"live\": interval: invalid duration "
          "\"1m30\": missing unit, expected one of ms, s, m, h, d, w, y",
          "gate.yaml:7:14: group \"live\": rule \"A\": for: invalid duration "
          "\"5min\": unknown unit \"min\", expected one of ms, s, m, h, d, w, "
          "y",
          "gate.yaml:8:9: group \"live\": rule \"A\": duplicate key \"for\" "
          "in a rule"));
}

TEST(GateLoaderTest, ReportsEveryErrorOfAFileAtOnce) {
  std::vector<std::string> errors = Errors(R"(gate: x
bogus: 1
sources:
  cov: { type: coverage, path: c.xml }
groups:
  - name: q
    rules:
      - { name: a, expr: "coverage_line_percent{", pass: "> 1" }
      - { name: b, expr: coverage_line_percent, pass: "1" }
)");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("gate.yaml:2:1: unknown key "
                                               "\"bogus\" in the gate file"));
  EXPECT_THAT(errors[1], ::testing::StartsWith("gate.yaml:8:49: group \"q\": "
                                               "rule \"a\": expr: "));
  EXPECT_THAT(errors[2], ::testing::StartsWith("gate.yaml:9:56: group \"q\": "
                                               "rule \"b\": pass: invalid "
                                               "criterion \"1\": missing "
                                               "operator"));
}

TEST(GateLoaderTest, BlockScalarExpressionErrorsPointIntoTheBlock) {
  std::vector<std::string> errors = Errors(R"(sources:
  cov: { type: coverage, path: c.xml }
groups:
  - name: q
    rules:
      - name: a
        expr: |
          sum(
            coverage_line_percent{file=~"a.*"}
          ) / bogus_metric
        pass: "> 1"
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith(
                             "gate.yaml:10:15: group \"q\": rule \"a\": expr: "
                             "unknown metric \"bogus_metric\""));
}

// Issue 10.13: /dev/zero as a gate file grew without limit. A gate file is
// read up to 16 MiB, then refused naming the file and the limit.
TEST(GateLoaderTest, AGateFileOverSixteenMebibytesIsRefused) {
  testing::FakeFileReader files;
  files.Add("huge.yaml", std::string((size_t{16} << 20) + 1, '#'));
  LoadedGate g = LoadGateFile("huge.yaml", files, Vars());
  ASSERT_EQ(g.errors.size(), 1u);
  EXPECT_THAT(g.errors[0].ToString(),
              ::testing::HasSubstr("huge.yaml: cannot read gate file: "));
  EXPECT_THAT(g.errors[0].ToString(),
              ::testing::HasSubstr("16777216-byte limit"));
  // At the limit it is read (all comment: an empty rule file, issue 12.9).
  files.Add("big.yaml", std::string(size_t{16} << 20, '#'));
  LoadedGate big = LoadGateFile("big.yaml", files, Vars());
  EXPECT_TRUE(big.ok());
  ASSERT_EQ(big.notes.size(), 1u);
  EXPECT_THAT(big.notes[0].ToString(), ::testing::HasSubstr("empty file"));
}

TEST(GateLoaderTest, MissingFileIsOneError) {
  testing::FakeFileReader files;
  LoadedGate g = LoadGateFile("nope.yaml", files, Vars());
  ASSERT_EQ(g.errors.size(), 1u);
  EXPECT_EQ(g.errors[0].ToString(),
            "nope.yaml: cannot read gate file: no such file");
}

// Issue 12.9 (was an error): as in Prometheus, a file without rules is
// valid; the gate decides nothing, passes, and says so.
TEST(GateLoaderTest, AGateWithoutRulesDecidesNothingAndSaysSo) {
  LoadedGate g = ParseGate("gate.yaml", "groups: []\n", Vars());
  EXPECT_TRUE(g.ok());
  ASSERT_EQ(g.notes.size(), 1u);
  EXPECT_EQ(g.notes[0].ToString(),
            "gate.yaml:1:9: no rules: the gate decides nothing (it passes)");
}

}  // namespace
}  // namespace aurora
