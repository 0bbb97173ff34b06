#include "reports/junit_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "pugixml.hpp"
#include "reports/breakdown_text.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"
#include "reports/watch_report.h"

namespace aurora {
namespace {

// Series listed in a message attribute / in the element text.
constexpr size_t kMessageSeries = 3;
constexpr size_t kTextSeries = 50;
// Windy Road requires a hostname; it says to use "localhost" when unknown.
constexpr char kUnknownHostname[] = "localhost";

void SetAttr(pugi::xml_node node, const char* name, std::string_view value) {
  node.append_attribute(name).set_value(ToXmlText(value).c_str());
}

void SetText(pugi::xml_node node, std::string_view text) {
  node.append_child(pugi::node_pcdata).set_value(ToXmlText(text).c_str());
}

// xs:token with minLength 1 (Windy Road's suite name, property name): a
// value that is blank after whitespace collapsing is replaced by `fallback`.
std::string NonBlankToken(std::string_view s, std::string_view fallback) {
  if (absl::StripAsciiWhitespace(Sv(s)).empty()) return std::string(fallback);
  return std::string(s);
}

// Seconds as both XSDs accept: xs:decimal (Windy Road) and Jenkins'
// SUREFIRE_TIME (at most three decimals, no sign, no exponent).
std::string Seconds(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string RuleTitle(const RuleResult& rule) {
  return rule.group.empty() ? rule.name
                            : absl::StrCat(rule.group, "/", rule.name);
}

// "observed 0.62 vs pass: <= 0.5" / "observed {a="1"} 0.62 → fail, … and 2
// more vs …" / "observed no data vs …".
std::string ObservedVsCriteria(const RuleResult& rule) {
  std::string observed;
  if (rule.series.empty()) {
    observed = "no data";
  } else if (rule.series.size() == 1) {
    observed = SeriesText(rule.series.front(), rule.unit);
  } else {
    const std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
    std::vector<std::string> parts;
    for (size_t i = 0; i < series.size() && i < kMessageSeries; ++i) {
      parts.push_back(absl::StrCat(SeriesText(*series[i], rule.unit), " → ",
                                   Sv(OutcomeName(series[i]->outcome))));
    }
    if (series.size() > kMessageSeries) {
      parts.push_back(
          absl::StrCat("… and ", series.size() - kMessageSeries, " more"));
    }
    observed = absl::StrJoin(parts, ", ");
  }
  const std::string criteria = CriteriaText(rule);
  return absl::StrCat("observed ", observed, " vs ",
                      criteria.empty() ? "no criteria" : criteria);
}

// "; findings: high bandit B602 at a.py:9, … and 4 more" for a security
// rule that names the findings behind it; "" otherwise.
std::string FindingsInMessage(const RuleResult& rule) {
  if (rule.findings.empty()) return "";
  std::vector<std::string> parts;
  for (size_t i = 0; i < rule.findings.size() && i < kMessageSeries; ++i) {
    FindingResult f = rule.findings[i];
    f.title.clear();  // the message stays short; Details has the titles
    parts.push_back(FindingText(f));
  }
  if (rule.findings_total > parts.size()) {
    parts.push_back(absl::StrCat("… and ", rule.findings_total - parts.size(), " more"));
  }
  return absl::StrCat("; findings: ", absl::StrJoin(parts, ", "));
}

std::string Message(std::string_view prefix, const RuleResult& rule) {
  std::string out(prefix);
  if (!rule.reason.empty()) absl::StrAppend(&out, rule.reason, " — ");
  absl::StrAppend(&out, ObservedVsCriteria(rule), FindingsInMessage(rule));
  return ToSingleLine(out);
}

// The findings behind a security rule, one a line, worst first.
void AppendFindings(const RuleResult& rule, std::string* out) {
  if (rule.findings_total == 0) return;
  absl::StrAppend(out, "\nfindings (", rule.findings_total, ", worst first):");
  for (const FindingResult& f : rule.findings) {
    absl::StrAppend(out, "\n  ", ToSingleLine(FindingText(f)));
  }
  if (rule.findings_total > rule.findings.size()) {
    absl::StrAppend(out, "\n  … and ", rule.findings_total - rule.findings.size(),
                    " more");
  }
}

// Everything a reader of a failed case needs, one fact a line.
std::string Details(const GateResult& gate, const RuleResult& rule) {
  std::string out;
  absl::StrAppend(&out, "gate: ", gate.name);
  if (!gate.file.empty()) absl::StrAppend(&out, " (", gate.file, ")");
  absl::StrAppend(&out, "\nrule: ", RuleTitle(rule));
  if (rule.line > 0) absl::StrAppend(&out, " (line ", rule.line, ")");
  absl::StrAppend(&out, "\noutcome: ", Sv(OutcomeName(rule.outcome)),
                  rule.dry_run ? " (dry run, does not decide)" : "");
  absl::StrAppend(&out, "\nreason: ", rule.reason);
  absl::StrAppend(&out, "\nsource: ", rule.source, " (", rule.source_type, ")");
  if (!rule.source_detail.empty())
    absl::StrAppend(&out, " ", rule.source_detail);
  absl::StrAppend(&out, "\nexpr: ", rule.expr);
  absl::StrAppend(&out, "\nquery: ", rule.query);
  const std::string criteria = CriteriaText(rule);
  absl::StrAppend(&out, "\ncriteria: ", criteria.empty() ? "none" : criteria);
  if (!rule.for_duration.empty())
    absl::StrAppend(&out, "\nfor: ", rule.for_duration);
  if (!rule.step.empty()) absl::StrAppend(&out, "\nstep: ", rule.step);
  if (!rule.baseline_source.empty()) {
    absl::StrAppend(&out, "\nbaseline: ", rule.baseline_source,
                    rule.baseline_missing ? " (missing)" : "");
  }
  absl::StrAppend(&out, "\nseries:");
  if (rule.series.empty()) out += " none (no data)";
  const std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
  for (size_t i = 0; i < series.size() && i < kTextSeries; ++i) {
    absl::StrAppend(&out, "\n  ", ToSingleLine(SeriesText(*series[i], rule.unit)), " → ",
                    Sv(OutcomeName(series[i]->outcome)));
    if (!series[i]->reason.empty()) {
      absl::StrAppend(&out, ": ", ToSingleLine(series[i]->reason));
    }
  }
  if (series.size() > kTextSeries) {
    absl::StrAppend(&out, "\n  … and ", series.size() - kTextSeries, " more");
  }
  for (const std::string& w : rule.warnings) {
    absl::StrAppend(&out, "\nwarning: ", ToSingleLine(w));
  }
  AppendFindings(rule, &out);
  out += "\n";
  return out;
}

struct SuiteCounts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  double time = 0;
};

// A watch: the rule tripped a stop condition. One <failure type="tripped">
// (<error> when it only tripped for not being evaluable) whatever the last
// cycle says, with the times; the text has each incident's timeline, then
// the rule as last evaluated.
void AppendTripped(pugi::xml_node tc, const GateResult& gate,
                   const RuleResult& rule,
                   const std::vector<RuleIncident>& incidents,
                   SuiteCounts* counts) {
  bool error_only = true;
  std::vector<std::string> parts;
  std::string text;
  for (const RuleIncident& ri : incidents) {
    const WatchIncident& i = *ri.incident;
    if (i.on != "error") error_only = false;
    parts.push_back(absl::StrCat(IncidentTrippedText(i), " (value ",
                                 IncidentValueText(i, *ri.rule), "), ",
                                 IncidentResolvedText(i)));
    for (const std::string& line : IncidentTimeline(i)) {
      absl::StrAppend(&text, line, "\n");
    }
    text += "\n";
  }
  absl::StrAppend(&text, "last cycle:\n", Details(gate, rule));
  pugi::xml_node n = tc.append_child(error_only ? "error" : "failure");
  SetAttr(n, "type", "tripped");
  SetAttr(n, "message",
          ToSingleLine(absl::StrCat("stop condition ", absl::StrJoin(parts, "; "))));
  SetText(n, text);
  if (error_only) {
    ++counts->errors;
  } else {
    ++counts->failures;
  }
}

// Appends the rule's <testcase> and counts it.
void AppendCase(pugi::xml_node suite, const RunResult& run,
                const GateResult& gate, const RuleResult& rule,
                SuiteCounts* counts) {
  const bool strict = run.strict;
  pugi::xml_node tc = suite.append_child("testcase");
  SetAttr(tc, "name", rule.name);
  SetAttr(tc, "classname",
          rule.group.empty() ? gate.name
                             : absl::StrCat(gate.name, ".", rule.group));
  const std::string time = Seconds(rule.duration_seconds);
  SetAttr(tc, "time", time);
  ++counts->tests;
  counts->time += std::stod(time);

  const auto child = [&](const char* element, const char* type,
                         std::string message) {
    pugi::xml_node n = tc.append_child(element);
    // Windy Road requires `type` on failure and error and allows none on
    // skipped.
    if (type != nullptr) SetAttr(n, "type", type);
    SetAttr(n, "message", message);
    SetText(n, Details(gate, rule));
  };
  if (!rule.dry_run) {
    const std::vector<RuleIncident> incidents = IncidentsOfRule(run, gate, rule);
    if (!incidents.empty()) {
      AppendTripped(tc, gate, rule, incidents, counts);
      return;
    }
  }
  if (rule.dry_run) {
    ++counts->skipped;
    child("skipped", nullptr,
          Message(absl::StrCat("dry run, would be ",
                               Sv(OutcomeName(rule.outcome)), ": "),
                  rule));
    return;
  }
  switch (rule.outcome) {
    case Outcome::kPass:
      return;
    case Outcome::kWarn:
    case Outcome::kPending:
      if (strict) {
        ++counts->failures;
        child("failure", OutcomeName(rule.outcome).data(),
              Message(
                  absl::StrCat(Sv(OutcomeName(rule.outcome)), " (strict): "),
                  rule));
        return;
      }
      // It passes, and says so where a test tab shows a case's output.
      SetText(tc.append_child("system-out"),
              absl::StrCat(
                  Message(absl::StrCat(absl::AsciiStrToUpper(Sv(
                                           OutcomeName(rule.outcome))),
                                       " (does not fail the run): "),
                          rule),
                  "\n", Details(gate, rule)));
      return;
    case Outcome::kInconclusive:
      // Undecided is not a pass: an error, so a test tab is not green on a
      // run that exits 3.
      ++counts->errors;
      child("error", "inconclusive", Message("inconclusive: ", rule));
      return;
    case Outcome::kError:
      ++counts->errors;
      child("error", "error", Message("", rule));
      return;
    case Outcome::kFail:
      ++counts->failures;
      child("failure", "fail", Message("", rule));
      return;
  }
}

void AddProperty(pugi::xml_node props, std::string_view name,
                 std::string_view value) {
  pugi::xml_node p = props.append_child("property");
  SetAttr(p, "name", name);
  SetAttr(p, "value", value);
}

void AppendSuite(pugi::xml_node root, const RunResult& run,
                 const GateResult& gate, int id) {
  pugi::xml_node suite = root.append_child("testsuite");
  const std::string name = NonBlankToken(gate.name, "aurora-gate");
  SetAttr(suite, "name", name);
  // Windy Road: a <testsuite> inside <testsuites> needs package and id.
  SetAttr(suite, "package", name);
  SetAttr(suite, "id", absl::StrCat(id));
  // Filled in once the cases are counted; created now to keep the order.
  pugi::xml_attribute tests = suite.append_attribute("tests");
  pugi::xml_attribute failures = suite.append_attribute("failures");
  pugi::xml_attribute errors = suite.append_attribute("errors");
  pugi::xml_attribute skipped = suite.append_attribute("skipped");
  pugi::xml_attribute time = suite.append_attribute("time");
  // Windy Road's timestamp has no zone; ours is always UTC.
  const absl::Time started = (run.started == absl::InfiniteFuture() ||
                              run.started == absl::InfinitePast())
                                 ? absl::UnixEpoch()
                                 : run.started;
  SetAttr(suite, "timestamp",
          absl::FormatTime("%Y-%m-%dT%H:%M:%S", started, absl::UTCTimeZone()));
  SetAttr(suite, "hostname",
          run.hostname.empty() ? kUnknownHostname : run.hostname);

  pugi::xml_node props = suite.append_child("properties");
  const int exit_code = ExitCode(run);
  const auto add_if = [&](std::string_view n, std::string_view v) {
    if (!v.empty()) AddProperty(props, n, v);
  };
  add_if("aurora.gate.title", gate.title);
  add_if("aurora.gate.file", gate.file);
  add_if("aurora.gate.file_sha256", gate.file_sha256);
  add_if("aurora.gate.verdict", OutcomeName(gate.verdict));
  add_if("aurora.run.verdict", OutcomeName(run.verdict));
  add_if("aurora.run.exit_code", absl::StrCat(exit_code));
  add_if("aurora.run.strict", run.strict ? "true" : "false");
  add_if("aurora.run.eval_time", Rfc3339Utc(run.eval_time));
  add_if("aurora.run.started", Rfc3339Utc(run.started));
  if (run.watch.has_value()) {
    add_if("aurora.watch.started", Rfc3339Utc(run.watch->started));
    add_if("aurora.watch.ended", Rfc3339Utc(run.watch->ended));
    add_if("aurora.watch.cycles", absl::StrCat(run.watch->cycles));
    add_if("aurora.watch.incidents", absl::StrCat(run.watch->incidents.size()));
  }
  add_if("aurora.tool.version", run.tool_version);
  add_if("aurora.tool.commit", run.tool_commit);
  for (const auto& [k, v] : run.settings) {
    if (absl::StripAsciiWhitespace(k).empty()) continue;
    AddProperty(props, absl::StrCat("aurora.setting.", k), v);
  }

  SuiteCounts counts;
  for (const RuleResult& rule : gate.rules) {
    AppendCase(suite, run, gate, rule, &counts);
  }
  tests.set_value(counts.tests);
  failures.set_value(counts.failures);
  errors.set_value(counts.errors);
  skipped.set_value(counts.skipped);
  time.set_value(Seconds(counts.time).c_str());

  // One line per rule, so warn and pending (which pass) are still visible;
  // a watch says its verdict and incidents first, then names the last cycle.
  std::string out;
  if (run.watch.has_value()) {
    absl::StrAppend(&out, WatchVerdictText(run), "\n");
    for (const WatchIncident& i : run.watch->incidents) {
      if (i.gate_file != gate.file || i.gate != gate.name) continue;
      for (const std::string& line : IncidentTimeline(i)) {
        absl::StrAppend(&out, "  ", ToSingleLine(line), "\n");
      }
    }
    absl::StrAppend(&out, LastCycleText(run), "\n");
  }
  absl::StrAppend(&out, "gate ", gate.name, ": ", Sv(OutcomeName(gate.verdict)),
                  " — ", CountsText(CountRules(gate)), "\n");
  for (const RuleResult& rule : gate.rules) {
    absl::StrAppend(&out, rule.dry_run ? "[dry-run " : "[",
                    Sv(OutcomeName(rule.outcome)), "] ", RuleTitle(rule));
    if (!rule.reason.empty()) absl::StrAppend(&out, ": ", rule.reason);
    out += "\n";
    for (const std::string& w : rule.warnings) {
      absl::StrAppend(&out, "  warning: ", ToSingleLine(w), "\n");
    }
  }
  SetText(suite.append_child("system-out"), out);
  // Windy Road requires the element, even empty.
  suite.append_child("system-err");
}

}  // namespace

std::string RenderJunit(const RunResult& run) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("UTF-8");
  // Windy Road allows no attributes on <testsuites>; the counts are on each
  // suite, where Jenkins, GitLab and GitHub reporters read them.
  pugi::xml_node root = doc.append_child("testsuites");
  int id = 0;
  for (const GateResult& gate : run.gates) AppendSuite(root, run, gate, id++);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  return out.str();
}

}  // namespace aurora
