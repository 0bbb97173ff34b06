#include "gates/notifier/action_runner.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/run_summary.h"
#include "rules/interpolate.h"

namespace aurora {

std::optional<ActionTrigger> TransitionFor(Outcome verdict) {
  switch (verdict) {
    case Outcome::kFail: return ActionTrigger::kFail;
    case Outcome::kError:
    case Outcome::kInconclusive: return ActionTrigger::kError;
    case Outcome::kWarn: return ActionTrigger::kWarn;
    case Outcome::kPass: return ActionTrigger::kPass;
    case Outcome::kPending: return std::nullopt;
  }
  return std::nullopt;
}

std::string DescribeFailedAction(const SpoolRecord& r) {
  return absl::StrCat("failed action ", r.id, ": ", r.action, ", spooled ",
                      Rfc3339Utc(r.created), ", ", r.attempts,
                      r.attempts == 1 ? " attempt" : " attempts",
                      ", last error: ", r.last_error.empty() ? "-" : r.last_error,
                      " (aurora-gate spool retry ", r.id,
                      " delivers it again; aurora-gate spool drop ", r.id,
                      " forgets it)");
}

ActionRunner::ActionRunner(std::string spool_dir, const CommandEnv& env,
                           bool dry_run,
                           std::function<void(const DeliveryAttempt&)> on_attempt)
    : spool_dir_(std::move(spool_dir)),
      env_(env),
      dry_run_(dry_run),
      on_attempt_(std::move(on_attempt)) {}

ActionRunner::~ActionRunner() { Shutdown(); }

void ActionRunner::set_background(
    std::function<void(const absl::Status&)> on_result) {
  on_result_ = std::move(on_result);
}

bool ActionRunner::AnyActions(const std::vector<GateFile>& gates) {
  for (const auto& g : gates) {
    if (!g.actions.empty()) return true;
  }
  return false;
}

absl::Status ActionRunner::OpenSpool() {
  if (spool_.has_value() || dry_run_) return absl::OkStatus();
  absl::StatusOr<Spool> spool = Spool::Open(spool_dir_);
  if (!spool.ok()) return spool.status();
  spool_.emplace(*std::move(spool));
  return absl::OkStatus();
}

void ActionRunner::UseMemorySpool() {
  if (!spool_.has_value()) spool_.emplace(Spool::InMemory());
}

absl::Status ActionRunner::EnsureSender() {
  if (sender_) return absl::OkStatus();
  if (absl::Status s = OpenSpool(); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<HttpClient>> http =
      env_.make_http_client(HttpClientOptions{});
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  sender_ = std::make_unique<ActionSender>(*spool_, *http_, *env_.clock);
  if (on_attempt_) sender_->set_observer(on_attempt_);
  sender_->set_vars(vars_);
  return absl::OkStatus();
}

absl::Status ActionRunner::Start(const std::vector<GateFile>& gates) {
  if (!AnyActions(gates) || dry_run_) return absl::OkStatus();
  absl::Status unusable = OpenSpool();
  if (!unusable.ok()) {
    UseMemorySpool();
    unusable = absl::DataLossError(absl::StrCat(
        "spool unusable, actions are attempted without spooling (a crash or "
        "a delivery that gives up loses them): ",
        unusable.message()));
  }
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  std::vector<std::string> problems;
  absl::StatusOr<std::vector<SpoolRecord>> pending = spool_->LoadPending(&problems);
  absl::Status st = pending.ok() ? Deliver(*std::move(pending), false)
                                 : pending.status();
  if (!problems.empty()) {
    std::string msg = absl::StrCat("unreadable spool records (left in place): ",
                                   absl::StrJoin(problems, "; "));
    if (!st.ok()) absl::StrAppend(&msg, "; ", st.message());
    st = absl::DataLossError(msg);
  }
  if (unusable.ok()) return st;
  if (!st.ok()) return absl::DataLossError(absl::StrCat(unusable.message(), "\n", st.message()));
  return unusable;
}

absl::Status ActionRunner::Deliver(std::vector<SpoolRecord> records, bool spool) {
  if (records.empty()) return absl::OkStatus();
  if (!on_result_) {
    return spool ? sender_->Fire(records) : sender_->Deliver(std::move(records));
  }
  // Background: spool now (durable before this returns), deliver on a
  // thread with its own HTTP client (one SendAll at a time per client).
  absl::Status spooled = absl::OkStatus();
  if (spool) {
    std::vector<SpoolRecord> fresh;
    std::vector<std::string> not_spooled;
    for (SpoolRecord& r : records) {
      absl::StatusOr<bool> added = spool_->Add(r);
      if (!added.ok()) {
        not_spooled.push_back(absl::StrCat("action ", r.action,
                                           " could not be spooled (",
                                           added.status().message(),
                                           "); attempted without spooling"));
        fresh.push_back(std::move(r));
      } else if (*added) {
        fresh.push_back(std::move(r));
      }
    }
    records = std::move(fresh);
    if (!not_spooled.empty()) {
      spooled = absl::DataLossError(absl::StrJoin(not_spooled, "\n"));
    }
  }
  if (records.empty()) return spooled;
  absl::StatusOr<std::unique_ptr<HttpClient>> http =
      env_.make_http_client(HttpClientOptions{});
  if (!http.ok()) return http.status();
  std::shared_ptr<HttpClient> client = *std::move(http);
  workers_.emplace_back([this, client, records = std::move(records)]() mutable {
    ActionSender sender(*spool_, *client, *env_.clock);
    if (on_attempt_) sender.set_observer(on_attempt_);
    sender.set_stop([this] { return stopping_.load(); });
    sender.set_vars(vars_);
    on_result_(sender.Deliver(std::move(records)));
  });
  return spooled;
}

absl::Status ActionRunner::Fire(const GateFile& gate, ActionTrigger on,
                                const GateResult& result, const RunResult& run,
                                absl::Time incident_start, absl::Time now,
                                std::vector<std::string> rules,
                                std::string incident_on,
                                std::vector<FiredAction>* fired) {
  std::vector<SpoolRecord> records;
  ActionEvent event =
      MakeActionEvent(on, result, incident_start, now, std::move(rules));
  event.incident_on = std::move(incident_on);
  SecretSource secrets{EnvironmentLookup(), env_.files};
  for (size_t i = 0; i < gate.actions.size(); ++i) {
    const ActionSpec& spec = gate.actions[i];
    if (spec.on != on) continue;
    absl::StatusOr<SpoolRecord> record =
        BuildActionRecord(spec, static_cast<int>(i), event, run, result, now,
                          DeliveryPolicy{}, secrets);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  // Every record was built: each is now described, or spooled and sent.
  if (fired != nullptr) {
    for (const SpoolRecord& r : records) {
      fired->push_back({r.id, r.action, std::string(ActionTriggerName(on)),
                        r.idempotency_key});
    }
  }
  if (records.empty()) return absl::OkStatus();
  if (dry_run_) {
    for (const auto& r : records) {
      *env_.err << "aurora-gate: dry run: would fire " << r.action << " on "
                << ActionTriggerName(on) << ":\n" << DescribeDryRun(r) << "\n";
    }
    return absl::OkStatus();
  }
  if (!spool_.has_value()) {
    if (absl::Status s = OpenSpool(); !s.ok()) {
      UseMemorySpool();
      absl::Status delivered = EnsureSender();
      if (delivered.ok()) delivered = Deliver(std::move(records), true);
      return absl::DataLossError(absl::StrCat(
          "spool unusable, actions are attempted without spooling: ",
          s.message(), delivered.ok() ? "" : "\n",
          delivered.ok() ? "" : delivered.message()));
    }
  }
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return Deliver(std::move(records), true);
}

absl::StatusOr<std::vector<SpoolRecord>> ActionRunner::FailedActions() {
  if (dry_run_) return std::vector<SpoolRecord>();
  if (spool_.has_value()) return spool_->LoadFailed();
  absl::StatusOr<Spool> view = Spool::OpenReadOnly(spool_dir_);
  if (absl::IsNotFound(view.status())) return std::vector<SpoolRecord>();
  if (!view.ok()) return view.status();
  return view->LoadFailed();
}

absl::StatusOr<std::optional<OpenIncident>> ActionRunner::LoadIncident(
    const GateFile& gate) {
  if (gate.actions.empty() || dry_run_) return std::optional<OpenIncident>();
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return spool_->LoadIncident(gate.path);
}

absl::Status ActionRunner::SaveIncident(const GateFile& gate,
                                        const OpenIncident& incident) {
  if (gate.actions.empty() || dry_run_) return absl::OkStatus();
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return spool_->PutIncident(gate.path, incident);
}

absl::Status ActionRunner::CloseIncident(const GateFile& gate) {
  if (gate.actions.empty() || dry_run_) return absl::OkStatus();
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return spool_->RemoveIncident(gate.path);
}

absl::StatusOr<std::vector<SpoolRecord>> ActionRunner::PendingActions() {
  if (dry_run_ || !spool_.has_value()) return std::vector<SpoolRecord>();
  return spool_->LoadPending();
}

void ActionRunner::Drain() {
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void ActionRunner::Shutdown() {
  stopping_.store(true);
  Drain();
}

}  // namespace aurora
