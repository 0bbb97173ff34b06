// Tests for queries/security_reader.h over the real SARIF, Trivy, Bandit,
// npm audit and Semgrep reports (docs/FORMATS.md §8; copies in
// tests/testdata/security) and two hand-made Grype / pip-audit files. Each
// figure docs/FORMATS.md quotes has its test; counts were taken independently
// with python3's json module.
#include "queries/security_reader.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

std::string Testdata(const std::string& file) {
  const std::string path = std::string(AURORA_TESTDATA_DIR) + "/security/" + file;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<double> Find(const ArtifactData& data, std::string_view metric,
                           Labels labels) {
  labels.Set(kMetricNameLabel, metric);
  std::optional<double> found;
  for (const Sample& s : data.samples.samples) {
    if (s.labels != labels) continue;
    EXPECT_FALSE(found.has_value()) << "duplicate " << labels.ToString();
    found = s.value;
  }
  return found;
}

// security_findings{severity, tool}: the per-severity total.
std::optional<double> Total(const ArtifactData& data, std::string tool,
                            std::string severity,
                            std::string_view metric = "security_findings") {
  return Find(data, metric, Labels{{"severity", severity}, {"tool", tool}});
}

absl::StatusOr<ArtifactData> Read(const std::string& file,
                                  SecurityOptions options = {}) {
  return ParseSecurity(Testdata(file), file, options);
}

TEST(SecurityReaderTest, CodeqlLevelsComeFromRuleDefaultsViaRuleIndex) {
  // docs/FORMATS.md: 72 results without level -> note 57, error 11, warning 4.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-codeql-2.5.4.sarif");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "SARIF 2.1.0");
  EXPECT_EQ(Total(*data, "codeql", "low"), 57);     // note
  EXPECT_EQ(Total(*data, "codeql", "high"), 11);    // error
  EXPECT_EQ(Total(*data, "codeql", "medium"), 4);   // warning
  EXPECT_EQ(Total(*data, "codeql", "critical"), 0);
  EXPECT_EQ(Total(*data, "codeql", "unknown"), 0);
}

TEST(SecurityReaderTest, GrypeSarifUsesSecuritySeverityBuckets) {
  // docs/FORMATS.md: 22 warnings; security-severity -> critical 1, high 11,
  // medium 4, low 6.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-grype-cxf.sarif");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "grype", "critical"), 1);
  EXPECT_EQ(Total(*data, "grype", "high"), 11);
  EXPECT_EQ(Total(*data, "grype", "medium"), 4);
  EXPECT_EQ(Total(*data, "grype", "low"), 6);
}

TEST(SecurityReaderTest, SemgrepSarifSeverityWordsAreNotScores) {
  // docs/FORMATS.md: 77 -> warning 42, error 35 (security-severity holds words).
  absl::StatusOr<ArtifactData> data =
      Read("defectdojo-semgrep-oss-security-severity.sarif");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "semgrep oss", "medium"), 42);
  EXPECT_EQ(Total(*data, "semgrep oss", "high"), 35);
  EXPECT_EQ(Total(*data, "semgrep oss", "critical"), 0);
}

TEST(SecurityReaderTest, TrivySarifCountsEveryResult) {
  // 4 results (2 CVEs x 2 packages), security-severity 5.3 -> medium.
  absl::StatusOr<ArtifactData> data = Read("trivy-golden-alpine-310.sarif");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 4);
  EXPECT_EQ(Find(*data, "security_findings",
                 Labels{{"severity", "medium"},
                        {"tool", "trivy"},
                        {"category", "vulnerability"},
                        {"rule", "CVE-2019-1549"}}),
            2);
}

TEST(SecurityReaderTest, TrivyJsonCountsEveryEntryAsTrivyDoes) {
  // docs/FORMATS.md: 6 entries (4 MEDIUM, 2 CRITICAL) for 3 CVE IDs -> Total 6.
  absl::StatusOr<ArtifactData> data = Read("trivy-golden-alpine-39.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Trivy JSON (schema 2)");
  EXPECT_EQ(Total(*data, "trivy", "medium"), 4);
  EXPECT_EQ(Total(*data, "trivy", "critical"), 2);
  EXPECT_EQ(Total(*data, "trivy", "high"), 0);
  const Labels musl{{"severity", "critical"},
                    {"tool", "trivy"},
                    {"category", "vulnerability"},
                    {"rule", "CVE-2019-14697"},
                    {"file", "testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)"}};
  EXPECT_EQ(Find(*data, "security_findings", musl), 2);
}

