// JaCoCo XML through ParseCoverage and ParseJacoco. Totals are the
// report-level counters only (docs/FORMATS.md §4).
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/coverage_reader.h"
#include "queries/jacoco_reader.h"
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

TEST(JacocoReaderTest, ClosureLargeOneLineReportUsesReportCounters) {
  auto data = ParseCoverage(
      CoverageTestdata("closure-stylesheets-gradle-large-1.6MB.xml"),
      "jacocoTestReport.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "JaCoCo XML");
  // Σ LINE.covered over every counter element would be 59409.
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 11871);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 14552);
  EXPECT_EQ(Value(*data, "coverage_line_percent"), 100.0 * 11871 / 14552);
  EXPECT_EQ(Value(*data, "coverage_instructions_covered"), 54711);
  EXPECT_EQ(Value(*data, "coverage_instructions_valid"), 67249);
  EXPECT_EQ(Value(*data, "coverage_instruction_percent"),
            100.0 * 54711 / 67249);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 4177);
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 6179);
  EXPECT_EQ(Value(*data, "coverage_branch_percent"), 100.0 * 4177 / 6179);
  EXPECT_EQ(Value(*data, "coverage_complexity_covered"), 3789);
  EXPECT_EQ(Value(*data, "coverage_complexity_valid"), 5744);
  EXPECT_EQ(Value(*data, "coverage_complexity_percent"), 100.0 * 3789 / 5744);
  EXPECT_EQ(Value(*data, "coverage_methods_covered"), 2024);
  EXPECT_EQ(Value(*data, "coverage_methods_valid"), 2422);
  EXPECT_EQ(Value(*data, "coverage_method_percent"), 100.0 * 2024 / 2422);
  EXPECT_EQ(Value(*data, "coverage_classes_covered"), 347);
  EXPECT_EQ(Value(*data, "coverage_classes_valid"), 366);
  EXPECT_EQ(Value(*data, "coverage_class_percent"), 100.0 * 347 / 366);
  EXPECT_THAT(data->warnings, IsEmpty());
  EXPECT_THAT(data->samples.detail_labels, ElementsAre("package", "file"));

  const Labels passes = Package("com/google/common/css/compiler/passes");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", passes), 4357);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", passes), 4958);
  const Labels prefix = File(
      "com/google/common/css/compiler/passes/AutoExpandBrowserPrefix.java");
  EXPECT_EQ(Value(*data, "coverage_lines_covered", prefix), 95);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", prefix), 104);
  EXPECT_EQ(Value(*data, "coverage_branches_valid", prefix), 48);
  // 1 report + 6 packages + 205 source files, 6 counters × 3 samples.
  EXPECT_EQ(data->samples.samples.size(), (1u + 6 + 205) * 18);
}

TEST(JacocoReaderTest, AbsentBranchCounterIsZeroOfZero) {
  // DTD 1.0 report without any branch: JaCoCo omits the BRANCH counter.
  auto data = ParseCoverage(
      CoverageTestdata("codeclimate-jacoco-dtd1.0-basic.xml"), "basic.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "JaCoCo XML");
  EXPECT_EQ(Value(*data, "coverage_branches_valid"), 0);
  EXPECT_EQ(Value(*data, "coverage_branches_covered"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_branch_percent")));
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 2);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 11);
  EXPECT_EQ(Value(*data, "coverage_instructions_covered"), 6);
  EXPECT_EQ(Value(*data, "coverage_instructions_valid"), 29);
  EXPECT_EQ(Value(*data, "coverage_classes_covered"), 2);
  EXPECT_EQ(Value(*data, "coverage_classes_valid"), 3);
  EXPECT_EQ(Value(*data, "coverage_lines_valid",
                  File("be/apo/basic/Application.java")),
            3);
  EXPECT_THAT(data->warnings, IsEmpty());
}

TEST(JacocoReaderTest, ReportCountersDifferingFromPackagesAreWarned) {
  // Hand-made fixture: the report counters (5/6 lines) are not the sum of
  // its two packages (10/12). We use what JaCoCo would display.
  auto data = ParseCoverage(
      CoverageTestdata("coveralls-jacoco-multiple-packages.xml"), "multi.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 5);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 6);
  EXPECT_THAT(
      data->warnings,
      ElementsAre(
          "JaCoCo report LINE counter 5/6 differs from the sum of its "
          "packages 10/12; using the report counter",
          "JaCoCo report BRANCH counter 2/4 differs from the sum of its "
          "packages 4/8; using the report counter",
          "JaCoCo report INSTRUCTION counter 27/32 differs from the sum of its "
          "packages 54/64; using the report counter",
          "JaCoCo report METHOD counter 2/2 differs from the sum of its "
          "packages 4/4; using the report counter",
          "JaCoCo report CLASS counter 1/1 differs from the sum of its "
          "packages 2/2; using the report counter",
          "JaCoCo report COMPLEXITY counter 2/4 differs from the sum of its "
          "packages 4/8; using the report counter"));
  EXPECT_EQ(Value(*data, "coverage_lines_covered", Package("com/proj1")), 5);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("com/proj2")), 6);
  // A <sourcefile> without counters is 0 of 0.
  EXPECT_EQ(Value(*data, "coverage_lines_valid", File("com/proj1/Info.java")),
            0);
  EXPECT_TRUE(std::isnan(
      Value(*data, "coverage_line_percent", File("com/proj1/Info.java"))));
}

