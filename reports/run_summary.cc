#include "reports/run_summary.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/command_env.h"
#include "base/number_format.h"
#include "base/units.h"
#include "base/strings.h"
#include "rules/criterion.h"

namespace aurora {

void OutcomeCounts::Add(const RuleResult& rule) {
  ++total;
  if (rule.dry_run) {
    ++dry_run;
  } else {
    ++by_outcome[static_cast<int>(rule.outcome)];
  }
}

OutcomeCounts CountRules(const GateResult& gate) {
  OutcomeCounts counts;
  for (const RuleResult& rule : gate.rules) counts.Add(rule);
  return counts;
}

OutcomeCounts CountRules(const RunResult& run) {
  OutcomeCounts counts;
  for (const GateResult& gate : run.gates) {
    for (const RuleResult& rule : gate.rules) counts.Add(rule);
  }
  return counts;
}

std::string CountsText(const OutcomeCounts& counts) {
  std::vector<std::string> parts;
  for (Outcome o : kOutcomesWorstFirst) {
    if (counts.of(o) > 0) {
      parts.push_back(absl::StrCat(counts.of(o), " ", Sv(OutcomeName(o))));
    }
  }
  if (counts.dry_run > 0)
    parts.push_back(absl::StrCat(counts.dry_run, " dry-run"));
  if (parts.empty()) return "no rules";
  return absl::StrJoin(parts, ", ");
}

int ExitCode(const RunResult& run) {
  // A watch decided its own code (its incidents, its end, its deliveries).
  if (run.watch.has_value()) return run.watch->exit_code;
  // A rollback that may be lost needs a human, whatever the verdict.
  if (!run.action_problems.empty()) return kExitUndecided;
  // Never 2: a run that has a result evaluated its rules; a query the
  // server rejected is that rule's error.
  switch (run.verdict) {
    case Outcome::kPass:
      return kExitPass;
    case Outcome::kWarn:
    case Outcome::kPending:
      return run.strict ? kExitFail : kExitPass;
    case Outcome::kInconclusive:
    case Outcome::kError:
      return kExitUndecided;
    case Outcome::kFail:
      return kExitFail;
  }
  return kExitUndecided;
}

std::string_view ExitMeaning(int exit_code) {
  switch (exit_code) {
    case kExitPass:
      return "pass";
    case kExitFail:
      return "fail";
    case kExitUsage:
      return "usage or gate-file error";
    default:
      return "inconclusive or error";
  }
}

std::string_view VerdictWord(const RunResult& run) {
  const bool go_live = run.command == "report";
  switch (ExitCode(run)) {
    case kExitPass:
      return go_live ? "GO" : "PASS";
    case kExitFail:
      return go_live ? "NO-GO" : "FAIL";
    default:
      return "UNDECIDED";
  }
}

std::string ValueText(double v, std::string_view unit) {
  return FormatValue(v, ParseUnit(unit).value_or(Unit::kNone));
}

std::string CriterionText(std::string_view criterion, std::string_view unit) {
  const Unit u = ParseUnit(unit).value_or(Unit::kNone);
  if (u == Unit::kNone) return std::string(criterion);
  absl::StatusOr<Criterion> c = ParseCriterion(criterion);
  if (!c.ok()) return std::string(criterion);
  return CriterionShown(*c, u);
}

std::vector<std::string> CriteriaParts(const RuleResult& rule) {
  std::vector<std::string> parts;
  const auto add = [&](std::string_view kind,
                       const std::vector<std::string>& criteria) {
    if (criteria.empty()) return;
    std::vector<std::string> shown;
    for (const std::string& c : criteria) shown.push_back(CriterionText(c, rule.unit));
    parts.push_back(
        absl::StrCat(Sv(kind), ": ", absl::StrJoin(shown, " and ")));
  };
  add("pass", rule.pass);
  add("warn", rule.warn);
  add("fail", rule.fail);
  return parts;
}

std::string CriteriaText(const RuleResult& rule) {
  return absl::StrJoin(CriteriaParts(rule), "; ");
}

std::string SeriesText(const SeriesResult& series) {
  return SeriesText(series, "");
}

std::string SeriesText(const SeriesResult& series, std::string_view unit) {
  std::string out = ValueText(series.value, unit);
  if (series.baseline) {
    absl::StrAppend(&out, " (baseline ", ValueText(*series.baseline, unit));
    if (std::optional<double> change =
            ChangePercent(series.value, *series.baseline)) {
      absl::StrAppend(&out, ", ", FormatChangePercent(*change));
    } else if (std::isfinite(series.value) && std::isfinite(*series.baseline)) {
      // No percentage from a zero baseline: the difference itself.
      const double delta = series.value - *series.baseline;
      absl::StrAppend(&out, ", ", delta >= 0 ? "+" : "", ValueText(delta, unit));
    }
    out += ")";
  }
  if (!series.labels.empty()) {
    absl::StrAppend(&out, " ", series.labels.ToString());
  }
  return out;
}

bool HasBaselineValue(const RuleResult& rule) {
  for (const SeriesResult& s : rule.series) {
    if (s.baseline) return true;
  }
  return false;
}

std::vector<const SeriesResult*> SeriesWorstFirst(const RuleResult& rule) {
  std::vector<const SeriesResult*> out;
  out.reserve(rule.series.size());
  for (const SeriesResult& s : rule.series) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(),
                   [](const SeriesResult* a, const SeriesResult* b) {
                     return a->outcome > b->outcome;
                   });
  return out;
}

std::string Rfc3339Utc(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string ShownTimeUtc(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace aurora
