#include "gates/live_rules.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "base/trace.h"
#include "evaluator/alert_state.h"
#include "evaluator/judge.h"
#include "gates/source_auth.h"
#include "rules/duration.h"

namespace aurora {
namespace {

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
        out.push_back({s.labels.WithoutMetricName(), s.value, std::nullopt});
      }
      break;
    case PromResult::Type::kScalar:
      out.push_back({Labels(), r.scalar, std::nullopt});
      break;
    case PromResult::Type::kMatrix:
      for (const auto& s : r.matrix) {
        if (!s.points.empty() && s.points.back().timestamp == eval_time) {
          out.push_back({s.labels.WithoutMetricName(), s.points.back().value,
                         std::nullopt});
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

void EvaluateLiveRules(const std::vector<LiveRule>& rules,
                       const LiveContext& ctx, absl::Time eval_time) {
  eval_time = ToMillis(eval_time);
  // Build one query per rule, grouped by HTTP client settings.
  struct Planned {
    size_t rule_index;
    PromQuery query;
    absl::Time start;
  };
  std::map<ClientKey, std::pair<HttpClientOptions, std::vector<Planned>>> plans;
  for (size_t i = 0; i < rules.size(); ++i) {
    const LiveRule& lr = rules[i];
    absl::StatusOr<PromEndpoint> endpoint = EndpointFor(*lr.source, ctx);
    if (!endpoint.ok()) {
      lr.out->outcome = Outcome::kError;
      lr.out->reason = std::string(endpoint.status().message());
      continue;
    }
    lr.out->source_detail = RedactUrl(endpoint->base_url);
    PromQuery q;
    q.endpoint = *endpoint;
    q.promql = lr.rule->query;
    absl::Time start = eval_time;
    const bool carried = lr.state != nullptr && lr.state->has_value();
    const bool chart = ctx.chart_window > absl::ZeroDuration();
    if ((NeedsHistory(*lr.rule) || chart) && !carried) {
      absl::Duration window = ReplayWindow(lr.rule->for_duration,
                                           lr.rule->keep_firing_for, lr.step);
      window = std::max(window, ChartWindow(ctx.chart_window, lr.step, lr.out));
      int64_t steps = absl::Ceil(window, lr.step) / lr.step;
      start = eval_time - steps * lr.step;
      q.range = true;
      q.start = start;
      q.end = eval_time;
      q.step = lr.step;
    } else {
      q.at = eval_time;
    }
    HttpClientOptions o = ClientOptionsFor(*lr.source, ctx);
    auto& slot = plans[KeyOf(o)];
    slot.first = o;
    slot.second.push_back({i, q, start});
  }
  for (auto& [key, plan] : plans) {
    auto& [options, planned] = plan;
    absl::StatusOr<std::unique_ptr<HttpClient>> client = ctx.make_client(options);
    // Rounds: every query of the group at once; range queries whose replay
    // is not settled (see ReplayIsSettled) go again with twice the history,
    // at most kMaxDoublings times.
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
        const bool presence =
            rule.kind == Rule::Kind::kAlert && !rule.condition;
        auto holds = [&rule, presence](double v) {
          return presence || ConditionHolds(rule, v);
        };
        const PromQuery& q = batch[k].query;
        std::vector<Observed> current = CurrentValues(r, eval_time);
        std::vector<Series> matrix = std::move(r.matrix);
        for (auto& series : matrix) {
          series.labels = series.labels.WithoutMetricName();
        }
        if (q.range &&
            !ReplayIsSettled(matrix, q.start, eval_time, q.step,
                             rule.for_duration,
                             rule.keep_firing_for, holds)) {
          if (round < kMaxDoublings) {
            Planned more = batch[k];
            more.query.start = eval_time - 2 * (eval_time - q.start);
            more.start = more.query.start;
            again.push_back(more);
            return;
          }
          out->warnings.push_back(absl::StrCat(
              "an alert may have been kept firing (keep_firing_for) since "
              "before the ",
              FormatPromDuration(eval_time - q.start),
              " of history read; its state is as of that history"));
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
          std::map<Labels, double> holding;
          for (const auto& o : current) {
            if (holds(o.value)) holding[o.labels] = o.value;
          }
          tracker.Step(eval_time, holding);
        }
        if (lr.state != nullptr && !lr.state->has_value()) *lr.state = tracker;
        Judgement j =
            JudgeLiveRule(rule, current, tracker, batch[k].start, eval_time);
        out->outcome = j.outcome;
        out->reason = j.reason;
        out->series = std::move(j.series);
        if (q.range && ctx.chart_window > absl::ZeroDuration()) {
          KeepHistory(std::move(matrix),
                      eval_time - std::min(ctx.chart_window, eval_time - q.start),
                      q.step, out);
        }
      };
      if (!client.ok()) {
        for (size_t k = 0; k < batch.size(); ++k) judge(k, client.status());
      } else {
        std::vector<PromQuery> queries;
        for (const auto& p : batch) queries.push_back(p.query);
        RunPromQueriesEach(queries, **client, *ctx.clock, ctx.retry, judge);
      }
      TraceEvent("rules-judged");
      batch = std::move(again);
    }
  }
}

}  // namespace aurora
