#include "queries/source_breakdown.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "evaluator/expr_eval.h"

namespace aurora {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr char kIndexLabel[] = "aurora_finding_index";

int SeverityRank(std::string_view s) {
  int i = 0;
  for (std::string_view level : kSeverities) {
    if (level == s) return i;
    ++i;
  }
  return i;
}

void Collect(const ExprNode& e, std::vector<const ExprNode*>* selectors) {
  if (e.kind == ExprNode::Kind::kSelector && e.metric == "security_findings") {
    selectors->push_back(&e);
  }
  if (e.lhs) Collect(*e.lhs, selectors);
  if (e.rhs) Collect(*e.rhs, selectors);
}

}  // namespace

MutationBreakdown MutationBreakdownOf(const SampleSet& samples) {
  MutationBreakdown out;
  out.total.score_percent = kNaN;
  out.total.covered_percent = kNaN;
  std::map<std::string, MutationModuleResult> modules;
  for (const Sample& s : samples.samples) {
    if (s.labels.Has("file")) continue;
    const std::string module(s.labels.Get("module"));
    MutationModuleResult* row = &out.total;
    if (!module.empty()) {
      auto [it, added] = modules.try_emplace(module);
      if (added) {
        it->second.module = module;
        it->second.score_percent = kNaN;
        it->second.covered_percent = kNaN;
      }
      row = &it->second;
    }
    const std::string_view metric = s.labels.MetricName();
    if (metric == "mutants") {
      row->mutants[std::string(s.labels.Get("status"))] += s.value;
      row->total += s.value;
    } else if (metric == "mutation_score_percent") {
      row->score_percent = s.value;
    } else if (metric == "mutation_score_covered_percent") {
      row->covered_percent = s.value;
    }
  }
  for (auto& [name, row] : modules) out.modules.push_back(std::move(row));
  return out;
}

SecurityBreakdown SecurityBreakdownOf(const ArtifactData& data, size_t max_top) {
  SecurityBreakdown out;
  std::map<std::string, SecurityBreakdown::SeverityCount> by;
  for (std::string_view level : kSeverities) {
    by[std::string(level)].severity = std::string(level);
  }
  std::set<std::string> tools;
  for (const Sample& s : data.samples.samples) {
    // Totals only: {severity, tool}, no category/rule/file.
    if (s.labels.Has("category") || s.labels.Has("rule") || s.labels.Has("file")) {
      continue;
    }
    const std::string_view metric = s.labels.MetricName();
    const bool findings = metric == "security_findings";
    if (!findings && metric != "security_findings_ignored") continue;
    const std::string severity(s.labels.Get("severity"));
    if (severity.empty()) continue;
    auto& row = by[severity];
    row.severity = severity;
    (findings ? row.findings : row.ignored) += s.value;
    if (s.labels.Has("tool")) tools.insert(std::string(s.labels.Get("tool")));
  }
  std::vector<SecurityBreakdown::SeverityCount> rows;
  for (auto& [severity, row] : by) rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return SeverityRank(a.severity) < SeverityRank(b.severity);
  });
  out.by_severity = std::move(rows);
  out.tools.assign(tools.begin(), tools.end());
  out.findings_total = data.findings.size();
  for (size_t i = 0; i < data.findings.size() && i < max_top; ++i) {
    out.top.push_back(data.findings[i]);
  }
  return out;
}

FindingResult ToFindingResult(SecurityFinding f) {
  FindingResult r;
  r.severity = std::move(f.severity);
  r.tool = std::move(f.tool);
  r.category = std::move(f.category);
  r.rule = std::move(f.rule);
  r.file = std::move(f.file);
  r.line = f.line;
  r.package = std::move(f.package);
  r.title = std::move(f.title);
  return r;
}

void SortWorstFirst(std::vector<FindingResult>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const FindingResult& a, const FindingResult& b) {
                     return std::make_tuple(SeverityRank(a.severity), a.tool,
                                            a.rule, a.file, a.line) <
                            std::make_tuple(SeverityRank(b.severity), b.tool,
                                            b.rule, b.file, b.line);
                   });
}

std::vector<FindingResult> FindingsSelectedBy(
    const ExprNode& expr, const std::vector<FindingResult>& findings) {
  std::vector<const ExprNode*> selectors;
  Collect(expr, &selectors);
  if (selectors.empty() || findings.empty()) return {};
  // One sample per finding, all at one level, so each selector's matchers
  // decide exactly as they do when the rule is evaluated.
  SampleSet set;
  for (size_t i = 0; i < findings.size(); ++i) {
    const FindingResult& f = findings[i];
    Labels l{{"severity", f.severity}, {"tool", f.tool}};
    l.Set("category", f.category);
    l.Set("rule", f.rule);
    l.Set("file", f.file);
    l.Set(kIndexLabel, absl::StrCat(i));
    set.samples.push_back(MakeSample("security_findings", l, 1));
  }
  std::set<size_t> picked;
  for (const ExprNode* selector : selectors) {
    absl::StatusOr<ExprValue> v = EvaluateExpr(*selector, set);
    if (!v.ok()) continue;
    for (const Sample& s : v->vector) {
      size_t i = 0;
      if (absl::SimpleAtoi(Sv(s.labels.Get(kIndexLabel)), &i)) picked.insert(i);
    }
  }
  std::vector<FindingResult> out;
  for (size_t i : picked) out.push_back(findings[i]);
  return out;
}

}  // namespace aurora
