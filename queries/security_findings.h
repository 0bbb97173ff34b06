// File: queries/security_findings.h
// The model shared by the security readers: one finding per reported issue
// with a normalised severity, the `ignore:` entries of the source applied to
// them, and how they become samples (`security_findings`,
// `security_findings_ignored`, `security_ignores_expired`).
#ifndef AURORA_QUERIES_SECURITY_FINDINGS_H_
#define AURORA_QUERIES_SECURITY_FINDINGS_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "evaluator/expr_eval.h"
#include "rules/gate.h"

namespace aurora {

// The severities every tool's scale is mapped onto, worst first.
inline constexpr std::string_view kSeverities[] = {"critical", "high", "medium",
                                                   "low", "unknown"};

struct SecurityFinding {
  std::string tool;      // lower case: "trivy", "bandit", "codeql", …
  std::string category;  // vulnerability | misconfiguration | secret |
                         // license | code | dependency
  std::string rule;      // rule id, CVE/GHSA id, or (npm) package name
  std::string severity;  // one of kSeverities
  std::string file;      // where, as the tool wrote it; may be empty
  int line = 0;          // 0 = unknown
  std::string package;   // package@version when the finding is about one
  std::vector<std::string> ids;  // other ids an ignore entry may name
  std::string title;

  // Same tool, rule and location: the same finding reported twice.
  std::string DedupKey() const;
};

// The findings of one source, ready for ApplyIgnores and SecuritySamples.
struct SecurityFindings {
  std::set<std::string> tools;  // every tool read, findings or not
  std::vector<SecurityFinding> findings;
  std::vector<SecurityFinding> ignored;
  double expired_ignores = 0;
};

// Moves findings an active entry of `ignore` matches (by rule or one of
// `ids`, and `path` glob against the file) to `ignored`; an entry whose
// `expires` day is before `today` no longer applies. Appends to `warnings`
// one line per ignored id (with the reason), per expired entry and per entry
// that matched nothing. Pure.
void ApplyIgnores(const std::vector<IgnoreSpec>& ignore, absl::CivilDay today,
                  SecurityFindings& findings, std::vector<std::string>& warnings);

// Samples: security_findings{severity, tool} for every tool and severity
// (0 included); then, only where there are findings, per
// {severity, tool, category}, per {…, rule} and per {…, rule, file}
// (detail_labels = {"category", "rule", "file"}). The same for
// security_findings_ignored; security_ignores_expired (no labels).
SampleSet SecuritySamples(const SecurityFindings& findings);

// "3 critical/high finding(s), worst first: critical trivy CVE-1 in T
// (zlib@1), high bandit B602 at a.py:9, … and 1 more" (at most `limit`
// named), or "" when there is none. For reports: the findings a "no
// HIGH/CRITICAL" rule fails on, by name, file and line. Pure.
std::string SevereFindingsSummary(const std::vector<SecurityFinding>& findings,
                                  size_t limit = 5);

// Glob match as fnmatch(3) without flags ('*' also matches '/').
bool PathGlobMatch(std::string_view glob, std::string_view path);

}  // namespace aurora

#endif  // AURORA_QUERIES_SECURITY_FINDINGS_H_
