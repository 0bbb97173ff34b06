// ParseCoverage: detection by content and the errors for input that is not
// a coverage report (or not well-formed).
#include "queries/coverage_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/queries/coverage_test_util.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::SharedFixture;
using ::aurora::testing::StatusIs;
using ::aurora::testing::Value;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

TEST(CoverageReaderTest, DetectsByContentNotByFileName) {
  auto lcov = ParseCoverage("SF:a.c\nDA:1,1\nend_of_record\n", "coverage.xml");
  ASSERT_OK(lcov);
  EXPECT_EQ(lcov->format, "lcov tracefile");
  auto cobertura = ParseCoverage(
      R"(<coverage line-rate="1" lines-valid="1" lines-covered="1"><packages/></coverage>)",
      "lcov.info");
  ASSERT_OK(cobertura);
  EXPECT_EQ(cobertura->format, "Cobertura XML");
  auto jacoco = ParseCoverage("<report name=\"r\"/>", "coverage.json");
  ASSERT_OK(jacoco);
  EXPECT_EQ(jacoco->format, "JaCoCo XML");
}

TEST(CoverageReaderTest, Utf16XmlWithBomIsRead) {
  std::string utf8 =
      R"(<coverage line-rate="1" lines-valid="2" lines-covered="1"><packages/></coverage>)";
  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) {
    utf16 += c;
    utf16 += '\0';
  }
  auto data = ParseCoverage(utf16, "utf16.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 2);
}

TEST(CoverageReaderTest, EmptyFileIsAnError) {
  EXPECT_THAT(ParseCoverage("", "empty.xml"),
              StatusIs(kInvalid,
                       "empty.xml: empty file, expected a coverage report "
                       "(Cobertura XML, JaCoCo XML, coverage.py JSON or an "
                       "lcov tracefile)"));
  EXPECT_THAT(ParseCoverage("\xEF\xBB\xBF \n\t\r\n", "blank.xml"),
              StatusIs(kInvalid,
                       "blank.xml: empty file, expected a coverage report "
                       "(Cobertura XML, JaCoCo XML, coverage.py JSON or an "
                       "lcov tracefile)"));
}

TEST(CoverageReaderTest, TruncatedXmlIsAnError) {
  EXPECT_THAT(
      ParseCoverage("<?xml version=\"1.0\"?>\n<coverage line-rate=\"1\">\n"
                    "  <packages><package name=\"a\">",
                    "cut.xml"),
      StatusIs(kInvalid,
               "cut.xml: not well-formed XML at line 3, column 30: Start-end "
               "tags mismatch (truncated or unbalanced document?)"));
}

// Issue 10: an entity is never expanded, so a document that declares one
// (here hiding an uncovered line) is refused rather than read without it.
TEST(CoverageReaderTest, CoberturaDeclaringDtdEntitiesIsAnError) {
  EXPECT_THAT(
      ParseCoverage("<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE coverage [<!ENTITY miss "
                    "'<line number=\"2\" hits=\"0\"/>'>]>\n"
                    "<coverage line-rate=\"1\"><packages><package name=\"a\">"
                    "<classes><class name=\"c\" filename=\"c.py\"><lines>"
                    "<line number=\"1\" hits=\"1\"/>&miss;</lines></class>"
                    "</classes></package></packages></coverage>",
                    "ent.xml"),
      StatusIs(kInvalid,
               "ent.xml: line 2: the DOCTYPE declares an entity (<!ENTITY …>); "
               "aurora-gate never expands DTD entities, so what they stand "
               "for would be lost: write the report without an internal DTD "
               "subset"));
}

