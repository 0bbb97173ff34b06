// File: evaluator/result.h
// The result of evaluating gates: what every report renders. Plain values;
// reports are pure functions of a RunResult.
#ifndef AURORA_EVALUATOR_RESULT_H_
#define AURORA_EVALUATOR_RESULT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/sample.h"
#include "rules/outcome.h"

namespace aurora {

// One module's mutants in a mutation source (the per-module table).
struct MutationModuleResult {
  std::string module;           // "" for files at the top level
  double score_percent = 0;     // the tool's score; NaN when undefined
  double covered_percent = 0;   // score among covered mutants (PIT: test strength)
  std::map<std::string, double> mutants;  // status -> count, 0 included
  double total = 0;             // every mutant of the module
};

// The breakdown of a mutation source: per module, and the report's total.
struct MutationBreakdown {
  std::vector<MutationModuleResult> modules;  // by module name
  MutationModuleResult total;                 // module ""; no labels
};

// One finding of a security source, as a report names it.
struct FindingResult {
  std::string severity;  // critical | high | medium | low | unknown
  std::string tool;
  std::string category;
  std::string rule;      // rule id, CVE/GHSA id, or package name
  std::string file;      // may be empty
  int line = 0;          // 0 = unknown
  std::string package;   // package@version, may be empty
  std::string title;
};

// The breakdown of a security source: findings per severity (worst first,
// every severity, 0 included) and the worst findings by name.
struct SecurityBreakdown {
  struct SeverityCount {
    std::string severity;
    double findings = 0;
    double ignored = 0;  // counted apart by the source's `ignore:` list
  };
  std::vector<SeverityCount> by_severity;
  std::vector<std::string> tools;
  std::vector<FindingResult> top;  // worst first, at most a report's cap
  size_t findings_total = 0;       // all findings, top or not
};

// An artifact source of a gate with a breakdown the reports show as a table
// (mutation: per module; security: per severity with the top findings).
// Filled only for sources that were read.
struct SourceBreakdown {
  std::string name;    // source name in the gate file
  std::string type;    // "mutation" | "security"
  std::string detail;  // path and detected format
  std::optional<MutationBreakdown> mutation;
  std::optional<SecurityBreakdown> security;
};

// One output series of a rule's expression and how it was judged.
struct SeriesResult {
  Labels labels;                    // without __name__ after aggregation
  double value = 0;                 // observed; NaN and ±Inf survive
  std::optional<double> baseline;   // the same series in the baseline, if any
  Outcome outcome = Outcome::kPass;
  std::string reason;               // e.g. "0.62 > 0.5 (fail: <= 0.5)"
  // Alerting rules: the rule's annotations rendered for this alert ($labels,
  // $value) when it is pending or firing; empty otherwise.
  std::map<std::string, std::string> annotations = {};
};

// Findings a rule result keeps (worst first); the rest are counted.
inline constexpr size_t kMaxRuleFindings = 20;
// Findings a security breakdown keeps (worst first).
inline constexpr size_t kMaxBreakdownFindings = 10;

struct RuleResult {
  std::string name;
  std::string group;
  std::string kind;          // "gate" (native rule) or "alert" (Prometheus alerting rule)
  std::string source;        // source name in the gate file
  std::string source_type;   // "coverage", "junit", "pytest-benchmark", "prometheus", ...
  std::string source_detail; // e.g. artifact path and detected format, or server URL
  std::string expr;          // as written in the gate file (after ${VAR} expansion)
  std::string query;         // what was evaluated or sent (comparison split off)
  std::vector<std::string> pass;  // criteria as written, e.g. "<= 0.5", "<= +10%"
  std::vector<std::string> warn;
  std::vector<std::string> fail;
  std::string for_duration;  // "5m", or empty
  std::string severity;      // "critical", "warning", ...
  // What the values measure (base/units.h UnitNames(): "seconds", "ratio",
  // "percent", "bytes", …; "" for a plain number): reports write values and
  // thresholds in it; numbers stay raw.
  std::string unit;
  bool dry_run = false;      // evaluated and reported, never decides
  Outcome outcome = Outcome::kPass;
  std::string reason;        // one line a human reads first
  std::vector<SeriesResult> series;
  std::vector<std::string> warnings;   // source warnings, missing baseline, ...
  std::string baseline_source;         // baseline path, empty when none configured
  bool baseline_missing = false;       // a baseline was configured but not found
  std::map<std::string, std::string> labels;
  // As written; for an alerting rule with a pending or firing alert, rendered
  // for the first such alert (see SeriesResult::annotations).
  std::map<std::string, std::string> annotations;
  // Live rules: the evaluation step used for `for` / keep_firing_for and
  // where it came from, e.g. "15s (the server's global.evaluation_interval)".
  std::string step;
  int line = 0;                        // where the rule starts in its gate file
  // Set when the server rejected the rule's query while evaluating (HTTP
  // 400/422, or "status":"error" with bad_data/execution): its message
  // placed in the gate file, "FILE:LINE:COL: group ...: rule ...: expr: ...".
  // The rule is `error` like any failed source; the run still decides.
  std::string located_query_error;
  double duration_seconds = 0;         // time spent collecting and evaluating
  // A security rule that did not pass: the findings its selectors match,
  // worst first (at most kMaxRuleFindings), and how many there are in all.
  std::vector<FindingResult> findings;
  size_t findings_total = 0;
  // Live rules in `report`: the query's values over [history_start, eval
  // time] at history_step_seconds; empty otherwise.
  // Series as returned (labels without __name__, points ascending; a stale
  // or absent sample is simply no point).
  std::vector<Series> history;
  absl::Time history_start;
  double history_step_seconds = 0;
};

struct GateResult {
  std::string name;     // `gate:` or the file's base name
  std::string title;
  std::string file;     // path as given
  std::string file_sha256;
  std::vector<RuleResult> rules;
  Outcome verdict = Outcome::kPass;  // worst outcome of the deciding rules
  // Mutation and security sources its rules read, in source-name order.
  std::vector<SourceBreakdown> breakdowns;
};

// `watch`: an action fired for an incident, and how its delivery ended
// when the watch did.
struct WatchActionResult {
  std::string action;           // display name (never a secret)
  std::string on;               // the transition: fail, error, resolved, pass
  std::string idempotency_key;  // the delivery's own key
  // "delivered", "failed" (gave up, kept in the spool as failed), "pending"
  // (not delivered yet, kept in the spool for the next run), "dry-run"
  // (described, not sent), "not sent" (it could not be built).
  std::string outcome;
  std::string detail;  // the last attempt's result ("HTTP 503"), or why not sent
  int attempts = 0;
  absl::Time fired_at;
};

// `watch`: a rule of an incident, as it was when the incident opened.
struct IncidentRule {
  std::string group;
  std::string name;
  Outcome outcome = Outcome::kFail;
  std::optional<double> value;  // its first series; none: no data, or unknown
  Labels labels;                // that series' labels
  std::string reason;
};

// `watch`: a stop condition that tripped, from the trip to its resolution.
// One per incident of a gate (what its fail/error actions are about).
struct WatchIncident {
  std::string gate;       // GateResult::name
  std::string gate_file;  // GateResult::file
  std::string on;         // "fail" or "error": the transition that opened it
  absl::Time tripped_at;
  // Opened by an earlier run of the watch (restarted): tripped_at is when
  // that run opened it, and the rules carry no values.
  bool continued = false;
  // The count limit that tripped ("watch/live/error-rate failed 1 time
  // (failure_limit 0): 0.07 > 0.05"); empty when the gate failed again after
  // an earlier trip (--keep-running).
  std::string why;
  std::vector<IncidentRule> rules;
  std::string incident_key;  // the idempotency key of its fail/error actions
  std::vector<WatchActionResult> actions;  // opening and closing ones, in order
  absl::Time resolved_at = absl::InfiniteFuture();  // still open at the end
  // An error incident that ended at resolved_at because the gate's fail
  // incident superseded it (the stop condition escalated, --keep-running):
  // not resolved, no `resolved` fired.
  bool escalated = false;
};

// `watch`: what the end-of-watch report is about. The gates of its
// RunResult are the last cycle; the verdict is the watch's.
struct WatchSummary {
  absl::Time started;
  absl::Time ended;
  absl::Duration interval = absl::ZeroDuration();
  int cycles = 0;
  bool interrupted = false;  // a signal ended it before its duration
  // The watch's exit code (what ExitCode returns for this run).
  int exit_code = 0;
  std::vector<WatchIncident> incidents;  // in the order they opened
};

struct RunResult {
  std::vector<GateResult> gates;
  Outcome verdict = Outcome::kPass;  // worst of the gates
  bool strict = false;               // warn and pending fail the run
  absl::Time eval_time;              // the evaluation time (`--at`, or now)
  absl::Time started;
  double duration_seconds = 0;
  std::string tool_version;
  std::string tool_commit;
  std::string hostname;  // where the run happened (JUnit `hostname`)
  // Non-secret values given with --set, shown in reports (e.g. commit=abc).
  std::map<std::string, std::string> settings;
  // Actions that may be lost (a failed delivery the spool gave up on, an
  // unusable spool): each a line for people. Any makes the run need a human:
  // exit 3 even on a pass or a fail (see reports/run_summary.h ExitCode).
  std::vector<std::string> action_problems;
  // `report`: the window charts cover, ending at eval_time; zero otherwise.
  absl::Duration window = absl::ZeroDuration();
  // The command that ran: check | report | watch. Picks the verdict's words
  // (reports/run_summary.h VerdictWord): GO / NO-GO for report.
  std::string command = "check";
  // Set by `watch` for its end-of-watch reports: the incidents, and the
  // exit code the watch decided (see WatchSummary).
  std::optional<WatchSummary> watch;
};

}  // namespace aurora

#endif  // AURORA_EVALUATOR_RESULT_H_
