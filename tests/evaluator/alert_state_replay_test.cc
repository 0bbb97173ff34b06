// ReplayRange and AlertTracker::Step, which work one label set at a time,
// against the earlier whole-map implementation of Step (kept here verbatim
// as the reference), on generated matrices: gaps, off-step points, NaN,
// several series with the same labels, `for` and keep_firing_for of every
// shape, windows longer than the resolved-alert retention.
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "evaluator/alert_state.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

// The state machine as AlertTracker::Step implemented it before the
// per-label-set rewrite (one map of holding label sets per step).
class ReferenceTracker {
 public:
  ReferenceTracker(absl::Duration hold, absl::Duration keep)
      : hold_(hold), keep_firing_for_(keep) {}
  void Step(absl::Time ts, const std::map<Labels, double>& holding) {
    for (const auto& [labels, value] : holding) {
      auto it = alerts_.find(labels);
      if (it != alerts_.end() && it->second.state != AlertState::kInactive) {
        it->second.value = value;
        continue;
      }
      ActiveAlert a;
      a.labels = labels;
      a.state = AlertState::kPending;
      a.active_at = ts;
      a.value = value;
      alerts_[labels] = a;
    }
    for (auto it = alerts_.begin(); it != alerts_.end();) {
      ActiveAlert& a = it->second;
      if (holding.count(it->first) == 0) {
        bool keep_firing = false;
        if (a.state == AlertState::kFiring && keep_firing_for_ > absl::ZeroDuration()) {
          if (a.keep_firing_since == absl::InfinitePast()) a.keep_firing_since = ts;
          keep_firing = ts - a.keep_firing_since < keep_firing_for_;
        }
        bool forget = a.state == AlertState::kPending ||
                      (a.resolved_at != absl::InfinitePast() &&
                       ts - a.resolved_at > absl::Minutes(15));
        if (a.state != AlertState::kInactive && !keep_firing) {
          a.state = AlertState::kInactive;
          a.resolved_at = ts;
        }
        if (forget) {
          it = alerts_.erase(it);
          continue;
        }
        if (!keep_firing) {
          ++it;
          continue;
        }
      } else {
        a.keep_firing_since = absl::InfinitePast();
      }
      if (a.state == AlertState::kPending && ts - a.active_at >= hold_) {
        a.state = AlertState::kFiring;
        a.fired_at = ts;
      }
      ++it;
    }
  }
  const std::map<Labels, ActiveAlert>& alerts() const { return alerts_; }

 private:
  absl::Duration hold_, keep_firing_for_;
  std::map<Labels, ActiveAlert> alerts_;
};

// The holding map of one step, as the earlier ReplayRange built it: the last
// series (in matrix order) with a holding point at `ts` gives the value.
std::map<Labels, double> HoldingAt(const std::vector<Series>& matrix, absl::Time ts) {
  std::map<Labels, double> holding;
  for (const Series& s : matrix) {
    for (const Point& p : s.points) {
      if (p.timestamp == ts && p.value > 5) holding[s.labels] = p.value;
    }
  }
  return holding;
}

std::string Describe(const std::map<Labels, ActiveAlert>& alerts) {
  std::string out;
  for (const auto& [l, a] : alerts) {
    absl::StrAppend(&out, l.ToString(), " ", Sv(AlertStateName(a.state)), " v=", a.value,
                    " active=", absl::FormatTime(a.active_at),
                    " fired=", absl::FormatTime(a.fired_at),
                    " resolved=", absl::FormatTime(a.resolved_at),
                    " kfs=", absl::FormatTime(a.keep_firing_since),
                    " labels=", a.labels.ToString(), "\n");
  }
  return out;
}

TEST(AlertReplayTest, SameStatesAsTheWholeMapStateMachine) {
  std::mt19937 rng(20261127);
  const absl::Time t0 = absl::FromUnixSeconds(1795776000);
  const absl::Duration step = absl::Minutes(1);
  const std::vector<absl::Duration> holds = {absl::ZeroDuration(), step, step * 2.5,
                                             step * 5};
  const std::vector<absl::Duration> keeps = {absl::ZeroDuration(), step, step * 3};
  std::map<AlertState, int> seen;  // the cases must reach every state
  int kept_firing = 0;
  for (int c = 0; c < 3000; ++c) {
    const int steps = 1 + static_cast<int>(rng() % 40);
    const absl::Time start = t0 + absl::Seconds(rng() % 7);  // not step-aligned
    const absl::Time end = start + (steps - 1) * step + absl::Seconds(rng() % 30);
    const absl::Duration hold = holds[rng() % holds.size()];
    const absl::Duration keep = keeps[rng() % keeps.size()];
    const int dense = 1 + static_cast<int>(rng() % 4);  // how often points hold
    std::vector<Series> matrix(rng() % 9);
    for (Series& s : matrix) {
      s.labels = Labels{{"instance", absl::StrCat("i", rng() % 5)}};
      for (absl::Time ts = start - 2 * step; ts <= end + step; ts += step) {
        if (rng() % 5 == 0) continue;  // a gap (absent or stale)
        Point p;
        // Now and then a point off the evaluation grid, which never counts.
        p.timestamp = rng() % 13 == 0 ? ts + absl::Seconds(1) : ts;
        const unsigned r = rng() % 10;
        p.value = r == 0   ? std::numeric_limits<double>::quiet_NaN()
                  : r < static_cast<unsigned>(6 - dense) ? 1.0 * (rng() % 5)          // does not hold
                                  : 6.0 + rng() % 100;        // holds
        s.points.push_back(p);
      }
    }
    ReferenceTracker ref(hold, keep);
    AlertTracker stepped(hold, keep);
    for (absl::Time ts = start; ts <= end; ts += step) {
      std::map<Labels, double> holding = HoldingAt(matrix, ts);
      ref.Step(ts, holding);
      stepped.Step(ts, holding);
    }
    AlertTracker replayed = ReplayRange(matrix, start, end, step, hold, keep,
                                        [](double v) { return v > 5; });
    const std::string want = Describe(ref.alerts());
    ASSERT_EQ(Describe(stepped.alerts()), want) << "case " << c;
    ASSERT_EQ(Describe(replayed.alerts()), want) << "case " << c;
    for (const auto& [l, a] : ref.alerts()) {
      ++seen[a.state];
      kept_firing += a.state == AlertState::kFiring &&
                     a.keep_firing_since != absl::InfinitePast();
    }
  }
  EXPECT_GT(seen[AlertState::kPending], 100);
  EXPECT_GT(seen[AlertState::kFiring], 100);
  EXPECT_GT(seen[AlertState::kInactive], 100);
  EXPECT_GT(kept_firing, 20);
}

}  // namespace
}  // namespace aurora
