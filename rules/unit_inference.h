// File: rules/unit_inference.h
// The unit a rule's values have when its gate file does not say (`unit:`):
// read from the metric names of its query, as Prometheus' naming
// conventions spell units — `_seconds`, `_milliseconds`, `_bytes`, `_ratio`,
// `_percent` (so `coverage_line_percent`, `mutation_score_percent`,
// `benchmark_mean_seconds`) — plus `benchmark_ops` (operations per second).
#ifndef AURORA_RULES_UNIT_INFERENCE_H_
#define AURORA_RULES_UNIT_INFERENCE_H_

#include <string_view>

#include "base/units.h"

namespace aurora {

// The unit of `query` (PromQL, or the artifact subset): the unit every
// metric name with a unit suffix agrees on, when the query only keeps units
// (selectors, + and -, sum/min/max/avg, *_over_time, quantiles, abs,
// clamp…; histogram_quantile over `*_seconds_bucket` is seconds). kNone
// when the names disagree or say nothing, or when the query may change the
// unit: * / % ^, count, rate, increase, deriv and other functions. Pure.
Unit InferUnit(std::string_view query);

}  // namespace aurora

#endif  // AURORA_RULES_UNIT_INFERENCE_H_
