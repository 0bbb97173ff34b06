// coverage.py JSON (`coverage json`) through ParseCoverage. Expected numbers
// are coverage.py's own (docs/FORMATS.md §1).
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/coverage_py_json_reader.h"
#include "queries/coverage_reader.h"
#include "tests/queries/coverage_test_util.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::CountSamples;
using ::aurora::testing::CoverageTestdata;
using ::aurora::testing::SharedFixture;
using ::aurora::testing::StatusIs;
using ::aurora::testing::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Labels File(const std::string& f) { return Labels{{"file", f}}; }

TEST(CoveragePyJsonReaderTest,
     BrainsmithBranchReportSeparatesLineBranchCombined) {
  auto data = ParseCoverage(
      CoverageTestdata("brainsmith-cov7.10.7-branch.json"), "cov.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "coverage.py JSON (format 3, coverage.py 7.10.7)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 229);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 823);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 229 / 823);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 0);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 274);
  EXPECT_EQ(Value(*data, "coverage_branch_percent"), 0);
  // coverage.py's percent_covered: 229/1097, printed "21".
  EXPECT_EQ(Value(*data, "coverage_combined_percent"), 20.875113947128533);
  EXPECT_THAT(data->warnings, IsEmpty());
  EXPECT_THAT(data->samples.detail_labels, ElementsAre("package", "file"));

  const Labels init =
      File("/home/tafk/dev/brainsmith-1/brainsmith/dse/__init__.py");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", init), 9);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", init), 9);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", init), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent", init)));
  EXPECT_EQ(Value(*data, "coverage_combined_percent", init), 100);
}

TEST(CoveragePyJsonReaderTest,
     CrackerjackWithoutBranchCoverageHasNoBranchSamples) {
  auto data = ParseCoverage(
      CoverageTestdata("crackerjack-cov7.10.4-large-996KB.json"), "big.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "coverage.py JSON (format 3, coverage.py 7.10.4)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 4955);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 18153);
  // Same double as the report's own percent_covered.
  EXPECT_EQ(Value(*data, "coverage_combined_percent"), 27.295763785600176);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 27.295763785600176);
  EXPECT_EQ(CountSamples(*data, "coverage_branches_valid"), 0);
  EXPECT_EQ(CountSamples(*data, "coverage_branch_percent"), 0);
  EXPECT_EQ(
      Value(*data, "coverage_lines_covered",
            File("/Users/les/Projects/crackerjack/crackerjack/__init__.py")),
      8);
  // 1 headline + 111 files, 4 samples each.
  EXPECT_EQ(data->samples.samples.size(), 112u * 4);
}

// Read from the shared fixtures: its licence was not checked, so it is not
// copied into tests/testdata.
TEST(CoveragePyJsonReaderTest, PytestDeckTotalsFirstAndEmptyFile) {
  auto data = ParseCoverage(
      SharedFixture(
          "coverage-py-json/pytest-deck-cov7.15.0-pretty-totals-first.json"),
      "deck.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "coverage.py JSON (format 3, coverage.py 7.15.0)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 6);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 8);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 75);
  // pkg/__init__.py has 0 statements: coverage.py says 100.0, our line
  // percent says "no data".
  EXPECT_EQ(Value(*data, "coverage_lines_valid", File("pkg/__init__.py")), 0);
  EXPECT_TRUE(std::isnan(
      Value(*data, "coverage_line_percent", File("pkg/__init__.py"))));
  EXPECT_EQ(Value(*data, "coverage_combined_percent", File("pkg/__init__.py")),
            100);
}

TEST(CoveragePyJsonReaderTest, FormatOneAndMissingCoveredLinesFallBack) {
  // Before coverage.py 5.0 there is no meta.format; covered_lines may be
  // derived as num_statements − missing_lines.
  auto data = ParseCoverage(
      R"({"meta": {"version": "4.5.4", "timestamp": "x"},
          "files": {"C:\\proj\\a.py": {"summary": {"num_statements": 4, "missing_lines": 1}}},
          "totals": {"num_statements": 4, "missing_lines": 1, "covered_lines": 3}})",
      "v1.json");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "coverage.py JSON (format 1, coverage.py 4.5.4)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", File("C:\\proj\\a.py")), 3);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 75);
}

