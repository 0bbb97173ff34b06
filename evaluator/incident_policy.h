// File: evaluator/incident_policy.h
// When a gate's verdict fires actions, in the spirit of Prometheus'
// needsSending: per gate, the last transition fired and this evaluation's
// verdict decide the next one. fail and error open an incident, only once
// a stop condition has tripped (count limits apply) and only once per
// incident; warn fires when the verdict becomes warn; pass (after
// `resolved`, when an incident was open) when a gate that fired anything is
// healthy again. Pure; `watch` and `backtest` drive it.
#ifndef AURORA_EVALUATOR_INCIDENT_POLICY_H_
#define AURORA_EVALUATOR_INCIDENT_POLICY_H_

#include <optional>
#include <string_view>

#include "evaluator/stop_conditions.h"
#include "rules/action_trigger.h"
#include "rules/outcome.h"

namespace aurora {

// The transition a gate fired last (kNone: nothing yet).
enum class GateTransition { kNone, kPass, kWarn, kFail, kError };

// "pass", "warn", "fail", "error" (the action triggers); "" for kNone.
std::string_view TransitionName(GateTransition t);
// The inverse, for incidents read back from the spool; nullopt when unknown.
std::optional<GateTransition> ParseTransition(std::string_view name);

// The action trigger a fired transition is (kNone, which fires nothing:
// kPass).
ActionTrigger TriggerOf(GateTransition t);

// Whether the transition opens an incident (fail, error).
bool OpensIncident(GateTransition t);

struct TransitionDecision {
  GateTransition fire = GateTransition::kNone;  // kNone: nothing to fire
  // A pass that closes an open incident: `resolved` fires first.
  bool resolves = false;
  // A fail that supersedes the gate's open error incident (the stop
  // condition escalated from error to fail): that incident ends here,
  // without `resolved` (the gate is not healthy), and the fail opens its own.
  bool escalates = false;
};

// The transition to fire for a gate whose last fired transition is
// `previous` and whose verdict is `verdict` now, while the watch's stop
// condition is `tripped` (kNone: not tripped yet).
TransitionDecision Next(GateTransition previous, Outcome verdict, Trip tripped);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_INCIDENT_POLICY_H_
