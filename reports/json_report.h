// File: reports/json_report.h
// The machine-readable report, schema "aurora-gate/report/v1" (documented in
// docs/reports.md, JSON Schema in docs/report-schema.json): every gate and
// rule with expr, resolved query, source, criteria, observed values and
// baselines per series, outcome, reason and timings. Keys in a fixed order.
// A watch's end-of-watch report adds "watch" (its span and incident
// timeline; the gates are then its last cycle), an optional key that v1
// readers may ignore.
#ifndef AURORA_REPORTS_JSON_REPORT_H_
#define AURORA_REPORTS_JSON_REPORT_H_

#include <string>
#include <string_view>

#include "evaluator/result.h"

namespace aurora {

inline constexpr std::string_view kJsonReportSchema = "aurora-gate/report/v1";

// Pretty-printed JSON ending in a newline. Finite numbers are JSON numbers
// (shortest round-trip form); NaN, +Inf and -Inf, which JSON cannot spell,
// are the strings "NaN", "+Inf" and "-Inf". Times are RFC 3339 UTC strings
// (null when infinite). Strings are valid UTF-8 (invalid bytes → U+FFFD).
std::string RenderJson(const RunResult& run);

}  // namespace aurora

#endif  // AURORA_REPORTS_JSON_REPORT_H_
