// File: gates/notifier/action_runner.h
// Fires a gate's actions on verdict transitions, for `check` and `watch`:
// builds each record (reports/action_payload.h), spools it before the first
// attempt and delivers it (gates/action_sender.h); delivers what an earlier
// run left pending first. With dry_run nothing is spooled or sent: what
// would be sent is printed.
//
// The spool: OpenSpool takes the directory (and its lock). When it cannot
// be used, UseMemorySpool lets delivery go on without durability (the
// caller says so loudly). In background mode (watch) deliveries run on
// their own threads, so evaluation never waits for a receiver; Shutdown
// stops them (what is unfinished stays pending in the spool). Fire, Start,
// the incident calls and Shutdown are called from one thread; the callbacks
// may be called from delivery threads.
#ifndef AURORA_GATES_NOTIFIER_ACTION_RUNNER_H_
#define AURORA_GATES_NOTIFIER_ACTION_RUNNER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gates/notifier/action_sender.h"
#include "gates/notifier/action_spool.h"
#include "base/command_env.h"
#include "evaluator/result.h"
#include "rules/gate.h"
#include "rules/interpolate.h"

namespace aurora {

// An action record Fire built (and spooled, sent or, in dry run, described).
struct FiredAction {
  std::string id;  // the spool record's id (DeliveryAttempt::id)
  std::string action;
  std::string on;
  std::string idempotency_key;
};

class ActionRunner {
 public:
  // `on_attempt` receives every delivery attempt (never a secret).
  ActionRunner(std::string spool_dir, const CommandEnv& env, bool dry_run,
               std::function<void(const DeliveryAttempt&)> on_attempt);
  ~ActionRunner();  // Shutdown()

  // Deliveries run on their own threads; each one's final status (OK,
  // or the loud failure) goes to `on_result`. Call before Start.
  void set_background(std::function<void(const absl::Status&)> on_result);

  // What templated secrets (url, headers written with ${VAR}) expand with
  // at delivery; default: the environment.
  void set_vars(VarLookup vars) { vars_ = std::move(vars); }

  // Whether any gate has actions (otherwise no spool is needed).
  static bool AnyActions(const std::vector<GateFile>& gates);

  // Opens the spool directory and takes its lock (no-op when already open
  // or in dry run). Errors name the directory; IsSpoolLocked(status) when
  // another process owns it.
  absl::Status OpenSpool();
  // Delivery without a spool directory: records are kept in memory only.
  void UseMemorySpool();
  // False when the spool is in memory (UseMemorySpool, or OpenSpool failed
  // and Start fell back).
  bool durable() const { return !spool_.has_value() || spool_->durable(); }

  // Opens the spool (only when some gate has actions; a spool that cannot
  // be opened, other than one locked by another process, falls back to
  // memory and the error is returned after delivery) and delivers what an
  // earlier run left pending. Errors name the spool directory or the
  // actions that gave up.
  absl::Status Start(const std::vector<GateFile>& gates);

  // Fires the actions of `gate` whose `on` is `on` (fail, error, warn,
  // pass, resolved, start). `rules`: the incident's rules (for resolved, or
  // for a continued incident); empty picks them from `result`. OK when
  // every action was delivered (or, in dry run, described; in background
  // mode: spooled and handed to a delivery thread); otherwise the loud
  // failure of the actions that gave up (kDataLoss: not spooled).
  // `incident_on`: for resolved, the transition that opened the incident
  // (its key is the payloads' incident_key). `fired`, when given, receives
  // the records built, in the order of the gate's actions.
  absl::Status Fire(const GateFile& gate, ActionTrigger on,
                    const GateResult& result, const RunResult& run,
                    absl::Time incident_start, absl::Time now,
                    std::vector<std::string> rules = {},
                    std::string incident_on = "",
                    std::vector<FiredAction>* fired = nullptr);

  // The actions whose delivery gave up, kept in the spool as failed
  // (oldest first). Reads the spool directory when it exists even if this
  // run has no actions; empty in dry run.
  absl::StatusOr<std::vector<SpoolRecord>> FailedActions();

  // The open incident of `gate` kept in the spool (see OpenIncident), for
  // `watch`: Save before firing its actions, Close when the gate is healthy
  // again, Load at start to continue what an earlier run opened. No-ops
  // (nullopt) for a gate without actions and in dry run.
  absl::StatusOr<std::optional<OpenIncident>> LoadIncident(const GateFile& gate);
  absl::Status SaveIncident(const GateFile& gate, const OpenIncident& incident);
  absl::Status CloseIncident(const GateFile& gate);

  // Records still to deliver (state pending), as FailedActions.
  absl::StatusOr<std::vector<SpoolRecord>> PendingActions();

  // Waits for the delivery threads to finish their records, each within its
  // own retry budget (a rollback is not abandoned because the run ended);
  // RequestStop() from another thread cuts that short.
  void Drain();
  // Makes the delivery threads end after their attempt in flight.
  void RequestStop() { stopping_.store(true); }

  // Stops the delivery threads (each ends after its attempt in flight) and
  // waits for them.
  void Shutdown();

 private:
  absl::Status EnsureSender();
  // Delivers `records` (already spooled unless `spool` is true): now, or on
  // a delivery thread in background mode.
  absl::Status Deliver(std::vector<SpoolRecord> records, bool spool);

  std::string spool_dir_;
  CommandEnv env_;
  bool dry_run_;
  std::function<void(const DeliveryAttempt&)> on_attempt_;
  std::function<void(const absl::Status&)> on_result_;  // set: background
  std::optional<Spool> spool_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ActionSender> sender_;
  VarLookup vars_ = EnvironmentLookup();
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

// The transition a verdict is: fail, error (error and inconclusive), warn,
// pass; nullopt for pending (nothing to fire yet).
std::optional<ActionTrigger> TransitionFor(Outcome verdict);

// One line per failed action for stderr and logs: id, action, when it was
// spooled, attempts, last error, and how to retry or drop it. No secret.
std::string DescribeFailedAction(const SpoolRecord& record);

}  // namespace aurora

#endif  // AURORA_GATES_NOTIFIER_ACTION_RUNNER_H_
