// File: reports/html_report.h
// The go-live report: one self-contained XHTML-compatible page (inline CSS,
// inline SVG, no scripts, fonts or images) a release manager opens offline.
// It holds the verdict banner (GO / NO-GO / UNDECIDED for `report`, PASS /
// FAIL / UNDECIDED for `check` and `watch`: run_summary.h VerdictWord; the
// reason and the
// rules that caused it), per gate the checklist (one row per rule: mark and
// outcome word, rule, observed values, thresholds, `for`, reason), a chart
// of every live rule's history over the report window (reports/rule_chart.h),
// the artifact results as tables and bars, and the run's metadata. Readable
// in print and without colour (marks and words, dash patterns and shapes);
// every untrusted string is escaped.
#ifndef AURORA_REPORTS_HTML_REPORT_H_
#define AURORA_REPORTS_HTML_REPORT_H_

#include <cstddef>
#include <string>

#include "evaluator/result.h"

namespace aurora {

struct HtmlOptions {
  // The page's <title> and heading; "aurora-gate go-live report" when empty.
  std::string title;
  // Lines drawn per chart; more series are counted in a note under it.
  size_t max_series_per_chart = 10;
  // Observed values listed per checklist row; more are counted.
  size_t max_values_per_row = 10;
  int chart_width = 720;   // px; the downsampler keeps <= 2 points a column
  int chart_height = 240;  // px
};

// Stable hooks for tests and styles: #verdict (data-verdict: VerdictWord,
// class go|nogo|undecided, data-exit-code), section.gate, tr.rule (data-outcome,
// data-source-type, data-dry-run), #live section.live-rule (svg.chart or
// p.no-history), #artifacts table.artifact, #metadata. A watch's
// end-of-watch page (RunResult::watch) explains its verdict by its
// incidents: the banner names them, #incidents tr.incident (data-resolved)
// holds each one's timeline, and the checklist is titled "Last cycle".
std::string RenderHtml(const RunResult& run, const HtmlOptions& options);

}  // namespace aurora

#endif  // AURORA_REPORTS_HTML_REPORT_H_
