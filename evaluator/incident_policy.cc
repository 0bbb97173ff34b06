#include "evaluator/incident_policy.h"

namespace aurora {

std::string_view TransitionName(GateTransition t) {
  switch (t) {
    case GateTransition::kNone: return "";
    case GateTransition::kPass: return "pass";
    case GateTransition::kWarn: return "warn";
    case GateTransition::kFail: return "fail";
    case GateTransition::kError: return "error";
  }
  return "";
}

std::optional<GateTransition> ParseTransition(std::string_view name) {
  for (GateTransition t : {GateTransition::kPass, GateTransition::kWarn,
                           GateTransition::kFail, GateTransition::kError}) {
    if (TransitionName(t) == name) return t;
  }
  return std::nullopt;
}

ActionTrigger TriggerOf(GateTransition t) {
  switch (t) {
    case GateTransition::kFail: return ActionTrigger::kFail;
    case GateTransition::kError: return ActionTrigger::kError;
    case GateTransition::kWarn: return ActionTrigger::kWarn;
    case GateTransition::kNone:
    case GateTransition::kPass: break;
  }
  return ActionTrigger::kPass;
}

bool OpensIncident(GateTransition t) {
  return t == GateTransition::kFail || t == GateTransition::kError;
}

TransitionDecision Next(GateTransition previous, Outcome verdict, Trip tripped) {
  TransitionDecision d;
  if (tripped == Trip::kFail && previous != GateTransition::kFail &&
      verdict == Outcome::kFail) {
    d.fire = GateTransition::kFail;
    d.escalates = previous == GateTransition::kError;
  } else if (tripped == Trip::kError && previous != GateTransition::kError &&
             (verdict == Outcome::kError || verdict == Outcome::kInconclusive)) {
    d.fire = GateTransition::kError;
  } else if (verdict == Outcome::kWarn && previous != GateTransition::kWarn &&
             !OpensIncident(previous)) {
    d.fire = GateTransition::kWarn;
  } else if (verdict == Outcome::kPass && previous != GateTransition::kNone &&
             previous != GateTransition::kPass) {
    d.fire = GateTransition::kPass;
    d.resolves = OpensIncident(previous);
  }
  return d;
}

}  // namespace aurora
