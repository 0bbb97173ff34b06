// Issue 13.6: a gate run carries what reports show for mutation and security
// sources (per-module table, per-severity table, the findings behind a
// failing rule); issue 11.9: each rule result carries its unit.
#include "gates/core/run_gate.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using testing::LoadGate;
using testing::FindRule;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

// One Stryker file entry: `killed` Killed, `survived` Survived, `nocov`
// NoCoverage mutants.
std::string StrykerFile(const std::string& path, int killed, int survived,
                        int nocov) {
  std::string mutants;
  for (int i = 0; i < killed + survived + nocov; ++i) {
    if (!mutants.empty()) mutants += ",";
    const char* status = i < killed              ? "Killed"
                         : i < killed + survived ? "Survived"
                                                 : "NoCoverage";
    mutants += R"({"id": ")" + path + std::to_string(i) +
               R"(", "mutatorName": "M", "location": {"start": {"line": 1, "column": 1},
                  "end": {"line": 1, "column": 2}}, "status": ")" + status + "\"}";
  }
  return "\"" + path + R"(": {"language": "python", "source": "x", "mutants": [)" +
         mutants + "]}";
}

TEST(BreakdownRunTest, MutationSourceHasAPerModuleTable) {
  testing::FakeFileReader files;
  files.Add("m.json", R"({"schemaVersion": "2", "thresholds": {"high": 80, "low": 60},
    "files": {)" + StrykerFile("aurora/risk/limits.py", 9, 1, 0) + "," +
                          StrykerFile("aurora/execution/router.py", 5, 3, 2) + "," +
                          StrykerFile("setup.py", 1, 0, 0) + "}}");
  GateFile gate = LoadGate(R"(sources:
  m: { type: mutation, path: m.json }
groups:
  - name: g
    source: m
    rules:
      - { name: critical, expr: 'mutation_score_percent{module=~"aurora/.*"}', pass: "> 80" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "critical").unit, "percent");
  ASSERT_EQ(r.breakdowns.size(), 1u);
  const SourceBreakdown& b = r.breakdowns[0];
  EXPECT_EQ(b.name, "m");
  EXPECT_EQ(b.type, "mutation");
  ASSERT_TRUE(b.mutation.has_value());
  EXPECT_FALSE(b.security.has_value());
  EXPECT_EQ(b.mutation->total.total, 21);
  EXPECT_EQ(b.mutation->total.mutants.at("killed"), 15);
  EXPECT_EQ(b.mutation->total.mutants.at("survived"), 4);
  EXPECT_EQ(b.mutation->total.mutants.at("no_coverage"), 2);
  EXPECT_EQ(b.mutation->total.mutants.at("timeout"), 0);  // 0 included
  EXPECT_DOUBLE_EQ(b.mutation->total.score_percent, 100.0 * 15 / 21);
  ASSERT_EQ(b.mutation->modules.size(), 3u);
  EXPECT_EQ(b.mutation->modules[0].module, ".");
  const MutationModuleResult& execution = b.mutation->modules[1];
  EXPECT_EQ(execution.module, "aurora/execution");
  EXPECT_EQ(execution.total, 10);
  EXPECT_DOUBLE_EQ(execution.score_percent, 50);
  EXPECT_DOUBLE_EQ(execution.covered_percent, 100.0 * 5 / 8);
  EXPECT_EQ(b.mutation->modules[2].module, "aurora/risk");
  EXPECT_DOUBLE_EQ(b.mutation->modules[2].score_percent, 90);
}

constexpr char kBandit[] = R"({"errors": [], "generated_at": "x", "metrics": {},
  "results": [
    {"test_id": "B602", "test_name": "subprocess_popen_with_shell_equals_true",
     "issue_severity": "HIGH", "issue_confidence": "HIGH",
     "filename": "tools/deploy.py", "line_number": 9, "issue_text": "shell"},
    {"test_id": "B108", "test_name": "hardcoded_tmp_directory",
     "issue_severity": "MEDIUM", "issue_confidence": "MEDIUM",
     "filename": "tools/tmp.py", "line_number": 3, "issue_text": "tmp"}]})";
constexpr char kTrivy[] = R"({"SchemaVersion": 2, "ArtifactName": "app",
  "Results": [{"Target": "app, debian 12", "Class": "os-pkgs", "Vulnerabilities": [
    {"VulnerabilityID": "CVE-2023-1", "PkgName": "zlib", "InstalledVersion": "1",
     "Severity": "CRITICAL", "Title": "zlib overflow"}]}]})";

