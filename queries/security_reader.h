// File: queries/security_reader.h
// Security scan reports -> `security_findings{severity, tool, category,
// rule, file}` (queries/security_findings.h). Auto-detected formats
// (docs/FORMATS.md §8): SARIF 2.1.0, Trivy JSON, Bandit JSON, npm audit JSON (v1
// and v2+), Semgrep JSON, Grype JSON, pip-audit JSON.
#ifndef AURORA_QUERIES_SECURITY_READER_H_
#define AURORA_QUERIES_SECURITY_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "queries/artifact.h"
#include "queries/security_findings.h"

namespace aurora {

struct SecurityOptions {
  std::vector<IgnoreSpec> ignore;
  absl::CivilDay today;  // judges `expires` of ignore entries
};

// Severity per format (worst first: critical, high, medium, low, unknown):
// - SARIF: the rule's GitHub `security-severity` (>= 9.0 critical, >= 7.0
//   high, >= 4.0 medium, >= 0.1 low) when it is a number in (0, 10]; else
//   the result's effective level (SARIF §3.27.10: result.level, invocation
//   override, rule defaultConfiguration, "warning"): error -> high,
//   warning -> medium, note -> low. kind other than "fail", level "none",
//   accepted suppressions and baselineState "absent" are not findings.
// - Trivy: Severity (vulnerabilities, FAIL misconfigurations, secrets,
//   licenses); Bandit: issue_severity (UNDEFINED -> unknown); npm audit:
//   moderate -> medium, info -> low (v2: one finding per vulnerable package,
//   v1: one per dependency path, as npm's metadata counts them); Semgrep:
//   ERROR/HIGH -> high, WARNING/MEDIUM -> medium, INFO/LOW -> low, CRITICAL
//   -> critical, others unknown (is_ignored findings dropped); Grype:
//   Negligible -> low; pip-audit has none: unknown.
// Failed scans are errors, not clean reports: SARIF without runs or with a
// run without `results`, Trivy without `Results`, an npm audit error
// document. Returns InvalidArgument naming the file. Pure.
absl::StatusOr<ArtifactData> ParseSecurity(std::string_view content,
                                           std::string_view name,
                                           const SecurityOptions& options = {});

// Several reports summed into one source; a finding an earlier file already
// reported (same tool, rule, location and package) counts once.
absl::StatusOr<ArtifactData> ParseSecurityFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    const SecurityOptions& options = {});

// Reads one report's findings (no ignores applied). Exposed for tests.
absl::StatusOr<SecurityFindings> ReadSecurityFindings(
    std::string_view content, std::string_view name, std::string* format,
    std::vector<std::string>* warnings);

}  // namespace aurora

#endif  // AURORA_QUERIES_SECURITY_READER_H_
