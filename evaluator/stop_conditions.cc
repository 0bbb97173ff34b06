#include "evaluator/stop_conditions.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {

StopLimits StopLimitsOf(const Rule& rule) {
  StopLimits l;
  l.failure_limit = rule.failure_limit >= 0 ? rule.failure_limit
                    : rule.consecutive_failure_limit >= 0 ? -1
                                                          : 0;
  l.consecutive_failure_limit = rule.consecutive_failure_limit;
  l.consecutive_error_limit = rule.consecutive_error_limit >= 0
                                  ? rule.consecutive_error_limit
                                  : kDefaultConsecutiveErrorLimit;
  return l;
}

void CountOutcome(Outcome outcome, RuleCounts* c) {
  c->seen = true;
  c->last = outcome;
  if (outcome == Outcome::kFail) {
    ++c->failures;
    ++c->consecutive_failures;
  } else {
    c->consecutive_failures = 0;
  }
  c->consecutive_errors = outcome == Outcome::kError ? c->consecutive_errors + 1 : 0;
}

TripCheck CheckStopLimits(const StopLimits& limits, const RuleCounts& c,
                          std::string_view name, std::string_view reason) {
  TripCheck t;
  if (limits.failure_limit >= 0 && c.failures > limits.failure_limit) {
    t.trip = Trip::kFail;
    t.why = absl::StrCat(Sv(name), " failed ", c.failures,
                         c.failures == 1 ? " time" : " times", " (failure_limit ",
                         limits.failure_limit, "): ", Sv(reason));
  } else if (limits.consecutive_failure_limit >= 0 &&
             c.consecutive_failures > limits.consecutive_failure_limit) {
    t.trip = Trip::kFail;
    t.why = absl::StrCat(Sv(name), " failed ", c.consecutive_failures,
                         " times in a row (consecutive_failure_limit ",
                         limits.consecutive_failure_limit, "): ", Sv(reason));
  } else if (c.consecutive_errors > limits.consecutive_error_limit) {
    t.trip = Trip::kError;
    t.why = absl::StrCat(Sv(name), " could not be evaluated ", c.consecutive_errors,
                         " times in a row (consecutive_error_limit ",
                         limits.consecutive_error_limit, "): ", Sv(reason));
  }
  return t;
}

bool TripEscalates(Trip current, Trip candidate) {
  if (candidate == Trip::kNone) return false;
  return current == Trip::kNone ||
         (current == Trip::kError && candidate == Trip::kFail);
}

}  // namespace aurora