TEST(CoverageReaderTest, NonXmlTextIsAnError) {
  EXPECT_THAT(
      ParseCoverage("Name    Stmts   Miss  Cover\n-----\nTOTAL 10 2 80%\n",
                    "report.txt"),
      StatusIs(kInvalid,
               "report.txt: not a coverage report: found text that is "
               "neither XML, JSON nor an lcov tracefile (first line \"Name    "
               "Stmts   Miss  Cover\"); expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
  EXPECT_THAT(ParseCoverage("\x89PNG\r\n\x1A\n", "image.png"),
              StatusIs(kInvalid,
                       "image.png: not a coverage report: found text that is "
                       "neither XML, JSON nor an lcov tracefile (first line "
                       "\"\\x89PNG\"); expected Cobertura XML, JaCoCo XML, "
                       "coverage.py JSON or an lcov tracefile"));
}

TEST(CoverageReaderTest, InvalidUtf8IsAnError) {
  EXPECT_THAT(
      ParseCoverage("<coverage line-rate=\"1\"><packages><package "
                    "name=\"\xC3\x28\"/></packages></coverage>",
                    "bad.xml"),
      StatusIs(kInvalid,
               "bad.xml: invalid UTF-8 at byte 49 (line 1, column 50); "
               "declare the encoding in the XML prolog if it is not UTF-8"));
  EXPECT_THAT(
      ParseCoverage("{\"meta\": {\"version\": \"\xFF\"}}", "bad.json"),
      StatusIs(kInvalid,
               "bad.json: invalid JSON at line 1, column 23: Invalid encoding "
               "in string."));
}

TEST(CoverageReaderTest, JunitGivenAsCoverageIsAnError) {
  EXPECT_THAT(
      ParseCoverage(SharedFixture("junit/pytest-horovod-fail.xml"),
                    "results.xml"),
      StatusIs(kInvalid,
               "results.xml: not a coverage report: found JUnit XML (root "
               "<testsuites>); expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage(SharedFixture("junit/maven-surefire-StringUtilsTest.xml"),
                    "TEST-StringUtilsTest.xml"),
      StatusIs(kInvalid,
               "TEST-StringUtilsTest.xml: not a coverage report: found JUnit "
               "XML (root <testsuite>); expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
}

TEST(CoverageReaderTest, OtherXmlRootsAreErrors) {
  EXPECT_THAT(
      ParseCoverage(
          R"(<?xml version="1.0"?><coverage generated="1" clover="4.4.1"><project timestamp="1"/></coverage>)",
          "clover.xml"),
      StatusIs(kInvalid,
               "clover.xml: not a coverage report: found Clover XML (root "
               "<coverage> with a clover attribute or <project>); expected "
               "Cobertura XML, JaCoCo XML, coverage.py JSON or an lcov "
               "tracefile"));
  EXPECT_THAT(
      ParseCoverage("<coverage/>", "bare.xml"),
      StatusIs(kInvalid,
               "bare.xml: not a coverage report: found XML with root "
               "<coverage> but neither Cobertura's line-rate and <packages> "
               "nor Clover's <project>; expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage("<report><x/></report>", "report.xml"),
      StatusIs(kInvalid,
               "report.xml: not a coverage report: found XML with root "
               "<report> but without JaCoCo's DOCTYPE or name attribute; "
               "expected Cobertura XML, JaCoCo XML, coverage.py JSON or an "
               "lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage("<html><body>coverage</body></html>", "index.html"),
      StatusIs(kInvalid,
               "index.html: not a coverage report: found XML with root "
               "<html>; expected Cobertura XML, JaCoCo XML, coverage.py JSON "
               "or an lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage(
          "<mutations><mutation detected='true' status='KILLED'/></mutations>",
          "mutations.xml"),
      StatusIs(kInvalid,
               "mutations.xml: not a coverage report: found PIT mutations "
               "XML (root <mutations>); expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
}

TEST(CoverageReaderTest, OtherJsonIsAnError) {
  EXPECT_THAT(
      ParseCoverage(
          SharedFixture("pytest-benchmark/lagom-linux-cpython311-v4.0.0.json"),
          "bench.json"),
      StatusIs(kInvalid,
               "bench.json: not a coverage report: found pytest-benchmark "
               "JSON (\"benchmarks\" and \"machine_info\"); expected "
               "Cobertura XML, JaCoCo XML, coverage.py JSON or an lcov "
               "tracefile"));
  EXPECT_THAT(
      ParseCoverage(R"({"name": "x", "lines": 10, "covered": 5})", "x.json"),
      StatusIs(kInvalid,
               "x.json: not a coverage report: found a JSON object with keys "
               "\"name\", \"lines\", \"covered\" (coverage.py JSON has "
               "\"meta\", \"files\" and \"totals\"); expected Cobertura XML, "
               "JaCoCo XML, coverage.py JSON or an lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage("[1, 2]", "arr.json"),
      StatusIs(kInvalid,
               "arr.json: not a coverage report: found a JSON array, not a "
               "coverage.py JSON object; expected Cobertura XML, JaCoCo XML, "
               "coverage.py JSON or an lcov tracefile"));
  EXPECT_THAT(
      ParseCoverage(R"({"version": "2.1.0", "runs": []})", "scan.sarif"),
      StatusIs(kInvalid,
               "scan.sarif: not a coverage report: found SARIF 2.1.0 JSON "
               "(\"version\" and \"runs\"); expected Cobertura XML, JaCoCo "
               "XML, coverage.py JSON or an lcov tracefile"));
}

TEST(CoverageReaderTest, DeeplyNestedJsonIsAnError) {
  std::string deep =
      "{\"meta\": " + std::string(300, '[') + std::string(300, ']') + "}";
  EXPECT_THAT(ParseCoverage(deep, "deep.json"),
              StatusIs(kInvalid,
                       "deep.json: JSON nested deeper than 256 levels at "
                       "line 1, column 265"));
}

TEST(CoverageReaderTest, MalformedJsonIsAnError) {
  EXPECT_THAT(ParseCoverage("{\"meta\": {\"version\": \"7.0\"},", "cut.json"),
              StatusIs(kInvalid,
                       "cut.json: invalid JSON at line 1, column 29: Missing "
                       "a name for object member."));
  EXPECT_THAT(
      ParseCoverage(R"({"totals": {"num_statements": 1e999}})", "huge.json"),
      StatusIs(kInvalid,
               "huge.json: invalid JSON at line 1, column 31: Number "
               "too big to be stored in double."));
}

}  // namespace
}  // namespace aurora
