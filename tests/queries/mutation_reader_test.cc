// Tests for queries/mutation_reader.h over the real Stryker, PIT and mutmut
// reports (docs/FORMATS.md §7; copies in tests/testdata/mutation). Each figure
// docs/FORMATS.md quotes has its test; counts were taken independently with
// python3's json / xml.etree modules.
#include "queries/mutation_reader.h"

#include "queries/mutation_counts.h"

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
using ::testing::HasSubstr;

std::string Testdata(const std::string& file) {
  const std::string path = std::string(AURORA_TESTDATA_DIR) + "/mutation/" + file;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value of `metric` with exactly these labels.
std::optional<double> Find(const ArtifactData& data, std::string_view metric,
                           Labels labels = {}) {
  labels.Set(kMetricNameLabel, metric);
  std::optional<double> found;
  for (const Sample& s : data.samples.samples) {
    if (s.labels != labels) continue;
    EXPECT_FALSE(found.has_value()) << "duplicate " << labels.ToString();
    found = s.value;
  }
  return found;
}

std::optional<double> Mutants(const ArtifactData& data, std::string status,
                              Labels labels = {}) {
  labels.Set("status", status);
  return Find(data, "mutants", labels);
}

absl::StatusOr<ArtifactData> Read(const std::string& file,
                                  MutationOptions options = {}) {
  return ParseMutation(Testdata(file), file, options);
}

TEST(MutationReaderTest, CargoMutantsScoreLeavesCompileErrorsOut) {
  // docs/FORMATS.md: (525 K + 7 T) / (532 + 231 S) = 69.72 %, 253 CompileError.
  absl::StatusOr<ArtifactData> data = Read("cargo-mutants-rust-url-large.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Stryker mutation-testing-report JSON (schema 2)");
  EXPECT_EQ(Mutants(*data, "killed"), 525);
  EXPECT_EQ(Mutants(*data, "timeout"), 7);
  EXPECT_EQ(Mutants(*data, "survived"), 231);
  EXPECT_EQ(Mutants(*data, "compile_error"), 253);
  EXPECT_EQ(Mutants(*data, "no_coverage"), 0);  // every status, 0 included
  EXPECT_EQ(Mutants(*data, "pending"), 0);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"), 100.0 * 532 / 763);
  EXPECT_NEAR(*Find(*data, "mutation_score_percent"), 69.72, 0.005);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_covered_percent"),
                   100.0 * 532 / 763);
  EXPECT_EQ(Find(*data, "mutation_report_partial"), 0);
}

TEST(MutationReaderTest, StrykerJsLighthouseScoreAndCoveredScore) {
  // docs/FORMATS.md: 96 / (96 + 56 + 117) = 35.69 %, covered 96/152 = 63.16 %.
  absl::StatusOr<ArtifactData> data =
      Read("strykerjs-4.5.1-lighthouse-large.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Stryker mutation-testing-report JSON (schema 1.0)");
  EXPECT_EQ(Mutants(*data, "killed"), 96);
  EXPECT_EQ(Mutants(*data, "survived"), 56);
  EXPECT_EQ(Mutants(*data, "no_coverage"), 117);
  EXPECT_NEAR(*Find(*data, "mutation_score_percent"), 35.69, 0.005);
  EXPECT_NEAR(*Find(*data, "mutation_score_covered_percent"), 63.16, 0.005);
  // All 11 files sit in one directory: one module with the same figures.
  const Labels module{{"module", "lighthouse-core/audits/metrics"}};
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent", module),
                   100.0 * 96 / 269);
  EXPECT_EQ(Mutants(*data, "no_coverage", module), 117);
}

TEST(MutationReaderTest, OldStrykerNetUnknownStatusesAreKeptButNotScored) {
  // docs/FORMATS.md: BuildError x2, Skipped x1 -> (2 K + 1 T) / (3 + 11 S) = 21.43 %.
  absl::StatusOr<ArtifactData> data = Read("stryker-net-csharp.json");
  ASSERT_OK(data);
  EXPECT_EQ(Mutants(*data, "build_error"), 2);
  EXPECT_EQ(Mutants(*data, "skipped"), 1);
  EXPECT_EQ(Mutants(*data, "pending"), 1);
  EXPECT_NEAR(*Find(*data, "mutation_score_percent"), 21.43, 0.005);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"), 100.0 * 3 / 14);
  EXPECT_THAT(data->warnings,
              ::testing::Contains(HasSubstr("status \"BuildError\" is not a "
                                            "Stryker status")));
}

