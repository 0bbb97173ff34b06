// File: queries/prometheus_querier.h
// Sends a batch of Prometheus queries at once (HttpClient::SendAll) and
// retries the retryable failures together, with exponential backoff and
// jitter, within a bounded number of attempts. An unreachable server is an
// error status, never an empty (passing) result.
#ifndef AURORA_QUERIES_PROMETHEUS_QUERIER_H_
#define AURORA_QUERIES_PROMETHEUS_QUERIER_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/http_client.h"
#include "queries/prometheus_api.h"

namespace aurora {

struct PromQuery {
  PromEndpoint endpoint;
  std::string promql;
  bool range = false;
  absl::Time at;                  // instant queries
  absl::Time start, end;          // range queries
  absl::Duration step;            // range queries
};

struct RetryPolicy {
  int max_attempts = 3;  // total tries per query, first included
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Called once per query with its final result, as soon as it is known:
// index into `queries`. The callee owns the result (it may move from it).
using PromResultCallback =
    std::function<void(size_t index, absl::StatusOr<PromResult>&& result)>;

// Runs every query and hands each final result to `on_result` (required) as it arrives
// (before the slower queries have answered), on the calling thread, keeping
// none: memory is bounded by the queries in flight, not by their number.
// Retries Unavailable, DeadlineExceeded and ResourceExhausted (honouring a
// Retry-After of at most max_backoff); a retried attempt is never reported,
// and the final failure's message says how many attempts were made. Every
// failure names the request and its redacted URL ("POST
// http://host:9090/api/v1/query: HTTP 302 from Prometheus: ...").
void RunPromQueriesEach(const std::vector<PromQuery>& queries,
                        HttpClient& client, Clock& clock,
                        const RetryPolicy& policy,
                        const PromResultCallback& on_result);

// RunPromQueriesEach, collected: one result per query, in order.
std::vector<absl::StatusOr<PromResult>> RunPromQueries(
    const std::vector<PromQuery>& queries, HttpClient& client, Clock& clock,
    const RetryPolicy& policy);

}  // namespace aurora

#endif  // AURORA_QUERIES_PROMETHEUS_QUERIER_H_
