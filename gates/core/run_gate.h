// File: gates/core/run_gate.h
// One evaluation of gate files at a given time: the core shared by `check`,
// each tick of `watch`, `report` and the tests. Time is an argument.
#ifndef AURORA_GATES_CORE_RUN_GATE_H_
#define AURORA_GATES_CORE_RUN_GATE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"
#include "gates/core/live_rules.h"
#include "gates/core/source_cache.h"
#include "rules/gate.h"

namespace aurora {

// Evaluates every rule of `gate` (recording rules are skipped) at
// `eval_time`: artifact rules from `sources`, live rules through `live`
// (all of the gate's queries in flight together). Never fails as a whole: a
// source that cannot be read makes its rules `error`, with the reason; with
// no `live` context, live rules are `error`. The verdict is the worst
// outcome of the rules that decide (dry-run rules never do).
GateResult RunGate(const GateFile& gate, SourceCache& sources,
                   const LiveContext* live, absl::Time eval_time);

// Alert state of live rules carried between evaluations (watch mode), by
// RuleKey. A rule whose key changes (an edited expression) starts over.
using LiveStates = std::map<std::string, std::optional<AlertTracker>>;

// Identity of a rule across reloads: file, group, name and expression.
std::string RuleKey(const GateFile& gate, const Rule& rule);

// RunGate for several gates at once: the live queries of all of them are in
// flight together. One result per gate, in order. With `states`, live rules
// keep their alert state between calls (see LiveRule::state).
std::vector<GateResult> RunGates(const std::vector<GateFile>& gates,
                                 SourceCache& sources, const LiveContext* live,
                                 absl::Time eval_time,
                                 LiveStates* states = nullptr);

// The run's verdict: worst of the gates.
Outcome RunVerdict(const std::vector<GateResult>& gates);

}  // namespace aurora

#endif  // AURORA_GATES_CORE_RUN_GATE_H_
