// File: evaluator/alert_state.h
// Prometheus' alert state machine (rules/alerting.go, AlertingRule.Eval) for
// one rule: per label set inactive -> pending -> firing, with `for` (hold)
// and `keep_firing_for`. Pure: each Step gets the evaluation time and the
// series whose condition holds at that time. Not thread-safe.
#ifndef AURORA_EVALUATOR_ALERT_STATE_H_
#define AURORA_EVALUATOR_ALERT_STATE_H_

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/sample.h"

namespace aurora {

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState s);  // "inactive", "pending", "firing"

struct ActiveAlert {
  Labels labels;
  AlertState state = AlertState::kInactive;
  double value = 0;
  absl::Time active_at = absl::InfinitePast();
  absl::Time fired_at = absl::InfinitePast();
  absl::Time resolved_at = absl::InfinitePast();
  absl::Time keep_firing_since = absl::InfinitePast();
};

class AlertTracker {
 public:
  AlertTracker(absl::Duration hold, absl::Duration keep_firing_for)
      : hold_(hold), keep_firing_for_(keep_firing_for) {}

  // One evaluation at `ts`: `holding` maps each label set whose condition
  // holds now to its value. Label sets absent from `holding` do not hold.
  void Step(absl::Time ts, const std::map<Labels, double>& holding);

  // Alerts not yet forgotten (pending, firing, or recently resolved).
  const std::map<Labels, ActiveAlert>& alerts() const { return alerts_; }

  // Replaces the hold and keep_firing_for durations (a reloaded rule keeps
  // its state, as Prometheus does).
  void SetDurations(absl::Duration hold, absl::Duration keep_firing_for) {
    hold_ = hold;
    keep_firing_for_ = keep_firing_for;
  }

 private:
  friend AlertTracker ReplayRange(const std::vector<Series>&, absl::Time,
                                  absl::Time, absl::Duration, absl::Duration,
                                  absl::Duration,
                                  const std::function<bool(double)>&);
  // One evaluation at `ts` for one label set: `alert` is its entry (empty
  // when it has none; emptied when it is forgotten). Label sets do not
  // interact: Step is this for each label set of `holding` and `alerts_`.
  void StepOne(std::optional<ActiveAlert>& alert, bool holds, double value,
               absl::Time ts) const;

  absl::Duration hold_;
  absl::Duration keep_firing_for_;
  std::map<Labels, ActiveAlert> alerts_;
};

// Replays the state machine over a range-query result: evaluates at every
// `step` from `start` to `end` (inclusive, as Prometheus' range query aligns
// points at start + k*step) with the series of `matrix` whose point at that
// time satisfies `holds`. A series without a point at a step does not hold
// there (absent, or stale). Returns the tracker as of `end`: the same as
// calling AlertTracker::Step at each step (series with equal labels count as
// one label set: it holds when any of them does, with the value of the last
// such series in `matrix`), computed one label set at a time.
AlertTracker ReplayRange(const std::vector<Series>& matrix, absl::Time start,
                         absl::Time end, absl::Duration step,
                         absl::Duration hold, absl::Duration keep_firing_for,
                         const std::function<bool(double)>& holds);

// The shortest history a one-shot decision can need: `for` +
// `keep_firing_for` and one step (so a condition that held through the whole
// window has fired).
absl::Duration ReplayWindow(absl::Duration hold, absl::Duration keep_firing_for,
                            absl::Duration step);

// Whether replaying `matrix` from `start` to `end` gives, at `end`, exactly
// the state Prometheus (evaluating since long before `start`) has. True when
// every series, somewhere in the window, did not hold for keep_firing_for +
// one step (so any earlier alert is resolved, in both) or held for `for` +
// one step (so it fires, in both): from there on both agree. When false,
// replay from further back: with keep_firing_for, an alert can stay firing
// across short breaks for as long as they keep coming.
bool ReplayIsSettled(const std::vector<Series>& matrix, absl::Time start,
                     absl::Time end, absl::Duration step, absl::Duration hold,
                     absl::Duration keep_firing_for,
                     const std::function<bool(double)>& holds);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_ALERT_STATE_H_
