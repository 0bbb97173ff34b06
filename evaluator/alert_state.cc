#include "evaluator/alert_state.h"

#include <algorithm>

namespace aurora {
namespace {
// Prometheus keeps resolved alerts this long to report them as resolved.
constexpr absl::Duration kResolvedRetention = absl::Minutes(15);
}  // namespace

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kInactive: return "inactive";
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
  }
  return "inactive";
}

void AlertTracker::Step(absl::Time ts, const std::map<Labels, double>& holding) {
  // New or continuing: an inactive (resolved) alert starts over as pending.
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
                     ts - a.resolved_at > kResolvedRetention);
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

AlertTracker ReplayRange(const std::vector<Series>& matrix, absl::Time start,
                         absl::Time end, absl::Duration step,
                         absl::Duration hold, absl::Duration keep_firing_for,
                         const std::function<bool(double)>& holds) {
  AlertTracker tracker(hold, keep_firing_for);
  if (step <= absl::ZeroDuration()) return tracker;
  // Index of the next unread point per series (points are in time order).
  std::vector<size_t> next(matrix.size(), 0);
  for (absl::Time ts = start; ts <= end; ts += step) {
    std::map<Labels, double> holding;
    for (size_t i = 0; i < matrix.size(); ++i) {
      const auto& pts = matrix[i].points;
      size_t& k = next[i];
      while (k < pts.size() && pts[k].timestamp < ts) ++k;
      if (k < pts.size() && pts[k].timestamp == ts && holds(pts[k].value)) {
        holding[matrix[i].labels] = pts[k].value;
      }
    }
    tracker.Step(ts, holding);
  }
  return tracker;
}

bool ReplayIsSettled(const std::vector<Series>& matrix, absl::Time start,
                     absl::Time end, absl::Duration step, absl::Duration hold,
                     absl::Duration keep_firing_for,
                     const std::function<bool(double)>& holds) {
  if (step <= absl::ZeroDuration()) return true;
  // Run lengths that prove "resolved" and "fired" whatever came before.
  const int64_t quiet_steps = absl::Ceil(keep_firing_for, step) / step + 1;
  const int64_t hold_steps = absl::Ceil(hold, step) / step + 1;
  for (const Series& s : matrix) {
    size_t next = 0;
    int64_t quiet = 0, held = 0;
    bool settled = false;
    for (absl::Time ts = start; ts <= end && !settled; ts += step) {
      while (next < s.points.size() && s.points[next].timestamp < ts) ++next;
      bool h = next < s.points.size() && s.points[next].timestamp == ts &&
               holds(s.points[next].value);
      quiet = h ? 0 : quiet + 1;
      held = h ? held + 1 : 0;
      settled = quiet >= quiet_steps || held >= hold_steps;
    }
    if (!settled) return false;
  }
  return true;
}

absl::Duration ReplayWindow(absl::Duration hold, absl::Duration keep_firing_for,
                            absl::Duration step) {
  return hold + keep_firing_for + step;
}

}  // namespace aurora