TEST(MutationReaderTest, StrykerJs7SvelteCountsTimeoutAsDetected) {
  absl::StatusOr<ArtifactData> data = Read("strykerjs-7.3.0-svelte.json");
  ASSERT_OK(data);
  // 13 Killed + 3 Timeout over 13 + 3 + 3 Survived + 6 NoCoverage.
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"), 100.0 * 16 / 25);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_covered_percent"),
                   100.0 * 16 / 19);
}

TEST(MutationReaderTest, ModulesAreDirectoriesOrAConfiguredDepth) {
  absl::StatusOr<ArtifactData> data = Read("stryker4s-scala.json");
  ASSERT_OK(data);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"), 100.0 * 162 / 231);
  const Labels config{{"module", "src/main/scala/stryker4s/config"}};
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent", config),
                   100.0 * 28 / 35);
  EXPECT_EQ(Mutants(*data, "survived", config), 7);
  const Labels file{{"module", "src/main/scala/stryker4s/run/process"},
                    {"file", "src/main/scala/stryker4s/run/process/"
                             "WindowsProcessRunner.scala"}};
  EXPECT_TRUE(Find(*data, "mutation_score_percent", file).has_value());

  MutationOptions depth5;
  depth5.module_depth = 5;
  data = Read("stryker4s-scala.json", depth5);
  ASSERT_OK(data);
  // mutants + applymutants + findmutants: 53 Killed, 20 Survived.
  const Labels mutants{{"module", "src/main/scala/stryker4s/mutants"}};
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent", mutants),
                   100.0 * 53 / 73);
  EXPECT_FALSE(Find(*data, "mutation_score_percent",
                    {{"module", "src/main/scala/stryker4s/mutants/findmutants"}})
                   .has_value());
}

TEST(MutationReaderTest, PitScoreAndTestStrengthAsPitPrintsThem) {
  // docs/FORMATS.md: 163 mutations, 111 KILLED, 29 SURVIVED, 23 NO_COVERAGE ->
  // score 68 %, strength 111/140 -> 79 %.
  absl::StatusOr<ArtifactData> data = Read("sonar-pitest-selfrun-2017.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "PIT mutations.xml");
  EXPECT_EQ(Mutants(*data, "killed"), 111);
  EXPECT_EQ(Mutants(*data, "survived"), 29);
  EXPECT_EQ(Mutants(*data, "no_coverage"), 23);
  EXPECT_EQ(Mutants(*data, "timeout"), 0);
  EXPECT_EQ(Find(*data, "mutation_score_percent"), 68);
  EXPECT_EQ(Find(*data, "mutation_score_covered_percent"), 79);
  EXPECT_EQ(Find(*data, "mutation_report_partial"), 0);
  // Files are the mutated class's package as a directory + sourceFile.
  const Labels file{{"module", "org/sonar/plugins/pitest/scanner"},
                    {"file", "org/sonar/plugins/pitest/scanner/PitestSensor.java"}};
  EXPECT_TRUE(Find(*data, "mutation_score_percent", file).has_value());
}

TEST(MutationReaderTest, PitNonPitStatusTrustsDetectedAttribute) {
  // docs/FORMATS.md: UNKNOWN with detected='false' counts in the total.
  absl::StatusOr<ArtifactData> data =
      Read("devcon5-mutation-analysis-statuses.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Mutants(*data, "unknown"), 1);
  EXPECT_EQ(Find(*data, "mutation_score_percent"), 50);         // 3 / 6
  EXPECT_EQ(Find(*data, "mutation_score_covered_percent"), 60);  // 3 / 5
}

TEST(MutationReaderTest, PitPercentRoundsLikePit) {
  EXPECT_EQ(PitPercent(0, 0), 100);
  EXPECT_EQ(PitPercent(7, 0), 0);
  EXPECT_EQ(PitPercent(7, 7), 100);
  EXPECT_EQ(PitPercent(1000, 999), 99);  // 99.9 rounds to 100, capped at 99
  EXPECT_EQ(PitPercent(8, 1), 13);       // 12.5 rounds half up
}

TEST(MutationReaderTest, PartialPitReportIsFlagged) {
  absl::StatusOr<ArtifactData> data = Read("pit-partial-handmade.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "PIT mutations.xml (partial)");
  EXPECT_EQ(Find(*data, "mutation_report_partial"), 1);
  EXPECT_THAT(data->warnings,
              ::testing::Contains(HasSubstr("PIT report is partial")));
}

TEST(MutationReaderTest, MutmutExitCodesMapAsMutmutDoes) {
  // 32 x exit 1 (killed), 28 x 0 (survived), 10 x 33 (no tests), 1 x -11.
  absl::StatusOr<ArtifactData> data = Read("mutmut3-e2e-snapshot-my_lib.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "mutmut 3 results");
  EXPECT_EQ(Mutants(*data, "killed"), 32);
  EXPECT_EQ(Mutants(*data, "survived"), 28);
  EXPECT_EQ(Mutants(*data, "no_coverage"), 10);
  EXPECT_EQ(Mutants(*data, "segfault"), 1);
  EXPECT_EQ(Mutants(*data, "timeout"), 0);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"), 100.0 * 32 / 70);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_covered_percent"),
                   100.0 * 32 / 60);
  const Labels file{{"module", "src/my_lib"}, {"file", "src/my_lib/__init__.py"}};
  EXPECT_EQ(Mutants(*data, "killed", file), 32);
}

TEST(MutationReaderTest, MutmutSingleMetaFileNamesItsSourceFile) {
  absl::StatusOr<ArtifactData> data = ParseMutation(
      R"({"exit_code_by_key": {"a.x_f__mutmut_1": 1, "a.x_f__mutmut_2": null},
          "durations_by_key": {}})",
      "work/mutants/src/pkg/a.py.meta");
  ASSERT_OK(data);
  const Labels file{{"module", "src/pkg"}, {"file", "src/pkg/a.py"}};
  EXPECT_EQ(Mutants(*data, "killed", file), 1);
  EXPECT_EQ(Mutants(*data, "not_checked", file), 1);
  EXPECT_EQ(Find(*data, "mutation_score_percent"), 100);
}

