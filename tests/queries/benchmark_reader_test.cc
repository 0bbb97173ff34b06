// Tests for queries/benchmark_reader.h over the real pytest-benchmark files
// (docs/FORMATS.md §5) and hand-made bad input. Expected values are the stats as
// written in each file (read independently with python3's json module).
#include "queries/benchmark_reader.h"

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Testdata(const std::string& file) {
  const std::string path =
      std::string(AURORA_TESTDATA_DIR) + "/pytest-benchmark/" + file;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value of `metric` for the benchmark with these labels (exact match).
std::optional<double> Find(const ArtifactData& data, std::string_view metric,
                           Labels labels) {
  labels.Set(kMetricNameLabel, metric);
  std::optional<double> found;
  for (const Sample& s : data.samples.samples) {
    if (s.labels != labels) continue;
    EXPECT_FALSE(found.has_value()) << "duplicate " << labels.ToString();
    found = s.value;
  }
  return found;
}

size_t CountNamed(const ArtifactData& data, std::string_view metric) {
  size_t n = 0;
  for (const Sample& s : data.samples.samples) {
    if (s.labels.MetricName() == metric) ++n;
  }
  return n;
}

TEST(BenchmarkReaderTest, LegacyV250FileGetsOpsAsOneOverMean) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Testdata("pytest-benchmark-selftest-v2.5.0-legacy.json"), "legacy.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "pytest-benchmark JSON (2.5.0)");
  const Labels b{
      {"name", "test_xfast_parametrized[0]"},
      {"fullname", "tests/test_normal.py::test_xfast_parametrized[0]"}};
  ASSERT_TRUE(Find(*data, "benchmark_ops", b).has_value());
  EXPECT_DOUBLE_EQ(*Find(*data, "benchmark_ops", b), 1 / 2.61205074138546e-07);
  EXPECT_NEAR(*Find(*data, "benchmark_ops", b), 3.83e6, 0.005e6);
  EXPECT_EQ(Find(*data, "benchmark_mean_seconds", b), 2.61205074138546e-07);
  EXPECT_EQ(Find(*data, "benchmark_min_seconds", b), 2.1795109087242604e-07);
  EXPECT_EQ(Find(*data, "benchmark_max_seconds", b), 1.329003796500009e-05);
  EXPECT_EQ(Find(*data, "benchmark_median_seconds", b), 2.2016379230260297e-07);
  EXPECT_EQ(Find(*data, "benchmark_stddev_seconds", b), 2.639842188231226e-07);
  EXPECT_EQ(Find(*data, "benchmark_iqr_seconds", b), 1.8807962156503776e-08);
  EXPECT_EQ(Find(*data, "benchmark_q1_seconds", b), 2.1795109087242604e-07);
  EXPECT_EQ(Find(*data, "benchmark_q3_seconds", b), 2.3675905302892982e-07);
  EXPECT_EQ(Find(*data, "benchmark_rounds", b), 9710);
  EXPECT_EQ(Find(*data, "benchmark_iterations", b), 431);
  // 2.5.0 wrote no `total`: no sample rather than a made-up one.
  EXPECT_EQ(Find(*data, "benchmark_total_seconds", b), std::nullopt);
  EXPECT_EQ(data->samples.samples.size(), 11u);
  EXPECT_THAT(data->samples.detail_labels, IsEmpty());
  EXPECT_THAT(data->warnings, IsEmpty());
}

TEST(BenchmarkReaderTest, GithubActionSampleKeepsRoundsNotTheTruncatedData) {
  // stats.data holds 5 entries (the last a string) for rounds = 38523.
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Testdata("github-action-benchmark-pytest_output.json"), "gab.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "pytest-benchmark JSON (3.2.2)");
  const Labels fib10{{"name", "test_fib_10"},
                     {"fullname", "bench.py::test_fib_10"}};
  EXPECT_EQ(Find(*data, "benchmark_rounds", fib10), 38523);
  EXPECT_EQ(Find(*data, "benchmark_iterations", fib10), 1);
  EXPECT_EQ(Find(*data, "benchmark_ops", fib10), 41513.272817492856);
  EXPECT_EQ(Find(*data, "benchmark_total_seconds", fib10), 0.9279682709999966);
  EXPECT_EQ(Find(*data, "benchmark_mean_seconds", fib10),
            2.408868133322941e-05);
  const Labels fib20{{"name", "test_fib_20"},
                     {"fullname", "bench.py::test_fib_20"}};
  EXPECT_EQ(Find(*data, "benchmark_rounds", fib20), 278);
  EXPECT_EQ(Find(*data, "benchmark_ops", fib20), 335.0049328331567);
  EXPECT_EQ(data->samples.samples.size(), 2u * 12);
}

