// File: queries/prometheus_api.h
// The Prometheus HTTP API (/api/v1/query, /api/v1/query_range) as two pure
// halves: Build*Query() make the HttpRequest, ParseQueryResponse() turns the
// status code and body into samples or a Status whose code says whether a
// retry can help. No I/O and no clock here; base/http_client.h sends.
#ifndef AURORA_QUERIES_PROMETHEUS_API_H_
#define AURORA_QUERIES_PROMETHEUS_API_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/http_client.h"
#include "evaluator/sample.h"

namespace aurora {

// Where and how to reach one Prometheus-compatible query API.
struct PromEndpoint {
  // e.g. "http://127.0.0.1:9090" or "https://host/prometheus" (the path
  // prefix is kept; trailing slashes are ignored).
  std::string base_url;
  // Sent with every request, e.g. Authorization, X-Scope-OrgID.
  std::vector<HttpHeader> headers;
  // Sent as the server-side `timeout` parameter; the HTTP timeout is this
  // plus a grace of min(timeout, kPromHttpTimeoutGrace), so the server's own
  // "timeout" error (which names the query) arrives before the client gives
  // up. Zero or infinite: no `timeout` parameter and the HttpRequest default.
  absl::Duration timeout = absl::Seconds(30);
};

inline constexpr absl::Duration kPromHttpTimeoutGrace = absl::Seconds(5);

// POST {base}/api/v1/query with Content-Type
// application/x-www-form-urlencoded and body
// query=<promql>&time=<unix seconds>[&timeout=<seconds>]. Times and durations
// are written as decimal seconds, trailing zeros dropped ("1435781451.781").
// Always POST, so queries of any length fit. `at` must be finite.
HttpRequest BuildInstantQuery(const PromEndpoint& endpoint,
                              std::string_view promql, absl::Time at);

// POST {base}/api/v1/query_range, body
// query=..&start=..&end=..&step=<seconds, fractional allowed>[&timeout=..].
// No validation: Prometheus itself rejects a non-positive step or end < start
// with bad_data, which ParseQueryResponse reports as InvalidArgument.
HttpRequest BuildRangeQuery(const PromEndpoint& endpoint,
                            std::string_view promql, absl::Time start,
                            absl::Time end, absl::Duration step);

// A successful query result. Timestamps are rounded to the millisecond,
// Prometheus' own resolution; values are exact (the JSON strings "NaN",
// "+Inf", "-Inf" and decimals go through strtod).
struct PromResult {
  enum class Type { kVector, kMatrix, kScalar, kString };
  Type type = Type::kVector;
  std::vector<Sample> vector;  // kVector; labels include __name__ if sent
  std::vector<Series> matrix;  // kMatrix; points in ascending time
  double scalar = 0;           // kScalar
  absl::Time scalar_time;      // kScalar and kString
  std::string string_value;    // kString
  std::vector<std::string> warnings, infos;
};

// Parses a response of /api/v1/query or /api/v1/query_range.
// - 2xx, "status":"success": the result, with warnings and infos.
// - "status":"error" envelope (any HTTP code), messages end with
//   "; warnings: w1; w2" / "; infos: ..." when the server sent any:
//   errorType "timeout"      -> DeadlineExceeded
//     "Prometheus query timed out (HTTP 503): timeout: <error>"
//   HTTP 400/422 (or 2xx with bad_data/execution) -> InvalidArgument
//     "Prometheus rejected the query: <errorType>: <error>"
//   HTTP 429                 -> ResourceExhausted, 5xx -> Unavailable,
//   401 Unauthenticated, 403 PermissionDenied, 404 NotFound, other
//   FailedPrecondition; all "HTTP <code> from Prometheus: <errorType>:
//   <error>".
// - Non-2xx without an error envelope (a proxy's HTML page): the same codes
//   by HTTP status, "HTTP 502 from Prometheus: <first 200 bytes, escaped>".
// - 2xx with an empty, non-JSON, truncated or wrongly shaped body ->
//   Unavailable naming the problem, e.g. "invalid JSON from Prometheus (HTTP
//   200) at offset 57: <why>; body: \"<first 200 bytes, escaped>\"" or
//   "unexpected Prometheus response (HTTP 200): data.result[3].value[1]: ...".
// - Native histograms ("histogram"/"histograms") -> Unimplemented.
absl::StatusOr<PromResult> ParseQueryResponse(int http_status,
                                              std::string_view body);

// True when the server parsed the query but failed evaluating it on its data
// (errorType "execution", e.g. "found duplicate series for the match
// group"): a runtime problem of the data at that moment, as Prometheus marks
// a rule's health `err`, not a problem of the expression or the file.
bool IsQueryExecutionError(const absl::Status& status);

// True for the codes a caller should retry after a pause: Unavailable,
// DeadlineExceeded, ResourceExhausted (honouring Retry-After is the
// caller's business).
bool IsRetryable(const absl::Status& status);

}  // namespace aurora

#endif  // AURORA_QUERIES_PROMETHEUS_API_H_
