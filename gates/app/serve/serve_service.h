// File: gates/app/serve/serve_service.h
// `serve`'s endpoints: routing, bearer-token check, evaluation through the
// run core (gates/run_gate.h RunGates, as `check` evaluates) in the
// EvaluationPool, the Argo / Flagger / REST answers (gates/app/serve/serve_api.h),
// Alertmanager intake firing the gate's actions (gates/action_runner.h,
// spooled, deduplicated by fingerprint), /metrics, /healthz, /readyz.
#ifndef AURORA_GATES_APP_SERVE_SERVE_SERVICE_H_
#define AURORA_GATES_APP_SERVE_SERVE_SERVICE_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gates/notifier/action_runner.h"
#include "gates/app/check_command.h"
#include "gates/app/serve/serve_api.h"
#include "gates/app/serve/serve_http.h"
#include "gates/app/serve/serve_library.h"
#include "gates/app/serve/serve_metrics.h"
#include "gates/app/serve/serve_pool.h"

namespace aurora {

struct ServiceOptions {
  // Accepted bearer tokens (empty: no authentication). /healthz and
  // /readyz never need one.
  std::vector<std::string> tokens;
  absl::Duration request_timeout = absl::Seconds(8);
  int max_concurrency = 8;    // evaluations at once
  int max_queue = 32;         // evaluations waiting beyond those
  int query_concurrency = 8;  // queries in flight per evaluation
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
  std::string prometheus_url;  // --prometheus
  std::string spool_dir;
  bool dry_run = false;        // Alertmanager intake fires nothing
};

class ServeService {
 public:
  // `library`, and what `env` points at, must outlive the service.
  ServeService(ServiceOptions options, GateLibrary& library, const CommandEnv& env);
  ~ServeService();

  // Answers one request (thread-safe).
  ServeAnswer Handle(const HttpExchange& exchange);

  // The route of a path for metrics and logs ("/argo/v1/{gate}").
  static std::string Route(const std::string& path);

  ServeMetrics& metrics() { return metrics_; }

 private:
  ServeAnswer Evaluate(const EvalRequest& request,
                       std::shared_ptr<const RunResult>* run);
  ServeAnswer Intake(const std::string& gate, const std::string& body);
  ServeAnswer GatesList();
  bool Authorized(const HttpExchange& exchange) const;

  ServiceOptions options_;
  GateLibrary& library_;
  CommandEnv env_;
  ServeMetrics metrics_;
  class ClientPool;
  std::unique_ptr<ClientPool> clients_;  // outlives the pool's evaluations
  EvaluationPool pool_;
  std::vector<std::string> token_digests_;
  // Alertmanager intake: one runner (and spool) for the process.
  std::mutex actions_mu_;
  std::unique_ptr<ActionRunner> actions_;
  std::map<std::string, std::set<std::string>> fired_fingerprints_;  // by gate
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_SERVICE_H_
