#include "reports/rule_chart.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "evaluator/judge.h"
#include "reports/run_summary.h"
#include "rules/criterion.h"
#include "rules/duration.h"
#include "rules/gate.h"

namespace aurora {
namespace {

// The rule as the judge sees it, with only its absolute criteria and the
// raw outcome (severity critical: a fail is shown as a fail).
Rule AbsoluteRule(const RuleResult& result) {
  Rule rule;
  rule.name = result.name;
  const auto add = [](const std::vector<std::string>& texts,
                      std::vector<Criterion>* out) {
    for (const std::string& text : texts) {
      absl::StatusOr<Criterion> c = ParseCriterion(text);
      if (c.ok() && !c->relative()) out->push_back(*c);
    }
  };
  add(result.pass, &rule.pass);
  add(result.warn, &rule.warn);
  add(result.fail, &rule.fail);
  return rule;
}

// JudgeValue's outcome for `v` under `rule` (absolute criteria only, severity
// critical), without building its reason text: a 24 h history is thousands
// of points a series.
Outcome PointOutcome(const Rule& rule, double v) {
  if (std::isnan(v)) return rule.policies.nan;
  return CombineCriteria(rule, v, std::nullopt, /*unknown_as=*/false);
}

}  // namespace

Outcome JudgePoint(const RuleResult& rule, double value) {
  return PointOutcome(AbsoluteRule(rule), value);
}

RuleThresholds ThresholdsOf(const RuleResult& rule) {
  RuleThresholds out;
  const auto add = [&](Outcome kind, const std::vector<std::string>& texts) {
    for (const std::string& text : texts) {
      absl::StatusOr<Criterion> c = ParseCriterion(text);
      if (!c.ok()) {
        out.invalid.push_back(text);
      } else if (c->relative()) {
        out.relative.push_back(
            absl::StrCat(Sv(OutcomeName(kind)), " ", text));
      } else {
        out.lines.push_back({kind, c->number, text});
      }
    }
  };
  add(Outcome::kPass, rule.pass);
  add(Outcome::kWarn, rule.warn);
  add(Outcome::kFail, rule.fail);
  return out;
}

std::vector<ChartStretch> JudgedStretches(const RuleResult& result,
                                          absl::Time start, absl::Time end,
                                          double merge_seconds) {
  const Rule rule = AbsoluteRule(result);
  std::vector<ChartStretch> out;
  if (!rule.has_criteria()) return out;
  const double span = absl::ToDoubleSeconds(end - start);
  const double half = std::max(result.history_step_seconds, 0.0) / 2;
  std::vector<ChartStretch> raw;
  for (const Series& s : result.history) {
    for (const Point& p : s.points) {
      if (p.timestamp < start || p.timestamp > end) continue;
      const Outcome o = PointOutcome(rule, p.value);
      if (o != Outcome::kFail && o != Outcome::kWarn) continue;
      const double t = absl::ToDoubleSeconds(p.timestamp - start);
      raw.push_back({std::max(0.0, t - half), std::min(span, t + half), o});
    }
  }
  std::sort(raw.begin(), raw.end(),
            [](const ChartStretch& a, const ChartStretch& b) {
              return a.from < b.from;
            });
  for (Outcome kind : {Outcome::kWarn, Outcome::kFail}) {
    bool open = false;
    ChartStretch cur;
    for (const ChartStretch& s : raw) {
      if (s.outcome != kind) continue;
      if (open && s.from <= cur.to + merge_seconds) {
        cur.to = std::max(cur.to, s.to);
        continue;
      }
      if (open) out.push_back(cur);
      cur = s;
      open = true;
    }
    if (open) out.push_back(cur);
  }
  // Warn first, so fail stretches are drawn over them.
  return out;
}

std::vector<FailedSpan> FailedSpans(const RuleResult& result,
                                    absl::Time start, absl::Time end) {
  std::vector<FailedSpan> out;
  const Rule rule = AbsoluteRule(result);
  if (!rule.has_criteria()) return out;
  // Each evaluation time, and whether any series failed then.
  std::map<absl::Time, bool> failed_at;
  for (const Series& s : result.history) {
    for (const Point& p : s.points) {
      if (p.timestamp < start || p.timestamp > end) continue;
      bool& failed = failed_at[p.timestamp];
      failed = failed || PointOutcome(rule, p.value) == Outcome::kFail;
    }
  }
  const absl::Duration step =
      absl::Seconds(std::max(result.history_step_seconds, 0.0));
  bool open = false;
  for (const auto& [t, failed] : failed_at) {
    if (failed && !open) out.push_back({t, t});
    if (failed) out.back().to = std::min(end, t + step);
    open = failed;
  }
  return out;
}

std::string FailedSpansText(const std::vector<FailedSpan>& spans) {
  if (spans.empty()) return "";
  constexpr size_t kShown = 3;
  absl::Duration total;
  std::vector<std::string> parts;
  const auto clock = [](absl::Time t) {
    return absl::FormatTime("%H:%M:%S", t, absl::UTCTimeZone());
  };
  for (const FailedSpan& s : spans) {
    total += s.to - s.from;
    if (parts.size() < kShown) {
      parts.push_back(absl::StrCat(clock(s.from), "\xE2\x80\x93", clock(s.to)));
    }
  }
  std::string more;
  if (spans.size() > kShown) {
    more = absl::StrCat(", and ", spans.size() - kShown, " more");
  }
  return absl::StrCat("fail condition held for ", FormatPromDuration(total),
                      " of the window (", absl::StrJoin(parts, ", "), " UTC",
                      more, ")");
}

absl::Time ChartStart(const RunResult& run, const RuleResult& rule) {
  if (run.window > absl::ZeroDuration()) return run.eval_time - run.window;
  return rule.history_start;
}

bool HasChart(const RuleResult& rule) {
  return rule.source_type == SourceTypeName(SourceType::kPrometheus) &&
         !rule.history.empty();
}

std::string RenderRuleChart(const RunResult& run, const RuleResult& rule,
                            const std::string& id, size_t max_series,
                            int width, int height) {
  ChartSpec spec;
  spec.id = id;
  spec.title = rule.group.empty() ? rule.name
                                  : absl::StrCat(rule.group, " / ", rule.name);
  spec.start = ChartStart(run, rule);
  spec.end = run.eval_time;
  spec.step_seconds = rule.history_step_seconds;
  spec.max_series = max_series;
  spec.width = width;
  spec.height = height;
  RuleThresholds th = ThresholdsOf(rule);
  spec.thresholds = std::move(th.lines);
  spec.unit = rule.unit;
  for (ChartThreshold& t : spec.thresholds) t.text = CriterionText(t.text, rule.unit);
  std::vector<std::string> undrawn = std::move(th.relative);
  for (const std::string& bad : th.invalid) {
    undrawn.push_back(absl::StrCat(bad, " (unparsable)"));
  }
  spec.undrawn_criteria = absl::StrJoin(undrawn, ", ");
  if (!rule.for_duration.empty()) {
    absl::StatusOr<absl::Duration> d = ParsePromDuration(rule.for_duration);
    if (d.ok()) spec.for_window = *d;
  }
  const ChartLayout layout = LayoutChart(spec);
  const double column_seconds = layout.window_seconds / layout.columns();
  spec.stretches =
      JudgedStretches(rule, spec.start, spec.end, column_seconds);
  // Series with a failing point first (stable: the server's order otherwise).
  const Rule judged = AbsoluteRule(rule);
  std::vector<std::pair<bool, const Series*>> order;
  for (const Series& s : rule.history) {
    bool fails = false;
    if (judged.has_criteria()) {
      for (const Point& p : s.points) {
        if (p.timestamp < spec.start || p.timestamp > spec.end) continue;
        if (PointOutcome(judged, p.value) == Outcome::kFail) {
          fails = true;
          break;
        }
      }
    }
    order.push_back({fails, &s});
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [fails, s] : order) spec.series.push_back(s);
  return RenderChart(spec);
}

}  // namespace aurora
