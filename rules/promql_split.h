// File: rules/promql_split.h
// Splits a Prometheus-style condition off a PromQL expression so the
// observed value can be queried and reported: `sum(rate(x[5m])) > 0.05`
// becomes the query `sum(rate(x[5m]))` and the condition `> 0.05`. Only a
// single top-level comparison with a plain number on the right is split;
// `bool` comparisons, comparisons inside parentheses or functions, and
// expressions with top-level and/or/unless are left alone.
#ifndef AURORA_RULES_PROMQL_SPLIT_H_
#define AURORA_RULES_PROMQL_SPLIT_H_

#include <optional>
#include <string>
#include <string_view>

#include "rules/expr.h"

namespace aurora {

struct SplitExpr {
  std::string query;  // the left side (trimmed), or the whole expression
  std::optional<ParsedExpr::Comparison> comparison;
};

SplitExpr SplitTopLevelComparison(std::string_view promql);

}  // namespace aurora

#endif  // AURORA_RULES_PROMQL_SPLIT_H_
