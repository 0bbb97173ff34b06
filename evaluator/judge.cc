#include "evaluator/judge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/units.h"
#include "base/strings.h"
#include "rules/duration.h"

namespace aurora {
namespace {

// Three-valued result of a criteria list: all must hold.
enum class Tri { kFalse, kTrue, kUnknown };

Tri AllHold(const std::vector<Criterion>& list, double v,
            std::optional<double> baseline, bool assume_unknown) {
  Tri out = Tri::kTrue;
  for (const auto& c : list) {
    std::optional<bool> h = Holds(c, v, baseline);
    if (!h.has_value()) {
      if (!assume_unknown) out = out == Tri::kFalse ? Tri::kFalse : Tri::kUnknown;
      continue;
    }
    if (!*h) return Tri::kFalse;
  }
  return out;
}

// Criteria and numbers in the rule's unit (issue 11.9): the same text as
// written when the rule has none.
std::string CriteriaText(const std::vector<Criterion>& list,
                         std::optional<double> baseline, Unit unit) {
  std::vector<std::string> parts;
  for (const auto& c : list) {
    if (c.relative() && baseline.has_value()) {
      parts.push_back(absl::StrCat(CriterionShown(c, unit), " (",
                                   Sv(CompareOpText(c.op)), " ",
                                   FormatValue(c.Threshold(*baseline), unit),
                                   " from baseline ", FormatValue(*baseline, unit),
                                   ")"));
    } else {
      parts.push_back(CriterionShown(c, unit));
    }
  }
  return absl::StrJoin(parts, " and ");
}

// An alerting rule without a written no_data / nan policy means what it
// means to Prometheus: no series, or a comparison meeting NaN, is simply not
// firing.
bool NoSeriesIsInactive(const Rule& r) {
  return r.kind == Rule::Kind::kAlert && !r.policies.no_data_set;
}
bool NanIsInactive(const Rule& r) {
  return r.kind == Rule::Kind::kAlert && !r.policies.nan_set;
}

constexpr std::string_view kNoSeriesInactive =
    "no series: the alert expression returned nothing, so it is not firing "
    "(inactive, as in Prometheus)";

Outcome ApplySeverity(const Rule& r, Outcome o) {
  if (o == Outcome::kFail && r.policies.severity != "critical") {
    return Outcome::kWarn;
  }
  return o;
}

}  // namespace

// Combination per docs/DESIGN.md (see judge.h): pass when every pass criterion holds;
// otherwise fail when the fail criteria hold, or when no fail is given and
// warn (if given) does not hold; otherwise warn. Without pass: fail when
// fail holds, warn when warn holds, else pass. `unknown_as` resolves
// relative criteria without a baseline.
Outcome CombineCriteria(const Rule& r, double v, std::optional<double> baseline,
                bool unknown_as) {
  auto holds = [&](const std::vector<Criterion>& list) {
    bool all = true;
    for (const auto& c : list) {
      std::optional<bool> h = Holds(c, v, baseline);
      all = all && h.value_or(unknown_as);
    }
    return all;
  };
  const bool has_pass = !r.pass.empty(), has_warn = !r.warn.empty(),
             has_fail = !r.fail.empty();
  if (has_pass) {
    if (holds(r.pass)) return Outcome::kPass;
    if (has_fail) return holds(r.fail) ? Outcome::kFail : Outcome::kWarn;
    if (has_warn && holds(r.warn)) return Outcome::kWarn;
    return Outcome::kFail;
  }
  if (has_fail && holds(r.fail)) return Outcome::kFail;
  if (has_warn && holds(r.warn)) return Outcome::kWarn;
  return Outcome::kPass;
}

std::string DescribeSeries(const Labels& labels, double value, Unit unit) {
  Labels l = labels.WithoutMetricName();
  if (l.empty()) return FormatValue(value, unit);
  return absl::StrCat(l.ToString(), " ", FormatValue(value, unit));
}

bool ConditionHolds(const Rule& rule, double value,
                    std::optional<double> baseline) {
  if (std::isnan(value)) return false;
  if (rule.condition.has_value()) {
    return Compare(value, rule.condition->op, rule.condition->threshold);
  }
  Outcome o = CombineCriteria(rule, value, baseline, false);
  if (o != CombineCriteria(rule, value, baseline, true)) return false;
  return o == Outcome::kFail || o == Outcome::kWarn;
}

SeriesResult JudgeValue(const Rule& rule, const Observed& obs,
                        bool baseline_missing, bool reasons) {
  SeriesResult s;
  s.labels = obs.labels;
  s.value = obs.value;
  s.baseline = obs.baseline;
  const std::string v = reasons ? FormatValue(obs.value, rule.unit) : std::string();
  const bool presence = rule.kind == Rule::Kind::kAlert && !rule.condition;
  if (presence) {
    // The returned series is the alert; the state machine decides the rest.
    s.outcome = Outcome::kPass;
    if (reasons) s.reason = absl::StrCat("value ", v);
    return s;
  }
  if (std::isnan(obs.value) && NanIsInactive(rule)) {
    s.outcome = Outcome::kPass;
    if (reasons) {
      s.reason = "value is NaN: the comparison does not hold, so it is not "
                 "firing (inactive, as in Prometheus)";
    }
    return s;
  }
  if (std::isnan(obs.value)) {
    s.outcome = rule.policies.nan;
    if (reasons) {
      s.reason = absl::StrCat("value is NaN (nan policy: ",
                              Sv(OutcomeName(rule.policies.nan)), ")");
    }
    return s;
  }
  if (rule.condition.has_value()) {
    const auto& c = *rule.condition;
    const bool firing = Compare(obs.value, c.op, c.threshold);
    s.outcome = firing ? ApplySeverity(rule, Outcome::kFail) : Outcome::kPass;
    if (!reasons) return s;
    const std::string cond = absl::StrCat(Sv(CompareOpText(c.op)), " ",
                                          FormatValue(c.threshold, rule.unit));
    s.reason = firing ? absl::StrCat(v, " ", cond, ": condition holds")
                      : absl::StrCat(v, " is not ", cond);
    return s;
  }
  Outcome lo = CombineCriteria(rule, obs.value, obs.baseline, false);
  Outcome hi = CombineCriteria(rule, obs.value, obs.baseline, true);
  if (lo != hi) {
    s.outcome = Outcome::kInconclusive;
    if (!reasons) return s;
    s.reason =
        !obs.no_baseline.empty() ? absl::StrCat(v, ": ", obs.no_baseline)
        : baseline_missing
            ? absl::StrCat(v, ": relative criteria need a baseline value and "
                              "the baseline file is missing")
            : absl::StrCat(v, ": new: no baseline value (the baseline has no "
                              "matching series; relative criteria not "
                              "checked)");
    return s;
  }
  s.outcome = ApplySeverity(rule, lo);
  if (!reasons) return s;
  switch (lo) {
    case Outcome::kPass:
      s.reason = rule.pass.empty()
                     ? absl::StrCat(v, ": no fail or warn criterion holds")
                     : absl::StrCat(v, " meets pass: ",
                                    CriteriaText(rule.pass, obs.baseline, rule.unit));
      break;
    case Outcome::kWarn:
      if (!rule.pass.empty()) {
        s.reason = absl::StrCat(v, " misses pass: ",
                                CriteriaText(rule.pass, obs.baseline, rule.unit),
                                rule.warn.empty()
                                    ? ""
                                    : absl::StrCat(" (within warn: ",
                                                   CriteriaText(rule.warn, obs.baseline, rule.unit),
                                                   ")"));
      } else {
        s.reason = absl::StrCat(v, " meets warn: ",
                                CriteriaText(rule.warn, obs.baseline, rule.unit));
      }
      break;
    case Outcome::kFail:
      if (!rule.fail.empty() &&
          AllHold(rule.fail, obs.value, obs.baseline, true) == Tri::kTrue) {
        s.reason = absl::StrCat(v, " meets fail: ",
                                CriteriaText(rule.fail, obs.baseline, rule.unit));
      } else {
        s.reason = absl::StrCat(v, " misses pass: ",
                                CriteriaText(rule.pass, obs.baseline, rule.unit),
                                rule.warn.empty()
                                    ? ""
                                    : absl::StrCat(" and warn: ",
                                                   CriteriaText(rule.warn, obs.baseline, rule.unit)));
      }
      break;
    default:
      break;
  }
  if (s.outcome != lo) {
    absl::StrAppend(&s.reason, " (severity ", rule.policies.severity,
                    ": reported as warn)");
  }
  return s;
}

namespace {

// Combines judged series per `series: all|any` into the rule's outcome.
void CombineSeries(const Rule& rule, Judgement* j, bool reasons = true) {
  // Deterministic order: by labels.
  std::stable_sort(j->series.begin(), j->series.end(),
                   [](const SeriesResult& a, const SeriesResult& b) {
                     return a.labels < b.labels;
                   });
  const SeriesResult* pick = &j->series.front();
  for (const auto& s : j->series) {
    bool better = rule.policies.series_any ? s.outcome < pick->outcome
                                           : s.outcome > pick->outcome;
    if (better) pick = &s;
  }
  j->outcome = pick->outcome;
  if (!reasons) return;
  if (j->series.size() == 1) {
    j->reason = pick->reason;
    return;
  }
  size_t same = 0;
  for (const auto& s : j->series) same += s.outcome == pick->outcome ? 1 : 0;
  if (rule.policies.series_any) {
    j->reason = absl::StrCat("series: any; best of ", j->series.size(),
                             " series is ", Sv(OutcomeName(pick->outcome)),
                             ": ", DescribeSeries(pick->labels, pick->value, rule.unit),
                             " — ", pick->reason);
  } else {
    j->reason = absl::StrCat(same, " of ", j->series.size(), " series ",
                             Sv(OutcomeName(pick->outcome)), "; first: ",
                             Labels(pick->labels.WithoutMetricName()).ToString(),
                             " ", pick->reason);
  }
}

std::string Ago(absl::Duration d) {
  return FormatPromDuration(absl::Floor(d, absl::Seconds(1)));
}

std::string Since(absl::Time t) {
  // absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, UTC), without parsing the
  // format at every step of a backtest; FormatTime itself out of years
  // 0..9999 and for the infinite times.
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast() || c.year() < 0 ||
      c.year() > 9999) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", static_cast<int>(c.year()),
                c.month(), c.day(), c.hour(), c.minute(), c.second());
  return buf;
}

}  // namespace

