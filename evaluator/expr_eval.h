// File: evaluator/expr_eval.h
// Evaluates an artifact expression (rules/expr.h) over a set of samples, with
// PromQL's instant-vector semantics. Pure: no I/O, no clock.
#ifndef AURORA_EVALUATOR_EXPR_EVAL_H_
#define AURORA_EVALUATOR_EXPR_EVAL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "evaluator/sample.h"
#include "rules/expr.h"

namespace aurora {

// The samples an expression runs over, plus the labels that mark breakdown
// samples, coarse to fine (`package`, `file` for coverage; `suite` for
// JUnit). A sample's level is its finest detail label. A selector selects
// the level of the finest detail label it names, and headline samples when
// it names none: `coverage_line_percent` is the report's headline figure,
// `coverage_line_percent{package=~"aurora/risk.*"}` the matching packages,
// `coverage_line_percent{file!=""}` every file (files also carry `package`,
// so `{package="aurora.risk", file!=""}` selects that package's files).
// A `label=""` matcher asks for absence and names no level.
struct SampleSet {
  std::vector<Sample> samples;
  std::vector<std::string> detail_labels;
};

// The result of an expression: a vector of samples (possibly empty), or a
// scalar when the expression has no selector at all (e.g. `1 + 2`).
struct ExprValue {
  std::vector<Sample> vector;
  bool is_scalar = false;
  double scalar = 0;
};

// Evaluates `expr` over `input`. Semantics as PromQL:
// - selectors match on `__name__` and the matchers (regexes fully anchored,
//   RE2 syntax; an empty-value matcher matches an absent label);
// - aggregations drop `__name__`, group by/without the listed labels; avg of
//   nothing is absent (no output), count counts samples;
// - vector-vector arithmetic matches samples whose label sets, without
//   `__name__`, are equal; unmatched samples are dropped; results lose
//   `__name__`; scalar-vector arithmetic keeps labels but drops `__name__`;
// - division by zero gives ±Inf or NaN, as IEEE does.
// Returns InvalidArgument for a bad regex or a many-to-one match ("found
// duplicate series for the match group"), naming the offending labels.
absl::StatusOr<ExprValue> EvaluateExpr(const ExprNode& expr,
                                       const SampleSet& input);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_EXPR_EVAL_H_
