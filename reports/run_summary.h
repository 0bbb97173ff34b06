// File: reports/run_summary.h
// Facts every report states the same way: outcome counts, the exit code a
// verdict maps to (docs/DESIGN.md "Verdicts, reports, exit codes"), the criteria
// and observed values of a rule as one line of text, and RFC 3339 times.
#ifndef AURORA_REPORTS_RUN_SUMMARY_H_
#define AURORA_REPORTS_RUN_SUMMARY_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"
#include "rules/outcome.h"

namespace aurora {

// The outcomes in report order, worst first.
inline constexpr std::array<Outcome, 6> kOutcomesWorstFirst = {
    Outcome::kFail,    Outcome::kError, Outcome::kInconclusive,
    Outcome::kPending, Outcome::kWarn,  Outcome::kPass};

// Rules counted by outcome. Dry-run rules never decide, so they are counted
// only in `dry_run`, not under their outcome; total counts every rule.
struct OutcomeCounts {
  std::array<int, 6> by_outcome{};  // indexed by static_cast<int>(Outcome)
  int dry_run = 0;
  int total = 0;

  int of(Outcome o) const { return by_outcome[static_cast<int>(o)]; }
  void Add(const RuleResult& rule);
};

OutcomeCounts CountRules(const GateResult& gate);
OutcomeCounts CountRules(const RunResult& run);

// "2 fail, 1 warn, 3 pass, 1 dry-run": non-zero counts, worst first;
// "no rules" when there are none.
std::string CountsText(const OutcomeCounts& counts);

// The process exit code for the run's verdict: 0 pass (warn and pending too,
// unless strict), 1 fail (warn and pending when strict), 3 inconclusive or
// error (a query the server rejected included) — and 3 whatever the verdict
// when the run has action problems (a rollback that may be lost needs a
// human). A watch's end-of-watch result: the code the watch decided
// (RunResult::watch). Never 2: exit 2 means nothing was evaluated, and such a run has no
// RunResult.
int ExitCode(const RunResult& run);
// "pass", "fail", "usage or gate-file error", "inconclusive or error".
std::string_view ExitMeaning(int exit_code);

// The run's verdict in words, the same in the terminal, Markdown and HTML
// (issue 11.11), from ExitCode(run): `report` (the go-live decision) says
// GO / NO-GO, `check` and `watch` say PASS / FAIL, all say UNDECIDED when
// the run exits 3. A run that passes with warnings is PASS (GO); its warn
// rules are listed as such.
std::string_view VerdictWord(const RunResult& run);

// `v` as people read it in the rule's unit (RuleResult::unit, "" for
// none): "238.9 ms", "0.48 %", "390.6 MiB"; FormatNumberShort without one.
std::string ValueText(double v, std::string_view unit);

// A criterion as written, its number shown in `unit`: "<= 0.5" in seconds is
// "<= 500 ms", "<= +0.02" in ratio "<= +2 pp"; a percent bound ("<= +10%"),
// a criterion without a unit or one that does not parse stays as written.
std::string CriterionText(std::string_view criterion, std::string_view unit);

// {"pass: <= 0.5 and <= +10%", "warn: …", "fail: > 0.05"}: one entry per
// kind the rule has, empty when it has no criteria. Criteria are as written
// (untrusted), their numbers in the rule's unit (CriterionText).
std::vector<std::string> CriteriaParts(const RuleResult& rule);
// CriteriaParts joined with "; ", or "" when the rule has no criteria.
std::string CriteriaText(const RuleResult& rule);

// `0.62 (baseline 0.5, +24 %) {route="/a"}`: value first (at most 6
// significant digits), then the baseline with the change from it in percent
// (when it has one), and the labels when there are any.
std::string SeriesText(const SeriesResult& series);
// The same with values in `unit`: `620 ms (baseline 500 ms, +24 %)`.
std::string SeriesText(const SeriesResult& series, std::string_view unit);

// The rule's series, worst outcome first (stable for equal outcomes): what
// a report shows first when it caps the list.
std::vector<const SeriesResult*> SeriesWorstFirst(const RuleResult& rule);

// Whether a series of `rule` has a baseline value (its baseline_source then
// names which baseline it is).
bool HasBaselineValue(const RuleResult& rule);

// RFC 3339 in UTC with only the fractional digits needed:
// "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.25Z". "" for an infinite time.
std::string Rfc3339Utc(absl::Time t);

// A time as people read it in a report: RFC 3339 in UTC to the second
// ("2026-11-27T08:00:00Z"); "" for an infinite time. Machine-read outputs
// (JSON, JUnit properties, payloads) keep Rfc3339Utc's full precision.
std::string ShownTimeUtc(absl::Time t);

}  // namespace aurora

#endif  // AURORA_REPORTS_RUN_SUMMARY_H_