Judgement JudgeRule(const Rule& rule, const std::vector<Observed>& observed,
                    bool baseline_missing) {
  Judgement j;
  if (observed.empty() && NoSeriesIsInactive(rule)) {
    j.reason = std::string(kNoSeriesInactive);
    return j;
  }
  if (observed.empty()) {
    j.outcome = rule.policies.no_data;
    j.reason = absl::StrCat("no data: the query returned no series (no_data "
                            "policy: ",
                            Sv(OutcomeName(rule.policies.no_data)), ")");
    return j;
  }
  const bool presence = rule.kind == Rule::Kind::kAlert && !rule.condition;
  for (const auto& o : observed) {
    j.series.push_back(JudgeValue(rule, o, baseline_missing));
    if (presence) {  // no `for` here: every returned series fires at once
      j.series.back().outcome = ApplySeverity(rule, Outcome::kFail);
      j.series.back().reason = absl::StrCat("firing, value ",
                                            FormatNumberShort(o.value));
    }
  }
  CombineSeries(rule, &j);
  return j;
}

Judgement JudgeLiveRule(const Rule& rule, const std::vector<Observed>& current,
                        const AlertTracker& tracker, absl::Time history_start,
                        absl::Time eval_time, bool reasons) {
  Judgement j;
  // The series now (the last of equal label sets wins) and the tracker's
  // alerts, both in label order; the rule's series are their union, minus
  // alerts that are inactive and absent now, visited in one merge.
  struct ByLabels {
    bool operator()(const Labels* a, const Labels* b) const { return *a < *b; }
  };
  std::map<const Labels*, const Observed*, ByLabels> now;
  for (const auto& o : current) now[&o.labels] = &o;
  const std::map<Labels, ActiveAlert>& alerts = tracker.alerts();
  bool any_alert = false;
  for (const auto& [l, a] : alerts) any_alert |= a.state != AlertState::kInactive;
  const bool presence = rule.kind == Rule::Kind::kAlert && !rule.condition;
  if (now.empty() && !any_alert) {
    if (NoSeriesIsInactive(rule)) {
      j.outcome = Outcome::kPass;
      if (reasons) j.reason = std::string(kNoSeriesInactive);
      return j;
    }
    j.outcome = rule.policies.no_data;
    if (!reasons) return j;
    j.reason = absl::StrCat("no data: the query returned no series (no_data "
                            "policy: ",
                            Sv(OutcomeName(rule.policies.no_data)), ")");
    return j;
  }
  auto next_now = now.begin();
  auto next_alert = alerts.begin();
  while (next_now != now.end() || next_alert != alerts.end()) {
    auto cur = now.end();
    auto alert = alerts.end();
    const Labels* key = nullptr;
    if (next_alert == alerts.end() ||
        (next_now != now.end() && *next_now->first < next_alert->first)) {
      key = next_now->first;
      cur = next_now++;
    } else if (next_now == now.end() || next_alert->first < *next_now->first) {
      if (next_alert->second.state == AlertState::kInactive) {
        ++next_alert;
        continue;
      }
      key = &next_alert->first;
      alert = next_alert++;
    } else {
      key = next_now->first;
      cur = next_now++;
      alert = next_alert++;
    }
    const bool has_cur = cur != now.end();
    SeriesResult s;
    if (has_cur) {
      s = JudgeValue(rule, *cur->second, false, reasons);
      // Equal labels: share the tracker's copy (a carried tracker keeps it
      // past this cycle, so the result adds no copy of its own).
      if (alert != alerts.end()) s.labels = alert->first;
    } else {
      s.labels = *key;
      s.value = alert->second.value;
    }
    if (alert != alerts.end() && alert->second.state == AlertState::kFiring) {
      const ActiveAlert& a = alert->second;
      if (rule.kind == Rule::Kind::kAlert || !has_cur ||
          s.outcome == Outcome::kPass || s.outcome == Outcome::kPending) {
        s.outcome = ApplySeverity(rule, Outcome::kFail);
      }
      const bool has_history = rule.for_duration > absl::ZeroDuration() ||
                               rule.keep_firing_for > absl::ZeroDuration();
      if (!reasons) {
        // The outcome alone.
      } else if (has_cur && !has_history && rule.kind != Rule::Kind::kAlert) {
        // A native rule without `for`: its value's own judgement says it.
      } else if (has_cur && (presence || ConditionHolds(rule, cur->second->value))) {
        // "firing since T (active for D, for: F), value V" ("firing, value
        // V" without `for`: one instant says nothing of since when); the value part
        // is the value's own judgement only for native rules (an alert's
        // condition is what fires; "no criterion holds" would contradict).
        const bool at_least = has_history && a.active_at <= history_start;
        std::string value = FormatNumberShort(cur->second->value);
        if (rule.kind == Rule::Kind::kAlert && rule.condition.has_value()) {
          absl::StrAppend(&value, " ", Sv(CompareOpText(rule.condition->op)),
                          " ", FormatNumberShort(rule.condition->threshold));
        } else if (rule.kind != Rule::Kind::kAlert) {
          absl::StrAppend(&value, " (", s.reason, ")");
        }
        s.reason = absl::StrCat(
            has_history ? absl::StrCat("firing since ", Since(a.active_at))
                        : "firing",
            at_least ? " or earlier" : "",
            has_history ? absl::StrCat(" (active for ", at_least ? "at least " : "",
                                       Ago(eval_time - a.active_at),
                                       rule.for_duration > absl::ZeroDuration()
                                           ? absl::StrCat(", for: ",
                                                          FormatPromDuration(rule.for_duration))
                                           : "",
                                       ")")
                        : "",
            ", value ", value);
      } else {
        s.reason = absl::StrCat(
            "firing (keep_firing_for: ",
            FormatPromDuration(rule.keep_firing_for),
            "): the condition stopped holding ",
            Ago(eval_time - a.keep_firing_since), " ago; last value ",
            FormatValue(a.value, rule.unit));
      }
    } else if (alert != alerts.end() &&
               alert->second.state == AlertState::kPending) {
      s.outcome = Outcome::kPending;
      if (reasons) {
        s.reason = absl::StrCat("pending: the condition has held for ",
                                Ago(eval_time - alert->second.active_at), " of ",
                                FormatPromDuration(rule.for_duration), ": ",
                                s.reason);
      }
    } else if (presence && has_cur) {
      // Unreachable in practice: a returned series of a presence alert holds
      // and so is pending or firing.
      s.outcome = Outcome::kPending;
    }
    j.series.push_back(std::move(s));
  }
  CombineSeries(rule, &j, reasons);
  return j;
}

void ApplyNonBlockingSeverity(RuleResult* rule) {
  if (rule->severity.empty() || rule->severity == "critical") return;
  if (rule->outcome != Outcome::kInconclusive) return;
  absl::StrAppend(&rule->reason, " (severity ", rule->severity, ": ",
                  Sv(OutcomeName(rule->outcome)), ", reported as warn)");
  rule->outcome = Outcome::kWarn;
}

const SeriesResult* DecidingSeries(const RuleResult& r) {
  const SeriesResult* worst = nullptr;
  for (const SeriesResult& s : r.series) {
    if (s.outcome == r.outcome) return &s;
    if (worst == nullptr || s.outcome > worst->outcome) worst = &s;
  }
  return worst;
}

}  // namespace aurora
