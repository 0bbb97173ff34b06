#include "gates/core/run_gate.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/http_client.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "evaluator/expr_eval.h"
#include "evaluator/judge.h"
#include "queries/source_breakdown.h"
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
  r.source_type = SourceTypeName(source.type);
  r.source_detail = source.is_http()       ? RedactUrl(source.url)
                    : source.is_artifact() ? source.path
                                           : RedactUrl(source.url_display);
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
  r.unit = std::string(UnitName(rule.unit));
  r.dry_run = rule.policies.dry_run;
  r.labels = rule.labels;
  r.annotations = rule.annotations;
  r.line = rule.pos.line;
  r.baseline_source = source.baseline;
  if (source.history) {
    r.baseline_source = absl::StrCat(Sv(CompareName(source.history->compare)),
                                     " of the history in ", source.history->dir,
                                     " (keep ", source.history->keep, ")");
  }
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
  out->source_detail =
      absl::StrCat(source.is_http() ? RedactUrl(source.url) : source.path, " (",
                   data->format, ")");
  out->warnings = data->warnings;
  // A metric the source could not produce (a failed pick, a body that is
  // not JSON) makes the rule `error`, never an empty pass.
  for (const auto& [metric, offset] : ReferencedMetrics(*rule.parsed.root)) {
    auto failed = data->metric_errors.find(metric);
    if (failed == data->metric_errors.end()) continue;
    out->outcome = Outcome::kError;
    out->reason = failed->second;
    return;
  }
  // A metric the artifact itself contradicts (a JUnit suite claiming more
  // failures than its testcases) decides nothing, unless the source trusts
  // the data; either way the reason is shown.
  for (const auto& [metric, offset] : ReferencedMetrics(*rule.parsed.root)) {
    auto doubt = data->metric_inconclusive.find(metric);
    if (doubt == data->metric_inconclusive.end()) continue;
    if (source.trust_testcase_counts) {
      out->warnings.push_back(doubt->second);
      continue;
    }
    out->outcome = Outcome::kInconclusive;
    out->reason = doubt->second;
    return;
  }
  absl::StatusOr<ExprValue> value = EvaluateExpr(*rule.parsed.root, data->samples);
  if (!value.ok()) {
    out->outcome = Outcome::kError;
    out->reason = absl::StrCat("evaluating ", rule.query, ": ",
                               value.status().message());
    return;
  }
  std::map<Labels, double> baseline;
  bool baseline_missing = false;
  std::string no_baseline;  // why relative criteria have no baseline value
  if (!source.baseline.empty() || source.history) {
    const absl::StatusOr<ArtifactData>& b = cache.Baseline(source);
    if (b.ok()) {
      absl::StatusOr<ExprValue> bv = EvaluateExpr(*rule.parsed.root, b->samples);
      if (bv.ok()) baseline = ByLabels(*bv);
      if (source.history) out->baseline_source = b->format;
    } else if (absl::IsNotFound(b.status())) {
      baseline_missing = true;
      out->baseline_missing = true;
      out->warnings.push_back(absl::StrCat("baseline missing: ",
                                           b.status().message()));
      if (source.history) {
        no_baseline = absl::StrCat("relative criteria need a baseline value: ",
                                   b.status().message());
      }
    } else {
      out->outcome = Outcome::kError;
      out->reason = absl::StrCat("baseline: ", b.status().message());
      return;
    }
  }
  std::vector<Observed> observed;
  for (const auto& [labels, v] : ByLabels(*value)) {
    Observed o{labels, v, std::nullopt, no_baseline};
    auto it = baseline.find(labels);
    if (it != baseline.end()) o.baseline = it->second;
    observed.push_back(std::move(o));
  }
  Judgement j = JudgeRule(rule, observed, baseline_missing);
  out->outcome = j.outcome;
  out->reason = j.reason;
  out->series = std::move(j.series);
  // A security rule that does not pass names the findings behind it.
  if (out->outcome != Outcome::kPass && !data->findings.empty()) {
    std::vector<FindingResult> findings =
        FindingsSelectedBy(*rule.parsed.root, data->findings);
    out->findings_total = findings.size();
    if (findings.size() > kMaxRuleFindings) findings.resize(kMaxRuleFindings);
    out->findings = std::move(findings);
  }
}

