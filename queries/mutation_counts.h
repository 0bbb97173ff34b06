// File: queries/mutation_counts.h
// Shared by the mutation readers: per-file tallies of mutants by status and
// how they become the contract's samples (`mutants{status=…}`,
// `mutation_score_percent`, `mutation_score_covered_percent`) in total, per
// `module` and per `file`, with the producing tool's own score definitions
// (docs/FORMATS.md §7).
#ifndef AURORA_QUERIES_MUTATION_COUNTS_H_
#define AURORA_QUERIES_MUTATION_COUNTS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "evaluator/expr_eval.h"

namespace aurora {

// What a status means for the score.
enum class MutantClass {
  kDetected,    // Stryker Killed/Timeout; PIT detected='true'
  kSurvived,    // covered, not detected
  kNoCoverage,  // not covered by any test
  kExcluded,    // Stryker invalid/ignored/pending: left out of the score
};

// Whose definitions the scores follow.
enum class MutationScoring {
  // score = 100·detected / (detected + survived + no coverage), NaN at 0/0;
  // covered = 100·detected / (detected + survived), 0 when that is 0 but
  // the score's denominator is not (mutation-testing-elements
  // calculateMetrics).
  kStryker,
  // score = PIT percentage(detected, all); test strength (covered) =
  // percentage(detected, all - no coverage) (MutationStatistics.java).
  kPit,
};

// Counts of one file, module or report. Counts are doubles holding integers.
struct MutationTally {
  std::map<std::string, double> by_status;  // normalised status -> count
  double detected = 0;
  double survived = 0;
  double no_coverage = 0;
  double all = 0;  // every mutant, excluded ones too

  void Add(const std::string& status, MutantClass cls, double n = 1);
  MutationTally& operator+=(const MutationTally& o);
  double Score(MutationScoring scoring) const;
  double CoveredScore(MutationScoring scoring) const;
};

// PIT's PercentageCalculator.getPercentage(total, numerator) at precision 0:
// 100 when total is 0, 0 when numerator is 0, 100 when equal, else
// min(99, Math.round((100f / total) * numerator)) in 32-bit float.
double PitPercent(double total, double numerator);

// "NoCoverage" -> "no_coverage", "TIMED_OUT" -> "timed_out",
// "no tests" -> "no_tests": lower snake case.
std::string SnakeCaseStatus(std::string_view status);

// The `module` of a file path: its directory ("" for a top-level file), or,
// with depth > 0, at most its first `depth` directories. '\' counts as '/'.
std::string ModuleOf(std::string_view file, int depth);

// A report being read: file tallies plus the statuses always emitted.
struct MutationCounts {
  MutationScoring scoring = MutationScoring::kStryker;
  std::set<std::string> known_statuses;  // emitted with 0 when absent
  std::map<std::string, MutationTally> files;
};

// The samples of `counts`: in total (no labels), per module ({module}) and
// per file ({module, file}): `mutants{status}` for every known or seen
// status, `mutation_score_percent`, `mutation_score_covered_percent`.
// detail_labels = {"module", "file"}.
SampleSet MutationSamples(const MutationCounts& counts, int module_depth);

}  // namespace aurora

#endif  // AURORA_QUERIES_MUTATION_COUNTS_H_
