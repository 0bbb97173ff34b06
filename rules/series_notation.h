// File: rules/series_notation.h
// promtool's series notation for rule unit tests (promql/parser, series
// descriptions): a series `name{label="value",...}` and its values in
// expanding notation ("1+1x10", "0x5", "-2+4x3", "_", "_x3", "stale",
// "1 2 NaN Inf"). Pure; errors carry the 1-based column in the text.
#ifndef AURORA_RULES_SERIES_NOTATION_H_
#define AURORA_RULES_SERIES_NOTATION_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aurora {

// One step of a series: a value, no sample (`_`), or a stale marker.
struct SeriesStep {
  enum class Kind { kValue, kOmitted, kStale };
  Kind kind = Kind::kValue;
  double value = 0;
};

// A series as promtool's parser.ParseMetric reads it: the metric name (may
// be empty, as in `{job="x"}`) and its labels (__name__ folded into `name`).
struct SeriesLabels {
  std::string name;
  std::map<std::string, std::string> labels;
};

// Expands `text` step by step, as promtool: "a+bxn" is a, a+b, ..., a+n*b
// (n+1 values, by repeated addition); "axn" is n+1 copies of a; "_xn" is n
// steps without a sample. InvalidArgument "column C: WHY" on a bad item, and
// for more than `max_steps` steps (input that would exhaust memory).
absl::StatusOr<std::vector<SeriesStep>> ExpandSeriesValues(
    std::string_view text, size_t max_steps = 10'000'000);

// Parses `name{a="b", c="d"}`, `name` or `{a="b"}` (double- or
// single-quoted values with Go escapes \" \\ \n \t; a trailing comma is
// allowed). InvalidArgument "column C: WHY".
absl::StatusOr<SeriesLabels> ParseSeriesLabels(std::string_view text);

// Prometheus' label set text, Labels.String(): {a="x", b="y"} with the
// metric name as __name__, sorted by name, values quoted as Go's %q.
std::string PromLabelsString(const std::map<std::string, std::string>& labels);

// Go's strconv.Quote of a UTF-8 string (escapes \" \\ and control
// characters); what %q and Labels.String() print.
std::string GoQuote(std::string_view s);

}  // namespace aurora

#endif  // AURORA_RULES_SERIES_NOTATION_H_
