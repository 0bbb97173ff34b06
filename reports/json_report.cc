#include "reports/json_report.h"

#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "base/number_format.h"
#include "base/units.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "reports/json_writing.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"

namespace aurora {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void Key(Writer& w, std::string_view key) { JsonKey(w, key); }
void String(Writer& w, std::string_view s) { JsonString(w, s); }

// Finite → JSON number in FormatNumber's shortest form; otherwise the
// strings "NaN", "+Inf", "-Inf" (which FormatNumber also produces).
void Number(Writer& w, double v) {
  const std::string text = FormatNumber(v);
  if (std::isfinite(v)) {
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  } else {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  }
}

void Time(Writer& w, absl::Time t) {
  const std::string text = Rfc3339Utc(t);
  if (text.empty()) {
    w.Null();
  } else {
    String(w, text);
  }
}

void StringArray(Writer& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const std::string& s : items) String(w, s);
  w.EndArray();
}

void StringMap(Writer& w, const std::map<std::string, std::string>& m) {
  JsonStringMap(w, m);
}

void LabelsObject(Writer& w, const Labels& labels) {
  w.StartObject();
  for (const auto& [k, v] : labels.pairs()) {
    Key(w, ToValidUtf8(k));
    String(w, v);
  }
  w.EndObject();
}

void Counts(Writer& w, const OutcomeCounts& counts) {
  w.StartObject();
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kPending,
                    Outcome::kInconclusive, Outcome::kError, Outcome::kFail}) {
    Key(w, OutcomeName(o));
    w.Int(counts.of(o));
  }
  Key(w, "dry_run");
  w.Int(counts.dry_run);
  Key(w, "total");
  w.Int(counts.total);
  w.EndObject();
}

void Series(Writer& w, const SeriesResult& s) {
  w.StartObject();
  Key(w, "labels");
  LabelsObject(w, s.labels);
  Key(w, "value");
  Number(w, s.value);
  Key(w, "baseline");
  if (s.baseline) {
    Number(w, *s.baseline);
  } else {
    w.Null();
  }
  Key(w, "outcome");
  String(w, OutcomeName(s.outcome));
  Key(w, "reason");
  String(w, s.reason);
  if (!s.annotations.empty()) {
    Key(w, "annotations");
    StringMap(w, s.annotations);
  }
  if (s.baseline) {
    Key(w, "delta");
    Number(w, s.value - *s.baseline);
    if (std::optional<double> change = ChangePercent(s.value, *s.baseline)) {
      Key(w, "change_percent");
      Number(w, *change);
    }
  }
  w.EndObject();
}

void Finding(Writer& w, const FindingResult& f) {
  w.StartObject();
  Key(w, "severity");
  String(w, f.severity);
  Key(w, "tool");
  String(w, f.tool);
  Key(w, "category");
  String(w, f.category);
  Key(w, "rule");
  String(w, f.rule);
  Key(w, "file");
  String(w, f.file);
  Key(w, "line");
  w.Int(f.line);
  Key(w, "package");
  String(w, f.package);
  Key(w, "title");
  String(w, f.title);
  w.EndObject();
}

void Findings(Writer& w, const std::vector<FindingResult>& findings) {
  w.StartArray();
  for (const FindingResult& f : findings) Finding(w, f);
  w.EndArray();
}

void MutationModule(Writer& w, const MutationModuleResult& m) {
  w.StartObject();
  Key(w, "module");
  String(w, m.module);
  Key(w, "score_percent");
  Number(w, m.score_percent);
  Key(w, "covered_percent");
  Number(w, m.covered_percent);
  Key(w, "total");
  Number(w, m.total);
  Key(w, "mutants");
  w.StartObject();
  for (const auto& [status, n] : m.mutants) {
    Key(w, ToValidUtf8(status));
    Number(w, n);
  }
  w.EndObject();
  w.EndObject();
}