TEST(SecurityReaderTest, TrivyAllStatusesAreCountedAsWritten) {
  // docs/FORMATS.md: the JSON is already filtered; all eight statuses, all LOW.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-trivy-all-vuln-statuses.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "low"), 8);
}

TEST(SecurityReaderTest, TrivyMisconfigurationsCountOnlyFailures) {
  absl::StatusOr<ArtifactData> data = Read("trivy-golden-helm-misconfig.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "high"), 3);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 4);
  EXPECT_EQ(Total(*data, "trivy", "low"), 11);
  EXPECT_EQ(Find(*data, "security_findings",
                 Labels{{"severity", "high"},
                        {"tool", "trivy"},
                        {"category", "misconfiguration"}}),
            3);
}

TEST(SecurityReaderTest, BanditResultsGroupedByIssueSeverity) {
  // docs/FORMATS.md: 516 results = HIGH 15 / MEDIUM 21 / LOW 480.
  absl::StatusOr<ArtifactData> data = Read("bandit-demo-large-windows-venv.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Bandit JSON");
  EXPECT_EQ(Total(*data, "bandit", "high"), 15);
  EXPECT_EQ(Total(*data, "bandit", "medium"), 21);
  EXPECT_EQ(Total(*data, "bandit", "low"), 480);
  data = Read("defectdojo-bandit-many-vulns-2020.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "bandit", "medium"), 155);
  EXPECT_EQ(Total(*data, "bandit", "low"), 59);
}

TEST(SecurityReaderTest, NpmAuditV2CountsVulnerablePackages) {
  // docs/FORMATS.md: total 15 packages, only 8 with their own advisory.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-npm7-many-vuln.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "npm audit JSON (v2)");
  EXPECT_EQ(Total(*data, "npm-audit", "low"), 12);
  EXPECT_EQ(Total(*data, "npm-audit", "medium"), 2);  // moderate
  EXPECT_EQ(Total(*data, "npm-audit", "high"), 1);
}

TEST(SecurityReaderTest, NpmAuditV1CountsDependencyPaths) {
  // docs/FORMATS.md: 5 advisories; metadata low 7 / moderate 2 / high 6 = paths.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-npm6-legacy-many-vuln.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "npm audit JSON (v1)");
  EXPECT_EQ(Total(*data, "npm-audit", "low"), 7);
  EXPECT_EQ(Total(*data, "npm-audit", "medium"), 2);
  EXPECT_EQ(Total(*data, "npm-audit", "high"), 6);
}

TEST(SecurityReaderTest, SemgrepJsonMapsSeverityWords) {
  absl::StatusOr<ArtifactData> data = Read("defectdojo-semgrep-many-vulns.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "semgrep", "high"), 13);    // ERROR
  EXPECT_EQ(Total(*data, "semgrep", "medium"), 35);  // WARNING
  data = Read("defectdojo-semgrep-many-findings.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "semgrep", "low"), 1);  // INFO
}

TEST(SecurityReaderTest, SemgrepIgnoredFindingsAreNotCounted) {
  absl::StatusOr<ArtifactData> data = ParseSecurity(
      R"({"results": [
            {"check_id": "r1", "path": "a.py", "start": {"line": 3},
             "extra": {"severity": "ERROR", "is_ignored": true}},
            {"check_id": "r2", "path": "a.py", "start": {"line": 4},
             "extra": {"severity": "CRITICAL", "is_ignored": false}}],
          "errors": [], "paths": {"scanned": ["a.py"]}, "version": "1.80.0"})",
      "semgrep.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Semgrep JSON (1.80.0)");
  EXPECT_EQ(Total(*data, "semgrep", "high"), 0);
  EXPECT_EQ(Total(*data, "semgrep", "critical"), 1);
}

TEST(SecurityReaderTest, SevereFindingsAreNamedWithFileAndLine) {
  absl::StatusOr<ArtifactData> data = ParseSecurityFiles(
      {{"t.json", Testdata("trivy-golden-alpine-39.json")},
       {"b.json", Testdata("bandit-demo-large-windows-venv.json")}});
  ASSERT_OK(data);
  // 2 CRITICAL (Trivy) + 15 HIGH (Bandit): the criticals first, 5 named.
  EXPECT_THAT(data->warnings,
              Contains(::testing::StartsWith(
                  "17 critical/high finding(s), worst first: critical trivy "
                  "CVE-2019-14697 in testdata/fixtures/images/alpine-39.tar.gz "
                  "(alpine 3.9.4) (musl@1.1.20-r4), critical trivy "
                  "CVE-2019-14697 in testdata/fixtures/images/alpine-39.tar.gz "
                  "(alpine 3.9.4) (musl-utils@1.1.20-r4), high bandit ")));
  EXPECT_THAT(data->warnings, Contains(::testing::EndsWith(", … and 12 more")));
  data = Read("trivy-golden-centos-7.json");  // LOW and MEDIUM only
  ASSERT_OK(data);
  EXPECT_THAT(data->warnings, ::testing::Not(Contains(HasSubstr("critical/high"))));
}

TEST(SecurityReaderTest, GrypeAndPipAuditJson) {
  absl::StatusOr<ArtifactData> data = Read("grype-handmade.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Grype JSON");
  EXPECT_EQ(Total(*data, "grype", "critical"), 1);
  EXPECT_EQ(Total(*data, "grype", "high"), 1);
  EXPECT_EQ(Total(*data, "grype", "low"), 1);  // Negligible
  data = Read("pip-audit-handmade.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "pip-audit JSON");
  // pip-audit has no severity: unknown, never dropped.
  EXPECT_EQ(Total(*data, "pip-audit", "unknown"), 2);
  EXPECT_EQ(Total(*data, "pip-audit", "high"), 0);
}

TEST(SecurityReaderTest, CleanScanHasZeroTotalsNotNoData) {
  absl::StatusOr<ArtifactData> data = ParseSecurity(
      R"({"SchemaVersion": 2, "ArtifactName": "app", "ArtifactType": "container_image",
          "Results": [{"Target": "app, debian 12", "Class": "os-pkgs",
                       "Type": "debian", "Vulnerabilities": null}]})",
      "trivy.json");
  ASSERT_OK(data);
  for (const char* s : {"critical", "high", "medium", "low", "unknown"}) {
    EXPECT_EQ(Total(*data, "trivy", s), 0) << s;
    EXPECT_EQ(Total(*data, "trivy", s, "security_findings_ignored"), 0) << s;
  }
  data = ParseSecurity(R"({"results": [], "errors": [], "generated_at": "x",
                           "metrics": {"_totals": {}}})",
                       "bandit.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "bandit", "high"), 0);
}

