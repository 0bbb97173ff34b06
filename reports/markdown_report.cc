#include "reports/markdown_report.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "reports/breakdown_text.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"
#include "reports/watch_report.h"

namespace aurora {
namespace {

constexpr size_t kMaxSeriesLines = 5;
// Cell text longer than this is cut with "…" (a table stays readable).
constexpr size_t kCellCap = 200;

std::string_view Mark(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "✅";
    case Outcome::kWarn:
      return "⚠️";
    case Outcome::kPending:
      return "⏳";
    case Outcome::kInconclusive:
      return "❔";
    case Outcome::kError:
      return "🛑";
    case Outcome::kFail:
      return "❌";
  }
  return "🛑";
}
constexpr std::string_view kDryRunMark = "🧪";

// Untrusted text as inline Markdown (a table cell, a paragraph): one line, no HTML
// (< > & as entities), no table break (\|), and the characters that open
// code spans, emphasis, links, strikethrough or math backslash-escaped.
std::string EscapeUncapped(std::string_view text) {
  const std::string line = ToSingleLine(text);
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    if (AppendAmpLtGtEscaped(c, &out)) continue;
    switch (c) {
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '~':
      case '$':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

// EscapeUncapped, cut to kCellCap display columns.
std::string Escape(std::string_view text) {
  return EscapeUncapped(TruncateDisplay(ToSingleLine(text), kCellCap));
}

// A link target that cannot leave the (…) of a Markdown link: bytes outside
// a conservative URL set are percent-encoded. Empty when the URL has a
// scheme other than http or https (javascript:, data:, …).
std::string SafeUrl(std::string_view url) {
  const size_t colon = url.find(':');
  const size_t delim = url.find_first_of("/?#");
  if (colon != std::string_view::npos &&
      (delim == std::string_view::npos || colon < delim)) {
    const std::string scheme = absl::AsciiStrToLower(Sv(url.substr(0, colon)));
    if (scheme != "http" && scheme != "https") return "";
  }
  std::string out;
  for (char ch : url) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) ||
        std::string_view("-._~:/?#@!$&'*+,;=%").find(ch) !=
            std::string_view::npos) {
      out += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string OutcomeCell(const RuleResult& rule) {
  if (rule.dry_run) {
    return absl::StrCat(Sv(kDryRunMark), " dry run (",
                        Sv(OutcomeName(rule.outcome)), ")");
  }
  return absl::StrCat(Sv(Mark(rule.outcome)), " ",
                      Sv(OutcomeName(rule.outcome)));
}

std::string ObservedCell(const RuleResult& rule) {
  if (rule.series.empty()) return "no data";
  const std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
  std::vector<std::string> lines;
  for (size_t i = 0; i < series.size() && i < kMaxSeriesLines; ++i) {
    std::string line = Escape(SeriesText(*series[i], rule.unit));
    if (series.size() > 1) {
      absl::StrAppend(&line, " → ", Sv(OutcomeName(series[i]->outcome)));
    }
    lines.push_back(std::move(line));
  }
  if (series.size() > kMaxSeriesLines) {
    lines.push_back(
        absl::StrCat("… and ", series.size() - kMaxSeriesLines, " more"));
  }
  return absl::StrJoin(lines, "<br>");
}

std::string ReasonCell(const RuleResult& rule) {
  std::vector<std::string> lines;
  if (!rule.reason.empty()) lines.push_back(Escape(rule.reason));
  if (rule.baseline_missing) {
    lines.push_back(
        Escape(absl::StrCat("baseline missing: ", rule.baseline_source)));
  } else if (!rule.baseline_source.empty() && HasBaselineValue(rule)) {
    lines.push_back(Escape(absl::StrCat("baseline: ", rule.baseline_source)));
  }
  for (const std::string& w : rule.warnings) {
    lines.push_back(Escape(absl::StrCat("warning: ", w)));
  }
  return absl::StrJoin(lines, "<br>");
}

void AppendGate(const GateResult& gate, std::string* out) {
  absl::StrAppend(out, "### ", Sv(Mark(gate.verdict)), " ", Escape(gate.name));
  if (!gate.title.empty()) absl::StrAppend(out, " — ", Escape(gate.title));
  absl::StrAppend(out, "\n\n");
  absl::StrAppend(out, "Verdict **", Sv(OutcomeName(gate.verdict)),
                  "**: ", CountsText(CountRules(gate)));
  if (!gate.file.empty()) absl::StrAppend(out, " · file ", Escape(gate.file));
  absl::StrAppend(out, "\n\n");
  if (gate.rules.empty()) {
    absl::StrAppend(out, "_No rules._\n\n");
    return;
  }
  absl::StrAppend(out, "| Status | Rule | Observed | Threshold | Reason |\n",
                  "| --- | --- | --- | --- | --- |\n");
  for (const RuleResult& rule : gate.rules) {
    const std::string title = rule.group.empty()
                                  ? rule.name
                                  : absl::StrCat(rule.group, " / ", rule.name);
    const std::string criteria = CriteriaText(rule);
    absl::StrAppend(out, "| ", OutcomeCell(rule), " | ", Escape(title), " | ",
                    ObservedCell(rule), " | ",
                    criteria.empty() ? "—" : Escape(criteria), " | ",
                    ReasonCell(rule), " |\n");
  }
  out->append("\n");
}

// A number in a table cell: counts as integers, NaN as "—".
std::string CountCell(double n) { return FormatNumberShort(n); }

void AppendMutationTable(const SourceBreakdown& b, std::string* out) {
  const MutationBreakdown& m = *b.mutation;
  const std::vector<std::string> statuses = MutationStatusColumns(m);
  absl::StrAppend(out, "| Module | Score | Covered score |");
  for (const std::string& s : statuses) absl::StrAppend(out, " ", Escape(StatusTitle(s)), " |");
  absl::StrAppend(out, " Total |\n| --- | ---: | ---: |");
  for (size_t i = 0; i < statuses.size(); ++i) out->append(" ---: |");
  out->append(" ---: |\n");
  const auto row = [&](const MutationModuleResult& r, const std::string& title) {
    absl::StrAppend(out, "| ", title, " | ", ValueText(r.score_percent, "percent"), " | ",
                    ValueText(r.covered_percent, "percent"), " |");
    for (const std::string& s : statuses) {
      auto it = r.mutants.find(s);
      absl::StrAppend(out, " ", CountCell(it == r.mutants.end() ? 0 : it->second), " |");
    }
    absl::StrAppend(out, " ", CountCell(r.total), " |\n");
  };
  row(m.total, "**all modules**");
  const std::vector<const MutationModuleResult*> modules = ModulesWorstFirst(m);
  for (size_t i = 0; i < modules.size() && i < kMaxModuleRows; ++i) {
    row(*modules[i], Escape(ModuleTitle(modules[i]->module)));
  }
  out->append("\n");
  if (modules.size() > kMaxModuleRows) {
    absl::StrAppend(out, "_… and ", modules.size() - kMaxModuleRows,
                    " more modules (lowest scores shown)._\n\n");
  }
}

void AppendFindingsTable(const std::vector<FindingResult>& findings,
                         std::string* out) {
  out->append("| Severity | Rule | Tool | File:line | Package | Title |\n"
              "| --- | --- | --- | --- | --- | --- |\n");
  for (const FindingResult& f : findings) {
    const std::string where = FindingWhere(f);
    absl::StrAppend(out, "| ", Escape(f.severity), " | ", Escape(f.rule), " | ",
                    Escape(f.tool), " | ", where.empty() ? "—" : Escape(where), " | ",
                    f.package.empty() ? "—" : Escape(f.package), " | ",
                    f.title.empty() ? "—" : Escape(f.title), " |\n");
  }
  out->append("\n");
}

// A watch: its verdict explained by its incidents, one table row per rule
// of each incident, with the actions fired and how their delivery ended.
void AppendWatch(const RunResult& run, std::string* out) {
  const WatchSummary& w = *run.watch;
  absl::StrAppend(out, "### Incidents during the watch\n\n",
                  EscapeUncapped(WatchVerdictText(run)), "\n\n");
  if (w.incidents.empty()) return;
  absl::StrAppend(out,
                  "| Rule | Tripped at | Value | Why | Actions | Resolved at |\n",
                  "| --- | --- | --- | --- | --- | --- |\n");
  for (const WatchIncident& i : w.incidents) {
    std::vector<std::string> actions;
    for (const WatchActionResult& a : i.actions) {
      actions.push_back(EscapeUncapped(WatchActionText(a)));
    }
    const std::string resolved =
        IncidentResolved(i) ? absl::StrCat("✅ ", ShownTimeUtc(i.resolved_at))
        : i.escalated
            ? absl::StrCat("❌ escalated to fail at ", ShownTimeUtc(i.resolved_at))
            : std::string("❌ not resolved when the watch ended");
    std::vector<IncidentRule> rules = i.rules;
    if (rules.empty()) rules.push_back(IncidentRule{});
    for (const IncidentRule& r : rules) {
      absl::StrAppend(
          out, "| ", Sv(Mark(i.on == "error" ? Outcome::kError : Outcome::kFail)),
          " ", Escape(IncidentRuleTitle(i, r)), " | ",
          Escape(IncidentTrippedText(i)), " | ", Escape(IncidentValueText(i, r)),
          " | ", EscapeUncapped(i.why.empty() ? r.reason : i.why), " | ",
          actions.empty() ? "none" : absl::StrJoin(actions, "<br>"), " | ",
          resolved, " |\n");
    }
  }
  out->append("\n");
}

void AppendSecurityTables(const SourceBreakdown& b, std::string* out) {
  const SecurityBreakdown& sec = *b.security;
  out->append("| Severity | Findings | Ignored |\n| --- | ---: | ---: |\n");
  for (const auto& row : sec.by_severity) {
    absl::StrAppend(out, "| ", Escape(row.severity), " | ", CountCell(row.findings),
                    " | ", CountCell(row.ignored), " |\n");
  }
  out->append("\n");
  if (sec.top.empty()) {
    out->append("_No findings._\n\n");
    return;
  }
  absl::StrAppend(out, "Top findings (", sec.top.size(), " of ", sec.findings_total,
                  ", worst first):\n\n");
  AppendFindingsTable(sec.top, out);
}

// The gate's mutation and security sources as tables (issue 13.6).
void AppendBreakdowns(const GateResult& gate, std::string* out) {
  for (const SourceBreakdown& b : gate.breakdowns) {
    absl::StrAppend(out, "#### ", b.mutation ? "Mutation" : "Security",
                    " — source ", Escape(b.name), ": ", Escape(b.detail), "\n\n");
    if (b.mutation) AppendMutationTable(b, out);
    if (b.security) AppendSecurityTables(b, out);
  }
  for (const RuleResult& rule : gate.rules) {
    if (rule.findings.empty()) continue;
    absl::StrAppend(out, "Findings behind ", Sv(Mark(rule.outcome)), " ",
                    Escape(rule.group.empty() ? rule.name
                                              : absl::StrCat(rule.group, " / ", rule.name)),
                    " (", rule.findings.size(), " of ", rule.findings_total, "):\n\n");
    AppendFindingsTable(rule.findings, out);
  }
}

}  // namespace

std::string RenderMarkdown(const RunResult& run,
                           const MarkdownOptions& options) {
  std::string out;
  const int exit_code = ExitCode(run);
  const OutcomeCounts counts = CountRules(run);
  const Outcome decided = exit_code == 0   ? Outcome::kPass
                          : exit_code == 1 ? Outcome::kFail
                                           : Outcome::kInconclusive;
  absl::StrAppend(&out, "## ", Sv(Mark(decided)), " aurora-gate verdict: **",
                  Sv(VerdictWord(run)), "**\n\n");
  if (run.watch.has_value()) out += "last cycle: ";
  absl::StrAppend(&out, "**", CountsText(counts), "** in ", run.gates.size(),
                  run.gates.size() == 1 ? " gate" : " gates", " · exit ",
                  exit_code, " (", Sv(ExitMeaning(exit_code)), ")");
  if (run.strict) out += " · strict: warn and pending fail";
  const std::string eval_time = ShownTimeUtc(run.eval_time);
  if (!eval_time.empty()) absl::StrAppend(&out, " · evaluated at ", eval_time);
  if (!run.tool_version.empty()) {
    absl::StrAppend(&out, " · aurora-gate ", Escape(run.tool_version));
    if (!run.tool_commit.empty())
      absl::StrAppend(&out, " (", Escape(run.tool_commit), ")");
  }
  out += "\n\n";
  if (!run.action_problems.empty()) {
    out += "**Actions need a human** (exit 3 whatever the verdict):\n\n";
    for (const std::string& p : run.action_problems) {
      absl::StrAppend(&out, "- ", Escape(p), "\n");
    }
    out += "\n";
  }
  if (!run.settings.empty()) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : run.settings) {
      parts.push_back(absl::StrCat(Escape(k), "=", Escape(v)));
    }
    absl::StrAppend(&out, "Settings: ", absl::StrJoin(parts, ", "), "\n\n");
  }
  if (!options.html_report_url.empty()) {
    const std::string url = SafeUrl(options.html_report_url);
    if (url.empty()) {
      absl::StrAppend(&out, "Full report: ", Escape(options.html_report_url),
                      "\n\n");
    } else {
      absl::StrAppend(&out, "[Full report (HTML)](", url, ")\n\n");
    }
  }
  if (run.watch.has_value()) {
    AppendWatch(run, &out);
    absl::StrAppend(&out, "**Last cycle.** ", EscapeUncapped(LastCycleText(run)),
                    "\n\n");
  }
  for (const GateResult& gate : run.gates) {
    AppendGate(gate, &out);
    AppendBreakdowns(gate, &out);
  }
  return out;
}

}  // namespace aurora
