// File: rules/action_trigger.h
// When an action fires (`on:` of an action), parsed once by the loader;
// code switches on the enum, payloads, spool records and reports print
// ActionTriggerName.
#ifndef AURORA_RULES_ACTION_TRIGGER_H_
#define AURORA_RULES_ACTION_TRIGGER_H_

#include <optional>
#include <string_view>

namespace aurora {

// In the order error messages list them ("expected one of: ...").
enum class ActionTrigger { kFail, kError, kWarn, kPass, kResolved, kStart };
inline constexpr ActionTrigger kActionTriggers[] = {
    ActionTrigger::kFail, ActionTrigger::kError,    ActionTrigger::kWarn,
    ActionTrigger::kPass, ActionTrigger::kResolved, ActionTrigger::kStart};

// The name written in gate files: "fail", "error", "warn", "pass",
// "resolved", "start".
std::string_view ActionTriggerName(ActionTrigger t);
// The inverse; nullopt for a name that is no trigger.
std::optional<ActionTrigger> ParseActionTrigger(std::string_view name);

}  // namespace aurora

#endif  // AURORA_RULES_ACTION_TRIGGER_H_