TEST(SecurityReaderTest, SarifEffectiveLevelRules) {
  // kind pass, level none, accepted suppression, baselineState absent: not
  // findings; underReview suppression and an override level: findings.
  absl::StatusOr<ArtifactData> data = ParseSecurity(R"({
    "version": "2.1.0", "runs": [{
      "tool": {"driver": {"name": "T", "rules": [
        {"id": "R0", "defaultConfiguration": {"level": "note"}},
        {"id": "R1", "properties": {"security-severity": "9.0"}},
        {"id": "R2", "properties": {"security-severity": "0.0"}}]},
        "extensions": [{"name": "pack", "rules": [
          {"id": "X0", "defaultConfiguration": {"level": "error"}}]}]},
      "invocations": [{"executionSuccessful": true,
        "ruleConfigurationOverrides": [
          {"descriptor": {"index": 0}, "configuration": {"level": "warning"}}]}],
      "results": [
        {"ruleId": "R0", "ruleIndex": 0, "message": {"text": "a"}},
        {"ruleId": "R0", "ruleIndex": 0, "level": "error", "message": {"text": "b"}},
        {"ruleId": "R0", "kind": "pass", "message": {"text": "c"}},
        {"ruleId": "R0", "level": "none", "message": {"text": "d"}},
        {"ruleId": "R1", "message": {"text": "e"}},
        {"ruleId": "R2", "level": "note", "message": {"text": "f"}},
        {"ruleId": "R1", "suppressions": [{"kind": "inSource"}], "message": {"text": "g"}},
        {"ruleId": "R1", "suppressions": [{"kind": "external", "status": "underReview"}], "message": {"text": "h"}},
        {"ruleId": "R1", "baselineState": "absent", "message": {"text": "i"}},
        {"rule": {"id": "X0", "index": 0, "toolComponent": {"index": 0}}, "message": {"text": "j"}},
        {"ruleId": "Z", "message": {"text": "k"}}]}]})",
      "t.sarif");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "t", "medium"), 2);    // a (override), k (default)
  EXPECT_EQ(Total(*data, "t", "high"), 2);      // b, j (extension rule)
  EXPECT_EQ(Total(*data, "t", "critical"), 2);  // e, h (9.0 >= 9.0)
  EXPECT_EQ(Total(*data, "t", "low"), 1);       // f (0.0 is no severity)
  EXPECT_THAT(data->warnings, Contains(HasSubstr("1 suppressed result(s)")));
}

