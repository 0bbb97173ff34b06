// File: gates/app/watch_command.cc
// Over ~700 lines on purpose: RunWatch's set-up (spool, self-metrics,
// signals), its loop of named steps (ReloadGates, EvaluateCycle, CountCycle,
// FireTransitions, NextTick) and the end-of-watch report share the watch's
// state; the policies they apply are pure units in evaluator/
// (stop_conditions, incident_policy, tick_schedule) and the log is
// gates/app/log.h.
#include "gates/app/watch_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/heap_release.h"
#include "base/host_name.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "gates/notifier/action_runner.h"
#include "gates/app/command_support.h"
#include "gates/core/run_gate.h"
#include "gates/app/log.h"
#include "gates/app/self_metrics.h"
#include "gates/app/version.h"
#include "evaluator/incident_policy.h"
#include "evaluator/judge.h"
#include "evaluator/stop_conditions.h"
#include "evaluator/tick_schedule.h"
#include "reports/action_payload.h"
#include "reports/run_summary.h"
#include "reports/terminal_report.h"

namespace aurora {
namespace {

absl::Time started_at(const CommandEnv& env) { return env.clock->Now(); }

// The watch's stop condition: it trips once per watch, by the first rule
// past one of its count limits.
struct Tripped {
  Trip trip = Trip::kNone;
  std::string why;
  std::string gate_file, rule;  // the rule that tripped it
};

// Per gate: the last transition fired, and the incident it belongs to.
struct GateTrack {
  GateTransition fired = GateTransition::kNone;
  absl::Time incident_start;
  std::vector<std::string> incident_rules;
};

const Rule* FindRule(const std::vector<GateFile>& gates, const GateResult& g,
                     const RuleResult& r, const GateFile** gate_out) {
  for (const GateFile& gate : gates) {
    if (gate.path != g.file) continue;
    for (const auto& group : gate.groups) {
      if (group.name != r.group) continue;
      for (const auto& rule : group.rules) {
        if (rule.name == r.name) {
          *gate_out = &gate;
          return &rule;
        }
      }
    }
  }
  return nullptr;
}

// The value of the series that decided the rule (DecidingSeries).
std::string FirstValue(const RuleResult& r) {
  const SeriesResult* deciding = DecidingSeries(r);
  return deciding == nullptr ? "" : FormatNumberShort(deciding->value);
}

// How each delivery (by spool record id) went so far; written by delivery
// threads, read at the end for the incident timeline.
class DeliveryLedger {
 public:
  struct Entry {
    DeliveryAttempt::Result result = DeliveryAttempt::Result::kRetry;
    std::string detail;
    int attempts = 0;
  };
  void Record(const DeliveryAttempt& a) {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = by_id_[a.id];
    e.result = a.result;
    e.detail = a.detail;
    e.attempts = a.attempt;
  }
  std::optional<Entry> Find(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, Entry> by_id_;
};

// The rules of an incident as `g` shows them (value: the series that
// decided each, DecidingSeries).
std::vector<IncidentRule> IncidentRules(const GateResult& g,
                                        const std::vector<std::string>& names) {
  std::vector<IncidentRule> out;
  for (const std::string& name : names) {
    IncidentRule ir;
    ir.name = name;
    for (const RuleResult& r : g.rules) {
      if (r.name != name) continue;
      ir.group = r.group;
      ir.outcome = r.outcome;
      ir.reason = r.reason;
      if (const SeriesResult* deciding = DecidingSeries(r); deciding != nullptr) {
        ir.value = deciding->value;
        ir.labels = deciding->labels;
      }
      break;
    }
    out.push_back(std::move(ir));
  }
  return out;
}

// An incident an earlier run of the watch opened on `g` (read back from the
// spool): its rules by name only, no values; its key as that run made it.
WatchIncident ContinuedIncident(const GateResult& g, GateTransition on,
                                absl::Time start,
                                const std::vector<std::string>& rule_names) {
  WatchIncident inc;
  inc.gate = g.name;
  inc.gate_file = g.file;
  inc.on = std::string(TransitionName(on));
  inc.tripped_at = start;
  inc.continued = true;
  for (const std::string& name : rule_names) {
    IncidentRule ir;
    ir.name = name;
    inc.rules.push_back(std::move(ir));
  }
  inc.incident_key =
      IdempotencyKey(MakeActionEvent(TriggerOf(on), g, start, start, rule_names));
  return inc;
}

std::string RuleNames(const std::vector<IncidentRule>& rules) {
  std::vector<std::string> names;
  for (const IncidentRule& r : rules) {
    names.push_back(r.group.empty() ? r.name : absl::StrCat(r.group, "/", r.name));
  }
  return absl::StrJoin(names, ",");
}

std::string FirstIncidentValue(const std::vector<IncidentRule>& rules) {
  for (const IncidentRule& r : rules) {
    if (r.value.has_value()) return FormatNumberShort(*r.value);
  }
  return "";
}

// Sleeps until `deadline` in short slices, so signals are noticed quickly.
void SleepUntilOrSignal(Clock& clock, absl::Time deadline,
                        const WatchSignals& signals) {
  while (!signals.stop.load() && !signals.reload.load()) {
    absl::Time now = clock.Now();
    if (now >= deadline) return;
    clock.SleepUntil(std::min(deadline, now + absl::Milliseconds(100)));
  }
}


// Counts this cycle's outcome of every rule (logging each rule's
// transitions) and trips the watch by the first rule past one of its limits
// when it has not tripped yet, or escalates an error trip to fail by the
// first rule past a failure limit (TripEscalates). Returns true when this
// cycle tripped or escalated it.
bool CountCycle(const std::vector<GateFile>& gates, const RunResult& run,
                std::map<std::string, RuleCounts>* counts, Tripped* tripped,
                Logger& log) {
  const Trip trip_before = tripped->trip;
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      const GateFile* gate = nullptr;
      const Rule* rule = FindRule(gates, g, r, &gate);
      if (rule == nullptr) continue;
      RuleCounts& c = (*counts)[RuleKey(*gate, *rule)];
      if (!c.seen || c.last != r.outcome) {
        log.Log(r.outcome == Outcome::kFail || r.outcome == Outcome::kError
                    ? "warn"
                    : "info",
                "rule transition",
                {{"gate", g.name},
                 {"rule", absl::StrCat(r.group, "/", r.name)},
                 {"from", c.seen ? std::string(OutcomeName(c.last)) : "none"},
                 {"to", std::string(OutcomeName(r.outcome))},
                 {"value", FirstValue(r)},
                 {"reason", r.reason}});
      }
      CountOutcome(r.outcome, &c);
      if (r.dry_run || tripped->trip == Trip::kFail) continue;
      TripCheck check = CheckStopLimits(
          StopLimitsOf(*rule), c, absl::StrCat(g.name, "/", r.group, "/", r.name),
          r.reason);
      if (!TripEscalates(tripped->trip, check.trip)) continue;
      tripped->trip = check.trip;
      tripped->why = std::move(check.why);
      tripped->gate_file = g.file;
      tripped->rule = r.name;
    }
  }
  return tripped->trip != trip_before;
}

// SIGHUP: loads the gate files again. On success they replace `gates` (the
// state of rules whose identity survived is kept, the others start over);
// broken files are logged and the previous rules keep running.
void ReloadGates(const WatchOptions& options, const VarLookup& vars,
                 const CommandEnv& env, Logger& log, SelfMetrics* metrics,
                 std::vector<GateFile>* gates) {
  std::vector<GateFile> reloaded;
  std::ostringstream errors;
  CommandEnv quiet = env;
  quiet.err = &errors;
  if (LoadAll(options.gate_files, vars, quiet, &reloaded, options.actions_file)) {
    *gates = std::move(reloaded);
    log.Log("info", "gate files reloaded");
    if (metrics) {
      metrics->RecordReload(
          true, absl::ToDoubleSeconds(env.clock->Now() - absl::UnixEpoch()));
    }
    return;
  }
  std::string text = errors.str();
  for (const auto& line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    log.Log("error", "reload rejected; the previous rules keep running",
            {{"error", std::string(line)}});
  }
  if (metrics) metrics->RecordReload(false, 0);
}

// One evaluation of every gate now, live rules stepping their carried state.
RunResult EvaluateCycle(const std::vector<GateFile>& gates,
                        const WatchOptions& options, const CommandEnv& env,
                        const LiveContext& live, LiveStates* states) {
  const absl::Time cycle_start = env.clock->Now();
  RunResult run;
  run.started = cycle_start;
  run.eval_time = cycle_start;
  run.tool_version = kVersion;
  run.tool_commit = kGitCommit;
  run.hostname = HostName();
  run.settings = VisibleSettings(options.settings, options.secret_names);
  run.command = "watch";
  // Artifacts are re-read and http sources fetched again every cycle.
  SourceCache cache(*env.files, &live);
  run.gates = RunGates(gates, cache, &live, cycle_start, states);
  run.verdict = RunVerdict(run.gates);
  run.duration_seconds = absl::ToDoubleSeconds(env.clock->Now() - cycle_start);
  return run;
}
}  // namespace

