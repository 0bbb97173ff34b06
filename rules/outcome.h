// File: rules/outcome.h
// The outcome of a rule or of one of its series, ordered from best to worst:
// the verdict of a gate is the worst outcome of its deciding rules.
#ifndef AURORA_RULES_OUTCOME_H_
#define AURORA_RULES_OUTCOME_H_

#include <optional>
#include <string_view>

namespace aurora {

// Order matters: pass < warn < pending < inconclusive < error < fail.
enum class Outcome {
  kPass = 0,
  kWarn = 1,
  kPending = 2,       // condition true, `for` not yet elapsed
  kInconclusive = 3,  // no data (or NaN) by policy
  kError = 4,         // the source failed: unreadable artifact, server down
  kFail = 5,
};

// "pass", "warn", "pending", "inconclusive", "error", "fail".
std::string_view OutcomeName(Outcome o);
std::optional<Outcome> ParseOutcome(std::string_view name);
inline Outcome Worst(Outcome a, Outcome b) { return a > b ? a : b; }

}  // namespace aurora

#endif  // AURORA_RULES_OUTCOME_H_
