#include "evaluator/backtest_replay.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/command_env.h"
#include "evaluator/incident_policy.h"
#include "evaluator/judge.h"
#include "evaluator/live_judging.h"

namespace aurora {
namespace {

// The watch's stop condition (see watch_command.cc): once per watch.
struct Tripped {
  Trip trip = Trip::kNone;
  std::string why;
  size_t gate = 0, rule = 0;
};

IncidentRule IncidentRuleAt(const RuleTrack& r, size_t i) {
  IncidentRule ir;
  ir.group = r.group;
  ir.name = r.name;
  ir.outcome = r.outcomes[i];
  if (i < r.values.size() && !std::isnan(r.values[i])) ir.value = r.values[i];
  if (i < r.labels.size()) ir.labels = r.labels[i];
  if (i < r.reasons.size()) ir.reason = r.reasons[i];
  return ir;
}

// The rules an opening transition is about (as MakeActionEvent picks them):
// those whose outcome is the transition's, dry-run rules excluded, by name.
std::vector<IncidentRule> RulesOf(const GateTrack& g, size_t i, Outcome wanted) {
  std::vector<IncidentRule> out;
  for (const RuleTrack& r : g.rules) {
    if (!r.dry_run && r.outcomes[i] == wanted) out.push_back(IncidentRuleAt(r, i));
  }
  std::sort(out.begin(), out.end(), [](const IncidentRule& a, const IncidentRule& b) {
    return a.name < b.name;
  });
  return out;
}

std::vector<WouldFire> ActionsOn(const GateTrack& g, ActionTrigger on,
                                 absl::Time at) {
  std::vector<WouldFire> out;
  for (const GateActionRef& a : g.actions) {
    if (a.on == on) {
      out.push_back({a.name, std::string(ActionTriggerName(a.on)), at});
    }
  }
  return out;
}

double FractionOf(const std::vector<Outcome>& outcomes, Outcome o) {
  if (outcomes.empty()) return 0;
  return static_cast<double>(std::count(outcomes.begin(), outcomes.end(), o)) /
         static_cast<double>(outcomes.size());
}

// Whether a step with `outcome` keeps its reason (RuleTrack::reasons): every
// fail, error and inconclusive step (stop conditions and incidents read
// them), and a rule's first warn and first pending step (the report's
// "worst first at" reads the first step of a rule's worst outcome); `first`
// records the warn and pending outcomes seen.
bool KeepsReason(Outcome outcome, std::set<Outcome>* first) {
  switch (outcome) {
    case Outcome::kPass: return false;
    case Outcome::kFail:
    case Outcome::kError:
    case Outcome::kInconclusive: return true;
    case Outcome::kWarn:
    case Outcome::kPending: return first->insert(outcome).second;
  }
  return true;
}

bool NoAlertActive(const AlertTracker& tracker) {
  for (const auto& [labels, alert] : tracker.alerts()) {
    if (alert.state != AlertState::kInactive) return false;
  }
  return true;
}

}  // namespace

std::vector<OutcomeInterval> OutcomeIntervals(const BacktestSpan& span,
                                              const std::vector<Outcome>& outcomes) {
  std::vector<OutcomeInterval> out;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!out.empty() && out.back().outcome == outcomes[i]) {
      out.back().to = span.At(i + 1);
      continue;
    }
    out.push_back({outcomes[i], span.At(i), span.At(i + 1)});
  }
  return out;
}

