#include "reports/watch_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {
namespace {

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ", Sv(n == 1 ? one : many));
}

// To the second, as reports show times ("1m45s"; "0s" under a second).
std::string ShownDuration(absl::Duration d) {
  return FormatPromDuration(absl::Trunc(d, absl::Seconds(1)));
}

}  // namespace

bool IncidentResolved(const WatchIncident& incident) {
  return !incident.escalated && incident.resolved_at != absl::InfiniteFuture();
}

std::string WatchVerdictText(const RunResult& run) {
  if (!run.watch.has_value()) return "";
  const WatchSummary& w = *run.watch;
  const std::string span =
      w.ended > w.started ? absl::StrCat(" over ", ShownDuration(w.ended - w.started))
                          : std::string();
  if (w.incidents.empty()) {
    if (w.interrupted) {
      return absl::StrCat("The watch was stopped by a signal after ",
                          Plural(w.cycles, "cycle", "cycles"), span,
                          ", before its duration passed, with no stop "
                          "condition tripped: undecided.");
    }
    return absl::StrCat("No stop condition tripped in ",
                        Plural(w.cycles, "cycle", "cycles"), span, ".");
  }
  // An escalated error incident lives on in its fail incident: it is
  // neither open nor resolved.
  size_t open = 0, escalated = 0;
  bool error_only = true;
  for (const WatchIncident& i : w.incidents) {
    if (i.on != "error") error_only = false;
    if (i.escalated) {
      ++escalated;
    } else if (!IncidentResolved(i)) {
      ++open;
    }
  }
  const size_t counted = w.incidents.size() - escalated;
  std::string state =
      open == 0 ? std::string(counted == 1 ? "resolved before the watch ended"
                                           : "all resolved before the watch ended")
      : open == counted
          ? std::string(counted == 1 ? "still tripped when the watch ended"
                                     : "all still tripped when the watch ended")
          : absl::StrCat(open, " still tripped when the watch ended");
  if (escalated > 0) {
    state = absl::StrCat(escalated == 1 ? "an error incident"
                                        : absl::StrCat(escalated, " error incidents"),
                         " escalated to fail; ", state);
  }
  return absl::StrCat(
      error_only ? "A stop condition could not be evaluated and tripped"
                 : "A stop condition tripped",
      " during the watch (", Plural(w.incidents.size(), "incident", "incidents"),
      ", ", state, "): a trip decides the watch, whatever the last cycle says. ",
      Plural(w.cycles, "cycle", "cycles"), span, ".");
}

std::string IncidentRuleTitle(const WatchIncident& incident,
                              const IncidentRule& rule) {
  const std::string name =
      rule.group.empty() ? rule.name : absl::StrCat(rule.group, "/", rule.name);
  return incident.gate.empty() ? name : absl::StrCat(incident.gate, " / ", name);
}

std::string IncidentValueText(const WatchIncident& incident,
                              const IncidentRule& rule) {
  if (!rule.value.has_value()) {
    return incident.continued ? "unknown (opened by an earlier run)" : "no data";
  }
  std::string out = FormatNumberShort(*rule.value);
  if (!rule.labels.empty()) absl::StrAppend(&out, " ", rule.labels.ToString());
  return out;
}

std::string IncidentTrippedText(const WatchIncident& incident) {
  return absl::StrCat(
      "tripped (", incident.on == "error" ? "could not be evaluated" : incident.on,
      ") at ", ShownTimeUtc(incident.tripped_at),
      incident.continued ? " (opened by an earlier run of the watch)" : "");
}

std::string IncidentResolvedText(const WatchIncident& incident) {
  if (incident.escalated) {
    return absl::StrCat("escalated to fail at ", ShownTimeUtc(incident.resolved_at),
                        ", after ",
                        ShownDuration(incident.resolved_at - incident.tripped_at),
                        " (the fail incident carries it on)");
  }
  if (!IncidentResolved(incident)) return "not resolved when the watch ended";
  return absl::StrCat("resolved at ", ShownTimeUtc(incident.resolved_at),
                      ", after ",
                      ShownDuration(incident.resolved_at - incident.tripped_at));
}

std::string WatchActionText(const WatchActionResult& action) {
  std::string out = absl::StrCat(action.action, " on ", action.on, ": ",
                                 action.outcome);
  if (action.attempts > 0 || !action.detail.empty()) {
    std::vector<std::string> parts;
    if (action.attempts > 0) {
      parts.push_back(Plural(static_cast<size_t>(action.attempts), "attempt",
                             "attempts"));
    }
    if (!action.detail.empty()) parts.push_back(action.detail);
    absl::StrAppend(&out, " (", absl::StrJoin(parts, ": "), ")");
  }
  if (!action.idempotency_key.empty()) {
    absl::StrAppend(&out, ", idempotency key ", action.idempotency_key);
  }
  return out;
}

std::vector<std::string> IncidentTimeline(const WatchIncident& incident) {
  std::vector<std::string> out;
  std::vector<std::string> rules;
  for (const IncidentRule& r : incident.rules) {
    rules.push_back(absl::StrCat(IncidentRuleTitle(incident, r), " = ",
                                 IncidentValueText(incident, r)));
  }
  std::string first = absl::StrCat(
      ShownTimeUtc(incident.tripped_at), " tripped (",
      incident.on == "error" ? "could not be evaluated" : incident.on, ")",
      incident.continued ? " (opened by an earlier run of the watch)" : "", ": ",
                                   rules.empty() ? incident.gate
                                                 : absl::StrJoin(rules, ", "));
  out.push_back(std::move(first));
  if (!incident.why.empty()) out.push_back(absl::StrCat("why: ", incident.why));
  for (const WatchActionResult& a : incident.actions) {
    out.push_back(absl::StrCat(ShownTimeUtc(a.fired_at), " action ",
                               WatchActionText(a)));
  }
  if (incident.escalated) {
    out.push_back(absl::StrCat(ShownTimeUtc(incident.resolved_at),
                               " escalated to fail, after ",
                               ShownDuration(incident.resolved_at - incident.tripped_at),
                               " (the fail incident carries it on)"));
  } else if (IncidentResolved(incident)) {
    out.push_back(absl::StrCat(ShownTimeUtc(incident.resolved_at), " resolved, after ",
                               ShownDuration(incident.resolved_at - incident.tripped_at)));
  } else {
    out.push_back(IncidentResolvedText(incident));
  }
  return out;
}

std::string LastCycleText(const RunResult& run) {
  if (!run.watch.has_value()) return "";
  return absl::StrCat("Last cycle, evaluated at ", ShownTimeUtc(run.eval_time),
                      " (cycle ", run.watch->cycles,
                      " of the watch): the rules as last evaluated. The "
                      "verdict is the watch's.");
}

std::vector<RuleIncident> IncidentsOfRule(const RunResult& run,
                                          const GateResult& gate,
                                          const RuleResult& rule) {
  std::vector<RuleIncident> out;
  if (!run.watch.has_value()) return out;
  for (const WatchIncident& i : run.watch->incidents) {
    if (i.gate_file != gate.file || i.gate != gate.name) continue;
    for (const IncidentRule& r : i.rules) {
      if (r.name == rule.name && (r.group.empty() || r.group == rule.group)) {
        out.push_back({&i, &r});
      }
    }
  }
  return out;
}

}  // namespace aurora
