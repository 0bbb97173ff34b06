// File: rules/source_types.h
// The source types a gate file may declare and, for artifact types, the
// metric names their readers produce (docs/DESIGN.md "Data model"), so that an
// unknown metric is a gate-file error with a position, not an empty result.
#ifndef AURORA_RULES_SOURCE_TYPES_H_
#define AURORA_RULES_SOURCE_TYPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "rules/gate.h"

namespace aurora {

// Names of the types this version evaluates (SourceTypeName of each, in
// enum order), for error messages and did-you-mean hints.
const std::vector<std::string>& SupportedSourceTypes();
// Types in the product design that this version does not implement yet.
bool IsPlannedSourceType(std::string_view type);
// Metric names an artifact type yields; empty for prometheus, json, http.
const std::vector<std::string>& ArtifactMetrics(SourceType type);

// What every http source yields besides its `values:`.
inline constexpr char kHttpStatusMetric[] = "http_status_code";
inline constexpr char kHttpLatencyMetric[] = "http_response_seconds";

// Metric names `source` yields: ArtifactMetrics of its type, and for json
// and http sources the `values:` keys (http: plus the two above).
std::vector<std::string> SourceMetrics(const SourceSpec& source);

}  // namespace aurora

#endif  // AURORA_RULES_SOURCE_TYPES_H_
