// File: gates/action_runner.h
// Fires a gate's actions on verdict transitions, for `check` and `watch`:
// builds each record (reports/action_payload.h), spools it before the first
// attempt and delivers it (gates/action_sender.h); delivers what an earlier
// run left pending first. With dry_run nothing is spooled or sent: what
// would be sent is printed. Not thread-safe.
#ifndef AURORA_GATES_ACTION_RUNNER_H_
#define AURORA_GATES_ACTION_RUNNER_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gates/action_sender.h"
#include "gates/action_spool.h"
#include "gates/check_command.h"
#include "rules/gate.h"

namespace aurora {

class ActionRunner {
 public:
  // `log` receives one line per delivery attempt (never a secret).
  ActionRunner(std::string spool_dir, const CommandEnv& env, bool dry_run,
               std::function<void(const DeliveryAttempt&)> on_attempt);

  // Opens the spool (only when some gate has actions) and delivers what an
  // earlier run left pending. Errors name the spool directory or the
  // actions that gave up.
  absl::Status Start(const std::vector<GateFile>& gates);

  // Fires the actions of `gate` whose `on` is `on` (fail, error, warn,
  // pass, resolved, start). `rules`: the incident's rules (for resolved, or
  // for a continued incident); empty picks them from `result`. OK when
  // every action was delivered (or, in dry run, described); otherwise the
  // loud failure of the actions that gave up.
  absl::Status Fire(const GateFile& gate, const std::string& on,
                    const GateResult& result, const RunResult& run,
                    absl::Time incident_start, absl::Time now,
                    std::vector<std::string> rules = {});

  // The open incident of `gate` kept in the spool (see OpenIncident), for
  // `watch`: Save before firing its actions, Close when the gate is healthy
  // again, Load at start to continue what an earlier run opened. No-ops
  // (nullopt) for a gate without actions and in dry run.
  absl::StatusOr<std::optional<OpenIncident>> LoadIncident(const GateFile& gate);
  absl::Status SaveIncident(const GateFile& gate, const OpenIncident& incident);
  absl::Status CloseIncident(const GateFile& gate);

 private:
  absl::Status EnsureSender();

  std::string spool_dir_;
  CommandEnv env_;
  bool dry_run_;
  std::function<void(const DeliveryAttempt&)> on_attempt_;
  std::optional<Spool> spool_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ActionSender> sender_;
};

// The transition a verdict is: "fail", "error" (error and inconclusive),
// "warn", "pass"; "" for pending (nothing to fire yet).
std::string TransitionFor(Outcome verdict);

}  // namespace aurora

#endif  // AURORA_GATES_ACTION_RUNNER_H_