// The mutation and security sources the gate's rules read, as tables for
// the reports (sources that could not be read have none: their rules say
// why).
std::vector<SourceBreakdown> GateBreakdowns(const GateFile& gate,
                                            SourceCache& cache) {
  std::set<std::string> names;
  for (const RuleGroup& group : gate.groups) {
    for (const Rule& rule : group.rules) {
      if (rule.kind == Rule::Kind::kRecord) continue;
      const SourceSpec& source = gate.sources.at(rule.source);
      if (source.type == SourceType::kMutation ||
          source.type == SourceType::kSecurity) {
        names.insert(source.name);
      }
    }
  }
  std::vector<SourceBreakdown> out;
  for (const std::string& name : names) {
    const SourceSpec& source = gate.sources.at(name);
    const absl::StatusOr<ArtifactData>& data = cache.Artifact(source);
    if (!data.ok()) continue;
    SourceBreakdown b;
    b.name = name;
    b.type = SourceTypeName(source.type);
    b.detail = absl::StrCat(source.path, " (", data->format, ")");
    if (source.type == SourceType::kMutation) {
      b.mutation = MutationBreakdownOf(data->samples);
    } else {
      b.security = SecurityBreakdownOf(*data);
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

std::string RuleKey(const GateFile& gate, const Rule& rule) {
  return absl::StrCat(gate.path, "\x1f", rule.group, "\x1f", rule.name, "\x1f",
                      rule.expr);
}

std::vector<GateResult> RunGates(const std::vector<GateFile>& gates,
                                 SourceCache& sources, const LiveContext* live,
                                 absl::Time eval_time, LiveStates* states) {
  std::vector<GateResult> results(gates.size());
  std::vector<LiveRule> live_rules;
  // Every http source a rule reads is fetched up front, all in flight.
  std::vector<const SourceSpec*> http_sources;
  for (const GateFile& gate : gates) {
    for (const RuleGroup& group : gate.groups) {
      for (const Rule& rule : group.rules) {
        const SourceSpec& source = gate.sources.at(rule.source);
        if (rule.kind != Rule::Kind::kRecord && source.is_http()) {
          http_sources.push_back(&source);
        }
      }
    }
  }
  if (!http_sources.empty()) sources.PrefetchHttp(http_sources);
  for (size_t i = 0; i < gates.size(); ++i) {
    const GateFile& gate = gates[i];
    GateResult& g = results[i];
    g.name = gate.name;
    g.title = gate.title;
    g.file = gate.path;
    g.file_sha256 = gate.sha256;
    for (const RuleGroup& group : gate.groups) {
      // Zero: the server's own global.evaluation_interval (live_rules).
      absl::Duration step = group.interval > absl::ZeroDuration()
                                ? group.interval
                            : gate.evaluation_interval_set
                                ? gate.evaluation_interval
                                : absl::ZeroDuration();
      std::string step_origin =
          group.interval > absl::ZeroDuration()
              ? absl::StrCat("the group's interval")
              : "the gate's evaluation_interval";
      for (const Rule& rule : group.rules) {
        if (rule.kind == Rule::Kind::kRecord) continue;
        const SourceSpec& source = gate.sources.at(rule.source);
        g.rules.push_back(Skeleton(rule, source));
        RuleResult& r = g.rules.back();
        if (source.is_artifact()) {
          absl::Time start = absl::Now();
          EvaluateArtifactRule(rule, source, sources, &r);
          r.duration_seconds = absl::ToDoubleSeconds(absl::Now() - start);
        } else {
          live_rules.push_back({&rule, &source, step, nullptr, &gate.path,
                                states != nullptr ? &(*states)[RuleKey(gate, rule)]
                                                  : nullptr,
                                step_origin, group.limit});
        }
      }
    }
    g.breakdowns = GateBreakdowns(gate, sources);
  }
  // Pointers into the rule lists are taken once they stop growing, in the
  // order the live rules were collected.
  if (!live_rules.empty()) {
    size_t k = 0;
    for (GateResult& g : results) {
      for (RuleResult& r : g.rules) {
        if (r.source_type == SourceTypeName(SourceType::kPrometheus)) {
          live_rules[k++].out = &r;
        }
      }
    }
    if (live == nullptr) {
      for (auto& lr : live_rules) {
        lr.out->outcome = Outcome::kError;
        lr.out->reason = "no Prometheus client in this run";
      }
    } else {
      absl::Time live_start = absl::Now();
      EvaluateLiveRules(live_rules, *live, eval_time);
      // Queries run together: each rule's time is the batch's.
      double took = absl::ToDoubleSeconds(absl::Now() - live_start);
      for (auto& lr : live_rules) lr.out->duration_seconds = took;
    }
  }
  for (GateResult& g : results) {
    for (RuleResult& r : g.rules) {
      ApplyNonBlockingSeverity(&r);
      if (!r.dry_run) g.verdict = Worst(g.verdict, r.outcome);
    }
  }
  return results;
}

GateResult RunGate(const GateFile& gate, SourceCache& sources,
                   const LiveContext* live, absl::Time eval_time) {
  return RunGates({gate}, sources, live, eval_time).front();
}

Outcome RunVerdict(const std::vector<GateResult>& gates) {
  Outcome v = Outcome::kPass;
  for (const auto& g : gates) v = Worst(v, g.verdict);
  return v;
}

}  // namespace aurora
