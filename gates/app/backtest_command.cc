#include "gates/app/backtest_command.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/number_format.h"
#include "base/output_file.h"
#include "base/strings.h"
#include "base/trace.h"
#include "base/utf8.h"
#include "evaluator/alert_labels.h"
#include "evaluator/alert_state.h"
#include "gates/notifier/action_sender.h"
#include "gates/app/command_support.h"
#include "gates/core/live_rules.h"
#include "gates/core/run_gate.h"
#include "gates/core/source_cache.h"
#include "gates/app/version.h"
#include "reports/run_summary.h"
#include "reports/backtest_report.h"
#include "rules/promql_at_modifier.h"

namespace aurora {
namespace {

// A live rule whose history is read: where its track goes, and its read.
struct HistoryRead {
  size_t gate = 0, rule = 0;
  const Rule* spec = nullptr;
  const RuleResult* skeleton = nullptr;
  int group_limit = 0;
  PromQuery whole;  // [history start, last step] at the span's step
};

using ClientKey = std::tuple<std::string, std::string, std::string, bool>;

// One span evaluated: its result, and what the HTML page charts.
struct SpanRun {
  BacktestResult result;
  std::vector<GateTrack> tracks;
  std::vector<GateResult> skeletons;  // artifact rules evaluated; live ones to fill
  std::set<std::pair<size_t, size_t>> as_written;  // (gate, rule) read as written
};

// The live rule's track once its reads have answered: the matrix keyed as
// its alerts are (templated labels), judged at every step.
RuleTrack TrackFromHistory(const HistoryRead& read, PromResult result,
                           const BacktestSpan& span) {
  absl::StatusOr<AlertLabelTemplates> identity =
      AlertLabelTemplates::ForRule(*read.spec);
  if (!identity.ok()) {
    RuleResult error = *read.skeleton;
    error.outcome = Outcome::kError;
    error.reason = absl::StrCat("cannot decide the alerts' identity: ",
                                identity.status().message());
    return ConstantTrack(*read.spec, error, span);
  }
  std::vector<Series> matrix = std::move(result.matrix);
  if (!identity->empty()) matrix = identity->KeyMatrix(matrix, {}, "");
  for (Series& s : matrix) s.labels = s.labels.WithoutMetricName();
  return JudgeOverSpan(*read.spec, *read.skeleton, matrix, read.whole.start, span,
                       read.group_limit);
}

SpanRun RunSpan(const std::vector<GateFile>& gates, const BacktestSpan& span,
                const LiveContext& live, const CommandEnv& env, bool all_values,
                std::vector<std::string>* errors) {
  SpanRun run;
  SourceCache cache(*env.files, &live);
  // Artifact rules are evaluated here, once; live rules get their skeleton.
  run.skeletons = RunGates(gates, cache, nullptr, span.from);
  std::vector<HistoryRead> reads;
  for (size_t gi = 0; gi < gates.size(); ++gi) {
    const GateFile& gate = gates[gi];
    GateTrack track;
    track.name = gate.name;
    track.title = gate.title;
    track.file = gate.path;
    for (size_t a = 0; a < gate.actions.size(); ++a) {
      track.actions.push_back({ActionDisplayName(gate.actions[a],
                                                 static_cast<int>(a), gate.name),
                               gate.actions[a].on});
    }
    size_t ri = 0;
    for (const RuleGroup& group : gate.groups) {
      for (const Rule& rule : group.rules) {
        if (rule.kind == Rule::Kind::kRecord) continue;
        const RuleResult& skeleton = run.skeletons[gi].rules[ri];
        const SourceSpec& source = gate.sources.at(rule.source);
        if (source.is_artifact() || source.is_http() ||
            skeleton.source_type != SourceTypeName(SourceType::kPrometheus)) {
          track.rules.push_back(ConstantTrack(rule, skeleton, span));
          track.rules.back().artifact = true;
        } else {
          HistoryRead read{gi, ri, &rule, &skeleton, group.limit, {}};
          const bool as_written = ReadsAsWritten(rule, all_values);
          if (as_written) run.as_written.insert({gi, ri});
          read.whole.promql = WithoutRangeBoundAt(as_written ? rule.expr : rule.query);
          read.whole.range = true;
          read.whole.step = span.step;
          const absl::Duration history =
              ReplayWindow(rule.for_duration, rule.keep_firing_for, span.step);
          read.whole.start =
              span.from - (absl::Ceil(history, span.step) / span.step) * span.step;
          read.whole.end = span.At(span.steps - 1);
          reads.push_back(std::move(read));
          track.rules.emplace_back();  // filled once its history is read
        }
        ++ri;
      }
    }
    run.tracks.push_back(std::move(track));
  }
  // The reads, grouped by HTTP client settings; every chunk of every rule
  // in flight together (at most --max-concurrency at once); a rule is judged
  // as soon as all of its chunks have answered, and its series dropped.
  std::map<ClientKey, std::pair<HttpClientOptions, std::vector<size_t>>> by_client;
  for (size_t k = 0; k < reads.size(); ++k) {
    HistoryRead& read = reads[k];
    const SourceSpec& source =
        gates[read.gate].sources.at(read.spec->source);
    RuleTrack& track = run.tracks[read.gate].rules[read.rule];
    absl::StatusOr<PromEndpoint> endpoint = EndpointFor(source, live);
    if (!endpoint.ok()) {
      RuleResult error = *read.skeleton;
      error.outcome = Outcome::kError;
      error.reason = std::string(endpoint.status().message());
      track = ConstantTrack(*read.spec, error, span);
      errors->push_back(absl::StrCat(gates[read.gate].name, "/", read.spec->group,
                                     "/", read.spec->name, ": ", error.reason));
      continue;
    }
    read.whole.endpoint = *endpoint;
    HttpClientOptions o = ClientOptionsFor(source, live);
    auto& slot = by_client[{o.ca_file, o.client_cert_file, o.client_key_file,
                            o.insecure_skip_verify}];
    slot.first = o;
    slot.second.push_back(k);
  }
  size_t sent = 0, series_read = 0, points_read = 0;
  for (auto& [key, client_reads] : by_client) {
    const std::vector<size_t>& mine = client_reads.second;
    std::vector<PromQuery> queries;
    std::vector<size_t> owner;  // index into `mine`
    std::vector<std::vector<PromResult>> parts(mine.size());
    std::vector<size_t> missing(mine.size(), 0);
    std::vector<absl::Status> failed(mine.size());
    std::vector<size_t> first_of(mine.size(), 0);
    for (size_t m = 0; m < mine.size(); ++m) {
      std::vector<PromQuery> chunks = ChunkedReads(reads[mine[m]].whole);
      first_of[m] = queries.size();
      missing[m] = chunks.size();
      parts[m].resize(chunks.size());
      for (PromQuery& q : chunks) {
        queries.push_back(std::move(q));
        owner.push_back(m);
      }
    }
    auto done = [&](size_t m) {
      const HistoryRead& read = reads[mine[m]];
      RuleTrack& track = run.tracks[read.gate].rules[read.rule];
      if (!failed[m].ok()) {
        RuleResult error = *read.skeleton;
        error.outcome = Outcome::kError;
        error.reason = std::string(failed[m].message());
        track = ConstantTrack(*read.spec, error, span);
        errors->push_back(absl::StrCat(gates[read.gate].name, "/",
                                       read.spec->group, "/", read.spec->name,
                                       ": ", error.reason));
      } else {
        PromResult joined = JoinReads(parts[m]);
        track = TrackFromHistory(read, std::move(joined), span);
      }
      parts[m].clear();
      parts[m].shrink_to_fit();
    };
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        live.make_client(client_reads.first);
    if (!client.ok()) {
      for (size_t m = 0; m < mine.size(); ++m) {
        failed[m] = client.status();
        done(m);
      }
      continue;
    }
    RunPromQueriesEach(queries, **client, *live.clock, live.retry,
                       [&](size_t i, absl::StatusOr<PromResult>&& result) {
                         const size_t m = owner[i];
                         if (!result.ok()) {
                           if (failed[m].ok()) failed[m] = result.status();
                         } else if (result->type != PromResult::Type::kMatrix) {
                           if (failed[m].ok()) {
                             failed[m] = absl::InvalidArgumentError(
                                 "the range query did not return a matrix");
                           }
                         } else {
                           series_read += result->matrix.size();
                           for (const Series& s : result->matrix) {
                             points_read += s.points.size();
                           }
                           parts[m][i - first_of[m]] = *std::move(result);
                         }
                         if (--missing[m] == 0) done(m);
                       });
    sent += queries.size();
  }
  if (TraceEnabled()) {
    TraceEvent(absl::StrCat("backtest-read queries=", sent, " series=", series_read,
                            " points=", points_read));
  }
  run.result = ReplayGates(span, run.tracks);
  TraceEvent("backtest-replayed");
  return run;
}

// The HTML page: `report`'s page for the span (each rule as its worst
// outcome over the span, charted from its values at every step), to which
// the reports add the timeline bands.
RunResult PageOf(const SpanRun& span_run, const BacktestOptions& options) {
  const BacktestSpan& span = span_run.result.span;
  RunResult page;
  page.command = "backtest";
  page.eval_time = span.At(span.steps > 0 ? span.steps - 1 : 0);
  page.started = span.from;
  page.window = page.eval_time - span.from;
  page.tool_version = kVersion;
  page.tool_commit = kGitCommit;
  page.settings = VisibleSettings(options.settings, options.secret_names);
  page.gates = span_run.skeletons;
  for (size_t gi = 0; gi < page.gates.size(); ++gi) {
    GateResult& g = page.gates[gi];
    g.verdict = Outcome::kPass;
    for (size_t ri = 0; ri < g.rules.size(); ++ri) {
      RuleResult& r = g.rules[ri];
      const RuleTrack& t = span_run.tracks[gi].rules[ri];
      const BacktestRuleResult& br = span_run.result.gates[gi].rules[ri];
      Outcome worst = Outcome::kPass;
      size_t worst_at = 0;
      for (size_t i = 0; i < t.outcomes.size(); ++i) {
        if (t.outcomes[i] > worst) {
          worst = t.outcomes[i];
          worst_at = i;
        }
      }
      r.outcome = worst;
      if (t.artifact) {
        r.reason = absl::StrCat(r.reason, " (artifact: evaluated once, no history)");
        continue;
      }
      r.reason = worst == Outcome::kPass
                     ? std::string("passed at every step")
                     : absl::StrCat(Sv(OutcomeName(worst)), " first at ",
                                    Rfc3339Utc(span.At(worst_at)), " (",
                                    t.reasons[worst_at], "); failing ",
                                    FormatNumberShort(std::round(br.fraction_failing * 1000) / 10), "%",
                                    " of the span");
      // Observed: the value at the step that decided the rule's outcome.
      r.series.clear();
      if (worst_at < t.values.size() && !std::isnan(t.values[worst_at])) {
        SeriesResult sr;
        sr.labels = t.labels[worst_at];
        sr.value = t.values[worst_at];
        sr.outcome = worst;
        r.series.push_back(std::move(sr));
      }
      if (t.values.empty()) continue;
      Series s;
      for (size_t i = 0; i < t.values.size(); ++i) {
        if (!std::isnan(t.values[i])) s.points.push_back({span.At(i), t.values[i]});
      }
      if (span_run.as_written.count({gi, ri}) > 0) {
        // An empty read cannot tell a condition that never held from no
        // data at all: say both (--all-values tells them apart).
        absl::StrAppend(&r.reason,
                        s.points.empty() ? "; no series at any step: the condition never "
                                           "held, or there was no data"
                                         : "; charted where the condition held",
                        " (the expression is read as written; --all-values charts "
                        "every step's value)");
      }
      if (!s.points.empty()) r.history.push_back(std::move(s));
      r.history_start = span.from;
      r.history_step_seconds = absl::ToDoubleSeconds(span.step);
    }
    for (const RuleResult& r : g.rules) {
      if (!r.dry_run) g.verdict = Worst(g.verdict, r.outcome);
    }
  }
  page.verdict = RunVerdict(page.gates);
  return page;
}

}  // namespace

// Whether the rule's history is read as written, comparison included, as
// Prometheus and vmalert evaluate an alerting rule: only the steps where the
// condition holds come back, a fraction of the points. That is exact for an
// alert rule with a top-level comparison and neither a no_data nor a nan
// policy: a series the comparison drops (NaN included) is not firing, which
// is what reading it unfiltered judges too. Not with `series: any`: the
// passing series it would drop are what let such a rule pass. `all_values`
// (--all-values)
// reads the expression without its comparison, so the charts show every
// step's value.
bool ReadsAsWritten(const Rule& rule, bool all_values) {
  return !all_values && rule.kind == Rule::Kind::kAlert && rule.condition.has_value() &&
         !rule.policies.no_data_set && !rule.policies.nan_set && !rule.policies.series_any;
}

absl::StatusOr<std::vector<Deploy>> ParseDeploys(std::string_view text,
                                                 std::string_view path) {
  const size_t invalid = FindInvalidUtf8(text);
  const size_t nul = text.find('\0');
  if (invalid != std::string_view::npos || nul != std::string_view::npos) {
    const size_t at = std::min(invalid, nul);
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(path), ":", 1 + std::count(text.begin(), text.begin() + at, '\n'),
        ": not a text file (", at == nul ? "a NUL byte" : "invalid UTF-8", " at byte ",
        at, "): expected one deploy time a line (RFC 3339, e.g. 2026-11-24T14:05:00Z, "
        "or unix seconds) then an optional label"));
  }
  std::vector<Deploy> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(Sv(text), '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find_first_of(" \t");
    std::string time(line.substr(0, space));
    std::optional<absl::Time> at = ParseEvalTime(time);
    if (!at.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Sv(path), ":", line_no, ": expected a deploy time (RFC 3339, e.g. "
          "2026-11-24T14:05:00Z, or unix seconds) then an optional label, got \"",
          absl::CHexEscape(time.substr(0, 64)), time.size() > 64 ? "…" : "", "\""));
    }
    Deploy d;
    d.at = *at;
    if (space != absl::string_view::npos) {
      d.label = std::string(absl::StripAsciiWhitespace(line.substr(space)));
    }
    out.push_back(std::move(d));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(path), ": no deploy in the file (one RFC 3339 time a line)"));
  }
  return out;
}