namespace {

// For the HTML report at the end: the live rules' series over the span
// watched, read once from the server (as `report --window` does) and put
// beside the last cycle's results, which keep deciding (with the warning
// when the chart covers less than that span).
void AttachHistory(const std::vector<GateFile>& gates, const LiveContext& live,
                   absl::Time started, RunResult* last) {
  LiveContext chart = live;
  chart.chart_window = std::max(last->eval_time - started, absl::Minutes(1));
  // No HTTP client: http sources are not fetched again (only the history
  // and its warning are kept from this read).
  SourceCache cache(*live.files);
  std::vector<GateResult> read = RunGates(gates, cache, &chart, last->eval_time);
  std::map<std::tuple<std::string, std::string, std::string>, RuleResult*> by_key;
  for (GateResult& g : last->gates) {
    for (RuleResult& r : g.rules) by_key[{g.file, r.group, r.name}] = &r;
  }
  for (GateResult& g : read) {
    for (RuleResult& r : g.rules) {
      auto it = by_key.find({g.file, r.group, r.name});
      if (it == by_key.end()) continue;
      for (std::string& w : r.warnings) {
        if (IsChartWindowWarning(w)) it->second->warnings.push_back(std::move(w));
      }
      if (r.history.empty()) continue;
      it->second->history = std::move(r.history);
      it->second->history_start = r.history_start;
      it->second->history_step_seconds = r.history_step_seconds;
    }
  }
  last->window = chart.chart_window;
}

}  // namespace