// A mutation or security source's tables (issue 13.6).
void Breakdown(Writer& w, const SourceBreakdown& b) {
  w.StartObject();
  Key(w, "source");
  String(w, b.name);
  Key(w, "type");
  String(w, b.type);
  Key(w, "detail");
  String(w, b.detail);
  if (b.mutation) {
    Key(w, "mutation");
    w.StartObject();
    Key(w, "total");
    MutationModule(w, b.mutation->total);
    Key(w, "modules");
    w.StartArray();
    for (const MutationModuleResult& m : b.mutation->modules) MutationModule(w, m);
    w.EndArray();
    w.EndObject();
  }
  if (b.security) {
    Key(w, "security");
    w.StartObject();
    Key(w, "tools");
    StringArray(w, b.security->tools);
    Key(w, "by_severity");
    w.StartArray();
    for (const auto& row : b.security->by_severity) {
      w.StartObject();
      Key(w, "severity");
      String(w, row.severity);
      Key(w, "findings");
      Number(w, row.findings);
      Key(w, "ignored");
      Number(w, row.ignored);
      w.EndObject();
    }
    w.EndArray();
    Key(w, "findings_total");
    w.Uint64(b.security->findings_total);
    Key(w, "top_findings");
    Findings(w, b.security->top);
    w.EndObject();
  }
  w.EndObject();
}

