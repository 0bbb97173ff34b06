// File: queries/coverage_py_json_reader.h
// coverage.py JSON (`coverage json`, formats 1–3) -> coverage samples, from
// the integer counts in `totals` and each `files[*].summary` (never from the
// printed percentages). See docs/FORMATS.md §1.
#ifndef AURORA_QUERIES_COVERAGE_PY_JSON_READER_H_
#define AURORA_QUERIES_COVERAGE_PY_JSON_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"
#include "rapidjson/document.h"

namespace aurora {

// True when `doc` has coverage.py's signature: an object with `meta`
// (an object with a string `version`), `files` and `totals` objects.
bool LooksLikeCoveragePyJson(const rapidjson::Value& doc);

// Reads a parsed coverage.py JSON report; `name` prefixes every error.
// Samples, for the totals (no label) and per file ({file="…"}, the key of
// `files`, verbatim):
// - coverage_lines_covered (covered_lines, else num_statements −
//   missing_lines), coverage_lines_valid (num_statements),
//   coverage_line_percent (NaN when there are no statements);
// - only when meta.branch_coverage is true: coverage_branches_covered
//   (covered_branches, else num_branches − missing_branches),
//   coverage_branches_valid (num_branches), coverage_branch_percent;
// - coverage_combined_percent: coverage.py's own percent_covered recomputed
//   from the counts, 100·(lines + branches covered)/(statements + branches),
//   and, as coverage.py does, 100.0 when that denominator is 0.
// The format is "coverage.py JSON (format N, coverage.py V)" (a missing
// meta.format is format 1). A totals line count that differs from the sum
// of the files is a warning. Returns InvalidArgument naming the file and the
// key for a missing or non-count value or covered > valid.
absl::StatusOr<ArtifactData> ParseCoveragePyJson(const rapidjson::Value& doc,
                                                 std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_COVERAGE_PY_JSON_READER_H_
