// File: gates/app/self_metrics.h
// The watcher's own metrics, served on /metrics (prometheus-cpp exposer) with
// /healthz beside it. The only file that uses prometheus-cpp; its exceptions
// stop here. Thread-safe (prometheus-cpp metrics are). /healthz is a health
// check, not metrics text: 200 "ok" while evaluation cycles complete, 503
// "unhealthy: ..." naming the stall when none has for longer than the stall
// threshold (one watcher per process: the health state is the process's).
#ifndef AURORA_GATES_APP_SELF_METRICS_H_
#define AURORA_GATES_APP_SELF_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "evaluator/result.h"

namespace aurora {

class SelfMetrics {
 public:
  // Serves on `listen` ("127.0.0.1:9464"; port 0 picks a free one). Returns
  // Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<SelfMetrics>> Start(
      const std::string& listen);
  ~SelfMetrics();

  int port() const;

  // After each evaluation cycle: per-rule outcome (0 pass .. 5 fail, the
  // order of rules/outcome.h) and last value (first series), rules without
  // data, evaluations, evaluation errors, cycle duration (last, histogram).
  void RecordCycle(const RunResult& run, double cycle_seconds);
  void RecordQueryLatency(double seconds);
  void RecordMissedCycles(int n);
  void RecordReload(bool ok, double unix_seconds);
  // outcome: "delivered", "retry", "failed", "dry_run".
  void RecordDelivery(const std::string& outcome);
  // Whether actions are spooled (0: delivered from memory only) and how
  // many failed actions the spool holds.
  void RecordSpool(bool durable, size_t failed_actions);
  // An evaluation cycle completed now (real time). /healthz is 503 once
  // none has for longer than `threshold` (default 1 minute); the clock
  // starts at Start.
  void RecordHeartbeat();
  void SetStallThreshold(absl::Duration threshold);

 private:
  struct Impl;
  explicit SelfMetrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_SELF_METRICS_H_
