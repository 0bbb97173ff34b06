#include "reports/terminal_report.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"
#include "reports/watch_report.h"

namespace aurora {
namespace {

// Series lines shown per rule before "… and N more".
constexpr size_t kMaxSeriesLines = 5;
// On a terminal too narrow for the table, the text columns are narrowed
// (widest first) down to this width and their text wraps within them; the
// outcome column keeps its width. Nothing is ever cut.
constexpr size_t kMinWrapWidth = 16;
constexpr std::string_view kIndent = "  ";
constexpr std::string_view kGap = "  ";

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";

std::string_view OutcomeColor(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "\x1b[32m";  // green
    case Outcome::kWarn:
      return "\x1b[33m";  // yellow
    case Outcome::kPending:
      return "\x1b[36m";  // cyan
    case Outcome::kInconclusive:
      return "\x1b[35m";  // magenta
    case Outcome::kError:
      return "\x1b[1;31m";  // bold red
    case Outcome::kFail:
      return "\x1b[1;31m";  // bold red
  }
  return "";
}
constexpr std::string_view kDryRunColor = "\x1b[2m";  // dim

std::string Upper(std::string_view s) { return absl::AsciiStrToUpper(Sv(s)); }

// One table cell: plain lines (already sanitized and cut) plus the colour to
// paint them with, if any.
struct Cell {
  std::vector<std::string> lines;
  std::string_view color;
};

Cell TextCell(std::string_view text) { return Cell{{ToSingleLine(text)}, {}}; }

Cell OutcomeCell(const RuleResult& rule) {
  if (rule.dry_run) {
    return Cell{
        {absl::StrCat("DRY-RUN (", Upper(OutcomeName(rule.outcome)), ")")},
        kDryRunColor};
  }
  return Cell{{Upper(OutcomeName(rule.outcome))}, OutcomeColor(rule.outcome)};
}

Cell ObservedCell(const RuleResult& rule) {
  Cell cell;
  if (rule.series.empty()) {
    cell.lines.push_back("no data");
    return cell;
  }
  const std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
  const size_t shown = std::min(series.size(), kMaxSeriesLines);
  for (size_t i = 0; i < shown; ++i) {
    std::string line = SeriesText(*series[i], rule.unit);
    if (series.size() > 1) {
      absl::StrAppend(&line, " → ", Sv(OutcomeName(series[i]->outcome)));
    }
    cell.lines.push_back(ToSingleLine(line));
  }
  if (series.size() > shown) {
    cell.lines.push_back(
        absl::StrCat("… and ", series.size() - shown, " more"));
  }
  return cell;
}

// One line per kind of criteria: "pass: >= 80 and >= -2%", "fail: < 60".
Cell CriteriaCell(const RuleResult& rule) {
  Cell cell;
  for (const std::string& part : CriteriaParts(rule)) {
    cell.lines.push_back(ToSingleLine(part));
  }
  if (cell.lines.empty()) cell.lines.push_back("-");
  return cell;
}

Cell ReasonCell(const RuleResult& rule) {
  Cell cell = TextCell(rule.reason);
  if (rule.baseline_missing) {
    cell.lines.push_back(
        ToSingleLine(absl::StrCat("baseline missing: ", rule.baseline_source)));
  } else if (!rule.baseline_source.empty() && HasBaselineValue(rule)) {
    // Which baseline the relative criteria met (a file, a history's median,
    // the same query an hour ago).
    cell.lines.push_back(
        ToSingleLine(absl::StrCat("baseline: ", rule.baseline_source)));
  }
  for (const std::string& w : rule.warnings) {
    cell.lines.push_back(ToSingleLine(absl::StrCat("warning: ", w)));
  }
  return cell;
}

std::string RuleTitle(const RuleResult& rule) {
  return rule.group.empty() ? rule.name
                            : absl::StrCat(rule.group, "/", rule.name);
}

using Row = std::vector<Cell>;

// Column widths that fit `terminal_width` (0: no limit): the natural widths,
// then the widest text column (all but the first) narrowed one column at a
// time until the row fits or every text column is at kMinWrapWidth.
std::vector<size_t> FitWidths(std::vector<size_t> widths,
                              size_t terminal_width) {
  if (terminal_width == 0) return widths;
  auto row_width = [&] {
    size_t w = kIndent.size() + kGap.size() * (widths.size() - 1);
    for (size_t c : widths) w += c;
    return w;
  };
  while (row_width() > terminal_width) {
    size_t widest = 0;
    for (size_t c = 1; c < widths.size(); ++c) {
      if (widths[c] > kMinWrapWidth &&
          (widest == 0 || widths[c] > widths[widest])) {
        widest = c;
      }
    }
    if (widest == 0) break;  // Narrower than the minimum: the terminal wraps.
    --widths[widest];
  }
  return widths;
}

void AppendTable(std::vector<Row> rows, bool color, size_t terminal_width,
                 std::string* out) {
  const size_t ncols = rows.front().size();
  std::vector<size_t> natural(ncols, 0);
  for (const Row& row : rows) {
    for (size_t c = 0; c < ncols; ++c) {
      for (const std::string& line : row[c].lines) {
        natural[c] = std::max(natural[c], DisplayWidth(line));
      }
    }
  }
  const std::vector<size_t> widths = FitWidths(natural, terminal_width);
  for (Row& row : rows) {
    for (size_t c = 0; c < ncols; ++c) {
      if (widths[c] == natural[c]) continue;
      std::vector<std::string> wrapped;
      for (const std::string& line : row[c].lines) {
        for (std::string& part : WrapDisplay(line, widths[c])) {
          wrapped.push_back(std::move(part));
        }
      }
      row[c].lines = std::move(wrapped);
    }
  }
  for (const Row& row : rows) {
    size_t height = 0;
    for (const Cell& cell : row) height = std::max(height, cell.lines.size());
    for (size_t l = 0; l < height; ++l) {
      std::string line(kIndent);
      for (size_t c = 0; c < ncols; ++c) {
        const Cell& cell = row[c];
        const std::string text = l < cell.lines.size() ? cell.lines[l] : "";
        if (color && !cell.color.empty() && !text.empty()) {
          absl::StrAppend(&line, Sv(cell.color), text, Sv(kReset));
        } else {
          line += text;
        }
        if (c + 1 < ncols) {
          const size_t shown = DisplayWidth(text);
          if (shown < widths[c]) line.append(widths[c] - shown, ' ');
          line += kGap;
        }
      }
      // Padding of empty trailing cells must not leave trailing blanks.
      while (!line.empty() && line.back() == ' ') line.pop_back();
      absl::StrAppend(out, line, "\n");
    }
  }
}

void AppendGate(const GateResult& gate, bool color, size_t terminal_width,
                std::string* out) {
  std::string header = absl::StrCat("Gate ", ToSingleLine(gate.name));
  if (!gate.title.empty()) {
    absl::StrAppend(&header, " — ", ToSingleLine(gate.title));
  }
  if (!gate.file.empty())
    absl::StrAppend(&header, " (", ToSingleLine(gate.file), ")");
  const std::string verdict = Upper(OutcomeName(gate.verdict));
  absl::StrAppend(out, header, ": ");
  if (color) {
    absl::StrAppend(out, Sv(OutcomeColor(gate.verdict)), verdict, Sv(kReset),
                    "\n");
  } else {
    absl::StrAppend(out, verdict, "\n");
  }
  if (gate.rules.empty()) {
    absl::StrAppend(out, Sv(kIndent), "(no rules)\n");
    return;
  }
  std::vector<Row> rows;
  rows.push_back({Cell{{"OUTCOME"}, color ? kBold : ""},
                  Cell{{"RULE"}, color ? kBold : ""},
                  Cell{{"OBSERVED"}, color ? kBold : ""},
                  Cell{{"CRITERIA"}, color ? kBold : ""},
                  Cell{{"REASON"}, color ? kBold : ""}});
  for (const RuleResult& rule : gate.rules) {
    rows.push_back({OutcomeCell(rule), TextCell(RuleTitle(rule)),
                    ObservedCell(rule), CriteriaCell(rule), ReasonCell(rule)});
  }
  AppendTable(std::move(rows), color, terminal_width, out);
}

}  // namespace

