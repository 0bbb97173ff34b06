// File: queries/coverage_reader.h
// The `coverage` artifact source: recognises a coverage report by its
// content (never its file name) — Cobertura XML, JaCoCo XML, coverage.py
// JSON or an lcov tracefile — and reads it with the matching reader.
#ifndef AURORA_QUERIES_COVERAGE_READER_H_
#define AURORA_QUERIES_COVERAGE_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// Reads coverage report `content` (the bytes of file `name`). Detection, by
// the signatures of docs/FORMATS.md §0: XML with root <coverage> carrying
// line-rate or <packages> (Cobertura; Clover's <coverage clover=…> or
// <project> is not), XML with root <report> and JaCoCo's DOCTYPE or a name
// attribute (JaCoCo), a JSON object with coverage.py's meta/files/totals,
// text whose first record is TN:/SF:/VER: (lcov). Samples and labels are
// described in each reader's header; `detail_labels` is {"package", "file"}.
// Errors (InvalidArgument, message starting with `name`): empty file,
// malformed XML/JSON (from ParseXml/ParseJson), and for input of another
// kind "NAME: not a coverage report: found WHAT; expected Cobertura XML,
// JaCoCo XML, coverage.py JSON or an lcov tracefile". Pure; thread-safe.
absl::StatusOr<ArtifactData> ParseCoverage(std::string_view content,
                                           std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_COVERAGE_READER_H_
