#include "gates/run_gate.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "evaluator/expr_eval.h"
#include "evaluator/judge.h"
#include "rules/duration.h"

namespace aurora {
namespace {

std::string KindName(Rule::Kind k) {
  return k == Rule::Kind::kAlert ? "alert" : "gate";
}

std::vector<std::string> CriteriaTexts(const std::vector<Criterion>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(c.text);
  return out;
}

RuleResult Skeleton(const Rule& rule, const SourceSpec& source) {
  RuleResult r;
  r.name = rule.name;
  r.group = rule.group;
  r.kind = KindName(rule.kind);
  r.source = source.name;
  r.source_type = source.type;
  r.source_detail = source.is_artifact() ? source.path : source.url_display;
  r.expr = rule.expr;
  r.query = rule.query;
  r.pass = CriteriaTexts(rule.pass);
  r.warn = CriteriaTexts(rule.warn);
  r.fail = CriteriaTexts(rule.fail);
  if (rule.condition.has_value()) {
    r.fail.push_back(absl::StrCat(Sv(CompareOpText(rule.condition->op)), " ",
                                  FormatNumber(rule.condition->threshold)));
  }
  if (rule.for_duration > absl::ZeroDuration()) {
    r.for_duration = FormatPromDuration(rule.for_duration);
  }
  r.severity = rule.policies.severity;
  r.dry_run = rule.policies.dry_run;
  r.labels = rule.labels;
  r.annotations = rule.annotations;
  r.line = rule.pos.line;
  r.baseline_source = source.baseline;
  return r;
}

// Values of `v` keyed by labels without the metric name.
std::map<Labels, double> ByLabels(const ExprValue& v) {
  std::map<Labels, double> out;
  if (v.is_scalar) {
    out[Labels()] = v.scalar;
    return out;
  }
  for (const auto& s : v.vector) out[s.labels.WithoutMetricName()] = s.value;
  return out;
}

void EvaluateArtifactRule(const Rule& rule, const SourceSpec& source,
                          SourceCache& cache, RuleResult* out) {
  const absl::StatusOr<ArtifactData>& data = cache.Artifact(source);
  if (!data.ok()) {
    out->outcome = Outcome::kError;
    out->reason = std::string(data.status().message());
    return;
  }
  out->source_detail = absl::StrCat(source.path, " (", data->format, ")");
  out->warnings = data->warnings;
  absl::StatusOr<ExprValue> value = EvaluateExpr(*rule.parsed.root, data->samples);
  if (!value.ok()) {
    out->outcome = Outcome::kError;
    out->reason = absl::StrCat("evaluating ", rule.query, ": ",
                               value.status().message());
    return;
  }
  std::map<Labels, double> baseline;
  bool baseline_missing = false;
  if (!source.baseline.empty()) {
    const absl::StatusOr<ArtifactData>& b = cache.Baseline(source);
    if (b.ok()) {
      absl::StatusOr<ExprValue> bv = EvaluateExpr(*rule.parsed.root, b->samples);
      if (bv.ok()) baseline = ByLabels(*bv);
    } else if (absl::IsNotFound(b.status())) {
      baseline_missing = true;
      out->baseline_missing = true;
      out->warnings.push_back(absl::StrCat("baseline missing: ",
                                           b.status().message()));
    } else {
      out->outcome = Outcome::kError;
      out->reason = absl::StrCat("baseline: ", b.status().message());
      return;
    }
  }
  std::vector<Observed> observed;
  for (const auto& [labels, v] : ByLabels(*value)) {
    Observed o{labels, v, std::nullopt};
    auto it = baseline.find(labels);
    if (it != baseline.end()) o.baseline = it->second;
    observed.push_back(std::move(o));
  }
  Judgement j = JudgeRule(rule, observed, baseline_missing);
  out->outcome = j.outcome;
  out->reason = j.reason;
  out->series = std::move(j.series);
}

}  // namespace

GateResult RunGate(const GateFile& gate, SourceCache& sources,
                   absl::Time eval_time) {
  (void)eval_time;  // artifacts are timeless; live sources use it (issue 3)
  GateResult g;
  g.name = gate.name;
  g.title = gate.title;
  g.file = gate.path;
  g.file_sha256 = gate.sha256;
  for (const RuleGroup& group : gate.groups) {
    for (const Rule& rule : group.rules) {
      if (rule.kind == Rule::Kind::kRecord) continue;
      const SourceSpec& source = gate.sources.at(rule.source);
      RuleResult r = Skeleton(rule, source);
      absl::Time start = absl::Now();
      if (source.is_artifact()) {
        EvaluateArtifactRule(rule, source, sources, &r);
      } else {
        r.outcome = Outcome::kError;
        r.reason = "prometheus sources are not evaluated by this build yet";
      }
      r.duration_seconds = absl::ToDoubleSeconds(absl::Now() - start);
      if (!r.dry_run) g.verdict = Worst(g.verdict, r.outcome);
      g.rules.push_back(std::move(r));
    }
  }
  return g;
}

Outcome RunVerdict(const std::vector<GateResult>& gates) {
  Outcome v = Outcome::kPass;
  for (const auto& g : gates) v = Worst(v, g.verdict);
  return v;
}

}  // namespace aurora
