// File: reports/backtest_report.h
// The reports of `backtest`: pure functions of a BacktestRun
// (evaluator/backtest_replay.h). Times are RFC 3339 UTC. Nothing here says
// an action fired: a backtest only tells what would have.
#ifndef AURORA_REPORTS_BACKTEST_REPORT_H_
#define AURORA_REPORTS_BACKTEST_REPORT_H_

#include <string>

#include "evaluator/backtest_replay.h"
#include "evaluator/result.h"

namespace aurora {

// The terminal summary: per gate its incidents (or "no incident"), first
// trip and fraction failing; the deploy table; notes and errors.
std::string RenderBacktestText(const BacktestRun& run);

// JSON, schema "aurora-gate/backtest/v1": `incidents` (every incident of the
// span and of the deploy windows, times in RFC 3339), `gates` (verdict and
// rule outcome intervals, would-fire actions, first trip, fraction
// failing), `deploys`, `notes`, `errors`, `exit_code`.
std::string RenderBacktestJson(const BacktestRun& run);

// A Markdown summary: a headline with the decision (PASS / FAIL / UNDECIDED
// and the exit code, as the text's last line), the incidents table and the
// deploy table.
std::string RenderBacktestMarkdown(const BacktestRun& run);

// `report`'s HTML page for `page` (the span's rules with their values
// charted) with, above the checklist, #backtest: a timeline band per gate
// (svg.timeline, its verdict over the span, incidents as red
// rect.incident spans) and the incidents and deploys tables. Its banner
// (#verdict, data-verdict, data-exit-code) and <title> tell the backtest's
// decision (run.exit_code: its incidents and unread histories), not the worst
// outcome a rule had at some step.
std::string RenderBacktestHtml(const BacktestRun& run, const RunResult& page);

// One gate's timeline band as inline SVG: the span left to right, each
// verdict interval in its colour, each incident a red span with its times
// in a <title>.
std::string RenderTimelineBand(const BacktestResult& result, size_t gate,
                               int width = 720, int height = 28);

}  // namespace aurora

#endif  // AURORA_REPORTS_BACKTEST_REPORT_H_
