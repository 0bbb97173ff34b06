// File: queries/prometheus_rules_api.h
// The alerting rules a server evaluates itself (GET /api/v1/rules?type=alert)
// with their current alerts: when a gate's alert is one of them, its state
// is the server's own (exact, one request) instead of a replay of history.
// Pure halves, as prometheus_api.h.
#ifndef AURORA_QUERIES_PROMETHEUS_RULES_API_H_
#define AURORA_QUERIES_PROMETHEUS_RULES_API_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/http_client.h"
#include "queries/prometheus_api.h"

namespace aurora {

struct ServerAlert {
  std::map<std::string, std::string> labels;  // alertname and rule labels included
  std::string state;                          // "pending" | "firing"
  std::map<std::string, std::string> annotations;  // as the server rendered them
  absl::Time active_at;
  double value = 0;
};

struct ServerAlertRule {
  std::string group;
  std::string name;
  std::string query;  // as the server prints it
  absl::Duration for_duration = absl::ZeroDuration();
  absl::Duration keep_firing_for = absl::ZeroDuration();
  std::map<std::string, std::string> labels;
  std::string health;  // "ok", "err", "unknown"
  absl::Time last_evaluation = absl::InfinitePast();
  absl::Duration group_interval = absl::ZeroDuration();
  std::vector<ServerAlert> alerts;
};

// GET {base}/api/v1/rules?type=alert with the endpoint's headers.
HttpRequest BuildAlertingRulesRequest(const PromEndpoint& endpoint);

// Parses the answer; FailedPrecondition when it is not one (a server without
// rules, such as VictoriaMetrics' single node, answers 404 or otherwise).
absl::StatusOr<std::vector<ServerAlertRule>> ParseAlertingRules(
    int http_status, std::string_view body);

// The expression without whitespace outside string literals: how a rule's
// `expr` and the server's printed `query` are compared.
std::string ExprWithoutSpaces(std::string_view expr);

// ExprWithoutSpaces with number literals and durations read by value, as the
// server prints them its own way (`> 1.0` as `> 1`, `[300s]` as `[5m]`):
// equal for a rule's `expr` and the server's `query` of the same rule.
// Other differences of printing (keyword case, `by` placement) still differ.
std::string ComparableExpr(std::string_view expr);

}  // namespace aurora

#endif  // AURORA_QUERIES_PROMETHEUS_RULES_API_H_
