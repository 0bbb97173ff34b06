#include "gates/core/live_rules.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "base/trace.h"
#include "evaluator/alert_labels.h"
#include "evaluator/alert_state.h"
#include "evaluator/judge.h"
#include "queries/source_auth.h"
#include "gates/core/live_baselines.h"
#include "evaluator/live_judging.h"
#include "rules/duration.h"
#include "rules/promql_at_modifier.h"

namespace aurora {

// The endpoint of a source, with secrets read from their files. Errors name
// the file, never its content.
absl::StatusOr<PromEndpoint> EndpointFor(const SourceSpec& s,
                                         const LiveContext& ctx) {
  PromEndpoint e;
  e.base_url = s.url.empty() ? ctx.default_url : s.url;
  if (e.base_url.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no Prometheus server for source \"", s.name,
        "\": give it a url, or pass --prometheus URL / set PROMETHEUS_URL"));
  }
  e.timeout = s.timeout;
  absl::StatusOr<std::vector<HttpHeader>> headers = SourceHeaders(s, *ctx.files);
  if (!headers.ok()) return headers.status();
  e.headers = *std::move(headers);
  return e;
}

HttpClientOptions ClientOptionsFor(const SourceSpec& s, const LiveContext& ctx) {
  HttpClientOptions o = SourceClientOptions(s, ctx.max_concurrency);
  o.max_response_bytes = ctx.max_response_bytes;
  return o;
}

namespace {

using ClientKey = std::tuple<std::string, std::string, std::string, bool>;

ClientKey KeyOf(const HttpClientOptions& o) {
  return {o.ca_file, o.client_cert_file, o.client_key_file,
          o.insecure_skip_verify};
}

// A replay that is not settled reads up to 2^6 = 64 times the shortest
// history (e.g. 7 hours for `for: 5m` at 1m steps).
constexpr int kMaxDoublings = 6;

bool NeedsHistory(const Rule& r) {
  return r.for_duration > absl::ZeroDuration() ||
         r.keep_firing_for > absl::ZeroDuration();
}

// Millisecond resolution, as Prometheus timestamps.
absl::Time ToMillis(absl::Time t) {
  return absl::FromUnixMillis(absl::ToUnixMillis(t));
}

std::vector<Observed> CurrentValues(const PromResult& r, absl::Time eval_time) {
  std::vector<Observed> out;
  switch (r.type) {
    case PromResult::Type::kVector:
      for (const auto& s : r.vector) {
        out.push_back({s.labels.WithoutMetricName(), s.value, std::nullopt, ""});
      }
      break;
    case PromResult::Type::kScalar:
      out.push_back({Labels(), r.scalar, std::nullopt, ""});
      break;
    case PromResult::Type::kMatrix:
      for (const auto& s : r.matrix) {
        if (!s.points.empty() && s.points.back().timestamp == eval_time) {
          out.push_back({s.labels.WithoutMetricName(), s.points.back().value,
                         std::nullopt, ""});
        }
      }
      break;
    case PromResult::Type::kString:
      break;
  }
  return out;
}

constexpr std::string_view kChartWindowWarning = "the chart covers the last ";

// Prometheus refuses range queries of more than 11,000 points per series:
// the chart window is shortened to fit the rule's step, with a warning.
absl::Duration ChartWindow(absl::Duration wanted, absl::Duration step,
                           RuleResult* out) {
  constexpr int64_t kMaxPoints = 11000;
  if (wanted <= absl::ZeroDuration() || wanted / step < kMaxPoints) return wanted;
  absl::Duration fit = (kMaxPoints - 1) * step;
  out->warnings.push_back(absl::StrCat(
      Sv(kChartWindowWarning), FormatPromDuration(fit), " of the ",
      FormatPromDuration(wanted), " window: Prometheus answers at most 11000 "
      "points per series at this rule's ", FormatPromDuration(step), " step"));
  return fit;
}

// Keeps the points at or after `from` (a replay may have read further back).
void KeepHistory(std::vector<Series> matrix, absl::Time from,
                 absl::Duration step, RuleResult* out) {
  for (auto& series : matrix) {
    auto first = std::lower_bound(
        series.points.begin(), series.points.end(), from,
        [](const Point& p, absl::Time t) { return p.timestamp < t; });
    series.points.erase(series.points.begin(), first);
    if (!series.points.empty()) out->history.push_back(std::move(series));
  }
  out->history_start = from;
  out->history_step_seconds = absl::ToDoubleSeconds(step);
}

}  // namespace