TEST(SecurityReaderTest, FailedScansAreErrorsNotCleanReports) {
  EXPECT_THAT(ParseSecurity(R"({"version": "2.1.0", "runs": []})", "a.sarif"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a.sarif: SARIF log has no runs")));
  EXPECT_THAT(
      ParseSecurity(R"({"version": "2.1.0", "runs": [{"tool": {"driver":
                        {"name": "CodeQL"}}}]})",
                    "b.sarif"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("b.sarif: runs[0]: tool \"codeql\" wrote no "
                         "\"results\"")));
  EXPECT_THAT(
      ParseSecurity(R"({"version": "2.1.0", "runs": [{"tool": {"driver":
                        {"name": "X"}}, "invocations": [{"executionSuccessful":
                        false}], "results": []}]})",
                    "c.sarif"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("executionSuccessful: false and no results")));
  EXPECT_THAT(ParseSecurity(R"({"SchemaVersion": 2, "ArtifactName": "x",
                               "ArtifactType": "filesystem"})",
                            "t.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.json: Trivy report has no \"Results\"")));
  EXPECT_THAT(
      ParseSecurity(R"({"error": {"code": "ENOAUDIT", "summary": "Your configured registry does not support audit requests.",
                        "detail": ""}})",
                    "npm.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("npm.json: npm audit failed (ENOAUDIT): Your "
                         "configured registry")));
  // Real: npm 11.19.1 whose registry refused the audit request.
  EXPECT_THAT(Read("npm-audit-11.19.1-registry-405-error.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("npm audit failed: 405 Method Not Allowed")));
  EXPECT_THAT(ParseSecurity(R"({"coverage": 1})", "x.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.json: not a security report")));
  EXPECT_THAT(ParseSecurity("", "e.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("e.json")));
}

TEST(SecurityReaderTest, IgnoreEntriesMoveFindingsAndExpire) {
  SecurityOptions options;
  options.today = absl::CivilDay(2026, 12, 3);
  IgnoreSpec musl;
  musl.id = "CVE-2019-14697";
  musl.reason = "musl not used at run time";
  IgnoreSpec expired;
  expired.id = "CVE-2019-1549";
  expired.reason = "waiting for upstream";
  expired.expires = absl::CivilDay(2026, 12, 2);
  IgnoreSpec today;
  today.id = "CVE-2019-1551";
  today.path = "*alpine-39*";
  today.reason = "accepted until today";
  today.expires = absl::CivilDay(2026, 12, 3);  // applies through its day
  IgnoreSpec nothing;
  nothing.id = "CVE-0000-0000";
  nothing.reason = "stale";
  options.ignore = {musl, expired, today, nothing};
  absl::StatusOr<ArtifactData> data = Read("trivy-golden-alpine-39.json", options);
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "critical"), 0);
  EXPECT_EQ(Total(*data, "trivy", "critical", "security_findings_ignored"), 2);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 2);  // CVE-2019-1549 counts again
  EXPECT_EQ(Total(*data, "trivy", "medium", "security_findings_ignored"), 2);
  EXPECT_EQ(Find(*data, "security_ignores_expired", Labels()), 1);
  EXPECT_THAT(data->warnings,
              Contains("ignored 2 finding(s) of CVE-2019-14697: musl not used "
                       "at run time"));
  EXPECT_THAT(data->warnings,
              Contains("ignore entry CVE-2019-1549 expired on 2026-12-02 "
                       "(reason was: waiting for upstream): its 2 finding(s) "
                       "count again"));
  EXPECT_THAT(data->warnings,
              Contains("ignore entry CVE-0000-0000 matched no finding"));

  IgnoreSpec other_path = today;
  other_path.path = "src/*";
  options.ignore = {other_path};
  data = Read("trivy-golden-alpine-39.json", options);
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 4);
}

