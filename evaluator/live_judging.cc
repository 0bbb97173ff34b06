#include "evaluator/live_judging.h"

#include "absl/strings/str_cat.h"
#include "evaluator/alert_labels.h"

namespace aurora {

std::function<bool(double)> LiveCondition(const Rule& rule) {
  const bool presence = rule.kind == Rule::Kind::kAlert && !rule.condition;
  return [&rule, presence](double v) {
    return presence || ConditionHolds(rule, v);
  };
}

void StepLiveAlerts(const Rule& rule, const std::vector<Observed>& current,
                    absl::Time eval_time, AlertTracker* tracker) {
  const bool presence = rule.kind == Rule::Kind::kAlert && !rule.condition;
  std::map<Labels, double> holding;
  for (const auto& o : current) {
    if (presence || ConditionHolds(rule, o.value, o.baseline)) {
      holding[o.labels] = o.value;
    }
  }
  tracker->Step(eval_time, holding);
}

bool JudgeLiveAlerts(const Rule& rule, const std::vector<Observed>& current,
                     const AlertTracker& tracker, absl::Time history_start,
                     absl::Time eval_time, int group_limit,
                     const std::map<std::string, std::string>& external_labels,
                     const std::string& external_url, RuleResult* out,
                     LiveJudgingDetail detail) {
  if (group_limit > 0 && rule.kind == Rule::Kind::kAlert) {
    int active = 0;
    for (const auto& [labels, a] : tracker.alerts()) {
      active += a.state != AlertState::kInactive ? 1 : 0;
    }
    if (active > group_limit) {
      // Prometheus drops the rule's alerts and reports the error.
      out->outcome = Outcome::kError;
      out->reason = absl::StrCat("exceeded limit of ", group_limit, " with ",
                                 active, " alerts (the group's limit)");
      return false;
    }
  }
  Judgement j = JudgeLiveRule(rule, current, tracker, history_start, eval_time,
                              detail.reasons);
  out->outcome = j.outcome;
  out->reason = std::move(j.reason);
  out->series = std::move(j.series);
  if (detail.annotations && rule.kind == Rule::Kind::kAlert &&
      !rule.annotations.empty()) {
    // Rendered per pending or firing alert, as Prometheus does; the rule
    // shows its first such alert's.
    bool first = true;
    for (SeriesResult& sr : out->series) {
      if (sr.outcome == Outcome::kPass) continue;
      sr.annotations = RenderAnnotations(rule, sr.labels, sr.value,
                                         external_labels, external_url);
      if (first) out->annotations = sr.annotations;
      first = false;
    }
  }
  return true;
}

}  // namespace aurora
