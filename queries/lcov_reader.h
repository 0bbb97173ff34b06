// File: queries/lcov_reader.h
// lcov tracefile (`.info`) -> coverage samples, recounted from the DA, BRDA
// and FN/FNDA/FNA records as lcov itself does when reading a tracefile; the
// LF/LH, BRF/BRH and FNF/FNH summary lines are ignored. See docs/FORMATS.md §3.
#ifndef AURORA_QUERIES_LCOV_READER_H_
#define AURORA_QUERIES_LCOV_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// True when the first line that is not blank or a `#` comment starts with
// an lcov record that opens a tracefile (`TN:`, `SF:` or `VER:`).
bool LooksLikeLcov(std::string_view content);

// Reads lcov tracefile `content`; `name` prefixes every error. Records of
// the same SF (several TN sections or repeated records) merge into one file:
// lines are the union of DA line numbers with counts added, branches are
// keyed by (line, block, branch) with counts added, functions by name. Files
// without DA records are dropped. Samples, totals (no label; Σ of the files)
// and per file ({file="…"}, the SF path verbatim). A section whose LF/LH
// headers disagree with its own DA records gets a warning naming both counts
// (the first five such sections; the numbers are the recount):
// - coverage_lines_covered/_valid, coverage_line_percent (LH/LF recounted);
// - coverage_branches_covered/_valid, coverage_branch_percent: as lcov with
//   branch coverage enabled: found = BRDA entries not marked unreachable
//   (`U` block prefix), hit = taken neither `-` nor 0;
// - coverage_functions_covered/_valid, coverage_function_percent: one
//   function per distinct name (FN/FNDA, or FNA aliases of lcov ≥ 2.2), hit
//   when its summed count > 0 — lcov's count without function-alias
//   merging; producers' own FNF/FNH differ between lcov versions.
// Percent is NaN when valid is 0. Returns InvalidArgument "NAME:LINE: …"
// for a malformed line, a record outside SF…end_of_record, a negative or
// non-numeric count, and a file that ends inside a record (no end_of_record:
// a truncated file). A cut exactly between two records cannot be told from
// a shorter tracefile: the format has no end-of-file marker.
absl::StatusOr<ArtifactData> ParseLcov(std::string_view content,
                                       std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_LCOV_READER_H_