TEST(SecurityReaderTest, IgnoreMatchesAliasesToo) {
  SecurityOptions options;
  IgnoreSpec cve;
  cve.id = "CVE-2021-44228";  // Grype's id is the GHSA, the CVE is related
  cve.reason = "not reachable";
  options.ignore = {cve};
  absl::StatusOr<ArtifactData> data = Read("grype-handmade.json", options);
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "grype", "critical"), 0);
  EXPECT_EQ(Total(*data, "grype", "critical", "security_findings_ignored"), 1);
}

TEST(SecurityReaderTest, SeveralFilesSumAndDuplicatesCountOnce) {
  absl::StatusOr<ArtifactData> data = ParseSecurityFiles(
      {{"a.json", Testdata("trivy-golden-alpine-39.json")},
       {"b.json", Testdata("trivy-golden-alpine-39.json")},
       {"c.json", Testdata("defectdojo-bandit-one-vuln.json")}});
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 4);
  EXPECT_EQ(Total(*data, "bandit", "low"), 1);
  EXPECT_THAT(data->warnings,
              Contains("6 finding(s) reported by more than one file counted "
                       "once"));
}

TEST(SecurityReaderTest, EveryFixtureReads) {
  for (const char* file : {
           "defectdojo-owasp-dependency-check.sarif",
           "defectdojo-trivy-cvssv4.json",
           "defectdojo-trivy-schema2-many-vulns.json",
           "trivy-golden-centos-7.json",
           "ai-guard-bandit-1.7.9.json",
           "defectdojo-npm6-legacy-multiple-cwes.json",
           "defectdojo-npm7plus-many-vulns.json",
           "defectdojo-npm7plus-one-vuln.json",
           "defectdojo-semgrep-1.30.0.json",
           "defectdojo-semgrep-1.97.0.json",
       }) {
    absl::StatusOr<ArtifactData> data = Read(file);
    EXPECT_OK(data) << file;
  }
  // Spot checks against the files' own summaries.
  absl::StatusOr<ArtifactData> data = Read("defectdojo-npm6-legacy-multiple-cwes.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "npm-audit", "critical"), 3);
  EXPECT_EQ(Total(*data, "npm-audit", "high"), 28);
  EXPECT_EQ(Total(*data, "npm-audit", "medium"), 42);
  EXPECT_EQ(Total(*data, "npm-audit", "low"), 2);
  data = Read("defectdojo-trivy-schema2-many-vulns.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "trivy", "critical"), 1);
  EXPECT_EQ(Total(*data, "trivy", "high"), 1);
  EXPECT_EQ(Total(*data, "trivy", "medium"), 3);
  data = Read("ai-guard-bandit-1.7.9.json");
  ASSERT_OK(data);
  EXPECT_EQ(Total(*data, "bandit", "low"), 70);
}

TEST(SecurityReaderTest, TruncatedReportsAreAlwaysErrors) {
  for (const char* file :
       {"trivy-golden-alpine-310.sarif", "trivy-golden-alpine-39.json",
        "defectdojo-bandit-one-vuln.json", "defectdojo-npm7plus-one-vuln.json",
        "defectdojo-semgrep-1.100.0.json", "grype-handmade.json",
        "pip-audit-handmade.json"}) {
    const std::string full = Testdata(file);
    const size_t end = full.find_last_not_of(" \t\r\n");
    for (size_t cut = 0; cut < end; cut += std::max<size_t>(1, end / 97)) {
      absl::StatusOr<ArtifactData> data =
          ParseSecurity(std::string_view(full).substr(0, cut), file);
      EXPECT_FALSE(data.ok()) << file << " cut at " << cut << " read as "
                              << data->format;
    }
  }
}

}  // namespace
}  // namespace aurora
