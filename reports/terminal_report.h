// File: reports/terminal_report.h
// The human summary printed at the end of a run: per gate a table
// (outcome, rule, observed values, criteria, reason), then the verdict line
// with counts and the exit code. Outcome words are always printed; colour
// (ANSI) is added only when asked for, and the caller decides (a TTY).
#ifndef AURORA_REPORTS_TERMINAL_REPORT_H_
#define AURORA_REPORTS_TERMINAL_REPORT_H_

#include <cstddef>
#include <string>

#include "evaluator/result.h"

namespace aurora {

struct TerminalOptions {
  // ANSI colour for outcome words (the caller decides: a TTY, --color).
  bool color = false;
  // The terminal's width in display columns; 0 when the output is not a
  // terminal (a CI log, a pipe, a file).
  size_t width = 0;
};

// Column widths come from the content, and no name, value or reason is ever
// cut: without a width every cell is printed in full; on a terminal too
// narrow for the table the text columns are narrowed and their text wraps
// within them. A rule with many series shows the worst few, one a line,
// then "… and N more". Untrusted text is made single-line and stripped of
// control characters, so a hostile label cannot move the cursor or recolour
// the terminal.
std::string RenderTerminal(const RunResult& run,
                           const TerminalOptions& options);
// The end of RenderTerminal: the actions that need a human, if any, and the
// verdict line with counts and exit code (printed again by `check` when its
// actions changed the exit code after the table was shown).
std::string RenderTerminalSummary(const RunResult& run,
                                  const TerminalOptions& options);
// RenderTerminal without a width.
std::string RenderTerminal(const RunResult& run, bool color);

}  // namespace aurora

#endif  // AURORA_REPORTS_TERMINAL_REPORT_H_
