#include "rules/outcome.h"

namespace aurora {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kWarn: return "warn";
    case Outcome::kPending: return "pending";
    case Outcome::kInconclusive: return "inconclusive";
    case Outcome::kError: return "error";
    case Outcome::kFail: return "fail";
  }
  return "error";
}

std::optional<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kPending,
                    Outcome::kInconclusive, Outcome::kError, Outcome::kFail}) {
    if (OutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

}  // namespace aurora
