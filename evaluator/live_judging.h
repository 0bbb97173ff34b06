// File: evaluator/live_judging.h
// How a rule on a live (Prometheus) source is judged once its values are
// known: the alert state stepped one evaluation (as Prometheus' rule
// manager does each interval), the group's `limit`, the outcome from the
// state and the current values (JudgeLiveRule), and the annotations of the
// alerts that do not pass. Pure: `watch` (gates/live_rules) and `backtest`
// (over history) drive it; no clock, no I/O.
#ifndef AURORA_EVALUATOR_LIVE_JUDGING_H_
#define AURORA_EVALUATOR_LIVE_JUDGING_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/alert_state.h"
#include "evaluator/judge.h"
#include "evaluator/result.h"
#include "rules/gate.h"

namespace aurora {

// What starts a rule's `for` window for a value: its condition (Prometheus
// style or its fail side); for an alert whose expression was not split,
// every series it returns (its result is the firing set).
std::function<bool(double)> LiveCondition(const Rule& rule);

// One evaluation at `eval_time`: the series of `current` whose condition
// holds (against their baseline value, for a relative criterion) step
// `tracker`.
void StepLiveAlerts(const Rule& rule, const std::vector<Observed>& current,
                    absl::Time eval_time, AlertTracker* tracker);

// Judges the rule at `eval_time` from `tracker` (already stepped to it) and
// `current` into `out` (outcome, reason, series, annotations rendered with
// the server's external labels and --web.external-url, "" when unknown).
// `history_start`: where the state's history began (see JudgeLiveRule).
// `group_limit` > 0: an alert rule with more pending or firing alerts is
// `error` ("exceeded limit of N with M alerts"), as Prometheus drops them;
// then returns false and the caller forgets the rule's state.
// `detail` leaves out what a caller does not read (backtest: annotations
// always, reasons at most steps); the outcome, values and labels are the same.
struct LiveJudgingDetail {
  bool annotations = true;
  bool reasons = true;
};
bool JudgeLiveAlerts(const Rule& rule, const std::vector<Observed>& current,
                     const AlertTracker& tracker, absl::Time history_start,
                     absl::Time eval_time, int group_limit,
                     const std::map<std::string, std::string>& external_labels,
                     const std::string& external_url, RuleResult* out,
                     LiveJudgingDetail detail = {});

}  // namespace aurora

#endif  // AURORA_EVALUATOR_LIVE_JUDGING_H_
