#include "gates/core/live_baselines.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "queries/prometheus_querier.h"
#include "rules/duration.h"

namespace aurora {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::optional<absl::Time> LiveBaselineMoment(const Rule& rule,
                                             const SourceSpec& source,
                                             const LiveContext& context,
                                             absl::Time eval_time) {
  if (context.baseline_at) return *context.baseline_at;
  if (rule.baseline_offset) return eval_time - *rule.baseline_offset;
  if (source.baseline_offset) return eval_time - *source.baseline_offset;
  return std::nullopt;
}

std::vector<LiveBaseline> FetchLiveBaselines(const std::vector<LiveRule>& rules,
                                             const LiveContext& ctx,
                                             absl::Time eval_time) {
  std::vector<LiveBaseline> out(rules.size());
  using ClientKey = std::tuple<std::string, std::string, std::string, bool>;
  struct Batch {
    HttpClientOptions options;
    std::vector<PromQuery> queries;
    std::vector<size_t> rule_index;
  };
  std::map<ClientKey, Batch> batches;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = *rules[i].rule;
    const SourceSpec& source = *rules[i].source;
    if (!rule.has_relative_criteria()) continue;
    LiveBaseline& b = out[i];
    b.wanted = true;
    std::optional<absl::Time> at = LiveBaselineMoment(rule, source, ctx, eval_time);
    if (!at) {
      b.source = "none set";
      b.status = absl::FailedPreconditionError(
          "relative criteria need a baseline moment: give the rule or its "
          "source baseline: { offset: 1h }, or pass --baseline-at TIME");
      continue;
    }
    b.at = absl::FromUnixMillis(absl::ToUnixMillis(*at));
    const absl::Duration offset = eval_time - b.at;
    b.how = ctx.baseline_at
                ? absl::StrCat("--baseline-at, ",
                               FormatPromDuration(absl::Floor(offset, absl::Seconds(1))),
                               " before")
                : absl::StrCat("offset ", FormatPromDuration(offset));
    b.source = absl::StrCat("the same query at ", Rfc3339(b.at), " (", b.how, ")");
    if (b.at > eval_time) {
      b.status = absl::InvalidArgumentError(absl::StrCat(
          "the baseline moment ", Rfc3339(b.at), " is after the evaluation time ",
          Rfc3339(eval_time)));
      continue;
    }
    absl::StatusOr<PromEndpoint> endpoint = EndpointFor(source, ctx);
    if (!endpoint.ok()) {
      b.status = endpoint.status();
      continue;
    }
    HttpClientOptions o = ClientOptionsFor(source, ctx);
    Batch& batch = batches[ClientKey{o.ca_file, o.client_cert_file,
                                     o.client_key_file, o.insecure_skip_verify}];
    batch.options = o;
    PromQuery q;
    q.endpoint = *std::move(endpoint);
    q.promql = rule.query;
    q.at = b.at;
    batch.queries.push_back(std::move(q));
    batch.rule_index.push_back(i);
  }
  for (auto& [key, batch] : batches) {
    absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(batch.options);
    std::vector<absl::StatusOr<PromResult>> results =
        client.ok() ? RunPromQueries(batch.queries, **client, *ctx.clock, ctx.retry)
                    : std::vector<absl::StatusOr<PromResult>>(batch.queries.size(),
                                                              client.status());
    for (size_t k = 0; k < results.size(); ++k) {
      LiveBaseline& b = out[batch.rule_index[k]];
      if (!results[k].ok()) {
        b.status = absl::UnavailableError(absl::StrCat(
            "the baseline query failed: ", results[k].status().message()));
        continue;
      }
      const PromResult& r = *results[k];
      if (r.type == PromResult::Type::kScalar) {
        b.values[Labels()] = r.scalar;
      } else if (r.type == PromResult::Type::kVector) {
        for (const Sample& s : r.vector) b.values[s.labels.WithoutMetricName()] = s.value;
      } else {
        b.status = absl::InvalidArgumentError(
            "the baseline query returned neither a number nor a vector");
      }
    }
  }
  return out;
}

void ApplyLiveBaseline(const LiveBaseline& b, std::vector<Observed>* current,
                       RuleResult* out) {
  if (!b.wanted) return;
  out->baseline_source = b.source;
  if (!b.status.ok()) {
    out->baseline_missing = true;
    for (Observed& o : *current) {
      o.no_baseline = absl::StrCat("no baseline value: ", b.status.message());
    }
    return;
  }
  for (Observed& o : *current) {
    auto it = b.values.find(o.labels);
    if (it != b.values.end()) {
      o.baseline = it->second;
    } else {
      o.no_baseline = absl::StrCat(
          "no baseline value: the query returned ",
          b.values.empty() ? "no series" : "no series with these labels", " at ",
          Rfc3339(b.at), " (", b.how, ")");
    }
  }
}

}  // namespace aurora
