#include "queries/prometheus_querier.h"

#include <algorithm>
#include <random>

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

}  // namespace

std::vector<absl::StatusOr<PromResult>> RunPromQueries(
    const std::vector<PromQuery>& queries, HttpClient& client, Clock& clock,
    const RetryPolicy& policy) {
  std::vector<absl::StatusOr<PromResult>> results(
      queries.size(), absl::UnavailableError("not sent"));
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
    std::vector<absl::StatusOr<HttpResponse>> responses = client.SendAll(requests);
    std::vector<size_t> retry;
    absl::Duration wait = absl::ZeroDuration();
    for (size_t k = 0; k < pending.size(); ++k) {
      size_t i = pending[k];
      absl::StatusOr<PromResult> r =
          responses[k].ok()
              ? ParseQueryResponse(responses[k]->status, responses[k]->body)
              : absl::StatusOr<PromResult>(responses[k].status());
      if (!r.ok() && IsRetryable(r.status()) && attempt < policy.max_attempts) {
        retry.push_back(i);
        if (responses[k].ok()) wait = std::max(wait, RetryAfter(*responses[k]));
        continue;
      }
      if (!r.ok() && IsRetryable(r.status()) && attempt > 1) {
        r = absl::Status(r.status().code(),
                         absl::StrCat(r.status().message(), " (after ", attempt,
                                      " attempts)"));
      }
      results[i] = std::move(r);
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
  return results;
}

}  // namespace aurora
