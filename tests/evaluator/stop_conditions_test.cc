// The stop-condition counters (evaluator/stop_conditions.h), table-driven:
// each case is named after the outcomes it feeds, one per evaluation
// ("pass=>fail=>trip"), and says at which evaluation the rule trips.
#include "evaluator/stop_conditions.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aurora {
namespace {

constexpr Outcome P = Outcome::kPass, F = Outcome::kFail, E = Outcome::kError,
                  I = Outcome::kInconclusive;

struct Limits {
  int failure = -1, consecutive_failure = -1, consecutive_error = -1;
};

Rule RuleWith(Limits l) {
  Rule r;
  r.failure_limit = l.failure;
  r.consecutive_failure_limit = l.consecutive_failure;
  r.consecutive_error_limit = l.consecutive_error;
  return r;
}

// The evaluation (1-based) at which the rule trips, and how; 0 when never.
std::pair<int, Trip> FirstTrip(Limits l, const std::vector<Outcome>& outcomes,
                               std::string* why = nullptr) {
  const StopLimits limits = StopLimitsOf(RuleWith(l));
  RuleCounts counts;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    CountOutcome(outcomes[i], &counts);
    TripCheck t = CheckStopLimits(limits, counts, "g/live/r", "0.07 > 0.05");
    if (t.trip != Trip::kNone) {
      if (why != nullptr) *why = t.why;
      return {static_cast<int>(i) + 1, t.trip};
    }
  }
  return {0, Trip::kNone};
}

TEST(StopConditionsTest, Table) {
  struct Case {
    const char* name;
    Limits limits;
    std::vector<Outcome> outcomes;
    int trips_at;
    Trip trip;
  };
  const std::vector<Case> cases = {
      {"pass=>pass: never", {}, {P, P}, 0, Trip::kNone},
      {"pass=>fail: trips at the first failure by default", {}, {P, F}, 2, Trip::kFail},
      {"failure_limit 2: fail=>pass=>fail=>pass=>fail", {2}, {F, P, F, P, F}, 5,
       Trip::kFail},
      {"failure_limit 2: fail=>fail never trips", {2}, {F, F}, 0, Trip::kNone},
      {"consecutive_failure_limit 2 alone: fail=>fail=>pass=>fail=>fail=>fail",
       {-1, 2}, {F, F, P, F, F, F}, 6, Trip::kFail},
      {"consecutive_failure_limit with failure_limit: the total trips first",
       {1, 5}, {F, P, F}, 3, Trip::kFail},
      {"error x5: the default consecutive_error_limit 4", {}, {E, E, E, E, E}, 5,
       Trip::kError},
      {"error x4=>pass=>error: the run of errors restarts", {},
       {E, E, E, E, P, E}, 0, Trip::kNone},
      {"inconclusive is not an error", {}, {I, I, I, I, I, I}, 0, Trip::kNone},
      {"consecutive_error_limit 0: the first error trips", {-1, -1, 0}, {P, E}, 2,
       Trip::kError},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto [at, trip] = FirstTrip(c.limits, c.outcomes);
    EXPECT_EQ(at, c.trips_at);
    EXPECT_EQ(trip, c.trip);
  }
}

TEST(StopConditionsTest, WhySaysWhichLimitAndTheReason) {
  std::string why;
  FirstTrip({}, {F}, &why);
  EXPECT_EQ(why, "g/live/r failed 1 time (failure_limit 0): 0.07 > 0.05");
  FirstTrip({-1, 1}, {F, F}, &why);
  EXPECT_EQ(why,
            "g/live/r failed 2 times in a row (consecutive_failure_limit 1): "
            "0.07 > 0.05");
  FirstTrip({-1, -1, 1}, {E, E}, &why);
  EXPECT_EQ(why,
            "g/live/r could not be evaluated 2 times in a row "
            "(consecutive_error_limit 1): 0.07 > 0.05");
}

// The watch's trip over `outcomes` of one rule as `watch --keep-running`
// keeps it (TripEscalates), written per evaluation: "-" untripped, "error",
// "fail".
std::string TripsKeptRunning(Limits l, const std::vector<Outcome>& outcomes) {
  const StopLimits limits = StopLimitsOf(RuleWith(l));
  RuleCounts counts;
  Trip trip = Trip::kNone;
  std::string out;
  for (Outcome o : outcomes) {
    CountOutcome(o, &counts);
    TripCheck t = CheckStopLimits(limits, counts, "g/live/r", "");
    if (TripEscalates(trip, t.trip)) trip = t.trip;
    if (!out.empty()) out += "=>";
    out += trip == Trip::kNone ? "-" : trip == Trip::kFail ? "fail" : "error";
  }
  return out;
}

TEST(StopConditionsTest, AFailOutranksAnErrorTrip) {
  EXPECT_TRUE(TripEscalates(Trip::kNone, Trip::kFail));
  EXPECT_TRUE(TripEscalates(Trip::kNone, Trip::kError));
  EXPECT_TRUE(TripEscalates(Trip::kError, Trip::kFail));
  EXPECT_FALSE(TripEscalates(Trip::kError, Trip::kError));
  EXPECT_FALSE(TripEscalates(Trip::kFail, Trip::kError));
  EXPECT_FALSE(TripEscalates(Trip::kFail, Trip::kFail));
  EXPECT_FALSE(TripEscalates(Trip::kError, Trip::kNone));
  EXPECT_FALSE(TripEscalates(Trip::kFail, Trip::kNone));

  // error x5 trips on errors; the failure after it escalates the trip.
  EXPECT_EQ(TripsKeptRunning({}, {E, E, E, E, E, F, P}),
            "-=>-=>-=>-=>error=>fail=>fail");
  // A failure first: later errors never lower the trip.
  EXPECT_EQ(TripsKeptRunning({}, {F, E, E, E, E, E}),
            "fail=>fail=>fail=>fail=>fail=>fail");
  // failure_limit 1 after an error trip: the second failure escalates.
  EXPECT_EQ(TripsKeptRunning({1, -1, 0}, {E, F, P, F}), "error=>error=>error=>fail");
}

TEST(StopConditionsTest, CountsFollowTheOutcomes) {
  RuleCounts c;
  for (Outcome o : {F, F, E, F}) CountOutcome(o, &c);
  EXPECT_TRUE(c.seen);
  EXPECT_EQ(c.last, F);
  EXPECT_EQ(c.failures, 3);
  EXPECT_EQ(c.consecutive_failures, 1);
  EXPECT_EQ(c.consecutive_errors, 0);
}

}  // namespace
}  // namespace aurora
