// File: evaluator/backtest_replay.h
// `backtest`: the watch's policies driven over a past span. In: per gate,
// the outcome every rule would have had at each step (from range queries,
// judged by evaluator/live_judging; artifact rules evaluated once). Out:
// per rule the intervals of each outcome, per gate its verdict over time,
// the incidents the stop conditions would have opened (and resolved) and
// the actions that would have fired — exactly as `watch --keep-running`
// evaluating at each step would have (evaluator/stop_conditions,
// evaluator/incident_policy). Pure: no clock, no I/O; nothing is fired.
#ifndef AURORA_EVALUATOR_BACKTEST_REPLAY_H_
#define AURORA_EVALUATOR_BACKTEST_REPLAY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"
#include "evaluator/sample.h"
#include "rules/gate.h"
#include "evaluator/step_runs.h"
#include "evaluator/stop_conditions.h"

namespace aurora {

// The evaluation times: from, from + step, ... (`steps` of them).
struct BacktestSpan {
  absl::Time from;
  absl::Duration step = absl::Seconds(15);
  size_t steps = 0;
  absl::Time At(size_t i) const { return from + static_cast<int64_t>(i) * step; }
  absl::Time End() const { return At(steps); }  // one step past the last
};

// One rule's outcome at each step, after its policies (severity). Reasons
// and labels are kept per run of equal steps (evaluator/step_runs.h): a
// track costs ~12 bytes per step plus its changes, not a string and a label
// set per step.
struct RuleTrack {
  std::string group, name;
  bool dry_run = false;   // evaluated and reported, never decides
  bool artifact = false;  // no history: evaluated once, the same at every step
  StopLimits limits;
  std::vector<Outcome> outcomes;     // one per step
  std::vector<double> values;        // the first series' value; NaN: none
  // One per step: the reason of every fail, error and inconclusive step
  // and of the rule's first warn and first pending step (what stop
  // conditions, incidents and the report's "first at" read); "" at the
  // other steps, so that a track does not grow a string per step.
  StepRuns<std::string> reasons;
  StepRuns<Labels> labels;           // the first series' labels
};

// An action of the gate: its display name and the transition it fires on.
struct GateActionRef {
  std::string name;
  ActionTrigger on = ActionTrigger::kFail;
};

struct GateTrack {
  std::string name, title, file;
  std::vector<RuleTrack> rules;
  std::vector<GateActionRef> actions;
};

// [from, to): consecutive steps with one outcome.
struct OutcomeInterval {
  Outcome outcome = Outcome::kPass;
  absl::Time from, to;
};

// Consecutive equal outcomes merged; the last interval ends one step after
// the last step.
std::vector<OutcomeInterval> OutcomeIntervals(const BacktestSpan& span,
                                              const std::vector<Outcome>& outcomes);

// An action that would have fired (never fired by a backtest).
struct WouldFire {
  std::string action;
  std::string on;
  absl::Time at;
};

struct BacktestIncident {
  std::string gate, gate_file;
  std::string on;  // fail | error
  absl::Time tripped_at;
  absl::Time resolved_at = absl::InfiniteFuture();  // still open at the end
  // An error incident ended at resolved_at by the gate's fail incident (the
  // trip escalated from error to fail): not resolved, no `resolved` fired.
  bool escalated = false;
  std::string why;  // the limit that tripped; empty for a later incident
  std::vector<IncidentRule> rules;
  std::vector<WouldFire> actions;  // opening and closing ones, in order
};

struct BacktestRuleResult {
  std::string group, name;
  bool artifact = false, dry_run = false;
  std::vector<OutcomeInterval> intervals;
  double fraction_failing = 0;  // of the steps
};

struct BacktestGateResult {
  std::string name, title, file;
  std::vector<OutcomeInterval> verdicts;  // the gate's verdict over the span
  double fraction_failing = 0;            // steps whose verdict is fail
  std::optional<absl::Time> first_trip;   // its first incident
  std::vector<BacktestRuleResult> rules;
  std::vector<WouldFire> would_fire;      // every transition's actions
};

struct BacktestResult {
  BacktestSpan span;
  std::vector<BacktestGateResult> gates;
  std::vector<BacktestIncident> incidents;  // in the order they opened
  std::vector<std::string> notes;           // e.g. artifact rules evaluated once
};

// A deploy of --deploys: its time and optional label.
struct Deploy {
  absl::Time at;
  std::string label;
};

// One deploy's window [at, at + window]: what the stop conditions would
// have done after it.
struct DeployWindow {
  Deploy deploy;
  absl::Duration window;
  BacktestResult result;
};

// What `backtest` answers, for the reports (reports/backtest_report.h).
struct BacktestRun {
  std::optional<BacktestResult> span;  // --from/--to
  std::vector<DeployWindow> deploys;   // --deploys
  // Rules whose history could not be read (the backtest is then undecided).
  std::vector<std::string> errors;
  int exit_code = 0;
};

// The backtest's exit code, the watch's over the span and each deploy
// window: 1 when an incident would have opened on a failure (a failure
// outranks what could not be decided, as in check); otherwise 3 when a
// rule's history could not be read or an incident would have opened on an
// error (the watch exits 3 when an error trips it); otherwise 0.
int BacktestExitCode(const BacktestRun& run);

// Judges a live rule at every step of `span` as the watch would have, from
// `matrix` (a range read of its query at span.step from `history_start`, a
// whole number of steps before span.from, to the last step; labels without
// the metric name): its alert state is stepped from `history_start` (so
// `for` is settled at span.from) and judged at each step
// (evaluator/live_judging.h); `skeleton` gives the policies applied after
// (severity). A group `limit` exceeded is `error` at that step and the
// state starts over, as in the watch.
RuleTrack JudgeOverSpan(const Rule& rule, const RuleResult& skeleton,
                        const std::vector<Series>& matrix,
                        absl::Time history_start, const BacktestSpan& span,
                        int group_limit);

// The same outcome at every step: an artifact rule (no history), or a rule
// whose history could not be read (`error` with its reason).
RuleTrack ConstantTrack(const Rule& rule, const RuleResult& result,
                        const BacktestSpan& span);

// Replays the watch over the span: at each step the gates' verdicts (worst
// of the rules that decide), the stop-condition counts (the watch trips
// once, by the first rule past a limit; it keeps evaluating, as with
// --keep-running), and each gate's transitions.
BacktestResult ReplayGates(const BacktestSpan& span,
                           const std::vector<GateTrack>& gates);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_BACKTEST_REPLAY_H_
