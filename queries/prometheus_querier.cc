#include "queries/prometheus_querier.h"

#include <algorithm>
#include <random>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {
namespace {

absl::Duration RetryAfter(const HttpResponse& r) {
  int64_t secs = 0;
  std::string v(r.Header("retry-after"));
  if (!v.empty() && absl::SimpleAtoi(v, &secs) && secs >= 0) {
    return absl::Seconds(secs);
  }
  return absl::ZeroDuration();
}

// `s` (an answer ParseQueryResponse refused) with the request in front, as
// the client's own transport errors: "POST http://host:9090/api/v1/query:
// HTTP 302 from Prometheus: ...", the URL as RedactUrl shows it.
absl::Status NamingTheUrl(const HttpRequest& request, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(request.method, " ",
                                             RedactUrl(request.url), ": ",
                                             s.message()));
}

}  // namespace

void RunPromQueriesEach(const std::vector<PromQuery>& queries,
                        HttpClient& client, Clock& clock,
                        const RetryPolicy& policy,
                        const PromResultCallback& on_result) {
  std::vector<size_t> pending(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) pending[i] = i;
  std::mt19937_64 rng(std::random_device{}());
  absl::Duration backoff = policy.initial_backoff;
  for (int attempt = 1; !pending.empty(); ++attempt) {
    std::vector<HttpRequest> requests;
    for (size_t i : pending) {
      const PromQuery& q = queries[i];
      requests.push_back(
          q.range ? BuildRangeQuery(q.endpoint, q.promql, q.start, q.end, q.step)
                  : BuildInstantQuery(q.endpoint, q.promql, q.at));
    }
    // Each response is parsed (and, when final, reported) as soon as it
    // arrives, while slower queries are still running on the server.
    std::vector<bool> again(requests.size(), false);
    absl::Duration wait = absl::ZeroDuration();
    client.SendEach(
        requests, [&](size_t k, absl::StatusOr<HttpResponse>&& resp) {
          const size_t i = pending[k];
          absl::StatusOr<PromResult> r =
              resp.ok() ? ParseQueryResponse(resp->status, resp->body)
                        : absl::StatusOr<PromResult>(resp.status());
          if (resp.ok() && !r.ok()) r = NamingTheUrl(requests[k], r.status());
          // Parsed: the raw body is not needed while the result is used.
          if (resp.ok()) std::string().swap(resp->body);
          if (!r.ok() && IsRetryable(r.status()) && attempt < policy.max_attempts) {
            again[k] = true;
            if (resp.ok()) wait = std::max(wait, RetryAfter(*resp));
            return;
          }
          if (!r.ok() && IsRetryable(r.status()) && attempt > 1) {
            r = absl::Status(r.status().code(),
                             absl::StrCat(r.status().message(), " (after ",
                                          attempt, " attempts)"));
          }
          on_result(i, std::move(r));
        });
    std::vector<size_t> retry;
    for (size_t k = 0; k < pending.size(); ++k) {
      if (again[k]) retry.push_back(pending[k]);
    }
    pending = std::move(retry);
    if (pending.empty()) break;
    // Full jitter on the exponential backoff; a server's Retry-After wins
    // when longer, capped by max_backoff.
    std::uniform_int_distribution<int64_t> jitter(
        absl::ToInt64Milliseconds(backoff) / 2, absl::ToInt64Milliseconds(backoff));
    absl::Duration sleep =
        std::min(std::max(absl::Milliseconds(jitter(rng)), wait), policy.max_backoff);
    clock.SleepUntil(clock.Now() + sleep);
    backoff = std::min(backoff * 2, policy.max_backoff);
  }
}

std::vector<absl::StatusOr<PromResult>> RunPromQueries(
    const std::vector<PromQuery>& queries, HttpClient& client, Clock& clock,
    const RetryPolicy& policy) {
  std::vector<absl::StatusOr<PromResult>> results(
      queries.size(), absl::UnavailableError("not sent"));
  RunPromQueriesEach(queries, client, clock, policy,
                     [&results](size_t i, absl::StatusOr<PromResult>&& r) {
                       results[i] = std::move(r);
                     });
  return results;
}

}  // namespace aurora
