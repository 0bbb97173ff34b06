// File: queries/coverage_reader_internal.h
// For the differential test of the coverage readers: ParseCoverage with the
// streaming Cobertura fast path switched off, i.e. always the DOM path.
#ifndef AURORA_QUERIES_COVERAGE_READER_INTERNAL_H_
#define AURORA_QUERIES_COVERAGE_READER_INTERNAL_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// Exactly ParseCoverage (queries/coverage_reader.h) but never streaming.
absl::StatusOr<ArtifactData> ParseCoverageDom(std::string_view content,
                                              std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_COVERAGE_READER_INTERNAL_H_
