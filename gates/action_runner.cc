#include "gates/action_runner.h"

#include "absl/strings/str_cat.h"
#include "rules/interpolate.h"

namespace aurora {

std::string TransitionFor(Outcome verdict) {
  switch (verdict) {
    case Outcome::kFail: return "fail";
    case Outcome::kError:
    case Outcome::kInconclusive: return "error";
    case Outcome::kWarn: return "warn";
    case Outcome::kPass: return "pass";
    case Outcome::kPending: return "";
  }
  return "";
}

ActionRunner::ActionRunner(std::string spool_dir, const CommandEnv& env,
                           bool dry_run,
                           std::function<void(const DeliveryAttempt&)> on_attempt)
    : spool_dir_(std::move(spool_dir)),
      env_(env),
      dry_run_(dry_run),
      on_attempt_(std::move(on_attempt)) {}

absl::Status ActionRunner::EnsureSender() {
  if (sender_) return absl::OkStatus();
  absl::StatusOr<Spool> spool = Spool::Open(spool_dir_);
  if (!spool.ok()) return spool.status();
  spool_.emplace(*std::move(spool));
  absl::StatusOr<std::unique_ptr<HttpClient>> http =
      env_.make_http_client(HttpClientOptions{});
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  sender_ = std::make_unique<ActionSender>(*spool_, *http_, *env_.clock);
  if (on_attempt_) sender_->set_observer(on_attempt_);
  return absl::OkStatus();
}

absl::Status ActionRunner::Start(const std::vector<GateFile>& gates) {
  bool any = false;
  for (const auto& g : gates) any = any || !g.actions.empty();
  if (!any || dry_run_) return absl::OkStatus();
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return sender_->DeliverPending();
}

absl::Status ActionRunner::Fire(const GateFile& gate, const std::string& on,
                                const GateResult& result, const RunResult& run,
                                absl::Time incident_start, absl::Time now,
                                std::vector<std::string> rules) {
  std::vector<SpoolRecord> records;
  ActionEvent event =
      MakeActionEvent(on, result, incident_start, now, std::move(rules));
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
  if (records.empty()) return absl::OkStatus();
  if (dry_run_) {
    for (const auto& r : records) {
      *env_.err << "aurora-gate: dry run: would fire " << r.action << " on "
                << on << ":\n" << DescribeDryRun(r) << "\n";
    }
    return absl::OkStatus();
  }
  if (absl::Status s = EnsureSender(); !s.ok()) return s;
  return sender_->Fire(records);
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

}  // namespace aurora