TEST(BreakdownRunTest, FailingSecurityRuleNamesTheFindingsItsSelectorMatches) {
  testing::FakeFileReader files;
  files.Add("bandit.json", kBandit);
  files.Add("trivy.json", kTrivy);
  GateFile gate = LoadGate(R"(sources:
  s: { type: security, path: [bandit.json, trivy.json] }
groups:
  - name: g
    source: s
    rules:
      - { name: severe, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "== 0" }
      - { name: bandit-medium, expr: 'sum(security_findings{severity="medium", tool="bandit"})', pass: "<= 5" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  const RuleResult& severe = FindRule(r, "severe");
  EXPECT_EQ(severe.outcome, Outcome::kFail);
  EXPECT_EQ(severe.findings_total, 2u);
  ASSERT_EQ(severe.findings.size(), 2u);
  EXPECT_EQ(severe.findings[0].severity, "critical");
  EXPECT_EQ(severe.findings[0].rule, "CVE-2023-1");
  EXPECT_EQ(severe.findings[0].tool, "trivy");
  EXPECT_EQ(severe.findings[1].rule, "B602");
  EXPECT_EQ(severe.findings[1].file, "tools/deploy.py");
  EXPECT_EQ(severe.findings[1].line, 9);
  // A passing rule names none.
  EXPECT_EQ(FindRule(r, "bandit-medium").outcome, Outcome::kPass);
  EXPECT_THAT(FindRule(r, "bandit-medium").findings, IsEmpty());

  ASSERT_EQ(r.breakdowns.size(), 1u);
  ASSERT_TRUE(r.breakdowns[0].security.has_value());
  const SecurityBreakdown& sec = *r.breakdowns[0].security;
  EXPECT_THAT(sec.tools, ElementsAre("bandit", "trivy"));
  ASSERT_EQ(sec.by_severity.size(), 5u);
  EXPECT_EQ(sec.by_severity[0].severity, "critical");
  EXPECT_EQ(sec.by_severity[0].findings, 1);
  EXPECT_EQ(sec.by_severity[1].severity, "high");
  EXPECT_EQ(sec.by_severity[1].findings, 1);
  EXPECT_EQ(sec.by_severity[2].severity, "medium");
  EXPECT_EQ(sec.by_severity[2].findings, 1);
  EXPECT_EQ(sec.by_severity[4].severity, "unknown");
  EXPECT_EQ(sec.by_severity[4].findings, 0);
  EXPECT_EQ(sec.findings_total, 3u);
  EXPECT_THAT(sec.top, ElementsAre(Field(&FindingResult::rule, "CVE-2023-1"),
                                   Field(&FindingResult::rule, "B602"),
                                   Field(&FindingResult::rule, "B108")));
}

TEST(BreakdownRunTest, UnreadableSourceHasNoBreakdownItsRulesSayWhy) {
  testing::FakeFileReader files;
  GateFile gate = LoadGate(R"(sources:
  s: { type: security, path: missing.json }
groups:
  - name: g
    source: s
    rules:
      - { name: severe, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "== 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "severe").outcome, Outcome::kError);
  EXPECT_THAT(r.breakdowns, IsEmpty());
}

TEST(BreakdownRunTest, RuleResultsCarryTheirUnit) {
  testing::FakeFileReader files;
  files.Add("b.json", R"({"benchmarks": []})");
  GateFile gate = LoadGate(R"(sources:
  b: { type: pytest-benchmark, path: b.json }
  p: { type: prometheus, url: "http://localhost:1" }
groups:
  - name: g
    rules:
      - { name: lat, source: b, expr: benchmark_mean_seconds, pass: "<= 0.5" }
      - { name: rounds, source: b, expr: benchmark_rounds, pass: "> 0" }
      - { name: mem, source: p, expr: max(process_resident_memory_bytes), pass: "< 1e9" }
      - { name: errors, source: p, expr: 'sum(rate(e_total[5m])) / sum(rate(r_total[5m]))', pass: "< 0.01", unit: ratio }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "lat").unit, "seconds");
  EXPECT_EQ(FindRule(r, "rounds").unit, "");
  EXPECT_EQ(FindRule(r, "mem").unit, "bytes");
  EXPECT_EQ(FindRule(r, "errors").unit, "ratio");
}

}  // namespace
}  // namespace aurora