TEST(CoveragePyJsonReaderTest, NoStatementsIsNaNLinePercentButCombined100) {
  auto data = ParseCoverage(
      R"({"meta": {"format": 3, "version": "7.6.0", "branch_coverage": true},
          "files": {},
          "totals": {"covered_lines": 0, "num_statements": 0, "missing_lines": 0,
                     "num_branches": 0, "covered_branches": 0, "missing_branches": 0}})",
      "empty.json");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_line_percent")));
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
  EXPECT_EQ(Value(*data, "coverage_combined_percent"), 100);
}

TEST(CoveragePyJsonReaderTest, TotalsDifferingFromFilesAreWarned) {
  auto data = ParseCoverage(
      R"({"meta": {"format": 3, "version": "7.6.0"},
          "files": {"a.py": {"summary": {"covered_lines": 1, "num_statements": 2}}},
          "totals": {"covered_lines": 2, "num_statements": 3}})",
      "w.json");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 2);
  EXPECT_THAT(
      data->warnings,
      ElementsAre("coverage.py JSON totals covered_lines/num_statements "
                  "2/3 differ from the sum of its files 1/2; using the "
                  "totals"));
}

TEST(CoveragePyJsonReaderTest, BadCountsAreErrorsNamingTheKey) {
  EXPECT_THAT(
      ParseCoverage(R"({"meta": {"version": "7.0"}, "files": {},
                        "totals": {"covered_lines": 1}})",
                    "a.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a.json: coverage.py JSON: totals: \"num_statements\" is "
               "missing"));
  EXPECT_THAT(
      ParseCoverage(R"({"meta": {"version": "7.0"}, "files": {},
                        "totals": {"covered_lines": 1, "num_statements": -4}})",
                    "b.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "b.json: coverage.py JSON: totals: \"num_statements\" is -4, "
               "expected a count (a non-negative integer)"));
  EXPECT_THAT(
      ParseCoverage(R"({"meta": {"version": "7.0"}, "files": {},
                        "totals": {"covered_lines": 9, "num_statements": 4}})",
                    "c.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "c.json: coverage.py JSON: totals: \"covered_lines\" 9 exceeds "
               "\"num_statements\" 4"));
  EXPECT_THAT(
      ParseCoverage(R"({"meta": {"version": "7.0", "branch_coverage": true},
                        "files": {}, "totals": {"covered_lines": 1, "num_statements": 2}})",
                    "d.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "d.json: coverage.py JSON: totals: \"num_branches\" is "
               "missing"));
  EXPECT_THAT(
      ParseCoverage(
          R"({"meta": {"version": "7.0"}, "totals": {"covered_lines": 1, "num_statements": 2},
                        "files": {"x.py": {"summary": {"covered_lines": "1", "num_statements": 2}}}})",
          "e.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "e.json: coverage.py JSON: files[\"x.py\"].summary: "
               "\"covered_lines\" is \"1\", expected a count (a non-negative "
               "integer)"));
  EXPECT_THAT(
      ParseCoverage(
          R"({"meta": {"version": "7.0"}, "totals": {"covered_lines": 1, "num_statements": 2},
                        "files": {"x.py": {"executed_lines": []}}})",
          "f.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "f.json: coverage.py JSON: files[\"x.py\"]: \"summary\" is "
               "missing"));
  EXPECT_THAT(
      ParseCoverage(R"({"meta": {}, "files": {}, "totals": {}})", "g.json"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "g.json: coverage.py JSON: expected an object with \"meta\" "
               "(with a string \"version\"), \"files\" and \"totals\" "
               "objects"));
}

}  // namespace
}  // namespace aurora
