// File: queries/benchmark_reader.h
// pytest-benchmark JSON (`--benchmark-json`, saved runs) -> one set of
// `benchmark_*` samples per benchmark, taken from its `stats` exactly as
// written (docs/FORMATS.md §5): seconds per single call; never recomputed.
#ifndef AURORA_QUERIES_BENCHMARK_READER_H_
#define AURORA_QUERIES_BENCHMARK_READER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// Samples per benchmark, labelled `name`, `fullname` and `group` (absent when
// the group is null):
//   benchmark_{min,max,mean,median,stddev,iqr,q1,q3,total}_seconds
//                        each only when the stat is present
//   benchmark_ops        `ops`; when missing (before 3.1.0) 1/mean, as
//                        pytest-benchmark's loader fills it; 0 if mean or
//                        total is 0
//   benchmark_rounds, benchmark_iterations
// No detail labels. The format is "pytest-benchmark JSON (VERSION)".
//
// Detection needs the signature object with `benchmarks[]`, `machine_info`,
// `datetime` and `version`. Returns InvalidArgument naming `name` for invalid
// JSON (queries/json_document.h), for another kind of JSON ("NAME: not
// pytest-benchmark JSON: no \"benchmarks\" array; expected the output of
// --benchmark-json"), and for a benchmark without name/stats, with a
// non-numeric stat, or duplicating another benchmark, naming the benchmark
// and the field. An empty `benchmarks` array yields no samples and a warning.
// Pure.
absl::StatusOr<ArtifactData> ParsePytestBenchmark(std::string_view content,
                                                  std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_BENCHMARK_READER_H_