namespace {

// The run of digits at `*j` as a number, advancing `*j`; nullopt (but still
// advancing) when it is empty or longer than 6 digits (a timestamp in a
// message is not a line or a column).
std::optional<int> ReadSmallNumber(std::string_view s, size_t* j) {
  size_t start = *j;
  int value = 0;
  while (*j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[*j]))) {
    if (*j - start < 6) value = value * 10 + (s[*j] - '0');
    ++*j;
  }
  if (*j == start || *j - start > 6) return std::nullopt;
  return value;
}

}  // namespace

bool IsChartWindowWarning(std::string_view warning) {
  return absl::StartsWith(Sv(warning), Sv(kChartWindowWarning));
}

FilePos ServerErrorPosition(const Rule& rule, std::string_view message) {
  // Prometheus writes parse errors as "<line>:<col>: parse error: ...",
  // possibly after a prefix such as `invalid parameter "query": `.
  for (size_t i = 0; i < message.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(message[i])) ||
        (i > 0 && absl::ascii_isdigit(static_cast<unsigned char>(message[i - 1])))) {
      continue;
    }
    size_t j = i;
    std::optional<int> line = ReadSmallNumber(message, &j);
    if (!line || j >= message.size() || message[j] != ':') continue;
    ++j;
    std::optional<int> col = ReadSmallNumber(message, &j);
    if (!col || j >= message.size() || message[j] != ':' || *line < 1 || *col < 1) {
      continue;
    }
    if (rule.expr_pos.line <= 0) return rule.pos;
    if (*line == 1) return {rule.expr_pos.line, rule.expr_pos.column + *col - 1};
    return {rule.expr_pos.line + *line - 1,
            rule.expr_block ? rule.expr_indent + *col : *col};
  }
  return rule.expr_pos.line > 0 ? rule.expr_pos : rule.pos;
}

namespace {

// The server's configuration, read once per run and server (cached in the
// context); a failure is cached too, so a server without the endpoint is
// asked once.
const absl::StatusOr<PromServerConfig>& ServerConfig(
    const PromEndpoint& endpoint, const HttpClientOptions& options,
    const LiveContext& ctx) {
  auto it = ctx.server_configs->find(endpoint.base_url);
  if (it != ctx.server_configs->end()) return it->second;
  absl::StatusOr<PromServerConfig> config =
      [&]() -> absl::StatusOr<PromServerConfig> {
    absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(options);
    if (!client.ok()) return client.status();
    absl::StatusOr<HttpResponse> response =
        (*client)->Send(BuildStatusConfigRequest(endpoint));
    if (!response.ok()) return response.status();
    return ParseStatusConfig(response->status, response->body);
  }();
  return ctx.server_configs->emplace(endpoint.base_url, std::move(config))
      .first->second;
}

// The server's time-based retention, read once per run and server.
const std::optional<absl::Duration>& ServerRetention(
    const PromEndpoint& endpoint, const HttpClientOptions& options,
    const LiveContext& ctx) {
  auto it = ctx.server_retention->find(endpoint.base_url);
  if (it != ctx.server_retention->end()) return it->second;
  std::optional<absl::Duration> retention;
  absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(options);
  if (client.ok()) {
    absl::StatusOr<HttpResponse> response =
        (*client)->Send(BuildRuntimeInfoRequest(endpoint));
    if (response.ok()) {
      retention = ParseStorageRetention(response->status, response->body);
    }
  }
  return ctx.server_retention->emplace(endpoint.base_url, retention).first->second;
}

// When a pending alert has held since the server's data for it begins (after
// the window read starts), its `for` cannot be decided from history: why.
std::string HistoryTooShort(const Rule& rule, const AlertTracker& tracker,
                            const std::vector<Series>& matrix,
                            absl::Time window_start, const PromQuery& q,
                            const HttpClientOptions& options,
                            const LiveContext& ctx) {
  absl::Time first = absl::InfiniteFuture();
  for (const Series& s : matrix) {
    if (!s.points.empty()) first = std::min(first, s.points.front().timestamp);
  }
  if (first <= window_start || first == absl::InfiniteFuture()) return "";
  bool since_first = false;
  for (const auto& [labels, a] : tracker.alerts()) {
    since_first |= a.state == AlertState::kPending && a.active_at == first;
  }
  if (!since_first) return "";
  const std::optional<absl::Duration>& retention =
      ServerRetention(q.endpoint, options, ctx);
  if (retention.has_value() && *retention < rule.for_duration) {
    return absl::StrCat("; for: ", FormatPromDuration(rule.for_duration),
                        " is longer than the server's retention (",
                        FormatPromDuration(*retention),
                        "): its history cannot show the condition holding "
                        "that long");
  }
  return absl::StrCat("; the server's data for it begins at ",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", first,
                                       absl::UTCTimeZone()));
}