TEST(BenchmarkReaderTest, LagomFileWithNullGroupHasNoGroupLabel) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Testdata("lagom-linux-cpython311-v4.0.0.json"), "lagom.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "pytest-benchmark JSON (4.0.0)");
  EXPECT_EQ(CountNamed(*data, "benchmark_mean_seconds"), 4u);
  for (const Sample& s : data->samples.samples) {
    EXPECT_FALSE(s.labels.Has("group")) << s.labels.ToString();
  }
  const Labels magic{
      {"name", "test_magic"},
      {"fullname", "tests/benchmarking/test_basic_benchmarks.py::test_magic"}};
  EXPECT_EQ(Find(*data, "benchmark_mean_seconds", magic),
            0.00023518566286641495);
  EXPECT_EQ(Find(*data, "benchmark_ops", magic), 4251.959867842787);
  EXPECT_EQ(Find(*data, "benchmark_rounds", magic), 1842);
}

TEST(BenchmarkReaderTest, AsebytesFileLabelsEveryBenchmarkWithItsGroup) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Testdata("asebytes-darwin-cpython311-v5.2.1-52benchmarks.json"),
      "asebytes.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "pytest-benchmark JSON (5.2.1)");
  EXPECT_EQ(data->samples.samples.size(), 52u * 12);
  EXPECT_EQ(CountNamed(*data, "benchmark_ops"), 52u);
  const Labels first{
      {"name", "test_read_trajectory_asebytes_lmdb[ethanol_100]"},
      {"fullname",
       "tests/benchmarks/test_bench_read.py::"
       "test_read_trajectory_asebytes_lmdb[ethanol_100]"},
      {"group", "read_trajectory"}};
  EXPECT_EQ(Find(*data, "benchmark_mean_seconds", first),
            0.0018097702742955045);
  EXPECT_EQ(Find(*data, "benchmark_median_seconds", first),
            0.0017913749907165766);
  EXPECT_EQ(Find(*data, "benchmark_ops", first), 552.5563184472535);
  EXPECT_EQ(Find(*data, "benchmark_rounds", first), 481);
  const Labels last{{"name", "test_read_single_sqlite[periodic_1000]"},
                    {"fullname",
                     "tests/benchmarks/test_bench_read.py::"
                     "test_read_single_sqlite[periodic_1000]"},
                    {"group", "read_single"}};
  EXPECT_EQ(Find(*data, "benchmark_rounds", last), 5);
  EXPECT_EQ(Find(*data, "benchmark_ops", last), 3.3842791410514272);
}

// ---- hand-made input ----

std::string Doc(const std::string& benchmarks) {
  return R"({"machine_info": {}, "commit_info": {}, "datetime": "2025-01-01T00:00:00", "version": "5.1.0", "benchmarks": )" +
         benchmarks + "}";
}

std::string Bench(const std::string& stats, const std::string& group = "null") {
  return R"({"group": )" + group +
         R"(, "name": "test_a", "fullname": "t.py::test_a", "stats": )" +
         stats + "}";
}

TEST(BenchmarkReaderTest, MissingOpsWithZeroMeanIsZero) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Doc("[" +
          Bench(R"({"mean": 0, "total": 0, "rounds": 1, "iterations": 1})") +
          "]"),
      "z.json");
  ASSERT_OK(data);
  EXPECT_EQ(Find(*data, "benchmark_ops",
                 {{"name", "test_a"}, {"fullname", "t.py::test_a"}}),
            0);
}

TEST(BenchmarkReaderTest, OpsAsWrittenIsNeverRecomputed) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Doc("[" +
          Bench(
              R"({"mean": 2, "ops": 7, "rounds": 3, "iterations": 10, "data": [1, "x"]})",
              R"("g")") +
          "]"),
      "o.json");
  ASSERT_OK(data);
  const Labels b{
      {"name", "test_a"}, {"fullname", "t.py::test_a"}, {"group", "g"}};
  EXPECT_EQ(Find(*data, "benchmark_ops", b), 7);
  EXPECT_EQ(Find(*data, "benchmark_iterations", b), 10);
  EXPECT_EQ(data->samples.samples.size(), 4u);  // mean, ops, rounds, iterations
}

TEST(BenchmarkReaderTest, PythonNaNStatSurvives) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      Doc("[" +
          Bench(R"({"mean": 1, "stddev": NaN, "rounds": 1, "iterations": 1})") +
          "]"),
      "n.json");
  ASSERT_OK(data);
  std::optional<double> v =
      Find(*data, "benchmark_stddev_seconds",
           {{"name", "test_a"}, {"fullname", "t.py::test_a"}});
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(std::isnan(*v));
}

TEST(BenchmarkReaderTest, EmptyBenchmarksGivesNoSamplesAndAWarning) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(Doc("[]"), "e.json");
  ASSERT_OK(data);
  EXPECT_THAT(data->samples.samples, IsEmpty());
  EXPECT_THAT(data->warnings, ElementsAre("e.json: no benchmarks"));
}