int RunBacktest(const BacktestOptions& options, const CommandEnv& env) {
  auto usage = [&](std::string_view message) {
    *env.err << "aurora-gate backtest: " << Sv(message)
             << " (see aurora-gate backtest --help)\n";
    return kExitUsage;
  };
  if (options.gate_files.empty()) return usage("no gate file given");
  if (options.step <= absl::ZeroDuration()) return usage("--step must be positive");
  if (options.deploys_file.empty()) {
    if (!options.from.has_value() || !options.to.has_value()) {
      return usage("give --from and --to (or --deploys FILE)");
    }
    if (*options.to <= *options.from) return usage("--to must be after --from");
  } else if (options.window <= absl::ZeroDuration()) {
    return usage("--window must be positive");
  }
  std::vector<Deploy> deploys;
  if (!options.deploys_file.empty()) {
    absl::StatusOr<std::string> text = env.files->ReadFile(options.deploys_file);
    if (!text.ok()) {  // the message names the file
      *env.err << "aurora-gate backtest: --deploys: " << text.status().message() << "\n";
      return kExitUsage;
    }
    absl::StatusOr<std::vector<Deploy>> parsed =
        ParseDeploys(*text, options.deploys_file);
    if (!parsed.ok()) {
      *env.err << "aurora-gate backtest: " << parsed.status().message() << "\n";
      return kExitUsage;
    }
    deploys = *std::move(parsed);
  }
  VarLookup vars = SettingsThenEnvironment(options.settings);
  std::vector<GateFile> gates;
  if (!LoadAll(options.gate_files, vars, env, &gates, options.actions_file)) {
    *env.err << "aurora-gate: gate file errors; nothing was evaluated\n";
    return kExitUsage;
  }
  TraceEvent("gate-files-loaded");
  LiveContext live =
      CommandLiveContext(env, options.max_concurrency,
                         options.max_response_bytes, options.prometheus_url);

  auto span_of = [&](absl::Time from, absl::Time to) {
    BacktestSpan span;
    span.from = absl::FromUnixMillis(absl::ToUnixMillis(from));
    span.step = options.step;
    span.steps = static_cast<size_t>((to - span.from) / options.step) + 1;
    return span;
  };
  BacktestRun result;
  std::optional<SpanRun> main_run;
  if (options.from.has_value() && options.to.has_value()) {
    main_run = RunSpan(gates, span_of(*options.from, *options.to), live, env,
                       options.all_values, &result.errors);
    result.span = main_run->result;
  }
  for (const Deploy& d : deploys) {
    SpanRun r = RunSpan(gates, span_of(d.at, d.at + options.window), live, env,
                        options.all_values, &result.errors);
    result.deploys.push_back({d, options.window, std::move(r.result)});
  }
  result.exit_code = BacktestExitCode(result);
  *env.out << RenderBacktestText(result);
  bool io_ok = true;
  auto write = [&](const std::string& path, const std::string& contents) {
    if (path.empty()) return;
    if (absl::Status st = WriteOutputFile(path, contents); !st.ok()) {
      *env.err << "aurora-gate backtest: cannot write " << path << ": "
               << st.message() << "\n";
      io_ok = false;
    }
  };
  write(options.json_path, options.json_path.empty() ? "" : RenderBacktestJson(result));
  write(options.markdown_path,
        options.markdown_path.empty() ? "" : RenderBacktestMarkdown(result));
  if (!options.html_path.empty()) {
    if (main_run.has_value()) {
      write(options.html_path, RenderBacktestHtml(result, PageOf(*main_run, options)));
    } else {
      RunResult page;  // --deploys only: no span to chart
      page.command = "backtest";
      page.eval_time = deploys.back().at + options.window;
      page.started = deploys.front().at;
      page.tool_version = kVersion;
      page.tool_commit = kGitCommit;
      write(options.html_path, RenderBacktestHtml(result, page));
    }
  }
  TraceEvent("reports-written");
  if (!io_ok && result.exit_code == kExitPass) return kExitUndecided;
  return result.exit_code;
}

}  // namespace aurora
