// File: evaluator/judge.h
// Turns observed values into outcomes: criteria combination, the firing
// condition of Prometheus-style rules, NaN / no-data policies, severity, and
// `series: all|any`. Pure: values in, outcomes and reasons out.
#ifndef AURORA_EVALUATOR_JUDGE_H_
#define AURORA_EVALUATOR_JUDGE_H_

#include <optional>
#include <string>
#include <vector>

#include "evaluator/alert_state.h"
#include "evaluator/result.h"
#include "evaluator/sample.h"
#include "rules/gate.h"

namespace aurora {

// One output series of a rule's query, with the same series' baseline value
// when the source has a baseline.
struct Observed {
  Labels labels;
  double value = 0;
  std::optional<double> baseline = {};
  // Why there is no baseline value, when known (an empty history, no
  // series at the live baseline's moment): the reason of an inconclusive
  // relative criterion.
  std::string no_baseline = {};
};

struct Judgement {
  Outcome outcome = Outcome::kPass;
  std::string reason;
  std::vector<SeriesResult> series;
};

// Judges one value against the rule's criteria or condition (no `for`
// window, no policies on the set). `baseline_missing` explains a relative
// criterion that cannot be checked. `reasons` false: the outcome alone
// (no reason text is built; backtest's steps that keep none).
SeriesResult JudgeValue(const Rule& rule, const Observed& observed,
                        bool baseline_missing, bool reasons = true);

// The outcome of `value` under the rule's pass/warn/fail lists alone (no
// condition, NaN policy or severity): pass when every pass criterion holds;
// otherwise fail when the fail criteria hold, or when no fail is given and
// warn (if given) does not hold; otherwise warn. Without pass: fail when
// fail holds, warn when warn holds, else pass. `unknown_as` stands for a
// relative criterion that has no baseline.
Outcome CombineCriteria(const Rule& rule, double value,
                        std::optional<double> baseline, bool unknown_as);

// True when the rule's condition (Prometheus style, or its fail side) holds
// for `value`: what starts a `for` window. NaN never holds.
// With relative criteria, `baseline` is the series' baseline value; a
// relative criterion without one decides nothing (the condition does not
// hold).
bool ConditionHolds(const Rule& rule, double value,
                    std::optional<double> baseline = std::nullopt);

// Judges every observed series and combines them per the rule's policies:
// an empty set follows `no_data`; `series: all` takes the worst series,
// `series: any` the best. Severity warning/info turns fail into warn.
Judgement JudgeRule(const Rule& rule, const std::vector<Observed>& observed,
                    bool baseline_missing);

// Judges a rule on a live source from its alert state at `eval_time` (after
// replaying the `for` window, or one step for rules without `for`) and the
// values at `eval_time`: firing -> fail (warn when severity is not
// critical), pending -> pending, otherwise the current value is judged as
// JudgeValue does. A Prometheus alert whose expression was not split (its
// result is the firing set) passes when nothing is returned; any other rule
// with no series at all follows `no_data`.
// `history_start` is where the replayed history began: an alert active
// since then may have been active longer ("at least").
// `reasons` false: outcomes, values and labels only, no reason text.
Judgement JudgeLiveRule(const Rule& rule, const std::vector<Observed>& current,
                        const AlertTracker& tracker, absl::Time history_start,
                        absl::Time eval_time, bool reasons = true);

// A rule whose severity is not critical never blocks on its data: when its
// outcome is inconclusive (no data, NaN, no baseline value) it is reported
// as warn, with the reason kept and marked "(severity S: inconclusive,
// reported as warn)"; fail is already warn for such rules (JudgeValue).
// `error` stays error whatever the severity: a source that could not be
// read (a server down, a broken artifact) is never a pass, and a plain
// alert file's alerts are mostly not critical.
void ApplyNonBlockingSeverity(RuleResult* rule);

// "V" with the value formatted as in reports, and the labels when there are
// any: `87.5` or `{file="a.py"} 45.2`.
std::string DescribeSeries(const Labels& labels, double value);

// The series that decided the rule's outcome, whose value incidents and
// logs show: the first (in the judge's label order) with the rule's outcome,
// else the first with the worst outcome (a non-blocking severity turns a
// fail into warn); nullptr when there is none. Not simply the first series:
// that may be one that passes beside the one that fails.
const SeriesResult* DecidingSeries(const RuleResult& r);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_JUDGE_H_
