// File: reports/terminal_report.h
// The human summary printed at the end of a run: per gate a fixed-width table
// (outcome, rule, observed values, criteria, reason), then the verdict line
// with counts and the exit code. Outcome words are always printed; colour
// (ANSI) is added only when asked for, and the caller decides (a TTY).
#ifndef AURORA_REPORTS_TERMINAL_REPORT_H_
#define AURORA_REPORTS_TERMINAL_REPORT_H_

#include <string>

#include "evaluator/result.h"

namespace aurora {

// Column widths come from the content, each capped (long values end in "…");
// a rule with many series shows the worst few, one a line, then
// "… and N more". Untrusted text is made single-line and stripped of control
// characters, so a hostile label cannot move the cursor or recolour the
// terminal.
std::string RenderTerminal(const RunResult& run, bool color);

}  // namespace aurora

#endif  // AURORA_REPORTS_TERMINAL_REPORT_H_
