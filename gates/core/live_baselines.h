// File: gates/core/live_baselines.h
// Live baselines (issue 15): a relative criterion (`<= +10%`) of a rule on
// a prometheus source compares each series with the same query evaluated
// at an earlier moment: --baseline-at TIME (the deploy start), else the
// rule's `baseline: { offset: 1h }`, else its source's. One instant query
// per such rule, all in flight together; a missing baseline value is the
// series' `inconclusive` with the reason, never a pass.
#ifndef AURORA_GATES_CORE_LIVE_BASELINES_H_
#define AURORA_GATES_CORE_LIVE_BASELINES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "evaluator/judge.h"
#include "gates/core/live_rules.h"

namespace aurora {

struct LiveBaseline {
  bool wanted = false;  // the rule has relative criteria
  // For reports: "the same query at 2026-12-03T14:00:00Z (offset 1h)".
  std::string source;
  std::string how;  // "offset 1h", "--baseline-at, 35m before"
  // Why there are no values at all: no moment configured, or the query
  // failed (its message).
  absl::Status status;
  absl::Time at;
  std::map<Labels, double> values;  // by labels without __name__
};

// The moment a rule's baseline is read: --baseline-at, else the rule's or
// its source's offset before `eval_time`; nullopt when none is set.
std::optional<absl::Time> LiveBaselineMoment(const Rule& rule,
                                             const SourceSpec& source,
                                             const LiveContext& context,
                                             absl::Time eval_time);

// One entry per rule (`wanted` false for rules without relative criteria).
std::vector<LiveBaseline> FetchLiveBaselines(const std::vector<LiveRule>& rules,
                                             const LiveContext& context,
                                             absl::Time eval_time);

// Gives each observed series its baseline value (same labels), or the
// reason it has none; names the baseline in `out` (baseline_source, and
// baseline_missing when there is no value at all).
void ApplyLiveBaseline(const LiveBaseline& baseline,
                       std::vector<Observed>* current, RuleResult* out);

}  // namespace aurora

#endif  // AURORA_GATES_CORE_LIVE_BASELINES_H_
