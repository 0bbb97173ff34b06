// The gate transition policy (evaluator/incident_policy.h), table-driven:
// each case is named after the sequence of verdicts it feeds, one per
// evaluation, as vmalert's rule tests are ("pass=>fail=>resolved"); the
// expected column lists what fires at each evaluation ("-" for nothing).
#include "evaluator/incident_policy.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

struct Eval {
  Outcome verdict;
  Trip tripped;
};

// Drives Next over `evals` as `watch` does: what fired at each evaluation,
// "resolved+pass" when a pass closes an incident.
std::string Fired(const std::vector<Eval>& evals) {
  GateTransition previous = GateTransition::kNone;
  std::vector<std::string> out;
  for (const Eval& e : evals) {
    TransitionDecision d = Next(previous, e.verdict, e.tripped);
    if (d.fire == GateTransition::kNone) {
      out.push_back("-");
      continue;
    }
    out.push_back(absl::StrCat(d.resolves ? "resolved+" : "",
                               d.escalates ? "escalated+" : "",
                               Sv(TransitionName(d.fire))));
    previous = d.fire;
  }
  return absl::StrJoin(out, "=>");
}

constexpr Outcome P = Outcome::kPass, W = Outcome::kWarn, F = Outcome::kFail,
                  E = Outcome::kError, I = Outcome::kInconclusive,
                  D = Outcome::kPending;
constexpr Trip N = Trip::kNone, TF = Trip::kFail, TE = Trip::kError;

TEST(IncidentPolicyTest, Table) {
  struct Case {
    const char* name;
    std::vector<Eval> evals;
    const char* fired;
  };
  const std::vector<Case> cases = {
      {"pass=>pass", {{P, N}, {P, N}}, "-=>-"},
      {"pass=>fail (not tripped)=>pass", {{P, N}, {F, N}, {P, N}}, "-=>-=>-"},
      {"pass=>fail=>resolved", {{P, N}, {F, TF}, {P, TF}}, "-=>fail=>resolved+pass"},
      {"fail=>fail=>fail: one rollback per incident",
       {{F, TF}, {F, TF}, {F, TF}}, "fail=>-=>-"},
      {"fail=>resolved=>fail: a new incident", {{F, TF}, {P, TF}, {F, TF}},
       "fail=>resolved+pass=>fail"},
      {"warn=>warn=>pass", {{W, N}, {W, N}, {P, N}}, "warn=>-=>pass"},
      {"warn=>fail=>resolved", {{W, N}, {F, TF}, {P, TF}},
       "warn=>fail=>resolved+pass"},
      {"fail=>warn: no warn inside an incident", {{F, TF}, {W, TF}, {P, TF}},
       "fail=>-=>resolved+pass"},
      {"pending=>pass: nothing fired, nothing to resolve", {{D, N}, {P, N}}, "-=>-"},
      {"error=>inconclusive=>resolved", {{E, TE}, {I, TE}, {P, TE}},
       "error=>-=>resolved+pass"},
      {"inconclusive (tripped by errors) opens an error incident", {{I, TE}},
       "error"},
      {"error while tripped by failures: nothing", {{E, TF}, {P, TF}}, "-=>-"},
      {"fail while tripped by errors: nothing", {{F, TE}}, "-"},
      {"error=>fail while tripped by failures", {{E, TF}, {F, TF}}, "-=>fail"},
      {"error=>fail=>resolved: the trip escalates (--keep-running)",
       {{E, TE}, {F, TF}, {P, TF}}, "error=>escalated+fail=>resolved+pass"},
      {"error=>fail=>fail: one rollback for the escalated incident",
       {{E, TE}, {F, TF}, {F, TF}}, "error=>escalated+fail=>-"},
      {"error=>resolved=>fail: a new incident, nothing escalated",
       {{E, TE}, {P, TE}, {F, TF}}, "error=>resolved+pass=>fail"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Fired(c.evals), c.fired);
  }
}

TEST(IncidentPolicyTest, TransitionNamesRoundTrip) {
  for (GateTransition t : {GateTransition::kPass, GateTransition::kWarn,
                           GateTransition::kFail, GateTransition::kError}) {
    EXPECT_EQ(ParseTransition(TransitionName(t)), t);
  }
  EXPECT_EQ(ParseTransition("resolved"), std::nullopt);
  EXPECT_EQ(ParseTransition(""), std::nullopt);
}

}  // namespace
}  // namespace aurora
