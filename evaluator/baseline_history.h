// File: evaluator/baseline_history.h
// A history of promoted artifacts (`baseline: { dir, keep, compare }`) as
// one baseline: per sample (metric name and labels), the median, min, max
// of its values over the history, or its value in the newest artifact.
// Pure.
#ifndef AURORA_EVALUATOR_BASELINE_HISTORY_H_
#define AURORA_EVALUATOR_BASELINE_HISTORY_H_

#include <vector>

#include "evaluator/expr_eval.h"
#include "rules/gate.h"

namespace aurora {

// `history` oldest first (the newest is last). A sample missing from some
// artifacts is combined over those that have it (`last`: only the newest
// artifact's samples). NaN values are left out of median/min/max unless a
// sample has nothing else. The result's detail labels are the newest
// artifact's.
SampleSet CombineHistory(const std::vector<const SampleSet*>& history,
                         BaselineHistory::Compare compare);

// The median of `values` (the mean of the middle two for an even count);
// NaN when empty.
double Median(std::vector<double> values);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_BASELINE_HISTORY_H_