TEST(BenchmarkReaderTest, Utf8BomIsAccepted) {
  absl::StatusOr<ArtifactData> data = ParsePytestBenchmark(
      "\xEF\xBB\xBF" + Testdata("pytest-benchmark-selftest-v2.5.0-legacy.json"),
      "bom.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->samples.samples.size(), 11u);
}

// ---- wrong format and bad input ----

TEST(BenchmarkReaderTest, OtherJsonIsRejectedAsNotPytestBenchmark) {
  const std::string coverage =
      std::string(AURORA_SHARED_DIR) +
      "/fixtures/real/coverage-py-json/brainsmith-cov7.10.7-branch.json";
  std::ifstream in(coverage, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ParsePytestBenchmark(ss.str(), "coverage.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "coverage.json: not pytest-benchmark JSON: no "
                       "\"benchmarks\" array; expected the output of "
                       "--benchmark-json"));
  EXPECT_THAT(ParsePytestBenchmark("[1, 2]", "a.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a.json: not pytest-benchmark JSON: the top level is "
                       "an array, not an object; expected the output of "
                       "--benchmark-json"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          R"({"benchmarks": [], "datetime": "x", "version": "1"})", "m.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "m.json: not pytest-benchmark JSON: no \"machine_info\" "
               "object; expected the output of --benchmark-json"));
}

TEST(BenchmarkReaderTest, NonNumericStatNamesTheBenchmarkAndTheField) {
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"mean": "0.5", "rounds": 1, "iterations": 1})") +
              "]"),
          "s.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "s.json: benchmark \"t.py::test_a\": stats.mean is a string, "
               "not a number"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"mean": 1, "rounds": null, "iterations": 1})") +
              "]"),
          "s.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "s.json: benchmark \"t.py::test_a\": stats.rounds is null, "
               "not a number"));
}

TEST(BenchmarkReaderTest, MissingPiecesAreNamed) {
  EXPECT_THAT(
      ParsePytestBenchmark(Doc(R"([{"fullname": "x"}])"), "p.json"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          "p.json: benchmarks[0]: \"name\" is missing, expected a string"));
  EXPECT_THAT(
      ParsePytestBenchmark(Doc(R"([{"name": "a", "fullname": "x::a"}])"),
                           "p.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "p.json: benchmark \"x::a\": \"stats\" is missing, expected "
               "an object"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"mean": 1, "rounds": 1})") + "]"), "p.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "p.json: benchmark \"t.py::test_a\": stats.iterations is "
               "missing"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"min": 1, "rounds": 1, "iterations": 1})") + "]"),
          "p.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "p.json: benchmark \"t.py::test_a\": stats has neither \"ops\" "
               "nor \"mean\""));
  EXPECT_THAT(ParsePytestBenchmark(Doc("[3]"), "p.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "p.json: benchmarks[0] is a number, not an object"));
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"mean": 1, "rounds": 1, "iterations": 1})", "7") +
              "]"),
          "p.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "p.json: benchmark \"t.py::test_a\": \"group\" is a number, "
               "expected a string or null"));
}

TEST(BenchmarkReaderTest, DuplicateBenchmarkIsRejected) {
  const std::string b = Bench(R"({"mean": 1, "rounds": 1, "iterations": 1})");
  EXPECT_THAT(ParsePytestBenchmark(Doc("[" + b + ", " + b + "]"), "d.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "d.json: benchmark \"t.py::test_a\": appears twice "
                       "with the same name, fullname and group"));
}

TEST(BenchmarkReaderTest, MeanTooBigForADoubleIsRejected) {
  EXPECT_THAT(
      ParsePytestBenchmark(
          Doc("[" + Bench(R"({"mean": 1e999, "rounds": 1, "iterations": 1})") +
              "]"),
          "big.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "big.json: invalid JSON at line 1, column 191: Number too big "
               "to be stored in double."));
}

TEST(BenchmarkReaderTest, EmptyTruncatedNonJsonAndInvalidUtf8AreRejected) {
  EXPECT_THAT(ParsePytestBenchmark("", "e.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "e.json: empty file, expected a JSON document"));
  std::string legacy = Testdata("pytest-benchmark-selftest-v2.5.0-legacy.json");
  EXPECT_THAT(ParsePytestBenchmark(legacy.substr(0, 200), "cut.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cut.json: invalid JSON at line 9, column 9: Missing a "
                       "name for object member."));
  EXPECT_THAT(ParsePytestBenchmark("<testsuite/>", "x.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "x.json: invalid JSON at line 1, column 1: Invalid "
                       "value."));
  EXPECT_THAT(ParsePytestBenchmark(
                  Doc("[" +
                      Bench(R"({"mean": 1, "rounds": 1, "iterations": 1})",
                            "\"caf\xE9\"") +
                      "]"),
                  "u.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("u.json: invalid JSON at line 1")));
}

TEST(BenchmarkReaderTest, DeeplyNestedJsonIsRejected) {
  std::string deep(100000, '[');
  EXPECT_THAT(ParsePytestBenchmark(deep, "deep.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "deep.json: JSON nested deeper than 256 levels at line "
                       "1, column 257"));
}

}  // namespace
}  // namespace aurora
