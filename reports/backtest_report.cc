#include "reports/backtest_report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "reports/html_report.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {
namespace {

std::string H(std::string_view s) { return ToHtmlText(s); }

std::string Percent(double f) {
  return absl::StrCat(FormatNumberShort(std::round(f * 1000) / 10), "%");
}

// Ended: resolved, or escalated to the gate's fail incident.
bool Ended(const BacktestIncident& i) {
  return i.resolved_at != absl::InfiniteFuture();
}

bool Resolved(const BacktestIncident& i) { return Ended(i) && !i.escalated; }

// "resolved at T", "escalated to fail at T" or `open`.
std::string EndText(const BacktestIncident& i, std::string_view open) {
  if (!Ended(i)) return std::string(open);
  return absl::StrCat(i.escalated ? "escalated to fail at " : "resolved at ",
                      Rfc3339Utc(i.resolved_at));
}

// The end column of the incident tables: T, "escalated to fail at T" or
// "still open".
std::string EndCell(const BacktestIncident& i) {
  if (i.escalated) return EndText(i, "");
  return Resolved(i) ? Rfc3339Utc(i.resolved_at) : "still open";
}

std::string RuleNames(const BacktestIncident& i) {
  std::vector<std::string> names;
  for (const IncidentRule& r : i.rules) {
    names.push_back(r.group.empty() ? r.name : absl::StrCat(r.group, "/", r.name));
  }
  return names.empty() ? "(no rule in that state)" : absl::StrJoin(names, ", ");
}

std::string FirstValue(const BacktestIncident& i) {
  for (const IncidentRule& r : i.rules) {
    if (r.value.has_value()) return FormatNumberShort(*r.value);
  }
  return "";
}

std::string ActionNames(const std::vector<WouldFire>& actions) {
  std::vector<std::string> out;
  for (const WouldFire& a : actions) {
    out.push_back(absl::StrCat(a.action, " (on ", a.on, ")"));
  }
  return out.empty() ? "none configured" : absl::StrJoin(out, ", ");
}

std::string SpanText(const BacktestSpan& span) {
  return absl::StrCat(Rfc3339Utc(span.from), " .. ",
                      Rfc3339Utc(span.At(span.steps > 0 ? span.steps - 1 : 0)),
                      " every ", FormatPromDuration(span.step), " (", span.steps,
                      span.steps == 1 ? " step)" : " steps)");
}

// The first incident of a deploy window, if any.
const BacktestIncident* FirstIncident(const DeployWindow& w) {
  return w.result.incidents.empty() ? nullptr : &w.result.incidents.front();
}

std::string DeployName(const DeployWindow& w) {
  return w.deploy.label.empty()
             ? Rfc3339Utc(w.deploy.at)
             : absl::StrCat(Rfc3339Utc(w.deploy.at), " ", w.deploy.label);
}

void AppendResultText(const BacktestResult& r, std::string* out) {
  absl::StrAppend(out, "Backtest ", SpanText(r.span), "\n");
  for (size_t g = 0; g < r.gates.size(); ++g) {
    const BacktestGateResult& gate = r.gates[g];
    absl::StrAppend(out, "  gate ", gate.name, ": failing ",
                    Percent(gate.fraction_failing), " of the span; ");
    if (!gate.first_trip.has_value()) {
      absl::StrAppend(out, "no incident\n");
    } else {
      absl::StrAppend(out, "first trip at ", Rfc3339Utc(*gate.first_trip), "\n");
    }
    for (const BacktestIncident& i : r.incidents) {
      if (i.gate_file != gate.file) continue;
      absl::StrAppend(out, "    incident (", i.on, ") tripped at ",
                      Rfc3339Utc(i.tripped_at), " by ", RuleNames(i));
      const std::string value = FirstValue(i);
      if (!value.empty()) absl::StrAppend(out, " = ", value);
      absl::StrAppend(out, "; ", EndText(i, "still open at the end"), "\n");
      if (!i.why.empty()) absl::StrAppend(out, "      why: ", i.why, "\n");
      absl::StrAppend(out, "      would have fired: ", ActionNames(i.actions), "\n");
    }
  }
}

void WriteTime(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, absl::Time t) {
  if (t == absl::InfiniteFuture()) {
    w.Null();
  } else {
    w.String(Rfc3339Utc(t));
  }
}

void WriteIntervals(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w,
                    const std::vector<OutcomeInterval>& intervals) {
  w.StartArray();
  for (const OutcomeInterval& i : intervals) {
    w.StartObject();
    w.Key("outcome");
    w.String(std::string(OutcomeName(i.outcome)));
    w.Key("from");
    WriteTime(w, i.from);
    w.Key("to");
    WriteTime(w, i.to);
    w.EndObject();
  }
  w.EndArray();
}

void WriteActions(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w,
                  const std::vector<WouldFire>& actions) {
  w.StartArray();
  for (const WouldFire& a : actions) {
    w.StartObject();
    w.Key("action");
    w.String(a.action);
    w.Key("on");
    w.String(a.on);
    w.Key("at");
    WriteTime(w, a.at);
    w.EndObject();
  }
  w.EndArray();
}

void WriteNumber(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, double v) {
  if (std::isfinite(v)) {
    w.Double(v);
  } else {
    w.String(FormatNumberShort(v));  // NaN, +Inf, -Inf as text
  }
}

void WriteIncidents(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w,
                    const std::vector<BacktestIncident>& incidents) {
  w.StartArray();
  for (const BacktestIncident& i : incidents) {
    w.StartObject();
    w.Key("gate");
    w.String(i.gate);
    w.Key("file");
    w.String(i.gate_file);
    w.Key("on");
    w.String(i.on);
    w.Key("tripped_at");
    WriteTime(w, i.tripped_at);
    w.Key("resolved_at");  // null: still open at the end, or escalated
    WriteTime(w, i.escalated ? absl::InfiniteFuture() : i.resolved_at);
    w.Key("escalated_at");  // superseded by the gate's fail incident; else null
    WriteTime(w, i.escalated ? i.resolved_at : absl::InfiniteFuture());
    w.Key("why");
    w.String(i.why);
    w.Key("rules");
    w.StartArray();
    for (const IncidentRule& r : i.rules) {
      w.StartObject();
      w.Key("group");
      w.String(r.group);
      w.Key("name");
      w.String(r.name);
      w.Key("outcome");
      w.String(std::string(OutcomeName(r.outcome)));
      w.Key("value");
      if (r.value.has_value()) {
        WriteNumber(w, *r.value);
      } else {
        w.Null();
      }
      w.Key("labels");
      w.StartObject();
      for (const auto& [k, v] : r.labels.pairs()) {
        w.Key(k);
        w.String(v);
      }
      w.EndObject();
      w.Key("reason");
      w.String(r.reason);
      w.EndObject();
    }
    w.EndArray();
    w.Key("would_fire");
    WriteActions(w, i.actions);
    w.EndObject();
  }
  w.EndArray();
}

void WriteResult(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w,
                 const BacktestResult& r) {
  w.StartObject();
  w.Key("from");
  WriteTime(w, r.span.from);
  w.Key("to");
  WriteTime(w, r.span.At(r.span.steps > 0 ? r.span.steps - 1 : 0));
  w.Key("step_seconds");
  w.Double(absl::ToDoubleSeconds(r.span.step));
  w.Key("steps");
  w.Uint64(r.span.steps);
  w.Key("incidents");
  WriteIncidents(w, r.incidents);
  w.Key("gates");
  w.StartArray();
  for (const BacktestGateResult& g : r.gates) {
    w.StartObject();
    w.Key("name");
    w.String(g.name);
    w.Key("file");
    w.String(g.file);
    w.Key("first_trip");
    if (g.first_trip.has_value()) {
      WriteTime(w, *g.first_trip);
    } else {
      w.Null();
    }
    w.Key("fraction_failing");
    w.Double(g.fraction_failing);
    w.Key("verdicts");
    WriteIntervals(w, g.verdicts);
    w.Key("would_fire");
    WriteActions(w, g.would_fire);
    w.Key("rules");
    w.StartArray();
    for (const BacktestRuleResult& rr : g.rules) {
      w.StartObject();
      w.Key("group");
      w.String(rr.group);
      w.Key("name");
      w.String(rr.name);
      w.Key("evaluated_once");
      w.Bool(rr.artifact);
      w.Key("dry_run");
      w.Bool(rr.dry_run);
      w.Key("fraction_failing");
      w.Double(rr.fraction_failing);
      w.Key("intervals");
      WriteIntervals(w, rr.intervals);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("notes");
  w.StartArray();
  for (const std::string& n : r.notes) w.String(n);
  w.EndArray();
  w.EndObject();
}

// The backtest's decision in words, from its exit code (what the text's
// last line, the Markdown headline and the HTML banner all say).
const char* VerdictWordOf(int exit_code) {
  return exit_code == 0 ? "PASS" : exit_code == 1 ? "FAIL" : "UNDECIDED";
}

// Why a backtest is undecided (exit 3): unread history, or an incident that
// would have opened on an error (the watch's consecutive_error_limit).
bool HistoryNotRead(const BacktestRun& run) { return !run.errors.empty(); }

std::string VerdictSentence(const BacktestRun& run) {
  const int exit_code = run.exit_code;
  return exit_code == 0   ? "No incident would have opened (nothing fired)."
         : exit_code == 1 ? "At least one incident would have opened (nothing fired)."
         : HistoryNotRead(run)
             ? "Undecided: some history could not be read."
             : "Undecided: an incident would have opened on an error (a stop condition "
               "could not be evaluated; nothing fired).";
}

std::string VerdictClause(const BacktestRun& run) {
  const int exit_code = run.exit_code;
  return exit_code == 0   ? "no incident would have opened"
         : exit_code == 1 ? "at least one incident would have opened"
         : HistoryNotRead(run)
             ? "some history could not be read"
             : "an incident would have opened on an error (a stop condition could not "
               "be evaluated)";
}

// What the decision rests on: incidents of the span, deploys that would
// have tripped, histories not read.
std::string CountsOf(const BacktestRun& run) {
  std::vector<std::string> parts;
  if (run.span.has_value()) {
    const size_t n = run.span->incidents.size();
    parts.push_back(absl::StrCat(n, n == 1 ? " incident" : " incidents", " in the span"));
  }
  if (!run.deploys.empty()) {
    size_t tripped = 0;
    for (const DeployWindow& w : run.deploys) tripped += FirstIncident(w) != nullptr;
    parts.push_back(absl::StrCat(tripped, " of ", run.deploys.size(),
                                 run.deploys.size() == 1 ? " deploy" : " deploys",
                                 " would have tripped"));
  }
  if (!run.errors.empty()) {
    parts.push_back(absl::StrCat(run.errors.size(),
                                 run.errors.size() == 1 ? " history" : " histories",
                                 " not read"));
  }
  return absl::StrJoin(parts, " \xC2\xB7 ");
}

// #verdict for the backtest, with the hooks of report's banner
// (reports/html_report.h): data-verdict, data-exit-code, .causes.
std::string BacktestBanner(const BacktestRun& run) {
  const int code = run.exit_code;
  const char* css = code == 0 ? "go" : code == 1 ? "nogo" : "undecided";
  const char* mark = code == 0   ? "\xE2\x9C\x93"
                                : code == 1 ? "\xE2\x9C\x97"
                                            : "?";
  std::vector<std::string> causes;
  auto incident_cause = [&](const BacktestIncident& i, const std::string& where) {
    causes.push_back(absl::StrCat(
        "<li data-outcome=\"", i.on == "error" ? "error" : "fail", "\">", where,
        "incident (", H(i.on), ") tripped at ", H(Rfc3339Utc(i.tripped_at)), " by ",
        H(RuleNames(i)), "; ",
        H(EndText(i, "still open at the end")),
        "</li>"));
  };
  if (run.span.has_value()) {
    for (const BacktestIncident& i : run.span->incidents) incident_cause(i, std::string());
  }
  for (const DeployWindow& w : run.deploys) {
    if (const BacktestIncident* first = FirstIncident(w)) {
      incident_cause(*first, H(absl::StrCat("deploy ", DeployName(w), ": ")));
    }
  }
  for (const std::string& e : run.errors) {
    causes.push_back(absl::StrCat("<li data-outcome=\"error\">history not read: ",
                                  H(e), "</li>"));
  }
  std::string out = absl::StrCat(
      "<section id=\"verdict\" class=\"verdict ", css, "\" data-verdict=\"",
      VerdictWordOf(code), "\" data-exit-code=\"", code,
      "\" role=\"status\"><p class=\"verdict-word\"><span class=\"mark\" "
      "aria-hidden=\"true\">", mark, "</span> ", VerdictWordOf(code),
      "</p><div class=\"verdict-body\"><p class=\"verdict-reason\">",
      H(VerdictSentence(run)), "</p>");
  if (!causes.empty()) {
    absl::StrAppend(&out, "<ul class=\"causes\">", absl::StrJoin(causes, ""), "</ul>");
  }
  absl::StrAppend(&out, "<p class=\"verdict-counts\">", CountsOf(run),
                  " \xC2\xB7 exit ", code, " (", Sv(ExitMeaning(code)),
                  ")</p></div></section>");
  return out;
}

const char* OutcomeColour(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "#2e7d32";
    case Outcome::kWarn:
    case Outcome::kPending: return "#f9a825";
    case Outcome::kInconclusive:
    case Outcome::kError: return "#6a1b9a";
    case Outcome::kFail: return "#ef9a9a";
  }
  return "#999";
}

}  // namespace

std::string RenderTimelineBand(const BacktestResult& r, size_t gate, int width,
                               int height) {
  const BacktestGateResult& g = r.gates[gate];
  const double from = absl::ToUnixSeconds(r.span.from);
  const double span = std::max(1.0, absl::ToDoubleSeconds(r.span.End() - r.span.from));
  auto x = [&](absl::Time t) {
    double v = (absl::ToDoubleSeconds(t - absl::UnixEpoch()) - from) / span * width;
    return std::max(0.0, std::min(static_cast<double>(width), v));
  };
  std::string out = absl::StrCat(
      "<svg class=\"timeline\" data-gate=\"", H(g.name),
      "\" width=\"100%\" height=\"", height, "\" viewBox=\"0 0 ", width, " ", height,
      "\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"><title>",
      H(g.name), ": verdict over ", H(SpanText(r.span)), "</title>");
  const int band = height / 2;
  for (const OutcomeInterval& i : g.verdicts) {
    absl::StrAppend(&out, "<rect class=\"verdict ", Sv(OutcomeName(i.outcome)),
                    "\" x=\"", FormatNumberShort(x(i.from)), "\" y=\"0\" width=\"",
                    FormatNumberShort(std::max(1.0, x(i.to) - x(i.from))),
                    "\" height=\"", band, "\" fill=\"", OutcomeColour(i.outcome),
                    "\"><title>", Sv(OutcomeName(i.outcome)), " ",
                    H(Rfc3339Utc(i.from)), " .. ", H(Rfc3339Utc(i.to)),
                    "</title></rect>");
  }
  for (const BacktestIncident& i : r.incidents) {
    if (i.gate_file != g.file) continue;
    const absl::Time end = Ended(i) ? i.resolved_at : r.span.End();
    absl::StrAppend(
        &out, "<rect class=\"incident\" x=\"", FormatNumberShort(x(i.tripped_at)),
        "\" y=\"", band, "\" width=\"",
        FormatNumberShort(std::max(2.0, x(end) - x(i.tripped_at))), "\" height=\"",
        height - band, "\" fill=\"#c62828\"><title>incident (", H(i.on),
        ") ", H(Rfc3339Utc(i.tripped_at)), " .. ",
        H(EndCell(i)), ": ", H(RuleNames(i)), "</title></rect>");
  }
  absl::StrAppend(&out, "</svg>");
  return out;
}

std::string RenderBacktestText(const BacktestRun& run) {
  std::string out;
  if (run.span.has_value()) AppendResultText(*run.span, &out);
  if (!run.deploys.empty()) {
    absl::StrAppend(&out, "Deploys (each watched for its window):\n");
    for (const DeployWindow& w : run.deploys) {
      const BacktestIncident* first = FirstIncident(w);
      absl::StrAppend(&out, "  ", DeployName(w), " +", FormatPromDuration(w.window), ": ",
                      first == nullptr
                          ? std::string("clean")
                          : absl::StrCat("would have tripped at ",
                                         Rfc3339Utc(first->tripped_at), " (",
                                         RuleNames(*first), ")"),
                      "\n");
    }
  }
  for (const std::string& e : run.errors) {
    absl::StrAppend(&out, "error: history not read: ", e, "\n");
  }
  if (run.span.has_value()) {
    for (const std::string& n : run.span->notes) absl::StrAppend(&out, "note: ", n, "\n");
  }
  absl::StrAppend(&out, VerdictSentence(run), "\n");
  return out;
}

std::string RenderBacktestJson(const BacktestRun& run) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("schema");
  w.String("aurora-gate/backtest/v1");
  w.Key("exit_code");
  w.Int(run.exit_code);
  // Every incident, of the span and of each deploy window, in order.
  w.Key("incidents");
  std::vector<BacktestIncident> all;
  if (run.span.has_value()) all = run.span->incidents;
  for (const DeployWindow& d : run.deploys) {
    all.insert(all.end(), d.result.incidents.begin(), d.result.incidents.end());
  }
  WriteIncidents(w, all);
  w.Key("span");
  if (run.span.has_value()) {
    WriteResult(w, *run.span);
  } else {
    w.Null();
  }
  w.Key("deploys");
  w.StartArray();
  for (const DeployWindow& d : run.deploys) {
    const BacktestIncident* first = FirstIncident(d);
    w.StartObject();
    w.Key("at");
    WriteTime(w, d.deploy.at);
    w.Key("label");
    w.String(d.deploy.label);
    w.Key("window_seconds");
    w.Double(absl::ToDoubleSeconds(d.window));
    w.Key("would_have_tripped");
    w.Bool(first != nullptr);
    w.Key("tripped_at");
    if (first != nullptr) {
      WriteTime(w, first->tripped_at);
    } else {
      w.Null();
    }
    w.Key("result");
    WriteResult(w, d.result);
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors");
  w.StartArray();
  for (const std::string& e : run.errors) w.String(e);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string RenderBacktestMarkdown(const BacktestRun& run) {
  std::string out = absl::StrCat(
      "## aurora-gate backtest\n\n**", VerdictWordOf(run.exit_code), "** (exit ",
      run.exit_code, "): ", VerdictClause(run), " (", CountsOf(run),
      "; nothing was fired).\n\n");
  auto md = [](std::string_view s) {
    std::string o;
    for (char c : ToSingleLine(s)) {
      if (c == '|') o += "\\";
      o += c;
    }
    return o;
  };
  if (run.span.has_value()) {
    const BacktestResult& r = *run.span;
    absl::StrAppend(&out, "Span: ", SpanText(r.span), "\n\n",
                    "| gate | failing | first trip | incidents |\n|---|---|---|---|\n");
    for (const BacktestGateResult& g : r.gates) {
      size_t n = 0;
      for (const BacktestIncident& i : r.incidents) n += i.gate_file == g.file ? 1 : 0;
      absl::StrAppend(&out, "| ", md(g.name), " | ", Percent(g.fraction_failing), " | ",
                      g.first_trip.has_value() ? Rfc3339Utc(*g.first_trip) : "—",
                      " | ", n, " |\n");
    }
    if (!r.incidents.empty()) {
      absl::StrAppend(&out, "\n### Incidents that would have opened\n\n",
                      "| gate | tripped at | rules | value | resolved at | "
                      "would have fired |\n|---|---|---|---|---|---|\n");
      for (const BacktestIncident& i : r.incidents) {
        absl::StrAppend(&out, "| ", md(i.gate), " | ", Rfc3339Utc(i.tripped_at), " | ",
                        md(RuleNames(i)), " | ", md(FirstValue(i)), " | ",
                        md(EndCell(i)), " | ", md(ActionNames(i.actions)), " |\n");
      }
    }
  }
  if (!run.deploys.empty()) {
    absl::StrAppend(&out, "\n### Deploys\n\n| deploy | would have tripped | rule |\n"
                          "|---|---|---|\n");
    for (const DeployWindow& w : run.deploys) {
      const BacktestIncident* first = FirstIncident(w);
      absl::StrAppend(&out, "| ", md(DeployName(w)), " | ",
                      first == nullptr ? "clean" : Rfc3339Utc(first->tripped_at),
                      " | ", first == nullptr ? "" : md(RuleNames(*first)), " |\n");
    }
  }
  for (const std::string& e : run.errors) {
    absl::StrAppend(&out, "\n- error: history not read: ", md(e));
  }
  absl::StrAppend(&out, "\n\nNothing was fired: a backtest tells what would have.\n");
  return out;
}

std::string RenderBacktestHtml(const BacktestRun& run, const RunResult& page) {
  HtmlOptions options;
  options.title = "aurora-gate backtest";
  std::string html = RenderHtml(page, options);
  // The page's banner and <title> judge its rules' worst outcome at any
  // step; the backtest decides by its incidents (exit code): say that.
  const size_t banner = html.find("<section id=\"verdict\"");
  if (banner != std::string::npos) {
    const size_t end = html.find("</section>", banner);
    html.replace(banner, end + std::string_view("</section>").size() - banner,
                 BacktestBanner(run));
  }
  const size_t title = html.find("<title>");
  const size_t dash = html.find(" \xE2\x80\x94 ", title);
  if (title != std::string::npos && dash != std::string::npos) {
    const size_t word = title + std::string_view("<title>").size();
    html.replace(word, dash - word, VerdictWordOf(run.exit_code));
  }
  std::string section =
      "<section id=\"backtest\"><h2>Backtest: what the stop conditions would "
      "have done</h2><p class=\"note\">Nothing was fired: the actions listed "
      "are those that would have.</p>";
  if (run.span.has_value()) {
    const BacktestResult& r = *run.span;
    absl::StrAppend(&section, "<p>", H(SpanText(r.span)), "</p>");
    for (size_t g = 0; g < r.gates.size(); ++g) {
      absl::StrAppend(&section, "<div class=\"timeline-band\"><h3>",
                      H(r.gates[g].name), " <small>failing ",
                      Percent(r.gates[g].fraction_failing), "</small></h3>",
                      RenderTimelineBand(r, g), "</div>");
    }
    absl::StrAppend(&section,
                    "<table id=\"backtest-incidents\"><thead><tr><th>gate</th>"
                    "<th>tripped at</th><th>rules</th><th>value</th><th>resolved "
                    "at</th><th>would have fired</th></tr></thead><tbody>");
    if (r.incidents.empty()) {
      absl::StrAppend(&section, "<tr><td colspan=\"6\">No incident would have "
                                "opened.</td></tr>");
    }
    for (const BacktestIncident& i : r.incidents) {
      absl::StrAppend(&section, "<tr class=\"incident\" data-resolved=\"",
                      Resolved(i) ? "true" : "false", "\"><td>", H(i.gate),
                      "</td><td>", H(Rfc3339Utc(i.tripped_at)), "</td><td>",
                      H(RuleNames(i)), i.why.empty() ? "" : "<br/><small>",
                      H(i.why), i.why.empty() ? "" : "</small>", "</td><td>",
                      H(FirstValue(i)), "</td><td>",
                      H(EndCell(i)), "</td><td>", H(ActionNames(i.actions)),
                      "</td></tr>");
    }
    absl::StrAppend(&section, "</tbody></table>");
  }
  if (!run.deploys.empty()) {
    absl::StrAppend(&section,
                    "<table id=\"backtest-deploys\"><thead><tr><th>deploy</th>"
                    "<th>would have tripped</th><th>rule</th></tr></thead><tbody>");
    for (const DeployWindow& w : run.deploys) {
      const BacktestIncident* first = FirstIncident(w);
      absl::StrAppend(&section, "<tr class=\"deploy\" data-clean=\"",
                      first == nullptr ? "true" : "false", "\"><td>",
                      H(DeployName(w)), "</td><td>",
                      first == nullptr ? "clean" : H(Rfc3339Utc(first->tripped_at)),
                      "</td><td>", first == nullptr ? "" : H(RuleNames(*first)),
                      "</td></tr>");
    }
    absl::StrAppend(&section, "</tbody></table>");
  }
  absl::StrAppend(&section, "</section>");
  const size_t at = html.find("<section id=\"checklist\">");
  html.insert(at == std::string::npos ? html.size() : at, section);
  return html;
}

}  // namespace aurora
