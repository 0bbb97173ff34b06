// Cobertura XML (coverage.py, gcovr, istanbul) through ParseCoverage and
// ParseCobertura. Expected numbers are the producers' own (docs/FORMATS.md §2).
#include <cmath>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/cobertura_reader.h"
#include "queries/coverage_reader.h"
#include "queries/xml_document.h"
#include "tests/queries/coverage_test_util.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::CountSamples;
using ::aurora::testing::CoverageTestdata;
using ::aurora::testing::StatusIs;
using ::aurora::testing::Value;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using ::aurora::testing::File;
using ::aurora::testing::Package;

TEST(CoberturaReaderTest, GcovrNestedUsesRootCounts25Of42) {
  auto data =
      ParseCoverage(CoverageTestdata("gcovr-8.6-nested-gcc5.xml"), "gcovr.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML (gcovr 8.6+main)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 25);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 42);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 25 / 42);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 4);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 14);
  EXPECT_EQ(Value(*data, "coverage_branch_percent"), 100.0 * 4 / 14);
  EXPECT_THAT(data->warnings, IsEmpty());
  EXPECT_THAT(data->samples.detail_labels, ElementsAre("package", "file"));
}

TEST(CoberturaReaderTest, CountsOnlyClassLinesNotMethodLines) {
  // gcovr repeats each line under <methods>: 84 <line> elements, 42 lines.
  auto data =
      ParseCoverage(CoverageTestdata("gcovr-8.6-nested-gcc5.xml"), "gcovr.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered", File("A/File2.cpp")), 4);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", File("A/File2.cpp")), 7);
  EXPECT_EQ(Value(*data, "coverage_lines_covered", Package("A")), 14);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("A")), 26);
  EXPECT_EQ(Value(*data, "coverage_lines_covered", Package("A.C.D")), 0);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("A.C.D")), 4);
  EXPECT_EQ(Value(*data, "coverage_line_percent", Package("A.C.D")), 0);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("B")), 8);

  // Hand-made: method lines that are not class lines are not counted.
  auto hand = ParseCoverage(R"(<coverage line-rate="0.5">
  <packages><package name="p"><classes><class name="c" filename="c.py">
    <methods><method name="m"><lines>
      <line number="1" hits="1"/><line number="9" hits="5"/>
    </lines></method></methods>
    <lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
  </class></classes></package></packages></coverage>)",
                            "hand.xml");
  ASSERT_OK(hand);
  EXPECT_EQ(Value(*hand, "coverage_lines_covered"), 1);
  EXPECT_EQ(Value(*hand, "coverage_lines_valid"), 2);
  EXPECT_EQ(Value(*hand, "coverage_lines_valid", File("c.py")), 2);
}

TEST(CoberturaReaderTest, IstanbulUsesRootCounts872Of945) {
  auto data = ParseCoverage(
      CoverageTestdata("grandlinex-core-istanbul-jest.xml"), "istanbul.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML (istanbul)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 872);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 945);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 872 / 945);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 206);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 289);
  // Packages hold only the files directly in their directory.
  EXPECT_EQ(Value(*data, "coverage_lines_covered", Package("src")), 135);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("src")), 148);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("src.classes")), 422);
  EXPECT_EQ(
      CountSamples(*data, "coverage_lines_valid", File("src/CoreKernel.ts")),
      1);
  EXPECT_THAT(data->warnings, IsEmpty());
}

TEST(CoberturaReaderTest, CoveragePy434WithoutRootCountsCountsLines270Of299) {
  // coverage.py 4.x writes only line-rate="0.903" on the root.
  auto data = ParseCoverage(
      CoverageTestdata("coveragepy-4.3.4-codeclimate-example.xml"),
      "cov434.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML (coverage.py 4.3.4)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 270);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 299);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 270 / 299);
  // No branch measurement: no condition-coverage anywhere.
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 0);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
  EXPECT_EQ(Value(*data, "coverage_lines_covered",
                  Package("codeclimate_test_reporter")),
            4);
  EXPECT_EQ(Value(*data, "coverage_lines_valid",
                  Package("codeclimate_test_reporter")),
            11);
  EXPECT_EQ(Value(*data, "coverage_lines_valid",
                  File("codeclimate_test_reporter/__init__.py")),
            4);
}

