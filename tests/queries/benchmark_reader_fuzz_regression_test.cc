// Inputs found by tests/fuzz/artifact_fuzz that broke an invariant of the
// pytest-benchmark reader: `rounds` and `iterations` are counts (docs/FORMATS.md
// §5: len(data) and calls per round), so a file with anything else is broken.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/benchmark_reader.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;

std::string OneBenchmark(const std::string& stats) {
  return R"({"machine_info": {}, "datetime": "2024-01-01T00:00:00",
  "version": "4.0.0", "benchmarks": [{"name": "test_a", "fullname": "t.py::test_a",
  "group": null, "stats": )" +
         stats + "}]}";
}

TEST(BenchmarkReaderFuzzRegressionTest, RejectsNegativeRounds) {
  // Found by artifact_fuzz: benchmark_rounds came out as -3.
  EXPECT_THAT(
      ParsePytestBenchmark(
          OneBenchmark(R"({"mean": 1, "rounds": -3, "iterations": 1})"),
          "b.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "b.json: benchmark \"t.py::test_a\": stats.rounds is -3, "
               "expected a non-negative integer count"));
}

TEST(BenchmarkReaderFuzzRegressionTest, RejectsFractionalAndNaNIterations) {
  EXPECT_THAT(
      ParsePytestBenchmark(
          OneBenchmark(R"({"mean": 1, "rounds": 5, "iterations": 2.5})"),
          "b.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "b.json: benchmark \"t.py::test_a\": stats.iterations is 2.5, "
               "expected a non-negative integer count"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          OneBenchmark(R"({"mean": 1, "rounds": NaN, "iterations": 1})"),
          "b.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "b.json: benchmark \"t.py::test_a\": stats.rounds is NaN, "
               "expected a non-negative integer count"));
}

TEST(BenchmarkReaderFuzzRegressionTest, AcceptsZeroRounds) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      OneBenchmark(R"({"mean": 1, "rounds": 0, "iterations": 1})"), "b.json");
  ASSERT_OK(data);
}

}  // namespace
}  // namespace aurora
