// lcov tracefiles through ParseCoverage and ParseLcov. Expected numbers are
// what lcov recounts from the records (docs/FORMATS.md §3), never LF/LH lines.
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/coverage_reader.h"
#include "queries/lcov_reader.h"
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

TEST(LcovReaderTest, GcovrNestedMatchesItsCoberturaTwin25Of42) {
  auto data = ParseCoverage(CoverageTestdata("gcovr-8.6-nested-gcc5.info"),
                            "gcovr.info");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "lcov tracefile");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 25);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 42);
  // BRDA taken "-" is found but not hit.
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 4);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 14);
  EXPECT_EQ(Value(*data, "coverage_functions_covered"), 6);
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 10);
  EXPECT_EQ(Value(*data, "coverage_function_percent"), 60);
  const Labels f6 = File("tests/nested/output/standard/subdir/A/C/D/File6.cpp");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", f6), 0);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", f6), 4);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", f6), 2);
  EXPECT_EQ(Value(*data, "coverage_branches_covered", f6), 0);
  EXPECT_THAT(data->warnings, IsEmpty());
  EXPECT_THAT(data->samples.detail_labels, ElementsAre("package", "file"));
}

TEST(LcovReaderTest, FreertosGeninfoLarge14055Of28107) {
  auto data = ParseCoverage(
      CoverageTestdata("freertos-coremqtt-geninfo-large.info"), "mqtt.info");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 14055);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 28107);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 14055 / 28107);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 2904);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 8808);
  EXPECT_EQ(Value(*data, "coverage_functions_covered"), 686);
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 1941);
  EXPECT_EQ(CountSamples(*data, "coverage_lines_valid"), 1);
}

TEST(LcovReaderTest, IstanbulMatchesItsCoberturaTwin872Of945) {
  auto data = ParseCoverage(
      CoverageTestdata("grandlinex-core-istanbul-jest.info"), "jest.info");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 872);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 945);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 206);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 289);
  EXPECT_EQ(Value(*data, "coverage_functions_covered"), 219);
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 245);
}

TEST(LcovReaderTest, CoveragePyLcovWithFnAfterSummaryLines) {
  auto data = ParseCoverage(CoverageTestdata("diff-cover-coveragepy-lcov.info"),
                            "py.info");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 45);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 45);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 9);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", File("calculator.py")), 22);
  EXPECT_EQ(
      Value(*data, "coverage_functions_valid", File("test_calculator.py")), 5);
}

// lcov's own test input is GPL-2.0: read from the shared fixtures, not
// copied into tests/testdata.
TEST(LcovReaderTest, LcovSelftestRecountsBranches7Found3HitIgnoringBrfBrh) {
  auto data = ParseCoverage(SharedFixture("lcov/lcov-selftest-merge-mcdc.info"),
                            "a.info");
  ASSERT_OK(data);
  // The file says BRF:5 BRH:4 and LF:7 LH:2; lcov recounts BRDA and DA.
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 7);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 3);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 7);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 2);
  // Per alias (no function-alias merging): fcn, alias, noCommonAlias, onlyA;
  // hit: alias (2), noCommonAlias (1). The file's own FNF:4 FNH:3 is ignored.
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 4);
  EXPECT_EQ(Value(*data, "coverage_functions_covered"), 2);
}

TEST(LcovReaderTest, DuplicateSourceFilesMergeLinesAndAddCounts) {
  auto data = ParseLcov(R"(TN:unit
SF:src/a.c
FN:1,f
FNDA:0,f
DA:1,0
DA:2,0
BRDA:2,0,0,0
BRDA:2,0,1,-
LF:999
LH:999
end_of_record
TN:integration
SF:src/a.c
FNDA:3,f
DA:2,5
DA:3,0
BRDA:2,0,1,2
end_of_record
SF:src/empty.h
FN:1,g
FNDA:1,g
BRDA:1,0,0,1
end_of_record
)",
                        "merge.info");
  ASSERT_OK(data);
  // Lines {1,2,3}; line 2 hit by the second record.
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 3);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 1);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 2);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 1);
  EXPECT_EQ(Value(*data, "coverage_functions_valid"), 1);
  EXPECT_EQ(Value(*data, "coverage_functions_covered"), 1);
  // src/empty.h has no DA records: dropped, also from the totals.
  EXPECT_EQ(CountSamples(*data, "coverage_lines_valid", File("src/empty.h")),
            0);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", File("src/a.c")), 3);
}

TEST(LcovReaderTest, Lcov2RecordsUnreachableBranchesAndAliases) {
  auto data = ParseLcov(
      "VER:abc\r\n"
      "SF:C:\\work\\src\\x.cpp\r\n"
      "FNL:0,3,9\r\n"
      "FNA:0,2,x()\r\n"
      "FNA:0,0,x_alias()\r\n"
      "DA:3,2,Q2h3Zx9kLm0pQr8sT1uVwX\r\n"
      "DA:4,1.5e3\r\n"
      "BRDA:4,e0,0,1\r\n"
      "BRDA:4,U0,1,-\r\n"
      "BRDA:4,0,(a == b) , c,0\r\n"
      "MCDC:4,2,t,1,0,a\r\n"
      "end_of_record\r\n",
      "v2.info");
  ASSERT_OK(data);
  const Labels f = File("C:\\work\\src\\x.cpp");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", f), 2);
  // Exception branch counted, unreachable (U) one not.
  EXPECT_EQ(Value(*data, "coverage_branches_valid", f), 2);
  EXPECT_EQ(Value(*data, "coverage_branches_covered", f), 1);
  EXPECT_EQ(Value(*data, "coverage_functions_valid", f), 2);
  EXPECT_EQ(Value(*data, "coverage_functions_covered", f), 1);
}