TEST(CoberturaReaderTest, CoveragePyGoldBranchFile) {
  auto data = ParseCoverage(
      CoverageTestdata("coveragepy-gold-y_xml_branch.xml"), "gold.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML (coverage.py 5.0a2)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 4);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 5);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 80);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 1);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 2);
  EXPECT_EQ(Value(*data, "coverage_branch_percent"), 50);
  EXPECT_EQ(Value(*data, "coverage_branches_covered", File("y.py")), 1);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", File("y.py")), 2);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package(".")), 5);
}

TEST(CoberturaReaderTest, CoveragePyBranchOffIsZeroOfZeroNotHundred) {
  // coverage.py without branch measurement: branch-rate="0",
  // branches-valid="0".
  auto data = ParseCoverage(R"(<?xml version="1.0" ?>
<coverage version="7.4.1" timestamp="1" lines-valid="3" lines-covered="2" line-rate="0.6667" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
	<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.4.1 -->
	<packages><package name="." line-rate="0.6667" branch-rate="0" complexity="0"><classes>
		<class name="a.py" filename="a.py" complexity="0" line-rate="0.6667" branch-rate="0">
			<methods/><lines><line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/></lines>
		</class></classes></package></packages>
</coverage>)",
                            "cov.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML (coverage.py 7.4.1)");
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 2);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 0);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
}

TEST(CoberturaReaderTest, BranchesFromConditionCoverageCountsNotPercent) {
  // No branches-valid on the root: sum the "(c/t)" pairs. The percents are
  // deliberately inconsistent with the counts and must be ignored.
  auto data = ParseCoverage(
      R"xml(<coverage line-rate="1" lines-valid="3" lines-covered="3">
  <packages><package name="p"><classes><class name="c" filename="c.cpp"><lines>
    <line number="1" hits="4" branch="true" condition-coverage="99% (2/3)"/>
    <line number="2" hits="1" branch="true" condition-coverage="66.66666666666666% (1/4)"/>
    <line number="3" hits="1" branch="false"/>
  </lines></class></classes></package></packages></coverage>)xml",
      "cc.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "Cobertura XML");
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 3);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 7);
  EXPECT_EQ(Value(*data, "coverage_branch_percent"), 100.0 * 3 / 7);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", File("c.cpp")), 7);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", Package("p")), 7);
}

TEST(CoberturaReaderTest, RootCountsDifferingFromListedLinesAreWarned) {
  auto data = ParseCoverage(
      R"(<coverage line-rate="0.5" lines-valid="4" lines-covered="2">
  <packages><package name="p"><classes><class name="c" filename="c.py"><lines>
    <line number="1" hits="1"/><line number="2" hits="0"/><line number="3" hits="0"/>
  </lines></class></classes></package></packages></coverage>)",
      "w.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 2);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 4);
  EXPECT_THAT(data->warnings,
              ElementsAre("Cobertura root lines-covered/lines-valid 2/4 differ "
                          "from the lines listed in its classes 1/3; using the "
                          "root counts"));
}

TEST(CoberturaReaderTest, EmptyReportHasZeroValidAndNaNPercent) {
  // All three producers write rate 1 for "0 of 0"; we report no data.
  auto data = ParseCoverage(
      R"(<coverage line-rate="1" branch-rate="1" lines-covered="0" lines-valid="0" branches-covered="0" branches-valid="0" version="gcovr 8.6"><packages/></coverage>)",
      "empty.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 0);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_line_percent")));
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
  EXPECT_EQ(data->samples.samples.size(), 6u);  // totals only
}

