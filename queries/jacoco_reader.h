// File: queries/jacoco_reader.h
// JaCoCo XML -> coverage samples. Totals are the report-level <counter>
// elements only (counters repeat at every level, so summing all of them
// multiplies counts); packages and source files use their own counters.
// See docs/FORMATS.md §4.
#ifndef AURORA_QUERIES_JACOCO_READER_H_
#define AURORA_QUERIES_JACOCO_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "pugixml.hpp"
#include "queries/artifact.h"

namespace aurora {

// Reads a parsed JaCoCo report (root <report>); `name` prefixes every error.
// For every counter type, samples coverage_<units>_covered (covered),
// coverage_<units>_valid (missed + covered) and coverage_<unit>_percent
// (NaN at 0): LINE lines/line, BRANCH branches/branch, INSTRUCTION
// instructions/instruction, METHOD methods/method, CLASS classes/class,
// COMPLEXITY complexity/complexity. An absent counter is 0/0 (JaCoCo omits
// counters with total 0). Emitted for the report (no label), each package
// ({package="com/x"}, merged by name across groups; the default package is
// "."), and each source file ({file="com/x/Foo.java"}). When a report
// counter differs from the sum of the package counters, a warning says so
// and the report counter is used. Returns InvalidArgument naming the file
// for a wrong root, a counter whose missed/covered is not a count, or a
// counter type repeated in one element.
absl::StatusOr<ArtifactData> ParseJacoco(const pugi::xml_document& doc,
                                         std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_JACOCO_READER_H_
