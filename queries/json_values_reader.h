// File: queries/json_values_reader.h
// The samples of a `json` source (and of an http response body): parses a
// JSON document or JSON lines and evaluates the source's `values:`, one
// sample per metric, without labels. Pure.
#ifndef AURORA_QUERIES_JSON_VALUES_READER_H_
#define AURORA_QUERIES_JSON_VALUES_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

// True for names ending .jsonl, .ndjson or .jsonlines.
bool IsJsonLinesName(std::string_view name);

// Parses `content` (named `name` in messages) as one JSON document, or as
// JSON lines (one document per non-blank line) when `json_lines` is set or
// the content is several documents one per line; every pointer is applied
// to every line. InvalidArgument when the content is not JSON (naming the
// line and column). A value whose pick fails (a type the reduction cannot
// take) is a metric_errors entry; a reduction of nothing that has no value
// (sum, min, max, avg) yields no sample, so the rule's no_data policy
// decides.
absl::StatusOr<ArtifactData> ParseJsonValues(
    std::string_view content, std::string_view name,
    const std::vector<JsonValueSpec>& values, bool json_lines = false);

}  // namespace aurora

#endif  // AURORA_QUERIES_JSON_VALUES_READER_H_
