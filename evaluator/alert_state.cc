#include "evaluator/alert_state.h"

#include <algorithm>
#include <optional>
#include <vector>

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

void AlertTracker::StepOne(std::optional<ActiveAlert>& alert, bool holds,
                           double value, absl::Time ts) const {
  // New or continuing: an inactive (resolved) alert starts over as pending.
  if (holds) {
    if (alert.has_value() && alert->state != AlertState::kInactive) {
      alert->value = value;
    } else {
      Labels labels = alert.has_value() ? std::move(alert->labels) : Labels();
      alert.emplace();
      alert->labels = std::move(labels);
      alert->state = AlertState::kPending;
      alert->active_at = ts;
      alert->value = value;
    }
  }
  if (!alert.has_value()) return;
  ActiveAlert& a = *alert;
  if (!holds) {
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
      alert.reset();
      return;
    }
    if (!keep_firing) return;
  } else {
    a.keep_firing_since = absl::InfinitePast();
  }
  if (a.state == AlertState::kPending && ts - a.active_at >= hold_) {
    a.state = AlertState::kFiring;
    a.fired_at = ts;
  }
}

void AlertTracker::Step(absl::Time ts, const std::map<Labels, double>& holding) {
  // Label sets that hold now and have no entry yet get one below.
  std::vector<const std::pair<const Labels, double>*> fresh;
  for (const auto& h : holding) {
    if (alerts_.count(h.first) == 0) fresh.push_back(&h);
  }
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    auto h = holding.find(it->first);
    std::optional<ActiveAlert> slot(std::move(it->second));
    StepOne(slot, h != holding.end(), h != holding.end() ? h->second : 0, ts);
    if (!slot.has_value()) {
      it = alerts_.erase(it);
      continue;
    }
    it->second = std::move(*slot);
    ++it;
  }
  for (const auto* h : fresh) {
    std::optional<ActiveAlert> slot;
    StepOne(slot, true, h->second, ts);
    slot->labels = h->first;
    alerts_.emplace(h->first, std::move(*slot));
  }
}

AlertTracker ReplayRange(const std::vector<Series>& matrix, absl::Time start,
                         absl::Time end, absl::Duration step,
                         absl::Duration hold, absl::Duration keep_firing_for,
                         const std::function<bool(double)>& holds) {
  AlertTracker tracker(hold, keep_firing_for);
  if (step <= absl::ZeroDuration()) return tracker;
  // Series with equal labels form one label set; within a set, matrix order
  // (the last holding series gives the value, as Step's map insertion did).
  std::vector<size_t> order(matrix.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&matrix](size_t a, size_t b) {
    return matrix[a].labels < matrix[b].labels;
  });
  std::vector<size_t> next;  // per series of the set: next unread point
  for (size_t g = 0; g < order.size();) {
    size_t g_end = g + 1;
    while (g_end < order.size() &&
           matrix[order[g_end]].labels == matrix[order[g]].labels) {
      ++g_end;
    }
    next.assign(g_end - g, 0);
    std::optional<ActiveAlert> alert;
    for (absl::Time ts = start; ts <= end; ts += step) {
      bool any = false;
      double value = 0;
      for (size_t k = g; k < g_end; ++k) {
        const auto& pts = matrix[order[k]].points;
        size_t& n = next[k - g];
        while (n < pts.size() && pts[n].timestamp < ts) ++n;
        if (n < pts.size() && pts[n].timestamp == ts && holds(pts[n].value)) {
          any = true;
          value = pts[n].value;
        }
      }
      tracker.StepOne(alert, any, value, ts);
    }
    if (alert.has_value()) {
      const Labels& labels = matrix[order[g]].labels;
      alert->labels = labels;
      tracker.alerts_.emplace(labels, std::move(*alert));
    }
    g = g_end;
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