TEST(MutationReaderTest, SeveralReportsAreSummed) {
  absl::StatusOr<ArtifactData> data = ParseMutationFiles(
      {{"a.json", Testdata("strykerjs-7.3.0-svelte.json")},
       {"b.json", Testdata("stryker4s-scala.json")}});
  ASSERT_OK(data);
  EXPECT_DOUBLE_EQ(*Find(*data, "mutation_score_percent"),
                   100.0 * (16 + 162) / (25 + 231));
}

TEST(MutationReaderTest, PitAndStrykerCannotBeSummed) {
  EXPECT_THAT(ParseMutationFiles(
                  {{"a.json", Testdata("strykerjs-7.3.0-svelte.json")},
                   {"b.xml", Testdata("pitest-1.7.4-junit5.xml")}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("b.xml: PIT reports cannot be summed")));
}

TEST(MutationReaderTest, EmptyStrykerReportHasNaNScore) {
  absl::StatusOr<ArtifactData> data = ParseMutation(
      R"({"schemaVersion": "2", "thresholds": {"high": 80, "low": 60},
          "files": {}})",
      "m.json");
  ASSERT_OK(data);
  EXPECT_TRUE(std::isnan(*Find(*data, "mutation_score_percent")));
  EXPECT_EQ(Mutants(*data, "killed"), 0);
  EXPECT_THAT(data->warnings, ::testing::Contains("m.json: no mutants"));
}

TEST(MutationReaderTest, ForeignAndBrokenInputAreErrorsNamingTheFile) {
  EXPECT_THAT(ParseMutation(R"({"coverage": 1})", "x.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.json: not a mutation report")));
  EXPECT_THAT(ParseMutation(R"([1, 2])", "x.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.json: not a mutation report")));
  EXPECT_THAT(ParseMutation("<testsuite/>", "x.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("x.xml: not a mutation report: the root "
                                 "element is <testsuite>")));
  EXPECT_THAT(
      ParseMutation(R"({"schemaVersion": "2", "thresholds": {},
                        "files": {"a.js": {"mutants": [{"id": "1"}]}}})",
                    "m.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("m.json: file \"a.js\": mutants[0] has no "
                         "\"status\" string")));
  EXPECT_THAT(ParseMutation(R"({"schemaVersion": "3", "files": {}})", "m.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("schemaVersion \"3\" is not supported")));
  EXPECT_THAT(ParseMutation("<mutations><mutation detected='true'/></mutations>",
                            "m.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("m.xml: mutation 1")));
  EXPECT_THAT(ParseMutation("", "m.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m.json")));
}

TEST(MutationReaderTest, TruncatedReportsAreAlwaysErrors) {
  for (const char* file :
       {"strykerjs-7.3.0-svelte.json", "mutmut3-e2e-snapshot-my_lib.json",
        "pitest-1.7.4-junit5.xml", "sonar-pitest-kotlin-tab-indented.xml"}) {
    const std::string full = Testdata(file);
    // Every cut short of the closing bracket/tag (trailing whitespace aside).
    const size_t end = full.find_last_not_of(" \t\r\n");
    for (size_t cut = 0; cut < end; cut += std::max<size_t>(1, end / 97)) {
      absl::StatusOr<ArtifactData> data =
          ParseMutation(std::string_view(full).substr(0, cut), file);
      EXPECT_FALSE(data.ok()) << file << " cut at " << cut << " read as "
                              << data->format;
    }
  }
}

}  // namespace
}  // namespace aurora
