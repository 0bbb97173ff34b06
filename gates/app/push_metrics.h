// File: gates/app/push_metrics.h
// `check --push URL`: the run's artifact samples and verdicts pushed to a
// Prometheus Pushgateway, so that alerts can read CI numbers (the runbook's
// CoverageDrop and MutationScoreDrop read aurora_test_coverage and
// aurora_mutation_score). The exposition text is built with prometheus-cpp
// (registry, gauges, text serializer); it is sent with the project's HTTP
// client, which has the TLS and auth options sources have (prometheus-cpp's
// Gateway has neither bearer tokens nor a CA file).
#ifndef AURORA_GATES_APP_PUSH_METRICS_H_
#define AURORA_GATES_APP_PUSH_METRICS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/http_client.h"
#include "evaluator/result.h"
#include "gates/core/source_cache.h"
#include "rules/gate.h"

namespace aurora {

struct PushTarget {
  std::string url;  // the Pushgateway, e.g. http://pushgateway:9091
  std::string job = "aurora-gate";
  std::map<std::string, std::string> grouping;  // --push-label env=testnet
  std::string bearer_token_file;
  std::string username, password_file;
  HttpClientOptions tls;  // ca_file, client cert/key, insecure_skip_verify
  absl::Duration timeout = absl::Seconds(10);
};

// The exposition text (format 0.0.4) of one run:
// - every sample of every artifact source the run read, one gauge each:
//   "aurora_gate_" + the sample's name, labels from the sample plus
//   `source`; a `_percent` metric is pushed as `_ratio` (value / 100), as
//   Prometheus names units;
// - aurora_gate_rule_passed{gate, rule} and aurora_gate_passed{gate} (1/0),
//   aurora_gate_last_run_timestamp_seconds{gate};
// - each gate's `publish:` metrics under their own names (e.g.
//   aurora_test_coverage), one gauge per element of the expression's value.
// Sources that could not be read are left out (their rules are `error`).
std::string PushExposition(const std::vector<GateFile>& gates,
                           const RunResult& run, SourceCache& cache);

// PUTs `body` to URL/metrics/job/JOB[/LABEL/VALUE…] (values with '/' are
// base64url-encoded as the Pushgateway requires), replacing the group.
// Errors name the URL as RedactUrl shows it and the answer's status.
absl::Status PushToGateway(const PushTarget& target, const std::string& body,
                           HttpClient& client);

// The grouping-key path the Pushgateway expects: "/metrics/job/JOB/k/v".
std::string PushPath(const PushTarget& target);

}  // namespace aurora

#endif  // AURORA_GATES_APP_PUSH_METRICS_H_
