// File: reports/watch_report.h
// What every end-of-watch report says the same way (RunResult::watch): the
// verdict explained by the watch's incidents, each incident as a timeline
// (rule, tripped at, value, actions fired with their outcome and key,
// resolved at), and the last cycle named as such. Plain text, one fact a
// string; renderers escape it for their format.
#ifndef AURORA_REPORTS_WATCH_REPORT_H_
#define AURORA_REPORTS_WATCH_REPORT_H_

#include <string>
#include <vector>

#include "evaluator/result.h"

namespace aurora {

// The verdict of a watch in one sentence, from its incidents: "A stop
// condition tripped during the watch (1 incident, resolved before the
// end): a trip decides the watch." / "No stop condition tripped in 8
// cycles over 2m." / "The watch was stopped by a signal after 3 cycles
// with no stop condition tripped: undecided." "" for a run that is not a
// watch.
std::string WatchVerdictText(const RunResult& run);

// "gate / group/rule" (the gate is left out when empty).
std::string IncidentRuleTitle(const WatchIncident& incident,
                              const IncidentRule& rule);

// The rule's value when the incident opened: `0.07 {route="/a"}`, "no
// data", or "unknown (opened by an earlier run)" for a continued incident.
std::string IncidentValueText(const WatchIncident& incident,
                              const IncidentRule& rule);

// "tripped (fail) at 2026-11-27T08:00:15Z" / "… (could not be evaluated)".
std::string IncidentTrippedText(const WatchIncident& incident);

// Whether the incident was resolved (the gate healthy again): not when it
// is still open, nor when it escalated to fail.
bool IncidentResolved(const WatchIncident& incident);

// "resolved at 2026-11-27T08:01:00Z, after 45s", "escalated to fail at …",
// or "not resolved when the watch ended".
std::string IncidentResolvedText(const WatchIncident& incident);

// "watch/fail#0 on fail: delivered (1 attempt: HTTP 200), idempotency key
// 3f2a…" — the full key, which receivers dedupe and match on.
std::string WatchActionText(const WatchActionResult& action);

// The timeline of one incident, one line each: tripped (with the rules and
// values, and why), each action fired, resolved.
std::vector<std::string> IncidentTimeline(const WatchIncident& incident);

// "Last cycle, evaluated at 2026-…Z (cycle 8 of the watch): the rules as
// last evaluated. The verdict is the watch's, above." "" when not a watch.
std::string LastCycleText(const RunResult& run);

// The incidents that name rule `rule` of gate `gate`, with its entry.
struct RuleIncident {
  const WatchIncident* incident;
  const IncidentRule* rule;
};
std::vector<RuleIncident> IncidentsOfRule(const RunResult& run,
                                          const GateResult& gate,
                                          const RuleResult& rule);

}  // namespace aurora

#endif  // AURORA_REPORTS_WATCH_REPORT_H_
