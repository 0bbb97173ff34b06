// File: evaluator/stop_conditions.h
// The stop-condition counters of `watch` (and `backtest`), in Argo Rollouts'
// analysis vocabulary: per rule, how many evaluations failed in all, in a
// row, and how many could not be evaluated in a row; and the limits
// (`failure_limit`, `consecutive_failure_limit`, `consecutive_error_limit`)
// past which the rule trips the watch. Pure: outcomes in, counts and trips
// out; no clock, no I/O.
#ifndef AURORA_EVALUATOR_STOP_CONDITIONS_H_
#define AURORA_EVALUATOR_STOP_CONDITIONS_H_

#include <string>
#include <string_view>

#include "rules/gate.h"
#include "rules/outcome.h"

namespace aurora {

// Argo Rollouts' default for consecutiveErrorLimit.
inline constexpr int kDefaultConsecutiveErrorLimit = 4;

// A rule's limits with the defaults applied; -1: no such limit. Without any
// count limit a rule trips on its first failure (failure_limit 0); with only
// consecutive_failure_limit, the total count does not trip it.
struct StopLimits {
  int failure_limit = 0;
  int consecutive_failure_limit = -1;
  int consecutive_error_limit = kDefaultConsecutiveErrorLimit;
};
StopLimits StopLimitsOf(const Rule& rule);

// One rule's counts over a watch.
struct RuleCounts {
  Outcome last = Outcome::kPass;
  bool seen = false;  // at least one outcome counted
  int failures = 0;
  int consecutive_failures = 0;
  int consecutive_errors = 0;
};

// Counts one more evaluation of the rule.
void CountOutcome(Outcome outcome, RuleCounts* counts);

enum class Trip { kNone, kFail, kError };

struct TripCheck {
  Trip trip = Trip::kNone;
  // "watch/live/error-rate failed 1 time (failure_limit 0): <reason>"
  std::string why;
};

// Whether `counts` are past `limits`: failure_limit first, then
// consecutive_failure_limit (both trip kFail), then consecutive_error_limit
// (kError). `name` and `reason` only make the text of `why`.
TripCheck CheckStopLimits(const StopLimits& limits, const RuleCounts& counts,
                          std::string_view name, std::string_view reason);

// Whether a rule's `candidate` trip replaces the watch's trip `current`: the
// first trip sets it, and a fail outranks an error, so a watch tripped by
// errors (and kept running) still trips on a real failure. A fail is never
// replaced.
bool TripEscalates(Trip current, Trip candidate);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_STOP_CONDITIONS_H_