RuleTrack JudgeOverSpan(const Rule& rule, const RuleResult& skeleton,
                        const std::vector<Series>& matrix,
                        absl::Time history_start, const BacktestSpan& span,
                        int group_limit) {
  RuleTrack track;
  track.group = skeleton.group;
  track.name = skeleton.name;
  track.dry_run = skeleton.dry_run;
  track.limits = StopLimitsOf(rule);
  track.outcomes.reserve(span.steps);
  track.values.reserve(span.steps);
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  // Per series: its first point not before the step being evaluated.
  std::vector<size_t> cursor(matrix.size(), 0);
  // The series with a point at this step, and their values; `current` holds
  // their labels, copied only when that set changes from the last step (it
  // seldom does: most series have a point at every step).
  std::vector<size_t> present, shown;
  std::vector<double> values;
  std::vector<Observed> current;
  size_t least = 0;  // the index in `current` of its least label set
  // An alert rule with a condition passes at a step where no alert is
  // pending or firing and every value is a number: no series holds the
  // condition (one that held would be pending or firing now), so each is
  // `pass`; so does a step with no series, unless the rule sets a no_data
  // policy. That step is judged here without building the reasons and
  // annotations JudgeLiveAlerts would (a pass keeps none): the same
  // outcome, and its first series in label order (the last of equal label
  // sets), as JudgeLiveAlerts orders them. BacktestReplayTest checks both
  // agree step by step.
  const bool fast_pass = rule.kind == Rule::Kind::kAlert && rule.condition.has_value();
  std::set<Outcome> reasons_kept;  // outcomes whose first step has its reason
  const absl::Time last = span.steps > 0 ? span.At(span.steps - 1) : span.from;
  for (absl::Time t = history_start; t <= last; t += span.step) {
    present.clear();
    values.clear();
    for (size_t s = 0; s < matrix.size(); ++s) {
      const std::vector<Point>& points = matrix[s].points;
      size_t& k = cursor[s];
      while (k < points.size() && points[k].timestamp < t) ++k;
      if (k < points.size() && points[k].timestamp == t) {
        present.push_back(s);
        values.push_back(points[k].value);
      }
    }
    if (present != shown) {
      current.clear();
      for (size_t s : present) current.push_back({matrix[s].labels, 0, std::nullopt});
      shown = present;
      least = 0;
      for (size_t k = 1; k < current.size(); ++k) {
        if (!(current[least].labels < current[k].labels)) least = k;
      }
    }
    bool all_numbers = true;
    for (size_t k = 0; k < values.size(); ++k) {
      current[k].value = values[k];
      all_numbers &= !std::isnan(values[k]);
    }
    StepLiveAlerts(rule, current, t, &tracker);
    if (t < span.from) continue;  // history: settles the state only
    if (fast_pass && all_numbers && NoAlertActive(tracker) &&
        (!current.empty() || !rule.policies.no_data_set)) {
      // No series at all is `pass` too when the rule sets no no_data policy
      // (inactive, as in Prometheus): the steps where an alert expression
      // read as written returned nothing.
      track.outcomes.push_back(Outcome::kPass);
      if (current.empty()) {
        track.values.push_back(std::nan(""));
        track.labels.emplace_back();
      } else {
        track.values.push_back(current[least].value);
        track.labels.push_back(current[least].labels);
      }
      track.reasons.push_back(std::string());
      continue;
    }
    // Annotations are never rendered (a backtest reports none), and reasons
    // only at the steps that keep one (RuleTrack::reasons): the step is
    // judged without them, and again with them at such a step. Judging does
    // not change the tracker.
    auto judge = [&](bool reasons, RuleResult* r) {
      r->severity = skeleton.severity;
      const bool kept = JudgeLiveAlerts(rule, current, tracker, history_start, t,
                                        group_limit, {}, "", r, {false, reasons});
      ApplyNonBlockingSeverity(r);
      if (!reasons) r->reason.clear();  // the severity's note alone
      return kept;
    };
    RuleResult r;
    const bool kept = judge(false, &r);
    if (KeepsReason(r.outcome, &reasons_kept)) {
      r = RuleResult();
      judge(true, &r);
    }
    if (!kept) tracker = AlertTracker(rule.for_duration, rule.keep_firing_for);
    track.outcomes.push_back(r.outcome);
    if (const SeriesResult* deciding = DecidingSeries(r); deciding == nullptr) {
      track.values.push_back(std::nan(""));
      track.labels.emplace_back();
    } else {
      track.values.push_back(deciding->value);
      track.labels.push_back(deciding->labels);
    }
    track.reasons.push_back(r.outcome == Outcome::kPass ? std::string()
                                                        : std::move(r.reason));
  }
  return track;
}

