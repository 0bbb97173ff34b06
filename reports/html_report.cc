// File: reports/html_report.cc
// Over ~700 lines on purpose: the go-live page is one document (header,
// verdict, per-gate tables, charts, breakdowns, incident timeline) whose
// sections share escaping and layout helpers private to this file; styles
// are in reports/html_style.h and charts in reports/svg_chart.cc.
#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/units.h"
#include "base/strings.h"
#include "reports/breakdown_text.h"
#include "reports/html_style.h"
#include "reports/report_text.h"
#include "reports/rule_chart.h"
#include "reports/run_summary.h"
#include "reports/watch_report.h"
#include "rules/duration.h"
#include "rules/source_type.h"

namespace aurora {
namespace {

constexpr size_t kMaxCauses = 10;

std::string H(std::string_view s) { return ToHtmlText(s); }

// Text marks from DejaVu Sans / common system fonts (no emoji font needed);
// the outcome word is always written next to them.
std::string_view Mark(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "\xE2\x9C\x93";  // ✓
    case Outcome::kWarn:
      return "\xE2\x9A\xA0";  // ⚠
    case Outcome::kPending:
      return "\xE2\x97\xB7";  // ◷
    case Outcome::kInconclusive:
      return "?";
    case Outcome::kError:
      return "\xE2\x8A\x98";  // ⊘
    case Outcome::kFail:
      return "\xE2\x9C\x97";  // ✗
  }
  return "?";
}
constexpr std::string_view kDryRunMark = "\xE2\x97\x8C";  // ◌

std::string OutcomeBadge(Outcome o) {
  return absl::StrCat("<span class=\"badge ", Sv(OutcomeName(o)),
                      "\"><span class=\"mark\" aria-hidden=\"true\">",
                      Sv(Mark(o)), "</span> <span class=\"word\">",
                      Sv(OutcomeName(o)), "</span></span>");
}

std::string RuleTitle(const RuleResult& rule) {
  return rule.group.empty() ? rule.name
                            : absl::StrCat(rule.group, " / ", rule.name);
}

std::string RuleId(size_t g, size_t r) { return absl::StrCat("rule-", g, "-", r); }

struct Verdict {
  std::string_view word;   // GO, NO-GO, UNDECIDED
  std::string_view css;    // go, nogo, undecided
  std::string_view mark;
};

// The words are VerdictWord's (GO / NO-GO for report, PASS / FAIL for check
// and watch); the classes stay go / nogo / undecided for the styles.
Verdict VerdictOf(const RunResult& run) {
  switch (ExitCode(run)) {
    case 0:
      return {VerdictWord(run), "go", "\xE2\x9C\x93"};
    case 1:
      return {VerdictWord(run), "nogo", "\xE2\x9C\x97"};
    default:
      return {VerdictWord(run), "undecided", "?"};
  }
}

// Whether a rule is one of the causes of the run's verdict.
bool Causes(const RunResult& run, int exit_code, const RuleResult& rule) {
  if (rule.dry_run) return false;
  switch (exit_code) {
    case 0:
      return rule.outcome == Outcome::kWarn ||
             rule.outcome == Outcome::kPending;
    case 1:
      return rule.outcome == Outcome::kFail ||
             (run.strict && (rule.outcome == Outcome::kWarn ||
                             rule.outcome == Outcome::kPending));
    default:
      return rule.outcome == Outcome::kError ||
             rule.outcome == Outcome::kInconclusive;
  }
}

std::string VerdictReason(const RunResult& run, int exit_code,
                          const OutcomeCounts& counts) {
  const int deciding = counts.total - counts.dry_run;
  switch (exit_code) {
    case 0:
      if (run.verdict == Outcome::kPass) {
        return deciding == 0
                   ? std::string("No deciding rules.")
                   : absl::StrCat("All ", deciding, " deciding rule",
                                  deciding == 1 ? "" : "s", " pass.");
      }
      return absl::StrCat(
          "Passes with ", counts.of(Outcome::kWarn), " warn and ",
          counts.of(Outcome::kPending),
          " pending, allowed without --strict. Rules to watch:");
    case 1:
      if (run.verdict == Outcome::kFail) {
        return absl::StrCat(counts.of(Outcome::kFail), " rule",
                            counts.of(Outcome::kFail) == 1 ? "" : "s",
                            " fail", run.strict ? " (strict)" : "", ":");
      }
      return "Strict: warn and pending fail the run:";
    default:
      if (!run.action_problems.empty()) {
        return absl::StrCat("The rules say ", Sv(OutcomeName(run.verdict)),
                            ", but a rollback may be lost: the actions "
                            "below need a human.");
      }
      return absl::StrCat(
          "No decision: ", counts.of(Outcome::kError), " error and ",
          counts.of(Outcome::kInconclusive),
          " inconclusive (a source failed or had no data):");
  }
}

// What the rule's history says about the window, when it failed inside it
// although the verdict is the end-of-window decision; "" otherwise.
std::string WindowFailureText(const RunResult& run, const RuleResult& rule) {
  if (!HasChart(rule)) return "";
  return FailedSpansText(FailedSpans(rule, ChartStart(run, rule), run.eval_time));
}

void AppendBanner(const RunResult& run, std::string* out) {
  const int code = ExitCode(run);
  const Verdict v = VerdictOf(run);
  const OutcomeCounts counts = CountRules(run);
  absl::StrAppend(out, "<section id=\"verdict\" class=\"verdict ", Sv(v.css),
                  "\" data-verdict=\"", Sv(v.word), "\" data-exit-code=\"",
                  code, "\" role=\"status\"><p class=\"verdict-word\">",
                  "<span class=\"mark\" aria-hidden=\"true\">", Sv(v.mark),
                  "</span> ", Sv(v.word), "</p><div class=\"verdict-body\">",
                  "<p class=\"verdict-reason\">",
                  H(run.watch.has_value() ? WatchVerdictText(run)
                                          : VerdictReason(run, code, counts)),
                  "</p>");
  std::vector<std::string> causes;
  size_t total = 0;
  // A watch: its incidents are the causes, not its last cycle's rules.
  for (size_t k = 0; run.watch.has_value() && k < run.watch->incidents.size(); ++k) {
    const WatchIncident& i = run.watch->incidents[k];
    const Outcome o = i.on == "error" ? Outcome::kError : Outcome::kFail;
    std::vector<std::string> rules;
    for (const IncidentRule& r : i.rules) {
      rules.push_back(absl::StrCat(IncidentRuleTitle(i, r), " = ",
                                   IncidentValueText(i, r)));
    }
    if (++total > kMaxCauses) continue;
    causes.push_back(absl::StrCat(
        "<li data-outcome=\"", Sv(OutcomeName(o)), "\">", OutcomeBadge(o),
        " <a href=\"#incident-", k, "\">",
        H(rules.empty() ? i.gate : absl::StrJoin(rules, ", ")), "</a>: ",
        H(IncidentTrippedText(i)), "; ", H(IncidentResolvedText(i)), "</li>"));
  }
  for (size_t g = 0; !run.watch.has_value() && g < run.gates.size(); ++g) {
    const GateResult& gate = run.gates[g];
    for (size_t r = 0; r < gate.rules.size(); ++r) {
      const RuleResult& rule = gate.rules[r];
      if (!Causes(run, code, rule)) continue;
      if (++total > kMaxCauses) continue;
      causes.push_back(absl::StrCat(
          "<li data-outcome=\"", Sv(OutcomeName(rule.outcome)), "\">",
          OutcomeBadge(rule.outcome), " <a href=\"#", RuleId(g, r), "\">",
          H(gate.name), " / ", H(RuleTitle(rule)), "</a>",
          rule.reason.empty() ? "" : absl::StrCat(": ", H(rule.reason)),
          "</li>"));
    }
  }
  if (!causes.empty()) {
    absl::StrAppend(out, "<ul class=\"causes\">", absl::StrJoin(causes, ""));
    if (total > kMaxCauses) {
      absl::StrAppend(out, "<li class=\"more\">and ", total - kMaxCauses,
                      " more</li>");
    }
    absl::StrAppend(out, "</ul>");
  }
  if (!run.action_problems.empty()) {
    absl::StrAppend(out,
                    "<p class=\"window-failures-title\">Actions need a human "
                    "(exit 3 whatever the verdict):</p><ul "
                    "class=\"action-problems\">");
    for (const std::string& p : run.action_problems) {
      absl::StrAppend(out, "<li>", H(p), "</li>");
    }
    absl::StrAppend(out, "</ul>");
  }
  // The verdict is the decision at the end of the window; a failure inside
  // it is said here, so a GO never hides one.
  std::vector<std::string> inside;
  for (size_t g = 0; g < run.gates.size(); ++g) {
    const GateResult& gate = run.gates[g];
    for (size_t r = 0; r < gate.rules.size(); ++r) {
      const RuleResult& rule = gate.rules[r];
      if (rule.dry_run) continue;
      const std::string text = WindowFailureText(run, rule);
      if (text.empty()) continue;
      inside.push_back(absl::StrCat(
          "<li><a href=\"#", RuleId(g, r), "\">", H(gate.name), " / ",
          H(RuleTitle(rule)), "</a>: ", H(text), "</li>"));
    }
  }
  // A watch's incidents say it already (its verdict is not the decision at
  // the window's end).
  if (!inside.empty() && !run.watch.has_value()) {
    absl::StrAppend(out,
                    "<p class=\"window-failures-title\">Failed inside the "
                    "window (the verdict is the decision at its end):</p>"
                    "<ul class=\"window-failures\">",
                    absl::StrJoin(inside, ""), "</ul>");
  }
  absl::StrAppend(out, "<p class=\"verdict-counts\">",
                  run.watch.has_value() ? "last cycle: " : "",
                  H(CountsText(counts)),
                  " in ", run.gates.size(),
                  run.gates.size() == 1 ? " gate" : " gates", " \xC2\xB7 exit ",
                  code, " (", Sv(ExitMeaning(code)), ")",
                  run.strict ? " \xC2\xB7 strict" : "", "</p></div></section>");
}

// A watch: the timeline of each incident (rule, tripped at, value, why,
// actions fired with their outcome and idempotency key, resolved at).
void AppendIncidents(const RunResult& run, std::string* out) {
  const WatchSummary& w = *run.watch;
  absl::StrAppend(out, "<section id=\"incidents\"><h2>Incidents during the "
                       "watch</h2><p class=\"watch-span\">",
                  H(ShownTimeUtc(w.started)), " \xE2\x80\x93 ",
                  H(ShownTimeUtc(w.ended)), " \xC2\xB7 ", w.cycles,
                  w.cycles == 1 ? " cycle" : " cycles", " every ",
                  H(FormatPromDuration(w.interval)),
                  w.interrupted ? " \xC2\xB7 stopped by a signal" : "", "</p>");
  if (w.incidents.empty()) {
    absl::StrAppend(out, "<p class=\"none\">No stop condition tripped.</p></section>");
    return;
  }
  absl::StrAppend(out,
                  "<table class=\"incidents\"><thead><tr><th scope=\"col\">Rule</th>"
                  "<th scope=\"col\">Tripped at</th><th scope=\"col\">Value</th>"
                  "<th scope=\"col\">Why</th><th scope=\"col\">Actions</th>"
                  "<th scope=\"col\">Resolved at</th></tr></thead><tbody>");
  for (size_t k = 0; k < w.incidents.size(); ++k) {
    const WatchIncident& i = w.incidents[k];
    const Outcome o = i.on == "error" ? Outcome::kError : Outcome::kFail;
    const bool resolved = IncidentResolved(i);
    std::string rules, values;
    for (const IncidentRule& r : i.rules) {
      absl::StrAppend(&rules, "<li>", H(IncidentRuleTitle(i, r)), "</li>");
      absl::StrAppend(&values, "<li><span class=\"value\">",
                      H(IncidentValueText(i, r)), "</span></li>");
    }
    std::string actions;
    for (const WatchActionResult& a : i.actions) {
      const Outcome ao = a.outcome == "delivered" ? Outcome::kPass
                         : a.outcome == "failed" || a.outcome == "not sent"
                             ? Outcome::kFail
                             : Outcome::kPending;
      absl::StrAppend(
          &actions, "<li data-outcome=\"", H(a.outcome), "\"><span class=\"badge ",
          Sv(OutcomeName(ao)), "\"><span class=\"mark\" aria-hidden=\"true\">",
          Sv(Mark(ao)), "</span> <span class=\"word\">", H(a.outcome),
          "</span></span> ", H(a.action), " on <b>", H(a.on), "</b> at ",
          H(ShownTimeUtc(a.fired_at)));
      if (a.attempts > 0 || !a.detail.empty()) {
        absl::StrAppend(&actions, " (", a.attempts,
                        a.attempts == 1 ? " attempt" : " attempts",
                        a.detail.empty() ? "" : ": ", H(a.detail), ")");
      }
      if (!a.idempotency_key.empty()) {
        absl::StrAppend(&actions, "<br/><span class=\"key\">key <code>",
                        H(a.idempotency_key), "</code></span>");
      }
      actions += "</li>";
    }
    std::string why = i.why;
    if (why.empty() && !i.rules.empty()) why = i.rules.front().reason;
    absl::StrAppend(
        out, "<tr class=\"incident ",
        resolved ? "resolved" : i.escalated ? "escalated" : "open",
        "\" id=\"incident-", k, "\" data-resolved=\"", resolved ? "true" : "false",
        "\"><th scope=\"row\" class=\"rule-name\">", OutcomeBadge(o),
        "<ul class=\"incident-rules\">", rules, "</ul><span class=\"rule-meta\">gate ",
        H(i.gate), "</span></th><td class=\"tripped\">",
        H(ShownTimeUtc(i.tripped_at)),
        i.continued ? "<br/><span class=\"rule-meta\">opened by an earlier run</span>"
                    : "",
        "</td><td class=\"observed\"><ul class=\"values\">", values,
        "</ul></td><td class=\"why\">", H(why), "<span class=\"rule-meta\">incident key <code>",
        H(i.incident_key), "</code></span></td><td class=\"actions\">",
        actions.empty() ? "<span class=\"none\">none</span>"
                        : absl::StrCat("<ul class=\"actions\">", actions, "</ul>"),
        "</td><td class=\"resolved\">",
        resolved ? absl::StrCat(OutcomeBadge(Outcome::kPass), " ",
                                H(ShownTimeUtc(i.resolved_at)),
                                "<span class=\"rule-meta\">after ",
                                H(FormatPromDuration(absl::Trunc(i.resolved_at - i.tripped_at, absl::Seconds(1)))),
                                "</span>")
        : i.escalated
            ? absl::StrCat(OutcomeBadge(Outcome::kFail), " escalated to fail at ",
                           H(ShownTimeUtc(i.resolved_at)),
                           "<span class=\"rule-meta\">the fail incident carries "
                           "it on</span>")
                 : std::string("<span class=\"open\">not resolved when the "
                               "watch ended</span>"),
        "</td></tr>");
  }
  absl::StrAppend(out, "</tbody></table></section>");
}

std::string ObservedCell(const RuleResult& rule, size_t cap) {
  if (rule.series.empty()) return "<span class=\"none\">no data</span>";
  const std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
  std::string out = "<ul class=\"values\">";
  for (size_t i = 0; i < series.size() && i < cap; ++i) {
    const SeriesResult& s = *series[i];
    absl::StrAppend(&out, "<li data-outcome=\"", Sv(OutcomeName(s.outcome)),
                    "\"><span class=\"value\">", H(ValueText(s.value, rule.unit)),
                    "</span>");
    if (s.baseline) {
      absl::StrAppend(&out, " <span class=\"baseline\">(baseline ",
                      H(ValueText(*s.baseline, rule.unit)));
      if (std::optional<double> change = ChangePercent(s.value, *s.baseline)) {
        absl::StrAppend(&out, ", ", H(FormatChangePercent(*change)));
      }
      absl::StrAppend(&out, ")</span>");
    }
    if (!s.labels.empty()) {
      absl::StrAppend(&out, " <span class=\"labels\">",
                      H(s.labels.ToString()), "</span>");
    }
    if (series.size() > 1) {
      absl::StrAppend(&out, " <span class=\"series-outcome\">\xE2\x86\x92 ",
                      Sv(Mark(s.outcome)), " ", Sv(OutcomeName(s.outcome)),
                      "</span>");
    }
    out += "</li>";
  }
  if (series.size() > cap) {
    absl::StrAppend(&out, "<li class=\"more\">\xE2\x80\xA6 and ",
                    series.size() - cap, " more</li>");
  }
  return out + "</ul>";
}

std::string CriteriaCell(const RuleResult& rule) {
  std::string out;
  const auto add = [&](std::string_view kind,
                       const std::vector<std::string>& list) {
    if (list.empty()) return;
    std::vector<std::string> shown;
    for (const std::string& c : list) shown.push_back(CriterionText(c, rule.unit));
    absl::StrAppend(&out, "<li data-kind=\"", Sv(kind), "\"><span class=\"kind\">",
                    Sv(kind), ":</span> <code>",
                    H(absl::StrJoin(shown, " and ")), "</code></li>");
  };
  add("pass", rule.pass);
  add("warn", rule.warn);
  add("fail", rule.fail);
  if (out.empty()) return "\xE2\x80\x94";
  return absl::StrCat("<ul class=\"criteria\">", out, "</ul>");
}

std::string ReasonCell(const RunResult& run, const RuleResult& rule) {
  std::string out;
  if (!rule.reason.empty()) {
    absl::StrAppend(&out, "<p class=\"reason\">", H(rule.reason), "</p>");
  }
  const std::string window_failure = WindowFailureText(run, rule);
  if (!window_failure.empty()) {
    absl::StrAppend(&out, "<p class=\"window-failure\">", H(window_failure),
                    "</p>");
  }
  if (!rule.located_query_error.empty()) {
    absl::StrAppend(&out, "<p class=\"error\">", H(rule.located_query_error),
                    "</p>");
  }
  if (rule.baseline_missing) {
    absl::StrAppend(&out, "<p class=\"warning\">baseline missing: ",
                    H(rule.baseline_source), "</p>");
  } else if (!rule.baseline_source.empty() && HasBaselineValue(rule)) {
    absl::StrAppend(&out, "<p class=\"baseline-source\">baseline: ",
                    H(rule.baseline_source), "</p>");
  }
  for (const std::string& w : rule.warnings) {
    absl::StrAppend(&out, "<p class=\"warning\">warning: ", H(w), "</p>");
  }
  for (const auto& [k, v] : rule.annotations) {
    absl::StrAppend(&out, "<p class=\"annotation\"><span class=\"key\">", H(k),
                    ":</span> ", H(v), "</p>");
  }
  return out;
}

void AppendGate(const RunResult& run, const GateResult& gate, size_t g,
                const HtmlOptions& options, std::string* out) {
  absl::StrAppend(out, "<section class=\"gate\" id=\"gate-", g,
                  "\" data-verdict=\"", Sv(OutcomeName(gate.verdict)),
                  "\"><h3>", OutcomeBadge(gate.verdict), " ", H(gate.name));
  if (!gate.title.empty()) absl::StrAppend(out, " \xE2\x80\x94 ", H(gate.title));
  absl::StrAppend(out, "</h3><p class=\"gate-meta\">",
                  H(CountsText(CountRules(gate))));
  if (!gate.file.empty()) {
    absl::StrAppend(out, " \xC2\xB7 file <code>", H(gate.file), "</code>");
  }
  absl::StrAppend(out, "</p>");
  if (gate.rules.empty()) {
    absl::StrAppend(out, "<p class=\"none\">No rules.</p></section>");
    return;
  }
  absl::StrAppend(out,
                  "<table class=\"rules\"><thead><tr><th scope=\"col\">Outcome</th>"
                  "<th scope=\"col\">Rule</th><th scope=\"col\">Observed</th>"
                  "<th scope=\"col\">Thresholds</th><th scope=\"col\">For</th>"
                  "<th scope=\"col\">Reason</th></tr></thead><tbody>");
  for (size_t r = 0; r < gate.rules.size(); ++r) {
    const RuleResult& rule = gate.rules[r];
    const std::string_view word = OutcomeName(rule.outcome);
    absl::StrAppend(out, "<tr class=\"rule ", Sv(word), rule.dry_run ? " dry-run" : "",
                    "\" id=\"", RuleId(g, r), "\" data-outcome=\"", Sv(word),
                    "\" data-kind=\"", H(rule.kind), "\" data-source-type=\"",
                    H(rule.source_type), "\" data-dry-run=\"",
                    rule.dry_run ? "true" : "false", "\"><td class=\"outcome\">");
    if (rule.dry_run) {
      absl::StrAppend(out, "<span class=\"badge dry-run\"><span class=\"mark\" "
                      "aria-hidden=\"true\">", Sv(kDryRunMark),
                      "</span> <span class=\"word\">dry run</span></span> (",
                      OutcomeBadge(rule.outcome), ")");
    } else {
      absl::StrAppend(out, OutcomeBadge(rule.outcome));
    }
    absl::StrAppend(out, "</td><th scope=\"row\" class=\"rule-name\">",
                    H(RuleTitle(rule)), "<span class=\"rule-meta\">",
                    H(rule.kind), " \xC2\xB7 ", H(rule.source), " (",
                    H(rule.source_type), ")");
    if (!rule.severity.empty()) absl::StrAppend(out, " \xC2\xB7 ", H(rule.severity));
    if (rule.line > 0) absl::StrAppend(out, " \xC2\xB7 line ", rule.line);
    if (HasChart(rule)) {
      absl::StrAppend(out, " \xC2\xB7 <a href=\"#live-", g, "-", r,
                      "\">chart</a>");
    }
    absl::StrAppend(out, "</span></th><td class=\"observed\">",
                    ObservedCell(rule, options.max_values_per_row),
                    "</td><td class=\"thresholds\">", CriteriaCell(rule),
                    "</td><td class=\"for\">",
                    rule.for_duration.empty() ? "\xE2\x80\x94" : H(rule.for_duration),
                    "</td><td class=\"why\">", ReasonCell(run, rule), "</td></tr>");
  }
  absl::StrAppend(out, "</tbody></table></section>");
}

void AppendLive(const RunResult& run, const HtmlOptions& options,
                std::string* out) {
  std::string body;
  for (size_t g = 0; g < run.gates.size(); ++g) {
    const GateResult& gate = run.gates[g];
    for (size_t r = 0; r < gate.rules.size(); ++r) {
      const RuleResult& rule = gate.rules[r];
      if (rule.source_type != SourceTypeName(SourceType::kPrometheus)) continue;
      const std::string id = absl::StrCat("live-", g, "-", r);
      absl::StrAppend(&body, "<section class=\"live-rule\" id=\"", id,
                      "\" data-outcome=\"", Sv(OutcomeName(rule.outcome)),
                      "\"><h3>", OutcomeBadge(rule.outcome), " ", H(gate.name),
                      " / ", H(RuleTitle(rule)), "</h3><p class=\"query\"><code>",
                      H(rule.expr), "</code></p>");
      if (HasChart(rule)) {
        absl::StrAppend(&body, RenderRuleChart(run, rule, absl::StrCat(id, "-chart"),
                                               options.max_series_per_chart,
                                               options.chart_width,
                                               options.chart_height));
      } else {
        absl::StrAppend(
            &body, "<p class=\"no-history\">No history to chart: ",
            rule.outcome == Outcome::kError
                ? absl::StrCat("the query failed: ", H(rule.reason))
            : run.window > absl::ZeroDuration()
                ? std::string("the query returned no samples over the window.")
                : std::string("the run had no report window."),
            "</p>");
      }
      body += "</section>";
    }
  }
  if (body.empty()) return;
  absl::StrAppend(out, "<section id=\"live\"><h2>Live metrics</h2>");
  if (run.window > absl::ZeroDuration()) {
    absl::StrAppend(out, "<p class=\"window\">", H(ShownTimeUtc(run.eval_time - run.window)),
                    " \xE2\x80\x93 ", H(ShownTimeUtc(run.eval_time)), " (",
                    H(FormatPromDuration(run.window)),
                    "). Shaded: where a point fails (dark) or warns (light); "
                    "dashed grey box: the <code>for</code> window.</p>");
  }
  absl::StrAppend(out, body, "</section>");
}

std::string DeltaText(double value, double baseline, std::string_view unit) {
  const double d = value - baseline;
  const Unit u = ParseUnit(unit).value_or(Unit::kNone);
  std::string out = absl::StrCat(d > 0 ? "\xE2\x96\xB2 " : d < 0 ? "\xE2\x96\xBC " : "= ",
                                 FormatDelta(d, u));
  if (std::optional<double> change = ChangePercent(value, baseline)) {
    absl::StrAppend(&out, " (", FormatChangePercent(*change), ")");
  }
  return out;
}

// A 0..100 bar for percentages (coverage, mutation score): the number is
// always printed beside it.
bool IsPercent(const RuleResult& rule, double v) {
  return (rule.source_type == SourceTypeName(SourceType::kCoverage) ||
          rule.source_type == SourceTypeName(SourceType::kMutation) ||
          rule.unit == "percent") &&
         v >= 0 && v <= 100;
}

void AppendArtifacts(const RunResult& run, std::string* out) {
  std::string body;
  for (size_t g = 0; g < run.gates.size(); ++g) {
    const GateResult& gate = run.gates[g];
    for (size_t r = 0; r < gate.rules.size(); ++r) {
      const RuleResult& rule = gate.rules[r];
      if (rule.source_type == SourceTypeName(SourceType::kPrometheus)) continue;
      absl::StrAppend(&body, "<section class=\"artifact-rule\" data-outcome=\"",
                      Sv(OutcomeName(rule.outcome)), "\"><h3>",
                      OutcomeBadge(rule.outcome), " ", H(gate.name), " / ",
                      H(RuleTitle(rule)), "</h3><p class=\"source\">",
                      H(rule.source_type), ": <code>", H(rule.source_detail),
                      "</code>");
      if (!rule.baseline_source.empty()) {
        absl::StrAppend(&body, " \xC2\xB7 baseline <code>", H(rule.baseline_source),
                        "</code>", rule.baseline_missing ? " (missing)" : "");
      }
      absl::StrAppend(&body, "</p>");
      if (rule.series.empty()) {
        absl::StrAppend(&body, "<p class=\"none\">no data</p></section>");
        continue;
      }
      absl::StrAppend(&body,
                      "<table class=\"artifact\"><thead><tr><th scope=\"col\">Series</th>"
                      "<th scope=\"col\">Value</th><th scope=\"col\">Baseline</th>"
                      "<th scope=\"col\">Delta</th><th scope=\"col\">Outcome</th>"
                      "</tr></thead><tbody>");
      for (const SeriesResult& s : rule.series) {
        absl::StrAppend(&body, "<tr data-outcome=\"", Sv(OutcomeName(s.outcome)),
                        "\"><td class=\"labels\">",
                        s.labels.empty() ? "\xE2\x80\x94" : H(s.labels.ToString()),
                        "</td><td class=\"value\">", H(ValueText(s.value, rule.unit)));
        if (IsPercent(rule, s.value)) {
          absl::StrAppend(&body, "<span class=\"bar\" aria-hidden=\"true\"><span "
                          "class=\"fill\" style=\"width:",
                          FormatNumberShort(s.value), "%\"></span></span>");
        }
        absl::StrAppend(&body, "</td><td class=\"baseline\">",
                        s.baseline ? H(ValueText(*s.baseline, rule.unit)) : "\xE2\x80\x94",
                        "</td><td class=\"delta\">",
                        s.baseline ? H(DeltaText(s.value, *s.baseline, rule.unit))
                                   : "\xE2\x80\x94",
                        "</td><td>", OutcomeBadge(s.outcome), "</td></tr>");
      }
      absl::StrAppend(&body, "</tbody></table></section>");
    }
  }
  if (body.empty()) return;
  absl::StrAppend(out, "<section id=\"artifacts\"><h2>Artifact results</h2>",
                  body, "</section>");
}

std::string FindingsTable(const std::vector<FindingResult>& findings) {
  std::string out =
      "<table class=\"findings\"><thead><tr><th scope=\"col\">Severity</th>"
      "<th scope=\"col\">Rule</th><th scope=\"col\">Tool</th>"
      "<th scope=\"col\">File:line</th><th scope=\"col\">Package</th>"
      "<th scope=\"col\">Title</th></tr></thead><tbody>";
  for (const FindingResult& f : findings) {
    const std::string where = FindingWhere(f);
    absl::StrAppend(&out, "<tr data-severity=\"", H(f.severity),
                    "\"><td class=\"severity\">", H(f.severity), "</td><td><code>",
                    H(f.rule), "</code></td><td>", H(f.tool), "</td><td>",
                    where.empty() ? "\xE2\x80\x94" : absl::StrCat("<code>", H(where), "</code>"),
                    "</td><td>", f.package.empty() ? "\xE2\x80\x94" : H(f.package),
                    "</td><td>", f.title.empty() ? "\xE2\x80\x94" : H(f.title), "</td></tr>");
  }
  return out + "</tbody></table>";
}

std::string MutationTable(const MutationBreakdown& m) {
  const std::vector<std::string> statuses = MutationStatusColumns(m);
  std::string out =
      "<table class=\"mutation\"><thead><tr><th scope=\"col\">Module</th>"
      "<th scope=\"col\">Score</th><th scope=\"col\">Covered score</th>";
  for (const std::string& s : statuses) {
    absl::StrAppend(&out, "<th scope=\"col\" data-status=\"", H(s), "\">",
                    H(StatusTitle(s)), "</th>");
  }
  out += "<th scope=\"col\">Total</th></tr></thead><tbody>";
  const auto row = [&](const MutationModuleResult& r, bool total) {
    absl::StrAppend(&out, total ? "<tr class=\"total\">" : "<tr>",
                    "<th scope=\"row\">",
                    total ? std::string("all modules") : H(ModuleTitle(r.module)),
                    "</th><td class=\"value\">", H(ValueText(r.score_percent, "percent")));
    if (std::isfinite(r.score_percent)) {
      absl::StrAppend(&out, "<span class=\"bar\" aria-hidden=\"true\"><span "
                      "class=\"fill\" style=\"width:",
                      FormatNumberShort(std::clamp(r.score_percent, 0.0, 100.0)),
                      "%\"></span></span>");
    }
    absl::StrAppend(&out, "</td><td>", H(ValueText(r.covered_percent, "percent")), "</td>");
    for (const std::string& s : statuses) {
      auto it = r.mutants.find(s);
      absl::StrAppend(&out, "<td class=\"count\">",
                      FormatNumberShort(it == r.mutants.end() ? 0 : it->second), "</td>");
    }
    absl::StrAppend(&out, "<td class=\"count\">", FormatNumberShort(r.total), "</td></tr>");
  };
  row(m.total, true);
  const std::vector<const MutationModuleResult*> modules = ModulesWorstFirst(m);
  for (size_t i = 0; i < modules.size() && i < kMaxModuleRows; ++i) row(*modules[i], false);
  out += "</tbody></table>";
  if (modules.size() > kMaxModuleRows) {
    absl::StrAppend(&out, "<p class=\"more\">\xE2\x80\xA6 and ",
                    modules.size() - kMaxModuleRows,
                    " more modules (lowest scores shown)</p>");
  }
  return out;
}

std::string SeverityTable(const SecurityBreakdown& sec) {
  std::string out =
      "<table class=\"severities\"><thead><tr><th scope=\"col\">Severity</th>"
      "<th scope=\"col\">Findings</th><th scope=\"col\">Ignored</th></tr>"
      "</thead><tbody>";
  for (const auto& row : sec.by_severity) {
    absl::StrAppend(&out, "<tr data-severity=\"", H(row.severity), "\"",
                    row.findings > 0 ? " class=\"found\"" : "", "><th scope=\"row\">",
                    H(row.severity), "</th><td class=\"count\">",
                    FormatNumberShort(row.findings), "</td><td class=\"count\">",
                    FormatNumberShort(row.ignored), "</td></tr>");
  }
  return out + "</tbody></table>";
}

// Mutation and security sources as tables, and the findings behind each
// security rule that did not pass (issue 13.6).
void AppendBreakdowns(const RunResult& run, std::string* out) {
  std::string body;
  for (size_t g = 0; g < run.gates.size(); ++g) {
    const GateResult& gate = run.gates[g];
    for (const SourceBreakdown& b : gate.breakdowns) {
      absl::StrAppend(&body, "<section class=\"breakdown ", H(b.type),
                      "\" data-source=\"", H(b.name), "\"><h3>",
                      b.mutation ? "Mutation" : "Security", " \xE2\x80\x94 ",
                      H(gate.name), " / source ", H(b.name),
                      "</h3><p class=\"source\"><code>", H(b.detail), "</code></p>");
      if (b.mutation) body += MutationTable(*b.mutation);
      if (b.security) {
        body += SeverityTable(*b.security);
        if (b.security->top.empty()) {
          body += "<p class=\"none\">No findings.</p>";
        } else {
          absl::StrAppend(&body, "<p class=\"findings-title\">Top findings (",
                          b.security->top.size(), " of ", b.security->findings_total,
                          ", worst first)</p>", FindingsTable(b.security->top));
        }
      }
      body += "</section>";
    }
    for (size_t r = 0; r < gate.rules.size(); ++r) {
      const RuleResult& rule = gate.rules[r];
      if (rule.findings.empty()) continue;
      absl::StrAppend(&body, "<section class=\"rule-findings\" data-outcome=\"",
                      Sv(OutcomeName(rule.outcome)), "\"><h3>", OutcomeBadge(rule.outcome),
                      " <a href=\"#", RuleId(g, r), "\">", H(gate.name), " / ",
                      H(RuleTitle(rule)), "</a>: findings behind it (",
                      rule.findings.size(), " of ", rule.findings_total, ")</h3>",
                      FindingsTable(rule.findings), "</section>");
    }
  }
  if (body.empty()) return;
  absl::StrAppend(out, "<section id=\"breakdowns\"><h2>Mutation and security</h2>",
                  body, "</section>");
}

void AppendMetadata(const RunResult& run, std::string* out) {
  absl::StrAppend(out, "<section id=\"metadata\"><h2>Run details</h2><dl>");
  const auto item = [&](std::string_view key, const std::string& html) {
    absl::StrAppend(out, "<dt>", Sv(key), "</dt><dd>", html, "</dd>");
  };
  if (run.window > absl::ZeroDuration()) {
    item("Time range",
         H(absl::StrCat(ShownTimeUtc(run.eval_time - run.window), " \xE2\x80\x93 ",
                        ShownTimeUtc(run.eval_time), " (",
                        FormatPromDuration(run.window), ")")));
  }
  item("Evaluation time", H(ShownTimeUtc(run.eval_time)));
  if (!ShownTimeUtc(run.started).empty() && run.started != absl::Time()) {
    item("Started", H(ShownTimeUtc(run.started)));
  }
  item("Run duration", H(absl::StrCat(FormatNumberShort(run.duration_seconds), " s")));
  item("Mode", run.strict ? "strict (warn and pending fail)"
                          : "default (warn and pending pass)");
  std::string tool = run.tool_version.empty() ? "unknown" : H(run.tool_version);
  if (!run.tool_commit.empty()) absl::StrAppend(&tool, " (", H(run.tool_commit), ")");
  item("aurora-gate", tool);
  for (const auto& [k, v] : run.settings) {
    // The commit is named by its row; other settings show NAME=VALUE.
    item(k == "commit" ? "Commit" : "Setting",
         k == "commit" ? absl::StrCat("<code>", H(v), "</code>")
                       : absl::StrCat("<code>", H(k), "=", H(v), "</code>"));
  }
  absl::StrAppend(out, "</dl>");
  if (!run.gates.empty()) {
    absl::StrAppend(out, "<h3>Gate files</h3><table class=\"gate-files\"><thead><tr>"
                    "<th scope=\"col\">Gate</th><th scope=\"col\">File</th>"
                    "<th scope=\"col\">SHA-256</th></tr></thead><tbody>");
    for (const GateResult& gate : run.gates) {
      absl::StrAppend(out, "<tr><td>", H(gate.name), "</td><td><code>", H(gate.file),
                      "</code></td><td><code class=\"hash\">", H(gate.file_sha256),
                      "</code></td></tr>");
    }
    absl::StrAppend(out, "</tbody></table>");
  }
  std::set<std::tuple<std::string, std::string, std::string>> sources;
  for (const GateResult& gate : run.gates) {
    for (const RuleResult& rule : gate.rules) {
      sources.insert({rule.source, rule.source_type, rule.source_detail});
    }
  }
  if (!sources.empty()) {
    absl::StrAppend(out, "<h3>Sources</h3><table class=\"sources\"><thead><tr>"
                    "<th scope=\"col\">Source</th><th scope=\"col\">Type</th>"
                    "<th scope=\"col\">Detail</th></tr></thead><tbody>");
    for (const auto& [name, type, detail] : sources) {
      absl::StrAppend(out, "<tr><td>", H(name), "</td><td>", H(type),
                      "</td><td><code>", H(detail), "</code></td></tr>");
    }
    absl::StrAppend(out, "</tbody></table>");
  }
  absl::StrAppend(out, "</section>");
}

}  // namespace