// A live rule's series over the report window (`report`).
void History(Writer& w, const RuleResult& r) {
  Key(w, "history");
  w.StartObject();
  Key(w, "start");
  Time(w, r.history_start);
  Key(w, "step_seconds");
  Number(w, r.history_step_seconds);
  Key(w, "series");
  w.StartArray();
  for (const auto& series : r.history) {
    w.StartObject();
    Key(w, "labels");
    LabelsObject(w, series.labels);
    Key(w, "points");
    w.StartArray();
    for (const Point& p : series.points) {
      w.StartArray();
      Number(w, static_cast<double>(absl::ToUnixMillis(p.timestamp)) / 1000.0);
      Number(w, p.value);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void Rule(Writer& w, const RuleResult& r) {
  w.StartObject();
  Key(w, "name");
  String(w, r.name);
  Key(w, "group");
  String(w, r.group);
  Key(w, "kind");
  String(w, r.kind);
  Key(w, "line");
  w.Int(r.line);
  Key(w, "outcome");
  String(w, OutcomeName(r.outcome));
  Key(w, "dry_run");
  w.Bool(r.dry_run);
  Key(w, "reason");
  String(w, r.reason);
  Key(w, "severity");
  String(w, r.severity);
  Key(w, "source");
  w.StartObject();
  Key(w, "name");
  String(w, r.source);
  Key(w, "type");
  String(w, r.source_type);
  Key(w, "detail");
  String(w, r.source_detail);
  w.EndObject();
  Key(w, "expr");
  String(w, r.expr);
  Key(w, "query");
  String(w, r.query);
  Key(w, "criteria");
  w.StartObject();
  Key(w, "pass");
  StringArray(w, r.pass);
  Key(w, "warn");
  StringArray(w, r.warn);
  Key(w, "fail");
  StringArray(w, r.fail);
  w.EndObject();
  Key(w, "for");
  String(w, r.for_duration);
  if (!r.step.empty()) {
    Key(w, "step");
    String(w, r.step);
  }
  Key(w, "baseline");
  w.StartObject();
  Key(w, "source");
  String(w, r.baseline_source);
  Key(w, "missing");
  w.Bool(r.baseline_missing);
  w.EndObject();
  Key(w, "series");
  w.StartArray();
  for (const SeriesResult& s : r.series) Series(w, s);
  w.EndArray();
  Key(w, "warnings");
  StringArray(w, r.warnings);
  Key(w, "labels");
  StringMap(w, r.labels);
  Key(w, "annotations");
  StringMap(w, r.annotations);
  Key(w, "duration_seconds");
  Number(w, r.duration_seconds);
  if (!r.history.empty()) History(w, r);
  Key(w, "unit");
  String(w, r.unit);
  if (r.findings_total > 0) {
    Key(w, "findings");
    Findings(w, r.findings);
    Key(w, "findings_total");
    w.Uint64(r.findings_total);
  }
  w.EndObject();
}

void Gate(Writer& w, const GateResult& g) {
  w.StartObject();
  Key(w, "name");
  String(w, g.name);
  Key(w, "title");
  String(w, g.title);
  Key(w, "file");
  String(w, g.file);
  Key(w, "file_sha256");
  String(w, g.file_sha256);
  Key(w, "verdict");
  String(w, OutcomeName(g.verdict));
  Key(w, "counts");
  Counts(w, CountRules(g));
  Key(w, "rules");
  w.StartArray();
  for (const RuleResult& r : g.rules) Rule(w, r);
  w.EndArray();
  if (!g.breakdowns.empty()) {
    Key(w, "breakdowns");
    w.StartArray();
    for (const SourceBreakdown& b : g.breakdowns) Breakdown(w, b);
    w.EndArray();
  }
  w.EndObject();
}

void OptionalNumber(Writer& w, const std::optional<double>& v) {
  if (v.has_value()) {
    Number(w, *v);
  } else {
    w.Null();
  }
}

// `watch`: its span and incidents (the gates are its last cycle).
void Watch(Writer& w, const WatchSummary& watch) {
  w.StartObject();
  Key(w, "started");
  Time(w, watch.started);
  Key(w, "ended");
  Time(w, watch.ended);
  Key(w, "interval_seconds");
  Number(w, absl::ToDoubleSeconds(watch.interval));
  Key(w, "cycles");
  w.Int(watch.cycles);
  Key(w, "interrupted");
  w.Bool(watch.interrupted);
  Key(w, "incidents");
  w.StartArray();
  for (const WatchIncident& i : watch.incidents) {
    w.StartObject();
    Key(w, "gate");
    String(w, i.gate);
    Key(w, "gate_file");
    String(w, i.gate_file);
    Key(w, "transition");
    String(w, i.on);
    Key(w, "tripped_at");
    Time(w, i.tripped_at);
    // null: still tripped when the watch ended, or escalated
    Key(w, "resolved_at");
    Time(w, i.escalated ? absl::InfiniteFuture() : i.resolved_at);
    // when the gate's fail incident superseded this error one; null if not
    Key(w, "escalated_at");
    Time(w, i.escalated ? i.resolved_at : absl::InfiniteFuture());
    Key(w, "continued");
    w.Bool(i.continued);
    Key(w, "why");
    String(w, i.why);
    Key(w, "incident_key");
    String(w, i.incident_key);
    Key(w, "rules");
    w.StartArray();
    for (const IncidentRule& r : i.rules) {
      w.StartObject();
      Key(w, "group");
      String(w, r.group);
      Key(w, "name");
      String(w, r.name);
      Key(w, "outcome");
      String(w, OutcomeName(r.outcome));
      Key(w, "value");
      OptionalNumber(w, r.value);
      Key(w, "labels");
      LabelsObject(w, r.labels);
      Key(w, "reason");
      String(w, r.reason);
      w.EndObject();
    }
    w.EndArray();
    Key(w, "actions");
    w.StartArray();
    for (const WatchActionResult& a : i.actions) {
      w.StartObject();
      Key(w, "action");
      String(w, a.action);
      Key(w, "transition");
      String(w, a.on);
      Key(w, "fired_at");
      Time(w, a.fired_at);
      Key(w, "idempotency_key");
      String(w, a.idempotency_key);
      Key(w, "outcome");
      String(w, a.outcome);
      Key(w, "attempts");
      w.Int(a.attempts);
      Key(w, "detail");
      String(w, a.detail);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string RenderJson(const RunResult& run) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  Key(w, "schema");
  String(w, kJsonReportSchema);
  Key(w, "tool");
  w.StartObject();
  Key(w, "name");
  String(w, "aurora-gate");
  Key(w, "version");
  String(w, run.tool_version);
  Key(w, "commit");
  String(w, run.tool_commit);
  w.EndObject();
  Key(w, "verdict");
  String(w, OutcomeName(run.verdict));
  const int exit_code = ExitCode(run);
  Key(w, "exit_code");
  w.Int(exit_code);
  Key(w, "exit_meaning");
  String(w, ExitMeaning(exit_code));
  Key(w, "strict");
  w.Bool(run.strict);
  Key(w, "eval_time");
  Time(w, run.eval_time);
  Key(w, "started");
  Time(w, run.started);
  Key(w, "duration_seconds");
  Number(w, run.duration_seconds);
  Key(w, "settings");
  StringMap(w, run.settings);
  if (!run.action_problems.empty()) {
    Key(w, "action_problems");
    w.StartArray();
    for (const std::string& p : run.action_problems) String(w, p);
    w.EndArray();
  }
  if (run.window > absl::ZeroDuration()) {
    Key(w, "window_seconds");
    Number(w, absl::ToDoubleSeconds(run.window));
  }
  if (run.watch.has_value()) {
    Key(w, "watch");
    Watch(w, *run.watch);
  }
  Key(w, "counts");
  Counts(w, CountRules(run));
  Key(w, "gates");
  w.StartArray();
  for (const GateResult& g : run.gates) Gate(w, g);
  w.EndArray();
  w.EndObject();
  std::string out(buffer.GetString(), buffer.GetSize());
  out += "\n";
  return out;
}

}  // namespace aurora
