// The alert state machine against Prometheus' semantics (rules/alerting.go):
// cases are named after the state sequence they check, one entry per
// evaluation, as vmalert's rule tests are.
#include "evaluator/alert_state.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

const Labels kA{{"instance", "a"}};

absl::Time T(int minutes) { return absl::UnixEpoch() + absl::Minutes(minutes); }

// Steps once a minute; `holds[i]` says whether the condition holds for kA at
// minute i; returns the state after each step.
std::vector<std::string> StepEachMinute(absl::Duration hold, absl::Duration keep,
                             const std::vector<bool>& holds) {
  AlertTracker t(hold, keep);
  std::vector<std::string> states;
  for (size_t i = 0; i < holds.size(); ++i) {
    std::map<Labels, double> h;
    if (holds[i]) h[kA] = 1;
    t.Step(T(static_cast<int>(i)), h);
    auto it = t.alerts().find(kA);
    states.push_back(it == t.alerts().end()
                         ? "gone"
                         : std::string(AlertStateName(it->second.state)));
  }
  return states;
}

std::string Seq(const std::vector<std::string>& s) { return absl::StrJoin(s, "=>"); }

TEST(AlertStateTest, WithoutForFiresAtOnce) {
  EXPECT_EQ(Seq(StepEachMinute(absl::ZeroDuration(), absl::ZeroDuration(), {true, false, true})),
            "firing=>inactive=>firing");
}

TEST(AlertStateTest, PendingBecomesFiringWhenForHasElapsedExactly) {
  // for: 2m; active at 0 → firing at minute 2 (ts - active_at >= for).
  EXPECT_EQ(Seq(StepEachMinute(absl::Minutes(2), absl::ZeroDuration(), {true, true, true, true})),
            "pending=>pending=>firing=>firing");
}

TEST(AlertStateTest, PendingThatStopsHoldingIsForgotten) {
  EXPECT_EQ(Seq(StepEachMinute(absl::Minutes(2), absl::ZeroDuration(), {true, true, false, true})),
            "pending=>pending=>gone=>pending");
}

TEST(AlertStateTest, FiringThatStopsHoldingIsResolvedThenRestartsAsPending) {
  EXPECT_EQ(Seq(StepEachMinute(absl::Minutes(1), absl::ZeroDuration(),
                    {true, true, false, true, true})),
            "pending=>firing=>inactive=>pending=>firing");
}

TEST(AlertStateTest, KeepFiringForHoldsAFiringAlertAfterTheConditionStops) {
  // keep_firing_for: 2m: still firing at +0m and +1m without the condition,
  // resolved at +2m.
  EXPECT_EQ(Seq(StepEachMinute(absl::ZeroDuration(), absl::Minutes(2),
                    {true, false, false, false})),
            "firing=>firing=>firing=>inactive");
}

TEST(AlertStateTest, KeepFiringForRestartsWhenTheConditionReturns) {
  EXPECT_EQ(Seq(StepEachMinute(absl::ZeroDuration(), absl::Minutes(2),
                    {true, false, true, false, false, false})),
            "firing=>firing=>firing=>firing=>firing=>inactive");
}

TEST(AlertStateTest, KeepFiringForDoesNotKeepAPendingAlert) {
  EXPECT_EQ(Seq(StepEachMinute(absl::Minutes(5), absl::Minutes(2), {true, false})),
            "pending=>gone");
}

TEST(AlertStateTest, ResolvedAlertsAreForgottenAfterFifteenMinutes) {
  std::vector<bool> holds = {true};
  for (int i = 0; i < 17; ++i) holds.push_back(false);
  std::vector<std::string> s = StepEachMinute(absl::ZeroDuration(), absl::ZeroDuration(), holds);
  EXPECT_EQ(s[1], "inactive");
  EXPECT_EQ(s[16], "inactive");  // resolved at 1, 15 minutes later still kept
  EXPECT_EQ(s[17], "gone");      // more than 15 minutes after resolving
}