std::string RenderHtml(const RunResult& run, const HtmlOptions& options) {
  const std::string title =
      options.title.empty() ? "aurora-gate go-live report" : options.title;
  const Verdict v = VerdictOf(run);
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                  "lang=\"en\"><head><meta charset=\"utf-8\"/><meta "
                  "name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\"/><title>",
                  Sv(v.word), " \xE2\x80\x94 ", H(title), "</title><style>",
                  Sv(kHtmlReportCss), "</style></head><body><header><h1>", H(title),
                  "</h1><p class=\"subtitle\">Evaluated at ",
                  H(ShownTimeUtc(run.eval_time)));
  if (run.window > absl::ZeroDuration()) {
    absl::StrAppend(&out, " over ", H(FormatPromDuration(run.window)));
  }
  const auto commit = run.settings.find("commit");
  if (commit != run.settings.end()) {
    absl::StrAppend(&out, " \xC2\xB7 commit <code>", H(commit->second), "</code>");
  }
  absl::StrAppend(&out, "</p></header><main>");
  AppendBanner(run, &out);
  if (run.watch.has_value()) AppendIncidents(run, &out);
  absl::StrAppend(&out, "<section id=\"checklist\"><h2>",
                  run.watch.has_value() ? "Last cycle" : "Checklist", "</h2>");
  if (run.watch.has_value()) {
    absl::StrAppend(&out, "<p class=\"last-cycle\">", H(LastCycleText(run)),
                    "</p>");
  }
  if (run.gates.empty()) absl::StrAppend(&out, "<p class=\"none\">No gates.</p>");
  for (size_t g = 0; g < run.gates.size(); ++g) {
    AppendGate(run, run.gates[g], g, options, &out);
  }
  absl::StrAppend(&out, "</section>");
  AppendLive(run, options, &out);
  AppendArtifacts(run, &out);
  AppendBreakdowns(run, &out);
  AppendMetadata(run, &out);
  absl::StrAppend(&out, "</main><footer>aurora-gate ", H(run.tool_version),
                  "</footer></body></html>\n");
  return out;
}

}  // namespace aurora
