// File: reports/rule_chart.h
// From a live rule's result to its chart: the threshold lines its criteria
// give (absolute ones; a relative criterion has no fixed line), the stretches
// of the window where its history fails or warns (judged point by point as
// evaluator/judge.h judges the rule's value), and the `for` window.
#ifndef AURORA_REPORTS_RULE_CHART_H_
#define AURORA_REPORTS_RULE_CHART_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"
#include "reports/svg_chart.h"

namespace aurora {

struct RuleThresholds {
  std::vector<ChartThreshold> lines;  // pass, then warn, then fail
  std::vector<std::string> relative;  // "pass <= +10%": not drawn
  std::vector<std::string> invalid;   // criteria that do not parse
};
RuleThresholds ThresholdsOf(const RuleResult& rule);

// How the rule's absolute criteria judge one value of its history (as
// evaluator/judge.h JudgeValue would with severity critical; relative
// criteria, which need a baseline, are left out).
Outcome JudgePoint(const RuleResult& rule, double value);

// Where any series of the rule's history is judged fail (or warn) by its
// absolute criteria: each such point covers half a step either side;
// stretches of one outcome closer than `merge_seconds` are merged (so their
// number stays below the chart's pixel columns). Sorted by start.
std::vector<ChartStretch> JudgedStretches(const RuleResult& rule,
                                          absl::Time start, absl::Time end,
                                          double merge_seconds);

// A span of the window where the rule's fail condition held: from the first
// failing evaluation to one step past the last one of a run of consecutive
// failing evaluations (any series failing counts).
struct FailedSpan {
  absl::Time from;
  absl::Time to;
};

// The spans of [start, end] in which the rule's history is judged fail by its
// absolute criteria, in time order. Empty without history or criteria.
std::vector<FailedSpan> FailedSpans(const RuleResult& rule, absl::Time start,
                                    absl::Time end);

// "fail condition held for 1m30s of the window (07:05:10–07:06:40)", naming
// up to three spans (times UTC, to the second) and how many more; "" when
// `spans` is empty.
std::string FailedSpansText(const std::vector<FailedSpan>& spans);

// The window a rule's chart covers: [eval_time - window, eval_time], or from
// the rule's history_start when the run has no window.
absl::Time ChartStart(const RunResult& run, const RuleResult& rule);

// Whether the rule gets a chart: a live (prometheus) rule with history.
bool HasChart(const RuleResult& rule);

// The chart of a live rule (HasChart). `id` is used for element ids. Series
// with a failing point are drawn first, up to `max_series`.
std::string RenderRuleChart(const RunResult& run, const RuleResult& rule,
                            const std::string& id, size_t max_series,
                            int width, int height);

}  // namespace aurora

#endif  // AURORA_REPORTS_RULE_CHART_H_