// The server's own alerting rules, read once per run and server.
const absl::StatusOr<std::vector<ServerAlertRule>>& ServerRules(
    const PromEndpoint& endpoint, const HttpClientOptions& options,
    const LiveContext& ctx) {
  auto it = ctx.server_rules->find(endpoint.base_url);
  if (it != ctx.server_rules->end()) return it->second;
  absl::StatusOr<std::vector<ServerAlertRule>> rules =
      [&]() -> absl::StatusOr<std::vector<ServerAlertRule>> {
    absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(options);
    if (!client.ok()) return client.status();
    absl::StatusOr<HttpResponse> response =
        (*client)->Send(BuildAlertingRulesRequest(endpoint));
    if (!response.ok()) return response.status();
    return ParseAlertingRules(response->status, response->body);
  }();
  return ctx.server_rules->emplace(endpoint.base_url, std::move(rules)).first->second;
}

// The server's own evaluation of `rule` (same name, expression, `for` and
// labels, healthy, last evaluated within one of its intervals of
// `eval_time`): its state is exact, no replay needed. Null otherwise.
const ServerAlertRule* ServerEvaluated(const Rule& rule,
                                       const PromEndpoint& endpoint,
                                       const HttpClientOptions& options,
                                       const LiveContext& ctx,
                                       absl::Time eval_time) {
  const absl::StatusOr<std::vector<ServerAlertRule>>& rules =
      ServerRules(endpoint, options, ctx);
  if (!rules.ok()) return nullptr;
  const std::string expr = ComparableExpr(rule.expr);
  for (const ServerAlertRule& s : *rules) {
    if (s.name != rule.name || s.health != "ok" ||
        s.for_duration != rule.for_duration ||
        s.keep_firing_for != rule.keep_firing_for || s.labels != rule.labels ||
        ComparableExpr(s.query) != expr) {
      continue;
    }
    const absl::Duration interval = std::max(s.group_interval, absl::Seconds(1));
    if (s.last_evaluation > eval_time + absl::Seconds(1) ||
        eval_time - s.last_evaluation > interval + absl::Seconds(1)) {
      continue;
    }
    bool dated = true;
    for (const ServerAlert& a : s.alerts) {
      dated = dated && a.active_at != absl::InfinitePast();
    }
    if (dated) return &s;
  }
  return nullptr;
}

// A server alert's identity as a replay keys it: its labels without
// alertname and the rule's labels.
Labels ServerAlertIdentity(const Rule& rule, const ServerAlert& a) {
  Labels id;
  for (const auto& [k, v] : a.labels) {
    if (k != "alertname" && rule.labels.count(k) == 0) id.Set(k, v);
  }
  return id;
}