TEST(CoberturaReaderTest, OddButValidXmlIsRead) {
  const std::string body =
      R"(<coverage line-rate='1' lines-valid='1' lines-covered='1'>
<packages><package name=''><classes><class name='x' filename='C:\src\app\main.py'>
<lines><line number='1' hits='3'/></lines></class></classes></package></packages></coverage>)";
  // UTF-8 BOM, single-quoted attributes, a Windows path kept verbatim, a
  // package without a name (labelled ".").
  auto data = ParseCoverage("\xEF\xBB\xBF" + body, "bom.xml");
  ASSERT_OK(data);
  EXPECT_EQ(
      Value(*data, "coverage_lines_covered", File("C:\\src\\app\\main.py")), 1);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package(".")), 1);

  // DOCTYPE naming an external DTD, which must not be fetched (an
  // unresolvable host would fail or hang if it were).
  auto dtd = ParseCoverage(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE coverage SYSTEM "
      "\"http://unresolvable.invalid/coverage-04.dtd\">\n" +
          body,
      "dtd.xml");
  ASSERT_OK(dtd);
  EXPECT_EQ(Value(*dtd, "coverage_lines_valid"), 1);

  // ISO-8859-1 prolog with a latin1 byte (0xE9) in a file name: read as
  // U+00E9 and labelled in UTF-8.
  auto latin1 = ParseCoverage(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
      "<coverage line-rate=\"1\" lines-valid=\"1\" lines-covered=\"1\">"
      "<packages><package name=\"p\"><classes>"
      "<class name=\"c\" filename=\"caf\xE9.py\"><lines>"
      "<line number=\"1\" hits=\"1\"/></lines></class></classes></package>"
      "</packages></coverage>",
      "latin1.xml");
  ASSERT_OK(latin1);
  EXPECT_EQ(Value(*latin1, "coverage_lines_valid", File("caf\xC3\xA9.py")), 1);
}

TEST(CoberturaReaderTest, CountThatDoesNotFitIsAnError) {
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1" lines-valid="1e999" lines-covered="1"><packages/></coverage>)",
          "big.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "big.xml: <coverage> attribute lines-valid=\"1e999\" is not a "
               "count (a non-negative integer up to 2^53)"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1" lines-valid="10" lines-covered="-1"><packages/></coverage>)",
          "neg.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "neg.xml: <coverage> attribute lines-covered=\"-1\" is not a "
               "count (a non-negative integer up to 2^53)"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1" lines-valid="3" lines-covered="5"><packages/></coverage>)",
          "more.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "more.xml: <coverage> lines-covered=5 exceeds lines-valid=3"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1" lines-valid="3"><packages/></coverage>)",
          "half.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "half.xml: <coverage> has lines-valid but no lines-covered"));
}

TEST(CoberturaReaderTest, BadLineAttributesAreErrorsNamingTheLine) {
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1"><packages><package name="p"><classes>
<class name="c" filename="c.py"><lines><line number="7" hits="many"/></lines></class>
</classes></package></packages></coverage>)",
          "hits.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "hits.xml: file \"c.py\", <line number=\"7\">: hits=\"many\" is "
               "not a non-negative number"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1"><packages><package name="p"><classes>
<class name="c" filename="c.py"><lines><line number="3" hits="1" branch="true" condition-coverage="50%"/></lines></class>
</classes></package></packages></coverage>)",
          "cc.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "cc.xml: file \"c.py\", <line number=\"3\">: "
               "condition-coverage=\"50%\" has no \"(covered/total)\" counts "
               "with covered <= total"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<coverage line-rate="1"><packages><package name="p"><classes>
<class name="Foo"><lines/></class></classes></package></packages></coverage>)",
          "nofile.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "nofile.xml: package \"p\": <class name=\"Foo\"> has no "
               "filename attribute"));
}

TEST(CoberturaReaderTest, ParseCoberturaRejectsOtherRoots) {
  auto doc = ParseXml("<testsuites/>", "t.xml");
  ASSERT_OK(doc);
  EXPECT_THAT(ParseCobertura(**doc, "<testsuites/>", "t.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t.xml: not Cobertura XML: root element is "
                       "<testsuites>, expected <coverage>"));
}

}  // namespace
}  // namespace aurora