TEST(JacocoReaderTest, GroupsAreWalkedAndDefaultPackageIsDot) {
  auto data = ParseCoverage(R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="agg">
  <group name="mod-a">
    <group name="inner">
      <package name="">
        <sourcefile name="Main.java"><counter type="LINE" missed="1" covered="3"/></sourcefile>
        <counter type="LINE" missed="1" covered="3"/>
      </package>
      <counter type="LINE" missed="1" covered="3"/>
    </group>
    <counter type="LINE" missed="1" covered="3"/>
  </group>
  <group name="mod-b">
    <package name="org/b">
      <counter type="LINE" missed="2" covered="0"/>
    </package>
    <counter type="LINE" missed="2" covered="0"/>
  </group>
  <counter type="LINE" missed="3" covered="3"/>
</report>)",
                            "agg.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_covered"), 3);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 6);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package(".")), 4);
  EXPECT_EQ(Value(*data, "coverage_lines_valid", Package("org/b")), 2);
  EXPECT_EQ(Value(*data, "coverage_lines_covered", File("Main.java")), 3);
  EXPECT_EQ(Value(*data, "coverage_methods_valid"), 0);
  EXPECT_THAT(data->warnings, IsEmpty());
}

TEST(JacocoReaderTest, EmptyReportIsZeroOfZero) {
  auto data = ParseCoverage("<report name='none'/>", "none.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Value(*data, "coverage_lines_valid"), 0);
  EXPECT_TRUE(std::isnan(Value(*data, "coverage_line_percent")));
  EXPECT_EQ(CountSamples(*data, "coverage_lines_valid", Package(".")), 0);
}

TEST(JacocoReaderTest, BadCountersAreErrors) {
  EXPECT_THAT(
      ParseCoverage(
          R"(<report name="r"><counter type="LINE" missed="1e999" covered="1"/></report>)",
          "big.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "big.xml: <report>: <counter type=\"LINE\">: missed=\"1e999\" "
               "is not a count (a non-negative integer up to 2^53)"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<report name="r"><package name="p/q"><counter type="BRANCH" missed="1" covered="x"/></package></report>)",
          "x.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "x.xml: <package name=\"p/q\">: <counter type=\"BRANCH\">: "
               "covered=\"x\" is not a count (a non-negative integer up to "
               "2^53)"));
  EXPECT_THAT(
      ParseCoverage(
          R"(<report name="r"><counter type="LINE" missed="1" covered="1"/><counter type="LINE" missed="1" covered="1"/></report>)",
          "dup.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "dup.xml: <report>: <counter type=\"LINE\"> appears twice"));
  auto doc = ParseXml("<coverage/>", "c.xml");
  ASSERT_OK(doc);
  EXPECT_THAT(ParseJacoco(**doc, "c.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "c.xml: not JaCoCo XML: root element is <coverage>, "
                       "expected <report>"));
}

}  // namespace
}  // namespace aurora