// The alert state the server holds for `rule`, as a tracker at its last
// evaluation: each alert held since its activeAt.
AlertTracker ServerTracker(const Rule& rule, const ServerAlertRule& server) {
  AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
  struct Active {
    absl::Time at;
    Labels id;
    double value;
  };
  std::vector<Active> active;
  for (const ServerAlert& a : server.alerts) {
    active.push_back({std::min(a.active_at, server.last_evaluation),
                      ServerAlertIdentity(rule, a), a.value});
  }
  std::stable_sort(active.begin(), active.end(),
                   [](const Active& a, const Active& b) { return a.at < b.at; });
  std::map<Labels, double> holding;
  for (size_t i = 0; i < active.size();) {
    const absl::Time at = active[i].at;
    for (; i < active.size() && active[i].at == at; ++i) {
      holding[active[i].id] = active[i].value;
    }
    tracker.Step(at, holding);
  }
  tracker.Step(server.last_evaluation, holding);
  return tracker;
}

// Decides `rule` from the server's own evaluation of it alone — its pending
// and firing alerts with their labels, values, activeAt and rendered
// annotations — without querying the expression (issue 12.12: exact and
// cheap). Series the server holds inactive are not listed.
void JudgeFromServer(const Rule& rule, const ServerAlertRule& server,
                     absl::Time eval_time, RuleResult* out) {
  const std::string from = absl::StrCat(
      "the server's own evaluation of this rule at ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", server.last_evaluation,
                       absl::UTCTimeZone()));
  if (server.alerts.empty()) {
    out->outcome = Outcome::kPass;
    out->reason = absl::StrCat("inactive: no pending or firing alert (", from, ")");
    return;
  }
  std::vector<Observed> current;
  std::map<Labels, const ServerAlert*> by_identity;
  for (const ServerAlert& a : server.alerts) {
    Labels id = ServerAlertIdentity(rule, a);
    current.push_back({id, a.value, std::nullopt});
    by_identity[std::move(id)] = &a;
  }
  Judgement j = JudgeLiveRule(rule, current, ServerTracker(rule, server),
                              absl::InfinitePast(), eval_time);
  out->outcome = j.outcome;
  out->reason = absl::StrCat(j.reason, " (state from ", from, ")");
  out->series = std::move(j.series);
  bool first = true;
  for (SeriesResult& sr : out->series) {
    if (sr.outcome == Outcome::kPass) continue;
    auto it = by_identity.find(sr.labels);
    if (it != by_identity.end()) sr.annotations = it->second->annotations;
    if (first) out->annotations = sr.annotations;
    first = false;
  }
}

}  // namespace

// Prometheus answers at most 11,000 points per series in one range query.
constexpr int64_t kMaxPointsPerRead = 11000;

// The range reads covering [start, end] at `step`, each under the limit.
std::vector<PromQuery> ChunkedReads(const PromQuery& whole) {
  std::vector<PromQuery> out;
  const absl::Duration span = (kMaxPointsPerRead - 1) * whole.step;
  for (absl::Time from = whole.start; from <= whole.end;
       from += span + whole.step) {
    PromQuery q = whole;
    q.start = from;
    q.end = std::min(whole.end, from + span);
    out.push_back(q);
  }
  return out;
}

// Joins the answers of consecutive range reads (in time order) into one
// matrix; series are matched by their full label set.
PromResult JoinReads(std::vector<PromResult>& parts) {
  PromResult out;
  out.type = PromResult::Type::kMatrix;
  std::map<Labels, size_t> index;
  for (PromResult& part : parts) {
    for (Series& s : part.matrix) {
      auto [it, added] = index.emplace(s.labels, out.matrix.size());
      if (added) {
        out.matrix.push_back(std::move(s));
      } else {
        auto& pts = out.matrix[it->second].points;
        pts.insert(pts.end(), s.points.begin(), s.points.end());
      }
    }
    out.warnings.insert(out.warnings.end(), part.warnings.begin(),
                        part.warnings.end());
    out.infos.insert(out.infos.end(), part.infos.begin(), part.infos.end());
  }
  return out;
}