int BacktestExitCode(const BacktestRun& run) {
  bool failed = false, undecided = !run.errors.empty();
  auto count = [&](const BacktestResult& r) {
    for (const BacktestIncident& i : r.incidents) {
      (i.on == "fail" ? failed : undecided) = true;
    }
  };
  if (run.span.has_value()) count(*run.span);
  for (const DeployWindow& w : run.deploys) count(w.result);
  return failed ? kExitFail : undecided ? kExitUndecided : kExitPass;
}

RuleTrack ConstantTrack(const Rule& rule, const RuleResult& result,
                        const BacktestSpan& span) {
  RuleTrack track;
  track.group = result.group;
  track.name = result.name;
  track.dry_run = result.dry_run;
  track.limits = StopLimitsOf(rule);
  track.outcomes.assign(span.steps, result.outcome);
  const SeriesResult* deciding = DecidingSeries(result);
  track.values.assign(span.steps, deciding == nullptr ? std::nan("") : deciding->value);
  track.labels.assign(span.steps, deciding == nullptr ? Labels() : deciding->labels);
  track.reasons.assign(span.steps, result.reason);
  return track;
}

BacktestResult ReplayGates(const BacktestSpan& span,
                           const std::vector<GateTrack>& gates) {
  BacktestResult result;
  result.span = span;
  std::vector<std::vector<Outcome>> verdicts(gates.size());
  std::vector<std::vector<RuleCounts>> counts(gates.size());
  std::vector<GateTransition> fired(gates.size(), GateTransition::kNone);
  std::vector<std::optional<size_t>> open(gates.size());
  result.gates.resize(gates.size());
  for (size_t gi = 0; gi < gates.size(); ++gi) {
    const GateTrack& g = gates[gi];
    counts[gi].resize(g.rules.size());
    verdicts[gi].reserve(span.steps);
    BacktestGateResult& gr = result.gates[gi];
    gr.name = g.name;
    gr.title = g.title;
    gr.file = g.file;
    gr.would_fire = ActionsOn(g, ActionTrigger::kStart, span.from);  // as the watch starts
  }
  Tripped tripped;
  // A fail incident opening on gate `gi` at `t`: every error incident of
  // the gate still open ends there (no `resolved`), the told-only ones
  // (below) included.
  auto escalate_errors = [&](size_t gi, absl::Time t) {
    for (BacktestIncident& inc : result.incidents) {
      if (inc.gate_file != gates[gi].file || inc.on != "error" ||
          inc.resolved_at != absl::InfiniteFuture()) {  // resolved or escalated
        continue;
      }
      inc.resolved_at = t;
      inc.escalated = true;
    }
    if (open[gi].has_value() && result.incidents[*open[gi]].escalated) open[gi].reset();
  };
  for (size_t i = 0; i < span.steps; ++i) {
    const absl::Time t = span.At(i);
    // The gates' verdicts: worst of the rules that decide.
    for (size_t gi = 0; gi < gates.size(); ++gi) {
      Outcome v = Outcome::kPass;
      for (const RuleTrack& r : gates[gi].rules) {
        if (!r.dry_run) v = Worst(v, r.outcomes[i]);
      }
      verdicts[gi].push_back(v);
    }
    // Count limits: the first rule past one trips the watch, once; an error
    // trip escalates to fail by the first rule past a failure limit.
    const Trip trip_before = tripped.trip;
    for (size_t gi = 0; gi < gates.size(); ++gi) {
      for (size_t ri = 0; ri < gates[gi].rules.size(); ++ri) {
        const RuleTrack& r = gates[gi].rules[ri];
        RuleCounts& c = counts[gi][ri];
        CountOutcome(r.outcomes[i], &c);
        if (r.dry_run || tripped.trip == Trip::kFail) continue;
        TripCheck check = CheckStopLimits(
            r.limits, c, absl::StrCat(gates[gi].name, "/", r.group, "/", r.name),
            r.reasons[i]);
        if (!TripEscalates(tripped.trip, check.trip)) continue;
        tripped = {check.trip, std::move(check.why), gi, ri};
      }
    }
    const bool newly_tripped = tripped.trip != trip_before;
    bool trip_told = false;
    // The gates' transitions (incident_policy.h).
    for (size_t gi = 0; gi < gates.size(); ++gi) {
      const GateTrack& g = gates[gi];
      BacktestGateResult& gr = result.gates[gi];
      const TransitionDecision next = Next(fired[gi], verdicts[gi][i], tripped.trip);
      if (next.fire == GateTransition::kNone) continue;
      const std::string on(TransitionName(next.fire));
      std::optional<size_t> closing;
      if (next.resolves && open[gi].has_value()) {
        closing = open[gi];
        open[gi].reset();
        BacktestIncident& inc = result.incidents[*closing];
        inc.resolved_at = t;
        for (WouldFire& a : ActionsOn(g, ActionTrigger::kResolved, t)) {
          inc.actions.push_back(a);
          gr.would_fire.push_back(std::move(a));
        }
      }
      if (next.fire == GateTransition::kFail) escalate_errors(gi, t);
      std::vector<WouldFire> actions = ActionsOn(g, TriggerOf(next.fire), t);
      if (OpensIncident(next.fire)) {
        BacktestIncident inc;
        inc.gate = g.name;
        inc.gate_file = g.file;
        inc.on = on;
        inc.tripped_at = t;
        inc.rules = RulesOf(g, i, next.fire == GateTransition::kFail
                                      ? Outcome::kFail
                                      : Outcome::kError);
        if (newly_tripped && !trip_told && gi == tripped.gate) {
          inc.why = tripped.why;
          trip_told = true;
        }
        inc.actions = actions;
        if (!gr.first_trip.has_value()) gr.first_trip = t;
        result.incidents.push_back(std::move(inc));
        open[gi] = result.incidents.size() - 1;
      } else if (closing.has_value()) {
        for (const WouldFire& a : actions) result.incidents[*closing].actions.push_back(a);
      }
      for (WouldFire& a : actions) gr.would_fire.push_back(std::move(a));
      fired[gi] = next.fire;
    }
    if (newly_tripped && !trip_told) {
      // The rule that tripped opened no gate transition (its gate's verdict
      // is not a fail): the trip is still told, once, as the watch does.
      const GateTrack& g = gates[tripped.gate];
      BacktestIncident inc;
      inc.gate = g.name;
      inc.gate_file = g.file;
      inc.on = tripped.trip == Trip::kFail ? "fail" : "error";
      inc.tripped_at = t;
      inc.why = tripped.why;
      if (tripped.trip == Trip::kFail) escalate_errors(tripped.gate, t);
      inc.rules.push_back(IncidentRuleAt(g.rules[tripped.rule], i));
      if (!result.gates[tripped.gate].first_trip.has_value()) {
        result.gates[tripped.gate].first_trip = t;
      }
      result.incidents.push_back(std::move(inc));
    }
  }
  for (size_t gi = 0; gi < gates.size(); ++gi) {
    BacktestGateResult& gr = result.gates[gi];
    gr.verdicts = OutcomeIntervals(span, verdicts[gi]);
    gr.fraction_failing = FractionOf(verdicts[gi], Outcome::kFail);
    for (const RuleTrack& r : gates[gi].rules) {
      BacktestRuleResult rr;
      rr.group = r.group;
      rr.name = r.name;
      rr.artifact = r.artifact;
      rr.dry_run = r.dry_run;
      rr.intervals = OutcomeIntervals(span, r.outcomes);
      rr.fraction_failing = FractionOf(r.outcomes, Outcome::kFail);
      if (r.artifact) {
        result.notes.push_back(absl::StrCat(
            gates[gi].name, "/", r.group, "/", r.name,
            ": an artifact rule has no history; evaluated once and taken as "
            "the same at every step"));
      }
      gr.rules.push_back(std::move(rr));
    }
  }
  return result;
}

}  // namespace aurora
