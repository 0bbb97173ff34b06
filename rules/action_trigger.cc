#include "rules/action_trigger.h"

namespace aurora {

std::string_view ActionTriggerName(ActionTrigger t) {
  switch (t) {
    case ActionTrigger::kFail: return "fail";
    case ActionTrigger::kError: return "error";
    case ActionTrigger::kWarn: return "warn";
    case ActionTrigger::kPass: return "pass";
    case ActionTrigger::kResolved: return "resolved";
    case ActionTrigger::kStart: return "start";
  }
  return "";
}

std::optional<ActionTrigger> ParseActionTrigger(std::string_view name) {
  for (ActionTrigger t : kActionTriggers) {
    if (ActionTriggerName(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace aurora