void EvaluateLiveRules(const std::vector<LiveRule>& rules,
                       const LiveContext& ctx, absl::Time eval_time) {
  eval_time = ToMillis(eval_time);
  // Relative criteria: the same queries at their baseline moments, first.
  const std::vector<LiveBaseline> baselines =
      FetchLiveBaselines(rules, ctx, eval_time);
  // Build one query per rule, grouped by HTTP client settings.
  struct Planned {
    size_t rule_index;
    PromQuery query;
    absl::Time start;
    // A replay reading further back: what the earlier rounds read, from
    // `query.end` + step to the evaluation time (full labels).
    std::vector<Series> later;
    absl::Time whole_end;
  };
  std::map<ClientKey, std::pair<HttpClientOptions, std::vector<Planned>>> plans;
  // Per rule: its templated labels (the alerts' identity) and the server's
  // configuration when its templates read external labels.
  std::vector<AlertLabelTemplates> templates(rules.size());
  std::vector<const PromServerConfig*> configs(rules.size(), nullptr);
  static const PromServerConfig kNoConfig;
  std::optional<PromServerConfig> test_config;
  if (ctx.test_external_labels.has_value()) {
    test_config.emplace();
    test_config->external_labels = *ctx.test_external_labels;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const LiveRule& lr = rules[i];
    absl::StatusOr<PromEndpoint> endpoint = EndpointFor(*lr.source, ctx);
    if (!endpoint.ok()) {
      lr.out->outcome = Outcome::kError;
      lr.out->reason = std::string(endpoint.status().message());
      continue;
    }
    lr.out->source_detail = RedactUrl(endpoint->base_url);
    HttpClientOptions o = ClientOptionsFor(*lr.source, ctx);
    absl::StatusOr<AlertLabelTemplates> labels = AlertLabelTemplates::ForRule(*lr.rule);
    if (!labels.ok()) {
      lr.out->outcome = Outcome::kError;
      lr.out->reason = absl::StrCat("cannot decide the alerts' identity: ",
                                    labels.status().message());
      continue;
    }
    templates[i] = *std::move(labels);
    configs[i] = &kNoConfig;
    if (ctx.test_external_labels.has_value()) {
      configs[i] = &*test_config;
    } else if (templates[i].uses_server_config()) {
      const absl::StatusOr<PromServerConfig>& config = ServerConfig(*endpoint, o, ctx);
      if (config.ok()) {
        configs[i] = &*config;
      } else {
        lr.out->warnings.push_back(absl::StrCat(
            "templates read $externalLabels, but the server's configuration "
            "could not be read: ", config.status().message()));
      }
    }
    PromQuery q;
    q.endpoint = *endpoint;
    q.promql = lr.rule->query;
    absl::Time start = eval_time;
    const bool carried = lr.state != nullptr && lr.state->has_value();
    const bool chart = ctx.chart_window > absl::ZeroDuration();
    const ServerAlertRule* server_rule = nullptr;
    if (ctx.server_state && lr.state == nullptr && !chart &&
        lr.rule->kind == Rule::Kind::kAlert &&
        NeedsHistory(*lr.rule) && lr.rule->keep_firing_for == absl::ZeroDuration() &&
        templates[i].empty()) {
      server_rule = ServerEvaluated(*lr.rule, *endpoint, o, ctx, eval_time);
    }
    if (server_rule != nullptr) {
      // No query: the server's answer already decided it.
      lr.out->step = absl::StrCat(
          FormatPromDuration(server_rule->group_interval),
          " (the server's own evaluation of this rule, group \"",
          server_rule->group, "\")");
      JudgeFromServer(*lr.rule, *server_rule, eval_time, lr.out);
      continue;
    }
    if ((NeedsHistory(*lr.rule) || chart) && !carried) {
      absl::Duration step = lr.step;
      std::string origin = lr.step_origin;
      if (step <= absl::ZeroDuration()) {
        // As the server that evaluates the same file would step.
        const absl::StatusOr<PromServerConfig>& config =
            ServerConfig(*endpoint, o, ctx);
        step = config.ok() ? config->evaluation_interval : absl::Minutes(1);
        origin = config.ok()
                     ? "the server's global.evaluation_interval"
                     : absl::StrCat("default: the server's "
                                    "global.evaluation_interval could not be "
                                    "read: ",
                                    config.status().message());
      }
      lr.out->step = absl::StrCat(FormatPromDuration(step), " (", origin, ")");
      absl::Duration window = ReplayWindow(lr.rule->for_duration,
                                           lr.rule->keep_firing_for, step);
      window = std::max(window, ChartWindow(ctx.chart_window, step, lr.out));
      int64_t steps = absl::Ceil(window, step) / step;
      if (ctx.earliest_evaluation > absl::InfinitePast()) {
        steps = std::min(steps, std::max<int64_t>(
                                    0, (eval_time - ctx.earliest_evaluation) / step));
      }
      start = eval_time - steps * step;
      q.range = true;
      // Each step as the instant query Prometheus' rule manager runs.
      q.promql = WithoutRangeBoundAt(q.promql);
      q.start = start;
      q.end = eval_time;
      q.step = step;
    } else {
      q.at = eval_time;
    }
    auto& slot = plans[KeyOf(o)];
    slot.first = o;
    slot.second.push_back({i, q, start, {}, eval_time});
  }
  for (auto& [key, plan] : plans) {
    auto& [options, planned] = plan;
    absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(options);
    // Rounds: every query of the group at once; range queries whose replay
    // is not settled (see ReplayIsSettled) go again for the history before
    // what they read (twice the window), at most kMaxDoublings times.
    std::vector<Planned> batch = std::move(planned);
    for (int round = 0; !batch.empty(); ++round) {
      std::vector<Planned> again;
      // Judges one rule from its query's final result; runs as each answer
      // arrives, so only the slowest query's rule is left after the last.
      auto judge = [&](size_t k, absl::StatusOr<PromResult>&& result) {
        const LiveRule& lr = rules[batch[k].rule_index];
        const Rule& rule = *lr.rule;
        RuleResult* out = lr.out;
        if (!result.ok()) {
          const absl::Status& st = result.status();
          out->outcome = Outcome::kError;
          out->reason = std::string(st.message());
          if (IsQueryExecutionError(st)) {
            // The file is fine; the data broke the evaluation (Prometheus
            // would mark the rule's health `err`).
            out->reason = absl::StrCat(
                st.message(),
                " (an evaluation error on the server's data at this time: "
                "the rule's health would be err; the file itself is valid)");
            return;
          }
          if (absl::IsInvalidArgument(st) && lr.file != nullptr) {
            FilePos pos = ServerErrorPosition(rule, Sv(st.message()));
            out->located_query_error = absl::StrCat(
                *lr.file, ":", pos.line, ":", pos.column, ": group \"",
                rule.group, "\": rule \"", rule.name, "\": expr: ",
                st.message());
          }
          return;
        }
        PromResult& r = *result;
        if (r.type == PromResult::Type::kString) {
          out->outcome = Outcome::kError;
          out->reason =
              "the query returned a string, expected a number or a vector";
          return;
        }
        const std::function<bool(double)> holds = LiveCondition(rule);
        PromQuery q = batch[k].query;
        if (q.range) {
          // This round read [q.start, q.end]; earlier rounds the rest.
          std::vector<PromResult> parts(2);
          parts[0] = std::move(r);
          parts[1].matrix = std::move(batch[k].later);
          r = JoinReads(parts);
          q.end = batch[k].whole_end;
        }
        if (q.range && q.start - q.step >= ctx.earliest_evaluation &&
            !ReplayIsSettled(r.matrix, q.start, eval_time, q.step,
                             rule.for_duration,
                             rule.keep_firing_for, holds)) {
          if (round < kMaxDoublings) {
            // Read only the history before what is already read.
            Planned more = batch[k];
            more.later = std::move(r.matrix);
            more.query.end = q.start - q.step;
            more.query.start = eval_time - 2 * (eval_time - q.start);
            if (more.query.start < ctx.earliest_evaluation) {
              more.query.start = eval_time - ((eval_time - ctx.earliest_evaluation) /
                                              q.step) * q.step;
            }
            more.start = more.query.start;
            again.push_back(std::move(more));
            return;
          }
          out->warnings.push_back(absl::StrCat(
              "an alert may have been kept firing (keep_firing_for) since "
              "before the ",
              FormatPromDuration(eval_time - q.start),
              " of history read; its state is as of that history"));
        }
        const AlertLabelTemplates& identity = templates[batch[k].rule_index];
        const PromServerConfig& config = *configs[batch[k].rule_index];
        // Prometheus' --web.external-url is unknown here; a test names its own.
        const std::string& external_url = ctx.test_external_url;
        if (!identity.empty()) {
          for (Sample& smp : r.vector) {
            smp.labels = identity.Identity(smp.labels, smp.value,
                                           config.external_labels, external_url);
          }
          r.matrix = identity.KeyMatrix(r.matrix, config.external_labels,
                                        external_url);
        }
        std::vector<Observed> current = CurrentValues(r, eval_time);
        ApplyLiveBaseline(baselines[batch[k].rule_index], &current, out);
        std::vector<Series> matrix = std::move(r.matrix);
        for (auto& series : matrix) {
          series.labels = series.labels.WithoutMetricName();
        }
        for (const auto& w : r.warnings) {
          out->warnings.push_back("Prometheus warning: " + w);
        }
        for (const auto& w : r.infos) {
          out->warnings.push_back("Prometheus info: " + w);
        }
        AlertTracker fresh(rule.for_duration, rule.keep_firing_for);
        AlertTracker& tracker =
            lr.state != nullptr && lr.state->has_value() ? **lr.state : fresh;
        tracker.SetDurations(rule.for_duration, rule.keep_firing_for);
        if (q.range) {
          tracker = ReplayRange(matrix, q.start, eval_time, q.step,
                                rule.for_duration, rule.keep_firing_for, holds);
        } else {
          StepLiveAlerts(rule, current, eval_time, &tracker);
        }
        if (lr.state != nullptr && !lr.state->has_value()) *lr.state = tracker;
        if (!JudgeLiveAlerts(rule, current, tracker, batch[k].start, eval_time,
                             lr.group_limit, config.external_labels,
                             external_url, out)) {
          if (lr.state != nullptr) lr.state->reset();
          return;
        }
        if (q.range && out->outcome == Outcome::kPending) {
          out->reason += HistoryTooShort(rule, tracker, matrix, q.start, q,
                                         options, ctx);
        }
        if (q.range && ctx.chart_window > absl::ZeroDuration()) {
          KeepHistory(std::move(matrix),
                      eval_time - std::min(ctx.chart_window, eval_time - q.start),
                      q.step, out);
        }
      };
      if (!client.ok()) {
        for (size_t k = 0; k < batch.size(); ++k) judge(k, client.status());
      } else {
        // Range reads over Prometheus' points limit go in several chunks;
        // a rule is judged once all of its chunks have answered.
        std::vector<PromQuery> queries;
        std::vector<size_t> owner;
        std::vector<std::vector<PromResult>> parts(batch.size());
        std::vector<size_t> missing(batch.size(), 0);
        std::vector<absl::Status> failed(batch.size());
        for (size_t k = 0; k < batch.size(); ++k) {
          std::vector<PromQuery> reads =
              batch[k].query.range ? ChunkedReads(batch[k].query)
                                   : std::vector<PromQuery>{batch[k].query};
          missing[k] = reads.size();
          parts[k].resize(reads.size());
          for (auto& read : reads) {
            queries.push_back(std::move(read));
            owner.push_back(k);
          }
        }
        std::vector<size_t> first_of(batch.size(), 0);
        for (size_t i = queries.size(); i-- > 0;) first_of[owner[i]] = i;
        const absl::Time sent = ctx.clock->Now();  // sent together
        RunPromQueriesEach(
            queries, **client, *ctx.clock, ctx.retry,
            [&](size_t i, absl::StatusOr<PromResult>&& result) {
              if (ctx.on_query_answered) ctx.on_query_answered(ctx.clock->Now() - sent);
              const size_t k = owner[i];
              if (!result.ok()) {
                if (failed[k].ok()) failed[k] = result.status();
              } else {
                parts[k][i - first_of[k]] = *std::move(result);
              }
              if (--missing[k] > 0) return;
              if (!failed[k].ok()) {
                judge(k, failed[k]);
              } else if (parts[k].size() == 1) {
                judge(k, std::move(parts[k][0]));
              } else {
                judge(k, JoinReads(parts[k]));
              }
              parts[k].clear();
            });
      }
      TraceEvent("rules-judged");
      batch = std::move(again);
    }
  }
}

}  // namespace aurora