int RunWatch(const WatchOptions& options, const CommandEnv& env,
             WatchSignals& signals) {
  if (options.gate_files.empty()) {
    *env.err << "aurora-gate watch: no gate file given (see aurora-gate "
                "watch --help)\n";
    return kExitUsage;
  }
  if (options.interval <= absl::ZeroDuration() ||
      options.duration <= absl::ZeroDuration()) {
    *env.err << "aurora-gate watch: --interval and --duration must be "
                "positive\n";
    return kExitUsage;
  }
  Logger log(*env.err, *env.clock, options.json_log);
  // Set once the metrics server runs; read by delivery threads.
  std::atomic<SelfMetrics*> metrics_slot{nullptr};
  VarLookup vars = SettingsThenEnvironment(options.settings);
  std::vector<GateFile> gates;
  if (!LoadAll(options.gate_files, vars, env, &gates, options.actions_file)) {
    *env.err << "aurora-gate: gate file errors; nothing was evaluated\n";
    return kExitUsage;
  }
  // The spool is taken before anything starts: a second watcher on it, or
  // one that cannot keep its actions, refuses here (nothing evaluated).
  DeliveryLedger ledger;
  ActionRunner actions(
      options.spool_dir, env, options.dry_run,
      [&log, &ledger, &metrics_for_actions = metrics_slot](const DeliveryAttempt& a) {
        ledger.Record(a);
        const char* result =
            a.result == DeliveryAttempt::Result::kDelivered ? "delivered"
            : a.result == DeliveryAttempt::Result::kRetry   ? "retry"
                                                            : "failed";
        log.Log(a.result == DeliveryAttempt::Result::kFailed ? "error" : "info",
                "action attempt",
                {{"action", a.action},
                 {"attempt", std::to_string(a.attempt)},
                 {"result", result},
                 {"detail", a.detail}});
        if (SelfMetrics* m = metrics_for_actions.load()) m->RecordDelivery(result);
      });
  actions.set_vars(vars);
  std::string spool_error;
  if (ActionRunner::AnyActions(gates) && !options.dry_run) {
    if (absl::Status st = actions.OpenSpool(); !st.ok()) {
      if (IsSpoolLocked(st)) {
        *env.err << "aurora-gate watch: " << st.message()
                 << " (run two watchers for high availability with one spool "
                    "each; see README, Actions); nothing was evaluated\n";
        return kExitUsage;
      }
      if (!options.allow_no_spool) {
        *env.err << "aurora-gate watch: " << st.message()
                 << ": actions could not be kept across a crash; fix the "
                    "directory (--spool-dir) or pass --allow-no-spool to "
                    "watch without durability; nothing was evaluated\n";
        return kExitUsage;
      }
      spool_error = std::string(st.message());
      actions.UseMemorySpool();
    }
  }
  // Before the /metrics server starts its threads (see heap_release.h).
  ConfigureHeapForLongRun();
  std::unique_ptr<SelfMetrics> metrics;
  if (!options.listen.empty()) {
    absl::StatusOr<std::unique_ptr<SelfMetrics>> m =
        SelfMetrics::Start(options.listen);
    if (!m.ok()) {
      *env.err << "aurora-gate: " << m.status().message() << "\n";
      return kExitUsage;
    }
    metrics = *std::move(m);
    metrics_slot.store(metrics.get());
    metrics->SetStallThreshold(std::max(3 * options.interval, absl::Seconds(30)));
    metrics->RecordSpool(spool_error.empty(), 0);
    log.Log("info", "serving /metrics and /healthz",
            {{"address", absl::StrCat(options.listen.substr(
                                          0, options.listen.rfind(':')),
                                      ":", metrics->port())}});
    metrics->RecordReload(true, absl::ToDoubleSeconds(env.clock->Now() -
                                                      absl::UnixEpoch()));
  }
  size_t rule_count = 0;
  for (const auto& g : gates) {
    for (const auto& grp : g.groups) rule_count += grp.rules.size();
  }
  log.Log("info", "watch started",
          {{"gates", std::to_string(gates.size())},
           {"rules", std::to_string(rule_count)},
           {"interval", absl::FormatDuration(options.interval)},
           {"duration", absl::FormatDuration(options.duration)},
           {"version", kVersion}});

  LiveContext live =
      CommandLiveContext(env, options.max_concurrency,
                         options.max_response_bytes, options.prometheus_url);
  if (metrics) {
    live.on_query_answered = [m = metrics.get()](absl::Duration d) {
      m->RecordQueryLatency(absl::ToDoubleSeconds(d));
    };
  }
  live.baseline_at = options.baseline_at;

  // Actions: pending deliveries of an earlier run first, then `start`; all
  // on delivery threads, beside the evaluation loop.
  std::atomic<bool> delivery_failed{false};
  bool durability_lost = false;
  if (!spool_error.empty()) {
    log.Log("error", "spool unusable: actions are delivered without spooling "
                     "(--allow-no-spool); a crash loses them",
            {{"error", spool_error}});
  }
  actions.set_background([&log, &delivery_failed](const absl::Status& st) {
    if (st.ok()) return;
    log.Log("error", "action delivery gave up", {{"error", std::string(st.message())}});
    delivery_failed = true;
  });
  // Failed actions an earlier run left: reported now and at the end.
  auto report_failed = [&](bool at_end) -> size_t {
    absl::StatusOr<std::vector<SpoolRecord>> failed = actions.FailedActions();
    if (!failed.ok()) {
      log.Log("error", "cannot list failed actions",
              {{"error", std::string(failed.status().message())}});
      return 0;
    }
    if (!at_end) {
      for (const SpoolRecord& r : *failed) {
        log.Log("error", "failed action in the spool",
                {{"id", r.id}, {"action", r.action},
                 {"created", Rfc3339Utc(r.created)},
                 {"attempts", std::to_string(r.attempts)},
                 {"last_error", r.last_error},
                 {"hint", "aurora-gate spool retry|drop ID"}});
      }
    }
    if (metrics) metrics->RecordSpool(spool_error.empty(), failed->size());
    return failed->size();
  };
  report_failed(false);
  // The incidents of this watch (its end-of-watch reports tell them), the
  // spool record id of each of their actions (same shape), and per gate
  // file the one still open.
  std::vector<WatchIncident> incidents;
  std::vector<std::vector<std::string>> incident_action_ids;
  std::map<std::string, size_t> open_incident;
  // Fires the gate's actions for `on`: one log line for the transition's
  // actions; they join the timeline of incident `incident` (an index into
  // `incidents`) when given. `incident_on`: for resolved, the transition
  // that opened the incident.
  auto fire = [&](const GateFile& gate, ActionTrigger on,
                  const GateResult& result, const RunResult& run,
                  absl::Time incident_start, std::vector<std::string> rules,
                  std::string incident_on = "",
                  std::optional<size_t> incident = std::nullopt) {
    std::vector<FiredAction> fired;
    const absl::Time now = env.clock->Now();
    absl::Status st =
        actions.Fire(gate, on, result, run, incident_start, now,
                     std::move(rules), std::move(incident_on), &fired);
    if (st.code() == absl::StatusCode::kDataLoss) durability_lost = true;
    if (!st.ok()) {
      log.Log("error", st.code() == absl::StatusCode::kDataLoss
                           ? "action not spooled"
                           : "action delivery gave up",
              {{"error", std::string(st.message())}});
      delivery_failed = true;
    }
    if (!fired.empty()) {
      std::vector<std::string> names;
      for (const FiredAction& a : fired) names.push_back(a.action);
      log.Log("info", options.dry_run ? "actions fired (dry run)" : "actions fired",
              {{"gate", result.name},
               {"on", std::string(ActionTriggerName(on))},
               {"actions", absl::StrJoin(names, ",")},
               {"idempotency_key", fired.front().idempotency_key}});
    }
    if (!incident.has_value()) return;
    WatchIncident& i = incidents[*incident];
    for (const FiredAction& a : fired) {
      WatchActionResult r;
      r.action = a.action;
      r.on = a.on;
      r.idempotency_key = a.idempotency_key;
      r.fired_at = now;
      i.actions.push_back(std::move(r));
      incident_action_ids[*incident].push_back(a.id);
    }
    if (!st.ok() && st.code() != absl::StatusCode::kDataLoss && fired.empty()) {
      WatchActionResult r;
      r.action = absl::StrCat("actions on ", Sv(ActionTriggerName(on)));
      r.on = ActionTriggerName(on);
      r.outcome = "not sent";
      r.detail = std::string(st.message());
      r.fired_at = now;
      i.actions.push_back(std::move(r));
      incident_action_ids[*incident].push_back("");
    }
  };
  if (absl::Status st = actions.Start(gates); !st.ok()) {
    log.Log("error", "delivering earlier actions failed",
            {{"error", std::string(st.message())}});
    delivery_failed = true;
  }
  {
    RunResult start_run;
    start_run.started = started_at(env);
    start_run.eval_time = start_run.started;
    start_run.tool_version = kVersion;
    start_run.tool_commit = kGitCommit;
    start_run.hostname = HostName();
    start_run.settings = VisibleSettings(options.settings, options.secret_names);
    for (const GateFile& g : gates) {
      GateResult gr;
      gr.name = g.name;
      gr.title = g.title;
      gr.file = g.path;
      start_run.gates.push_back(gr);
    }
    for (size_t i = 0; i < gates.size(); ++i) {
      fire(gates[i], ActionTrigger::kStart, start_run.gates[i], start_run,
           start_run.started, {});
    }
  }
  // Per gate: the last verdict transition fired, and when its incident began.
  std::map<std::string, GateTrack> tracks;
  // Incidents an earlier (killed or stopped) run opened: the same transition
  // continues them with the same start and rules, so their actions carry the
  // same idempotency key; a healthy gate resolves them.
  std::map<std::string, OpenIncident> carried;
  for (const GateFile& g : gates) {
    absl::StatusOr<std::optional<OpenIncident>> open = actions.LoadIncident(g);
    if (!open.ok()) {
      log.Log("error", "cannot read the incident an earlier run left",
              {{"gate", g.name}, {"error", std::string(open.status().message())}});
    } else if (open->has_value()) {
      log.Log("info", "continuing the incident an earlier run opened",
              {{"gate", g.name}, {"on", (*open)->on},
               {"since", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", (*open)->start,
                                          absl::UTCTimeZone())}});
      carried[g.path] = **open;
    }
  }

  LiveStates states;
  std::map<std::string, RuleCounts> counts;  // by RuleKey
  const absl::Time started = env.clock->Now();
  const absl::Time deadline = started + options.duration;
  absl::Time next_tick = started;
  RunResult last;
  Tripped tripped;
  bool interrupted = false;
  int cycles = 0;

  // A fail incident opening on gate `g` at `at`: every error incident of
  // the gate still open ends there (no `resolved`: the gate is not
  // healthy), whether it fired the gate's error transition or was told for
  // a rule whose gate fired nothing (FireTransitions' fallback).
  auto escalate_errors = [&](const GateResult& g, absl::Time at) {
    for (WatchIncident& inc : incidents) {
      if (inc.gate_file != g.file || inc.on != "error" ||
          inc.resolved_at != absl::InfiniteFuture()) {  // resolved or escalated
        continue;
      }
      inc.resolved_at = at;
      inc.escalated = true;
      log.Log("warn", "error incident escalated to fail",
              {{"gate", g.name},
               {"tripped_at", ShownTimeUtc(inc.tripped_at)},
               {"incident_key", inc.incident_key}});
    }
    if (auto open = open_incident.find(g.file);
        open != open_incident.end() && incidents[open->second].escalated) {
      open_incident.erase(open);
    }
  };

  // The gates' transitions of one cycle: fires their actions and opens or
  // closes their incidents (`newly_tripped`: the stop condition tripped in
  // this cycle; its incident says why).
  auto FireTransitions = [&](const RunResult& run, bool newly_tripped) {
    bool trip_told = false;  // the trip has its incident (and log line)
    // Gate-level transitions fire actions (evaluator/incident_policy.h):
    // fail and error when a stop condition trips, warn when the verdict
    // becomes warn, resolved + pass when a tripped gate is healthy again.
    for (size_t i = 0; i < run.gates.size() && i < gates.size(); ++i) {
      const GateResult& g = run.gates[i];
      GateTrack& track = tracks[g.file];
      auto carry = carried.find(g.file);
      if (carry != carried.end() && track.fired == GateTransition::kNone &&
          g.verdict == Outcome::kPass) {
        // Healthy at restart: resolve the incident the earlier run opened.
        track.fired = ParseTransition(carry->second.on).value_or(GateTransition::kWarn);
        track.incident_start = carry->second.start;
        track.incident_rules = carry->second.rules;
        carried.erase(carry);
        carry = carried.end();
      }
      const TransitionDecision next = Next(track.fired, g.verdict, tripped.trip);
      if (carry != carried.end() && carry->second.on == "fail" &&
          next.fire == GateTransition::kError) {
        // The earlier run's fail incident is still open (the gate has not
        // been healthy since): errors now do not open another incident, and
        // the incident continues (a later failure fires no second rollback;
        // health resolves it). A fail outranks an error.
        track.fired = GateTransition::kFail;
        track.incident_start = carry->second.start;
        track.incident_rules = carry->second.rules;
        carried.erase(carry);
        continue;
      }
      if (carry != carried.end() && carry->second.on == "error" &&
          next.fire == GateTransition::kFail) {
        // The earlier run's error incident escalates to this fail one.
        WatchIncident inc = ContinuedIncident(g, GateTransition::kError,
                                              carry->second.start, carry->second.rules);
        inc.resolved_at = run.eval_time;
        inc.escalated = true;
        incidents.push_back(std::move(inc));
        incident_action_ids.emplace_back();
      }
      if (next.fire == GateTransition::kNone) continue;
      const ActionTrigger trigger = TriggerOf(next.fire);
      const std::string on(TransitionName(next.fire));
      const std::string prev(TransitionName(track.fired));
      std::optional<size_t> closing;  // the incident a resolved closes
      if (next.resolves) {
        auto open = open_incident.find(g.file);
        if (open == open_incident.end()) {
          // An incident an earlier run opened, resolved by this one.
          incidents.push_back(ContinuedIncident(g, track.fired, track.incident_start,
                                                track.incident_rules));
          incident_action_ids.emplace_back();
          open = open_incident.emplace(g.file, incidents.size() - 1).first;
        }
        closing = open->second;
        open_incident.erase(open);
        WatchIncident& inc = incidents[*closing];
        inc.resolved_at = run.eval_time;
        log.Log("info", "stop condition resolved",
                {{"gate", g.name},
                 {"rules", RuleNames(inc.rules)},
                 {"tripped_at", ShownTimeUtc(inc.tripped_at)},
                 {"lasted", absl::FormatDuration(inc.resolved_at - inc.tripped_at)},
                 {"incident_key", inc.incident_key}});
        fire(gates[i], ActionTrigger::kResolved, g, run, track.incident_start,
             track.incident_rules, prev, closing);
      }
      if (next.fire == GateTransition::kFail) escalate_errors(g, run.eval_time);
      std::vector<std::string> rules;
      std::optional<size_t> opening;  // the incident a fail or error opens
      if (next.fire != GateTransition::kPass) {
        const bool continued = carry != carried.end() && carry->second.on == on;
        if (continued) {
          track.incident_start = carry->second.start;
          track.incident_rules = carry->second.rules;
        } else {
          track.incident_start = run.eval_time;
          track.incident_rules =
              MakeActionEvent(trigger, g, run.eval_time, run.eval_time).rules;
        }
        if (carry != carried.end()) carried.erase(carry);
        rules = track.incident_rules;
        if (OpensIncident(next.fire)) {
          WatchIncident inc;
          inc.gate = g.name;
          inc.gate_file = g.file;
          inc.on = on;
          inc.tripped_at = track.incident_start;
          inc.continued = continued;
          inc.rules = IncidentRules(g, rules);
          inc.incident_key = IdempotencyKey(MakeActionEvent(
              trigger, g, track.incident_start, run.eval_time, rules));
          if (newly_tripped && !trip_told && g.file == tripped.gate_file) {
            inc.why = tripped.why;
            trip_told = true;
          }
          log.Log("error", "stop condition tripped",
                  {{"verdict", on},
                   {"gate", g.name},
                   {"rules", RuleNames(inc.rules)},
                   {"value", FirstIncidentValue(inc.rules)},
                   {"why", inc.why.empty() ? "the gate fails again after an "
                                             "earlier trip (--keep-running)"
                                           : inc.why},
                   {"incident_key", inc.incident_key}});
          incidents.push_back(std::move(inc));
          incident_action_ids.emplace_back();
          opening = incidents.size() - 1;
          open_incident[g.file] = *opening;
        }
        // Recorded before its actions are spooled: a run killed in between
        // continues this incident rather than opening another.
        if (absl::Status st = actions.SaveIncident(
                gates[i], OpenIncident{on, track.incident_start, rules});
            !st.ok()) {
          log.Log("error", "cannot record the incident in the spool",
                  {{"gate", g.name}, {"error", std::string(st.message())}});
        }
      } else if (absl::Status st = actions.CloseIncident(gates[i]); !st.ok()) {
        log.Log("error", "cannot close the incident in the spool",
                {{"gate", g.name}, {"error", std::string(st.message())}});
      }
      fire(gates[i], trigger, g, run, track.incident_start, rules, "",
           opening.has_value() ? opening : closing);
      track.fired = next.fire;
    }
    if (newly_tripped && !trip_told) {
      // The rule that tripped opened no gate transition (its gate's verdict
      // is not a fail): the trip is still told, once.
      WatchIncident inc;
      inc.on = tripped.trip == Trip::kFail ? "fail" : "error";
      inc.tripped_at = run.eval_time;
      inc.why = tripped.why;
      for (const GateResult& g : run.gates) {
        if (g.file != tripped.gate_file) continue;
        inc.gate = g.name;
        inc.gate_file = g.file;
        inc.rules = IncidentRules(g, {tripped.rule});
        if (tripped.trip == Trip::kFail) escalate_errors(g, run.eval_time);
      }
      log.Log("error", "stop condition tripped",
              {{"verdict", inc.on},
               {"gate", inc.gate},
               {"rules", RuleNames(inc.rules)},
               {"value", FirstIncidentValue(inc.rules)},
               {"why", inc.why}});
      incidents.push_back(std::move(inc));
      incident_action_ids.emplace_back();
    }
  };

  while (true) {
    if (signals.reload.exchange(false)) {
      ReloadGates(options, vars, env, log, metrics.get(), &gates);
    }
    if (signals.stop.load()) {
      interrupted = true;
      break;
    }
    // The previous cycle's result is not needed while this one is built
    // (only the last one is reported): dropping it first halves the peak.
    last = RunResult();
    RunResult run = EvaluateCycle(gates, options, env, live, &states);
    ++cycles;
    if (metrics) {
      metrics->RecordHeartbeat();
      metrics->RecordCycle(run, run.duration_seconds);
    }

    // Count limits. A stop condition trips once per watch (the first rule
    // past its limit), or escalates once from error to fail; `newly_tripped`
    // marks that cycle.
    const bool newly_tripped = CountCycle(gates, run, &counts, &tripped, log);
    FireTransitions(run, newly_tripped);
    last = std::move(run);
    // What the cycle freed goes back to the OS, so RSS follows what is kept
    // (rule state, the last result), not the largest cycle so far.
    ReleaseFreeHeapMemory();
    if (tripped.trip != Trip::kNone && !options.keep_running) break;
    // Next slot on the interval grid; slots a slow cycle overran are missed.
    const ScheduledTick tick =
        NextTick(next_tick, env.clock->Now(), options.interval);
    next_tick = tick.at;
    if (tick.missed > 0) {
      log.Log("warn", "evaluation cycle overran the interval",
              {{"missed_cycles", std::to_string(tick.missed)},
               {"cycle_seconds", FormatNumberShort(last.duration_seconds)}});
      if (metrics) metrics->RecordMissedCycles(tick.missed);
    }
    if (next_tick >= deadline) {
      SleepUntilOrSignal(*env.clock, deadline, signals);
      if (signals.stop.load()) interrupted = true;
      break;
    }
    SleepUntilOrSignal(*env.clock, next_tick, signals);
  }

  // A watch that ended by itself (a stop condition tripped, the duration
  // passed) waits for its deliveries, each within its retry budget: a
  // rollback is not abandoned at its first 503. A signal cuts that short;
  // deliveries in flight then end their attempt, and what is left stays
  // pending in the spool for the next run.
  if (!interrupted) {
    std::atomic<bool> drained{false};
    std::thread stop_on_signal([&] {
      while (!drained.load()) {
        if (signals.stop.load()) {
          actions.RequestStop();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    actions.Drain();
    drained.store(true);
    stop_on_signal.join();
  }
  actions.Shutdown();
  const size_t failed_actions = report_failed(true);
  // Records still pending were not delivered by this run: the next run will
  // try them, but nothing says there is one (a one-shot canary watch).
  size_t pending_actions = 0;
  if (absl::StatusOr<std::vector<SpoolRecord>> pending =
          actions.PendingActions();
      pending.ok()) {
    pending_actions = pending->size();
    if (pending_actions > 0) {
      log.Log("error", "actions not delivered when the watch ended",
              {{"pending", std::to_string(pending_actions)},
               {"next", "kept in the spool for the next run; aurora-gate "
                        "spool list shows them"}});
    }
  }

  // The verdict of the watch: a tripped stop condition decides; otherwise
  // a completed duration passes, an interruption is undecided.
  if (tripped.trip == Trip::kFail) {
    last.verdict = Outcome::kFail;
  } else if (tripped.trip == Trip::kError) {
    last.verdict = Worst(last.verdict, Outcome::kError);
  }
  int code;
  if (tripped.trip == Trip::kFail) {
    code = kExitFail;
  } else if (tripped.trip == Trip::kError) {
    code = kExitUndecided;
  } else if (interrupted) {
    code = kExitUndecided;
  } else {
    // The duration passed with no stop condition tripped: the last cycle
    // decides whether that is a pass (pass, warn, pending) or undecided (its
    // rules had no data or could not be evaluated).
    last.strict = false;
    code = ExitCode(last) == kExitFail ? kExitPass : ExitCode(last);
  }
  if (delivery_failed && code == kExitPass) code = kExitUndecided;
  // An undelivered rollback needs a human, whatever the verdict.
  if (pending_actions > 0 && (code == kExitPass || code == kExitFail)) {
    code = kExitUndecided;
    last.action_problems.push_back(absl::StrCat(
        pending_actions, pending_actions == 1 ? " action was" : " actions were",
        " not delivered when the watch ended: kept in the spool for the next "
        "run (aurora-gate spool list shows them)"));
  }
  // A spool write that failed mid-watch (disk full) lost durability the
  // user did not opt out of.
  if ((failed_actions > 0 && !options.ignore_failed_actions) ||
      (durability_lost && !options.allow_no_spool)) {
    if (failed_actions > 0 && !options.ignore_failed_actions) {
      log.Log("error", "failed actions in the spool: exit 3 "
                       "(--ignore-failed-actions to exit on the verdict alone)",
              {{"failed_actions", std::to_string(failed_actions)}});
      last.action_problems.push_back(absl::StrCat(
          failed_actions, failed_actions == 1 ? " action" : " actions",
          " failed and kept in the spool (aurora-gate spool list; retry or "
          "drop them)"));
    }
    if (durability_lost && !options.allow_no_spool) {
      last.action_problems.push_back(
          "an action could not be written to the spool: a crash would have "
          "lost it");
    }
    if (code == kExitPass || code == kExitFail) code = kExitUndecided;
  }

  // The end-of-watch reports are about the watch: its incidents (with how
  // each action's delivery ended) and its exit code; the gates are its
  // last cycle.
  WatchSummary summary;
  summary.started = started;
  summary.ended = env.clock->Now();
  summary.interval = options.interval;
  summary.cycles = cycles;
  summary.interrupted = interrupted;
  summary.exit_code = code;
  for (size_t i = 0; i < incidents.size(); ++i) {
    for (size_t a = 0; a < incidents[i].actions.size(); ++a) {
      WatchActionResult& r = incidents[i].actions[a];
      if (!r.outcome.empty()) continue;  // not sent
      if (options.dry_run) {
        r.outcome = "dry-run";
        continue;
      }
      std::optional<DeliveryLedger::Entry> e =
          ledger.Find(incident_action_ids[i][a]);
      r.outcome = !e.has_value() ? "pending"
                  : e->result == DeliveryAttempt::Result::kDelivered ? "delivered"
                  : e->result == DeliveryAttempt::Result::kFailed    ? "failed"
                                                                     : "pending";
      if (e.has_value()) {
        r.detail = e->detail;
        r.attempts = e->attempts;
      }
    }
  }
  summary.incidents = std::move(incidents);
  last.watch = std::move(summary);

  bool io_ok = true;
  if (cycles > 0) {
    *env.out << RenderTerminal(last, false);
    if (!options.html_path.empty()) {
      AttachHistory(gates, live, started, &last);
    }
    io_ok = WriteReports(
        last,
        ReportPaths{options.junit_path, options.json_path,
                    options.markdown_path, "", options.html_path, ""},
        env);
  }
  if (!io_ok && code == kExitPass) code = kExitUndecided;
  log.Log(code == kExitPass ? "info" : "warn", "watch finished",
          {{"cycles", std::to_string(cycles)},
           {"exit_code", std::to_string(code)},
           {"interrupted", interrupted ? "true" : "false"}});
  return code;
}

}  // namespace aurora
