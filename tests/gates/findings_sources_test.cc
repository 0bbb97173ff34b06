// Mutation and security sources through a whole gate run (issue 13):
// baselines as for benchmarks, globs and lists summed, `ignore:` entries
// from the gate file, and failed scans as errors.
#include "gates/core/run_gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using testing::LoadGate;
using testing::FindRule;
using ::testing::Contains;
using ::testing::HasSubstr;

// A Stryker report with `killed` Killed and `survived` Survived mutants in
// aurora/risk/limits.py.
std::string Stryker(int killed, int survived) {
  std::string mutants;
  for (int i = 0; i < killed + survived; ++i) {
    if (!mutants.empty()) mutants += ",";
    mutants += R"({"id": ")" + std::to_string(i) +
               R"(", "mutatorName": "M", "location": {"start": {"line": 1, "column": 1},
                  "end": {"line": 1, "column": 2}}, "status": ")" +
               (i < killed ? "Killed" : "Survived") + "\"}";
  }
  return R"({"schemaVersion": "2", "thresholds": {"high": 80, "low": 60},
             "files": {"aurora/risk/limits.py": {"language": "python",
             "source": "x", "mutants": [)" + mutants + "]}}}";
}

constexpr char kMutationGate[] = R"(sources:
  m: { type: mutation, path: m.json, baseline: base.json }
groups:
  - name: g
    source: m
    rules:
      - { name: drop, expr: mutation_score_percent, pass: ">= -10%" }
      - name: risk
        expr: mutation_score_percent{module=~"aurora/risk.*"}
        pass: "> 80"
)";

TEST(FindingsSourcesTest, MutationScoreDropAgainstBaseline) {
  testing::FakeFileReader files;
  files.Add("m.json", Stryker(17, 3));    // 85 %
  files.Add("base.json", Stryker(18, 2));  // 90 %: -5.6 %, within 10 %
  SourceCache cache(files);
  GateResult r = RunGate(LoadGate(kMutationGate), cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "drop").outcome, Outcome::kPass);
  EXPECT_EQ(FindRule(r, "drop").series[0].baseline, 90);
  EXPECT_EQ(FindRule(r, "risk").outcome, Outcome::kPass);

  testing::FakeFileReader worse;
  worse.Add("m.json", Stryker(15, 5));     // 75 %: -16.7 %
  worse.Add("base.json", Stryker(18, 2));
  SourceCache cache2(worse);
  r = RunGate(LoadGate(kMutationGate), cache2, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "drop").outcome, Outcome::kFail);
  EXPECT_THAT(FindRule(r, "drop").reason, HasSubstr(">= 81 % from baseline 90 %"));
  EXPECT_EQ(FindRule(r, "risk").outcome, Outcome::kFail);
}

TEST(FindingsSourcesTest, MissingMutationBaselineIsReportedNeverPassed) {
  testing::FakeFileReader files;
  files.Add("m.json", Stryker(17, 3));
  SourceCache cache(files);
  GateResult r = RunGate(LoadGate(kMutationGate), cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "drop").outcome, Outcome::kInconclusive);
  EXPECT_TRUE(FindRule(r, "drop").baseline_missing);
  EXPECT_THAT(FindRule(r, "drop").warnings,
              Contains(HasSubstr("baseline missing: base.json")));
}

constexpr char kBandit[] = R"({"errors": [], "generated_at": "x", "metrics": {},
  "results": [{"test_id": "B602", "test_name": "subprocess_popen_with_shell_equals_true",
               "issue_severity": "HIGH", "issue_confidence": "HIGH",
               "filename": "tools/deploy.py", "line_number": 9, "issue_text": "shell"}]})";
constexpr char kTrivy[] = R"({"SchemaVersion": 2, "ArtifactName": "app",
  "Results": [{"Target": "app, debian 12", "Class": "os-pkgs", "Vulnerabilities": [
    {"VulnerabilityID": "CVE-2023-1", "PkgName": "zlib", "InstalledVersion": "1",
     "Severity": "CRITICAL"}]}]})";

TEST(FindingsSourcesTest, SecurityGlobSumsFilesAndBaselineComparesCounts) {
  testing::FakeFileReader files;
  files.Add("scan/bandit.json", kBandit);
  files.Add("scan/trivy.json", kTrivy);
  files.Add("base/bandit.json", kBandit);
  GateFile gate = LoadGate(R"(sources:
  s: { type: security, path: "scan/*.json", baseline: "base/*.json" }
groups:
  - name: g
    source: s
    rules:
      - { name: none, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "== 0" }
      - { name: no-new, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "<= +0" }
      - { name: medium, expr: 'sum(security_findings{severity="medium"})', pass: "== 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "none").outcome, Outcome::kFail);
  EXPECT_EQ(FindRule(r, "none").series[0].value, 2);
  EXPECT_EQ(FindRule(r, "no-new").outcome, Outcome::kFail);  // 2 vs baseline 1
  EXPECT_EQ(FindRule(r, "no-new").series[0].baseline, 1);
  // A clean severity is 0, not "no data".
  EXPECT_EQ(FindRule(r, "medium").outcome, Outcome::kPass);
}

TEST(FindingsSourcesTest, IgnoreEntriesFromTheGateFileApplyUntilTheyExpire) {
  testing::FakeFileReader files;
  files.Add("bandit.json", kBandit);
  files.Add("trivy.json", kTrivy);
  GateFile gate = LoadGate(R"(sources:
  s:
    type: security
    path: [bandit.json, trivy.json]
    ignore:
      - { id: CVE-2023-1, reason: "zlib not linked", expires: 2999-12-31 }
      - { id: B602, path: "tools/*", reason: "old waiver", expires: 2001-01-01 }
groups:
  - name: g
    source: s
    rules:
      - { name: none, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "== 0" }
      - { name: ignored, expr: 'sum(security_findings_ignored)', pass: "== 1" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "none").outcome, Outcome::kFail);
  EXPECT_EQ(FindRule(r, "none").series[0].value, 1);  // B602 counts again
  EXPECT_EQ(FindRule(r, "ignored").outcome, Outcome::kPass);
  EXPECT_THAT(FindRule(r, "none").warnings,
              Contains("ignore entry B602 in tools/* expired on 2001-01-01 "
                       "(reason was: old waiver): its 1 finding(s) count again"));
  EXPECT_THAT(FindRule(r, "none").warnings,
              Contains("ignored 1 finding(s) of CVE-2023-1: zlib not linked"));
}

TEST(FindingsSourcesTest, FailedScanIsAnErrorNotAPass) {
  testing::FakeFileReader files;
  files.Add("t.json", R"({"SchemaVersion": 2, "ArtifactName": "app"})");
  GateFile gate = LoadGate(R"(sources:
  s: { type: security, path: t.json }
groups:
  - name: g
    rules:
      - { name: none, source: s, expr: 'sum(security_findings{severity=~"high|critical"})', pass: "== 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "none").outcome, Outcome::kError);
  EXPECT_THAT(FindRule(r, "none").reason,
              HasSubstr("t.json: Trivy report has no \"Results\""));
  EXPECT_EQ(r.verdict, Outcome::kError);
}

}  // namespace
}  // namespace aurora
