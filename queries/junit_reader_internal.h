// File: queries/junit_reader_internal.h
// The JUnit reader's two paths, for the differential test: the streaming
// fast path (queries/xml_scanner.h), which reads only the common well-formed
// case and declines anything else, and the DOM path (pugixml). ParseJunit
// tries the first and falls back to the second, so both give equal results.
#ifndef AURORA_QUERIES_JUNIT_READER_INTERNAL_H_
#define AURORA_QUERIES_JUNIT_READER_INTERNAL_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// ParseJunit without a DOM; nullopt ("gave up") when the input is outside
// the scanner's XML subset, not well-formed, or not JUnit XML (root other
// than <testsuites>/<testsuite>). Pure; thread-safe.
std::optional<ArtifactData> TryParseJunitStreaming(std::string_view content,
                                                   std::string_view name);

// Exactly ParseJunit but always through the DOM. Pure; thread-safe.
absl::StatusOr<ArtifactData> ParseJunitDom(std::string_view content,
                                           std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_JUNIT_READER_INTERNAL_H_
