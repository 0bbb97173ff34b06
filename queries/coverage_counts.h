// File: queries/coverage_counts.h
// Shared by the coverage readers: a covered/valid pair of integer counts and
// how it becomes the contract's samples (`coverage_<units>_covered`,
// `coverage_<units>_valid`, `coverage_<unit>_percent`; NaN percent at 0/0).
#ifndef AURORA_QUERIES_COVERAGE_COUNTS_H_
#define AURORA_QUERIES_COVERAGE_COUNTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"  // FindInvalidUtf8, used by the lcov reader
#include "evaluator/sample.h"

namespace aurora {

// Counts are doubles holding integers (exact up to 2^53).
struct CoverageCount {
  double covered = 0;
  double valid = 0;

  CoverageCount& operator+=(const CoverageCount& o) {
    covered += o.covered;
    valid += o.valid;
    return *this;
  }
  friend bool operator==(const CoverageCount& a, const CoverageCount& b) {
    return a.covered == b.covered && a.valid == b.valid;
  }
  // 100 * covered / valid; NaN when valid is 0.
  double Percent() const;
};

// One counted unit: metric names use `plural` for the counts and `singular`
// for the percent ("lines" / "line", "complexity" / "complexity").
struct CoverageUnit {
  std::string_view plural;
  std::string_view singular;
};

inline constexpr CoverageUnit kLineUnit{"lines", "line"};
inline constexpr CoverageUnit kBranchUnit{"branches", "branch"};
inline constexpr CoverageUnit kFunctionUnit{"functions", "function"};

// Appends coverage_<plural>_covered, coverage_<plural>_valid and
// coverage_<singular>_percent with `labels` to `out`.
void AppendCoverageSamples(const CoverageUnit& unit, const CoverageCount& count,
                           const Labels& labels, std::vector<Sample>* out);

// The labels of a breakdown sample: {package="…"} or {file="…"}.
Labels PackageLabels(std::string_view package);
Labels FileLabels(std::string_view file);

// The detail labels every coverage SampleSet declares.
std::vector<std::string> CoverageDetailLabels();

// A count as written in a report: a finite, non-negative integer no larger
// than 2^53 (decimal, optionally with ".0" or an exponent, e.g. "42",
// "42.0"). nullopt for anything else ("1e999", "-1", "4.5", "abc", "").
std::optional<double> ParseCount(std::string_view text);
// Same check for a number that was already parsed (JSON).
bool IsCount(double v);

// An execution count (hits, DA count): any finite, non-negative number.
std::optional<double> ParseHits(std::string_view text);

// Text for an error message: `text` cut to 60 bytes, with control and
// non-ASCII bytes escaped as \xNN.
std::string Excerpt(std::string_view text);

// The common tail of "not a coverage report" errors.
inline constexpr std::string_view kExpectedCoverageFormats =
    "expected Cobertura XML, JaCoCo XML, coverage.py JSON or an lcov "
    "tracefile";

}  // namespace aurora

#endif  // AURORA_QUERIES_COVERAGE_COUNTS_H_