std::string RenderTerminal(const RunResult& run, bool color) {
  return RenderTerminal(run, TerminalOptions{.color = color, .width = 0});
}

std::string RenderTerminal(const RunResult& run,
                           const TerminalOptions& options) {
  std::string out;
  if (run.watch.has_value()) absl::StrAppend(&out, LastCycleText(run), "\n\n");
  for (const GateResult& gate : run.gates) {
    AppendGate(gate, options.color, options.width, &out);
    out += "\n";
  }
  return out + RenderTerminalSummary(run, options);
}

std::string RenderTerminalSummary(const RunResult& run,
                                  const TerminalOptions& options) {
  const bool color = options.color;
  std::string out;
  const OutcomeCounts counts = CountRules(run);
  const int exit_code = ExitCode(run);
  const std::string verdict(VerdictWord(run));
  // Coloured by what the run decides: green passes, red fails.
  const std::string_view verdict_color =
      exit_code == 0 ? OutcomeColor(Outcome::kPass)
                     : exit_code == 1 ? OutcomeColor(Outcome::kFail)
                                      : OutcomeColor(Outcome::kInconclusive);
  if (!run.action_problems.empty()) {
    out += "Actions need a human (exit 3 whatever the verdict):\n";
    for (const std::string& p : run.action_problems) {
      absl::StrAppend(&out, Sv(kIndent), ToSingleLine(p), "\n");
    }
    out += "\n";
  }
  if (run.watch.has_value()) {
    // The watch's verdict is its incidents', not the last cycle's.
    out += "Incidents during the watch:\n";
    for (const WatchIncident& i : run.watch->incidents) {
      for (const std::string& line : IncidentTimeline(i)) {
        absl::StrAppend(&out, Sv(kIndent), ToSingleLine(line), "\n");
      }
    }
    if (run.watch->incidents.empty()) absl::StrAppend(&out, Sv(kIndent), "none\n");
    absl::StrAppend(&out, ToSingleLine(WatchVerdictText(run)), "\n\n");
  }
  out += "Verdict: ";
  if (color) {
    absl::StrAppend(&out, Sv(verdict_color), verdict, Sv(kReset));
  } else {
    out += verdict;
  }
  absl::StrAppend(&out, " — ", run.watch.has_value() ? "last cycle: " : "",
                  CountsText(counts), " (", counts.total,
                  counts.total == 1 ? " rule" : " rules", " in ",
                  run.gates.size(), run.gates.size() == 1 ? " gate" : " gates",
                  ")");
  if (run.strict) out += ", strict: warn and pending fail";
  absl::StrAppend(&out, "; exit ", exit_code, " (", Sv(ExitMeaning(exit_code)),
                  ")\n");
  return out;
}

}  // namespace aurora
