// File: gates/core/live_rules.h
// Evaluates the rules of live (prometheus) sources: one query per rule, all
// in flight together; rules with `for`/`keep_firing_for` are decided at once
// from a range query over the window (the alert state machine replayed),
// the others from an instant query.
#ifndef AURORA_GATES_CORE_LIVE_RULES_H_
#define AURORA_GATES_CORE_LIVE_RULES_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/file_reader.h"
#include "base/http_client.h"
#include "evaluator/alert_state.h"
#include "evaluator/result.h"
#include "queries/prometheus_querier.h"
#include "queries/prometheus_rules_api.h"
#include "queries/prometheus_status.h"
#include "rules/gate.h"

namespace aurora {

// What live evaluation needs from the outside world. All pointers must
// outlive the call.
struct LiveContext {
  HttpClientFactory make_client;  // one client per distinct TLS setting
  Clock* clock = nullptr;         // retry backoff only
  FileReader* files = nullptr;    // bearer token and password files
  RetryPolicy retry;
  int max_concurrency = 8;
  // --max-response-size: the largest response body read from a server
  // (prometheus and http sources); a larger one is that rule's error.
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
  std::string default_url;        // --prometheus / PROMETHEUS_URL
  // Called with each Prometheus query's latency (sent to answered, retries
  // included) as it is answered; may be empty. `watch` feeds
  // aurora_gate_query_duration_seconds with it.
  std::function<void(absl::Duration)> on_query_answered;
  // --baseline-at: relative criteria compare with the same query at this
  // moment (gates/live_baselines.h); unset: the rule's or source's offset.
  std::optional<absl::Time> baseline_at;
  // `report`: when positive, every rule without carried state is read with
  // a range query covering at least this window before the evaluation time
  // (the `for` replay uses the longer history too), and the series are kept
  // in RuleResult::history for charts.
  absl::Duration chart_window = absl::ZeroDuration();
  // `check --replay` sets this false: `for` is always replayed from
  // history, even for an alert the server itself evaluates (whose state
  // is otherwise taken from /api/v1/rules).
  bool server_state = true;
  // Each server's /api/v1/status/config, by base URL: read at most once per
  // run (a copy of the context shares it).
  std::shared_ptr<std::map<std::string, absl::StatusOr<PromServerConfig>>>
      server_configs = std::make_shared<
          std::map<std::string, absl::StatusOr<PromServerConfig>>>();
  // Each server's own alerting rules (/api/v1/rules), read once per run
  // when a `check` has alerts with `for`.
  std::shared_ptr<std::map<std::string, absl::StatusOr<std::vector<ServerAlertRule>>>>
      server_rules = std::make_shared<
          std::map<std::string, absl::StatusOr<std::vector<ServerAlertRule>>>>();
  // Each server's time-based retention (/api/v1/status/runtimeinfo), read
  // when a `for` may reach past the server's history.
  std::shared_ptr<std::map<std::string, std::optional<absl::Duration>>>
      server_retention = std::make_shared<
          std::map<std::string, std::optional<absl::Duration>>>();
  // `aurora-gate test`: the external labels and URL alert templates see (a
  // test's external_labels / external_url) instead of the server's, and the
  // earliest evaluation time (a test's time 0, where promtool starts: no
  // replay steps before it).
  std::optional<std::map<std::string, std::string>> test_external_labels;
  std::string test_external_url;
  absl::Time earliest_evaluation = absl::InfinitePast();
};

struct LiveRule {
  const Rule* rule;
  const SourceSpec* source;
  absl::Duration step;  // the group's (or gate's) evaluation interval
  RuleResult* out;      // filled with outcome, reason, series, warnings
  const std::string* file;  // the gate file's path, for located_query_error
  // Watch mode: the rule's alert state carried between cycles (null in a
  // one-shot check). Empty on the first cycle: it is restored from history
  // (the same range replay `check` does); afterwards one instant query per
  // cycle steps it, as Prometheus' rule manager does.
  std::optional<AlertTracker>* state = nullptr;
  // Where `step` comes from, for the report ("the group's interval"); a zero
  // step is the server's global.evaluation_interval, read once per server
  // and run (LiveContext::server_configs), 1m when it cannot be read.
  std::string step_origin;
  // The group's `limit` (0 = none): more pending or firing alerts than this
  // make the rule `error`, as Prometheus' "exceeded limit of N with M alerts".
  int group_limit = 0;
};

// Where a server's PromQL error ("1:5: parse error: ...", line and column in
// the expression) falls in the gate file; the expression's (or the rule's)
// position when the message carries none.
FilePos ServerErrorPosition(const Rule& rule, std::string_view message);

// Whether `warning` is the one a rule carries when its chart covers less than
// LiveContext::chart_window (Prometheus answers at most 11,000 points per
// series at the rule's step).
bool IsChartWindowWarning(std::string_view warning);

// The endpoint of a prometheus source (the context's default URL when it
// has none), with secrets read from their files; errors name the file,
// never its content.
absl::StatusOr<PromEndpoint> EndpointFor(const SourceSpec& source,
                                         const LiveContext& context);
// The HTTP client settings of a source (TLS, concurrency, response limit).
HttpClientOptions ClientOptionsFor(const SourceSpec& source,
                                   const LiveContext& context);

// The range reads covering [whole.start, whole.end] at whole.step, each
// under Prometheus' 11,000 points per series.
std::vector<PromQuery> ChunkedReads(const PromQuery& whole);
// Joins the answers of consecutive range reads (in time order) into one
// matrix; series are matched by their full label set.
PromResult JoinReads(std::vector<PromResult>& parts);

// Evaluates `rules` at `eval_time`; never fails as a whole: a rule whose
// query cannot be answered is `error` with the reason.
void EvaluateLiveRules(const std::vector<LiveRule>& rules,
                       const LiveContext& context, absl::Time eval_time);

}  // namespace aurora

#endif  // AURORA_GATES_CORE_LIVE_RULES_H_