TEST(LcovReaderTest, MalformedLinesAreErrorsWithLineNumbers) {
  EXPECT_THAT(ParseCoverage("TN:\nSF:a.c\nDA:x,1\nend_of_record\n", "a.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a.info:3: malformed DA record \"DA:x,1\": expected "
                       "DA:<line number>,<count>[,<checksum>]"));
  EXPECT_THAT(ParseCoverage("SF:a.c\nDA:1\nend_of_record\n", "b.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "b.info:2: malformed DA record \"DA:1\": expected "
                       "DA:<line number>,<count>[,<checksum>]"));
  EXPECT_THAT(ParseCoverage("SF:a.c\nDA:1,-3\nend_of_record\n", "c.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "c.info:2: DA count \"-3\" in \"DA:1,-3\" is not a "
                       "non-negative number"));
  EXPECT_THAT(ParseCoverage("SF:a.c\nDA:1,1\nthis is not lcov\n", "d.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "d.info:3: malformed lcov line \"this is not lcov\": "
                       "expected a KEY:VALUE record, a # comment or "
                       "end_of_record"));
  EXPECT_THAT(ParseCoverage("TN:\nDA:1,1\n", "e.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "e.info:2: DA record \"DA:1,1\" outside an "
                       "SF:…end_of_record section"));
  EXPECT_THAT(ParseCoverage("SF:a.c\nDA:1,1\nSF:b.c\n", "f.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f.info:3: SF record \"SF:b.c\" before the "
                       "end_of_record of \"a.c\" (line 1)"));
  EXPECT_THAT(ParseCoverage("SF:a.c\nBRDA:1,0,1\nend_of_record\n", "g.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "g.info:2: malformed BRDA record \"BRDA:1,0,1\": "
                       "expected BRDA:<line number>,[e][U]<block>,<branch>,"
                       "<taken or ->"));
  EXPECT_THAT(
      ParseCoverage("SF:a.c\nDA:1,1\nend_of_record\nend_of_record\n", "h.info"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "h.info:4: end_of_record without a preceding SF "
               "record"));
  EXPECT_THAT(ParseCoverage("SF:caf\xE9.c\nDA:1,1\nend_of_record\n", "i.info"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "i.info:1: invalid UTF-8 at column 7 in "
                       "\"SF:caf\\xE9.c\""));
}

// Issue 10: a last record without end_of_record is a truncated file, an
// error naming the file and line, wherever the cut falls (after SF:, inside
// a DA line, after LH:). It used to be read with a warning and passed.
TEST(LcovReaderTest, FileEndingInsideItsLastRecordIsAnError) {
  EXPECT_THAT(
      ParseCoverage("# geninfo\n\nTN:\nSF:a.c\nDA:1,1\nDA:2,0\nXYZ:1\n",
                    "t.info"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "t.info:7: the file ends inside the record of \"a.c\" (SF at "
               "line 4) before its end_of_record: the tracefile is "
               "truncated"));
  const std::string whole =
      "TN:\nSF:/src/a.c\nDA:1,1\nDA:2,1\nLF:2\nLH:2\nend_of_record\n"
      "SF:/src/f.c\nDA:11,0\nDA:12,1\nLF:2\nLH:1\nend_of_record\n";
  ASSERT_OK(ParseCoverage(whole, "w.info"));
  for (std::string_view cut : {"SF:/src/f", "DA:12,1", "LH:", "LH:1\n"}) {
    std::string prefix = whole.substr(0, whole.rfind(cut) + cut.size());
    EXPECT_THAT(ParseCoverage(prefix, "w.info"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr("the tracefile is truncated")))
        << prefix;
  }
}

TEST(LcovReaderTest, OnlyTestNamesIsAnEmptyReport) {
  auto data = ParseCoverage("TN:\n", "empty.info");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_line_percent")));
}

// Issue 11.17: headers that disagree with the records are not silent.
TEST(LcovReaderTest, SummaryHeadersThatDisagreeWithDaRecordsAreAWarning) {
  auto data = ParseLcov(
      "TN:\nSF:a.c\nDA:1,1\nDA:2,0\nDA:3,4\nLF:10\nLH:8\nend_of_record\n"
      "SF:b.c\nDA:1,1\nLF:1\nLH:1\nend_of_record\n"
      "SF:c.c\nDA:1,0\nLF:1\nLH:1\nend_of_record\n",
      "cov.info");
  ASSERT_OK(data);
  // The numbers are the recount from DA, as lcov does.
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 5);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 3);
  EXPECT_THAT(data->warnings,
              ElementsAre("lcov: cov.info:2: \"a.c\": its header says LF:10 "
                          "LH:8 but its DA records count 3 lines, 2 hit; "
                          "coverage is counted from the DA records, as lcov "
                          "does",
                          "lcov: cov.info:14: \"c.c\": its header says LF:1 "
                          "LH:1 but its DA records count 1 lines, 0 hit; "
                          "coverage is counted from the DA records, as lcov "
                          "does"));
}

}  // namespace
}  // namespace aurora