TEST(AlertStateTest, EachLabelSetHasItsOwnState) {
  const Labels b{{"instance", "b"}};
  AlertTracker t(absl::Minutes(1), absl::ZeroDuration());
  t.Step(T(0), {{kA, 1}});
  t.Step(T(1), {{kA, 1}, {b, 2}});
  EXPECT_EQ(t.alerts().at(kA).state, AlertState::kFiring);
  EXPECT_EQ(t.alerts().at(b).state, AlertState::kPending);
  EXPECT_EQ(t.alerts().at(b).value, 2);
  EXPECT_EQ(t.alerts().at(kA).active_at, T(0));
  EXPECT_EQ(t.alerts().at(kA).fired_at, T(1));
}

TEST(AlertStateTest, ReplayRangeMatchesSteppingByHand) {
  Series s;
  s.labels = kA;
  // Values at minutes 0..5; condition: > 10; minute 3 missing (stale).
  for (int m : {0, 1, 2, 4, 5}) {
    s.points.push_back({T(m), m == 0 ? 5.0 : 20.0});
  }
  auto holds = [](double v) { return v > 10; };
  AlertTracker t = ReplayRange({s}, T(0), T(5), absl::Minutes(1), absl::Minutes(1),
                               absl::ZeroDuration(), holds);
  // 0: no; 1: pending; 2: firing; 3: absent -> resolved; 4: pending; 5: firing.
  ASSERT_EQ(t.alerts().count(kA), 1u);
  EXPECT_EQ(t.alerts().at(kA).state, AlertState::kFiring);
  EXPECT_EQ(t.alerts().at(kA).active_at, T(4));
  AlertTracker short_window = ReplayRange({s}, T(0), T(4), absl::Minutes(1),
                                          absl::Minutes(1), absl::ZeroDuration(), holds);
  EXPECT_EQ(short_window.alerts().at(kA).state, AlertState::kPending);
}

TEST(AlertStateTest, ReplayWindowCoversForKeepFiringAndOneStep) {
  EXPECT_EQ(ReplayWindow(absl::Minutes(5), absl::Minutes(2), absl::Seconds(15)),
            absl::Minutes(7) + absl::Seconds(15));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

Series Holding(const std::string& pattern) {  // '1' holds, '0' not, '_' absent
  Series s;
  s.labels = Labels{{"instance", "a"}};
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '_') continue;
    s.points.push_back({absl::UnixEpoch() + absl::Minutes(static_cast<int>(i)),
                        pattern[i] == '1' ? 1.0 : 0.0});
  }
  return s;
}

bool Settled(const std::string& pattern, int for_minutes, int keep_minutes) {
  absl::Time end = absl::UnixEpoch() + absl::Minutes(static_cast<int>(pattern.size()) - 1);
  return ReplayIsSettled({Holding(pattern)}, absl::UnixEpoch(), end,
                         absl::Minutes(1), absl::Minutes(for_minutes),
                         absl::Minutes(keep_minutes),
                         [](double v) { return v > 0.5; });
}

TEST(ReplayIsSettledTest, WithoutKeepFiringForOneQuietStepSettles) {
  EXPECT_TRUE(Settled("0000", 5, 0));
  EXPECT_TRUE(Settled("1111111", 5, 0));  // held for `for`: fires in both
  // Held at the start, then one step without: any earlier pending or
  // firing alert is gone in both.
  EXPECT_TRUE(Settled("1100000", 5, 0));
  EXPECT_FALSE(Settled("11111", 5, 0)) << "held, but not yet for `for`";
}

TEST(ReplayIsSettledTest, KeepFiringForNeedsAQuietStretchOrAFullHold) {
  // keep_firing_for 2m: 3 quiet steps prove any earlier alert resolved.
  EXPECT_TRUE(Settled("0001111", 3, 2));
  EXPECT_TRUE(Settled("___1111", 3, 2));  // absent counts as not holding
  EXPECT_TRUE(Settled("1111000", 3, 2));  // held for `for` + 1 step
  EXPECT_TRUE(Settled("0100011", 3, 2));  // the quiet stretch comes later
  EXPECT_FALSE(Settled("1110100", 3, 2));  // the case promtool caught:
                                           // breaks too short, holds too short
}

}  // namespace
}  // namespace aurora
