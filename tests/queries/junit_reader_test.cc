// Tests for queries/junit_reader.h. Expected counts of the real reports were
// derived independently (a python3 xml.etree script applying docs/FORMATS.md §6)
// and agree with each producer's own count attributes where those are
// meaningful; docs/FORMATS.md states tst-cpp-disabled (6/19/1/5) and
// pytest-2025-properties (10 testcases) itself.
#include "queries/jenkins_time.h"
#include "queries/junit_reader.h"

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Testdata(const std::string& file) {
  return ReadFileOrDie(std::string(AURORA_TESTDATA_DIR) + "/junit/" + file);
}

// The value of the one sample named `metric` whose other labels are exactly
// `labels`; nullopt when there is none. Fails the test on duplicates.
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

struct Counts {
  double passed, failed, error, skipped;
};

// Checks tests{result=…} (all four present), optionally for one suite.
void ExpectCounts(const ArtifactData& data, Counts want,
                  std::string_view suite = "") {
  SCOPED_TRACE(std::string("suite=") + std::string(suite));
  auto get = [&](const char* result) {
    Labels l{{"result", result}};
    l.Set("suite", suite);
    return Find(data, "tests", l);
  };
  EXPECT_EQ(get("passed"), want.passed);
  EXPECT_EQ(get("failed"), want.failed);
  EXPECT_EQ(get("error"), want.error);
  EXPECT_EQ(get("skipped"), want.skipped);
}

std::optional<double> Duration(const ArtifactData& data,
                               std::string_view suite = "") {
  Labels l;
  l.Set("suite", suite);
  return Find(data, "tests_duration_seconds", l);
}

std::optional<double> Flaky(const ArtifactData& data,
                            std::string_view suite = "") {
  Labels l;
  l.Set("suite", suite);
  return Find(data, "tests_flaky", l);
}

// Number of distinct `suite` label values.
size_t SuiteCount(const ArtifactData& data) {
  std::vector<std::string> names;
  for (const Sample& s : data.samples.samples) {
    std::string n(s.labels.Get("suite"));
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) {
      names.push_back(n);
    }
  }
  return names.size();
}

struct RealReport {
  const char* file;
  Counts counts;
  double duration;  // Σ suite durations
  size_t suites;    // distinct suite names
  const char* format;
};

TEST(JunitReaderTest, ReadsEveryRealReportWithIndependentlyDerivedCounts) {
  const RealReport kReports[] = {
      {"bazel-suite-logs.xml", {0, 0, 1, 0}, 0.0, 1, "JUnit XML"},
      {"cargo-nextest-basic.xml",
       {2, 1, 0, 0},
       2.663,
       1,
       "JUnit XML (cargo-nextest)"},
      {"catch2-report.xml", {0, 1, 0, 0}, 0.0, 1, "JUnit XML"},
      {"go-junit-report-001.xml",
       {2, 1, 0, 2},
       0.16 + 0.151 + 0.15,
       3,
       "JUnit XML (go-junit-report)"},
      {"gradle-FixupFontDeclarationsTest-67KB.xml",
       {37, 0, 0, 0},
       0.132,
       1,
       "JUnit XML"},
      {"gradle-ast-SourceCodeLocationTest-skipped.xml",
       {6, 0, 0, 2},
       0.017,
       1,
       "JUnit XML"},
      {"jenkins-eclipse-plugin-test-report-large.xml",
       {3366, 0, 0, 0},
       367.126,
       1,
       "JUnit XML"},
      {"jest-junit-basic.xml",
       {1, 4, 0, 1},
       0.486 + 0.082,
       2,
       "JUnit XML (jest-junit)"},
      {"jest-junit-facebook-jest-repo-large.xml",
       {4207, 2, 0, 30},
       654.9520000000005,
       400,
       "JUnit XML (jest-junit)"},
      {"maven-surefire-StringUtilsTest.xml",
       {2, 2, 0, 1},
       0.01,
       1,
       "JUnit XML (Surefire)"},
      {"maven-surefire-apache-pulsar-aggregated.xml",
       {793, 1, 0, 14},
       2126.5310000000004,
       176,
       "JUnit XML"},
      {"mocha-junit-reporter-latex-utensils.xml",
       {109, 0, 0, 0},
       0.29,
       1,
       "JUnit XML (mocha)"},
      {"pytest-2025-properties.xml",
       {6, 2, 0, 2},
       0.019,
       1,
       "JUnit XML (pytest)"},
      {"pytest-horovod-fail.xml", {3, 1, 0, 1}, 2.481, 1, "JUnit XML (pytest)"},
      {"scalatest-sbt-DiffOptionsSuite.xml",
       {5, 0, 0, 0},
       2.238,
       1,
       "JUnit XML"},
      {"tst-cpp-disabled.xml", {6, 19, 1, 5}, 0.002, 2, "JUnit XML"},
  };
  for (const RealReport& r : kReports) {
    SCOPED_TRACE(r.file);
    absl::StatusOr<ArtifactData> data = ParseJunit(Testdata(r.file), r.file);
    ASSERT_OK(data);
    ExpectCounts(*data, r.counts);
    ASSERT_TRUE(Duration(*data).has_value());
    EXPECT_DOUBLE_EQ(*Duration(*data), r.duration);
    EXPECT_EQ(Flaky(*data), 0);
    EXPECT_EQ(SuiteCount(*data), r.suites);
    // 6 samples (4 results, flaky, duration) for the total and each suite.
    EXPECT_EQ(data->samples.samples.size(), 6 * (1 + r.suites));
    EXPECT_EQ(data->format, r.format);
    EXPECT_THAT(data->samples.detail_labels, ElementsAre("suite"));
    EXPECT_TRUE(data->warnings.empty());
    // Their own counters agree with their testcases, except pytest's with
    // subtests (PytestSubtestsMakeTheTestsCounterDisagree).
    if (std::string_view(r.file) != "pytest-2025-properties.xml") {
      EXPECT_THAT(data->metric_inconclusive, IsEmpty());
    }
  }
}

// GPL-3.0: read from the shared fixtures, never copied into the repository.
TEST(JunitReaderTest, GoogletestReportFromSharedFixturesCountsEveryCase) {
  const std::string path = std::string(AURORA_SHARED_DIR) +
                           "/fixtures/real/junit/googletest-2016-blond.xml";
  absl::StatusOr<ArtifactData> data =
      ParseJunit(ReadFileOrDie(path), "googletest-2016-blond.xml");
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "JUnit XML (gtest)");
  ExpectCounts(*data, {9, 0, 0, 0});
  ExpectCounts(*data, {2, 0, 0, 0}, "testLinspace");
  EXPECT_EQ(SuiteCount(*data), 7u);
  EXPECT_DOUBLE_EQ(*Duration(*data), 0.175 + 0.198 + 0.194);
  EXPECT_EQ(Duration(*data, "testCumTrap"), 0.175);
}

TEST(JunitReaderTest, TstDisabledCasesAreSkippedThoughJenkinsCountsPassed) {
  absl::StatusOr<ArtifactData> data =
      ParseJunit(Testdata("tst-cpp-disabled.xml"), "tst-cpp-disabled.xml");
  ASSERT_OK(data);
  ExpectCounts(*data, {6, 19, 1, 5});
  ExpectCounts(*data, {6, 5, 1, 5}, "factorial");
  ExpectCounts(*data, {0, 14, 0, 0}, "failing_checks");
  // No suite `time`: a suite lasts the sum of its cases.
  EXPECT_EQ(Duration(*data, "factorial"), 0.001);
  EXPECT_EQ(Duration(*data, "failing_checks"), 0.001);
}

TEST(JunitReaderTest, PytestCountsTestcasesNotTheReportsInTheTestsAttribute) {
  // The suite says tests="15" for 10 <testcase> elements.
  absl::StatusOr<ArtifactData> data = ParseJunit(
      Testdata("pytest-2025-properties.xml"), "pytest-2025-properties.xml");
  ASSERT_OK(data);
  ExpectCounts(*data, {6, 2, 0, 2});
  ExpectCounts(*data, {6, 2, 0, 2}, "pytest");
}

TEST(JunitReaderTest, SuiteTimeIsWallClockEvenWhenBelowTheSumOfCases) {
  // pytest-horovod-fail.xml: suite time 2.481 s, cases sum to 21.908 s.
  absl::StatusOr<ArtifactData> data = ParseJunit(
      Testdata("pytest-horovod-fail.xml"), "pytest-horovod-fail.xml");
  ASSERT_OK(data);
  EXPECT_EQ(Duration(*data), 2.481);
  EXPECT_EQ(Duration(*data, "pytest"), 2.481);
}

TEST(JunitReaderTest, PulsarAggregatedReportPerSuite) {
  absl::StatusOr<ArtifactData> data = ParseJunit(
      Testdata("maven-surefire-apache-pulsar-aggregated.xml"), "pulsar.xml");
  ASSERT_OK(data);
  ExpectCounts(*data, {793, 1, 0, 14});
  // Its first suite holds the same test twice: once skipped, once failed.
  ExpectCounts(*data, {0, 1, 0, 1},
               "org.apache.pulsar.AddMissingPatchVersionTest");
  EXPECT_EQ(Duration(*data, "org.apache.pulsar.AddMissingPatchVersionTest"),
            0.116);
}

TEST(JunitReaderTest, EclipseSuitesSharingANameButNotAnIdAreSummedUnderIt) {
  // 16 suites named "tests" with ids 0..15: Jenkins keeps them apart, the
  // `suite` label cannot, so their counts and durations are summed.
  absl::StatusOr<ArtifactData> data = ParseJunit(
      Testdata("jenkins-eclipse-plugin-test-report-large.xml"), "eclipse.xml");
  ASSERT_OK(data);
  ExpectCounts(*data, {3366, 0, 0, 0}, "tests");
  EXPECT_DOUBLE_EQ(*Duration(*data, "tests"), 367.126);
}

TEST(JunitReaderTest, GoJunitReportPerSuiteSamplesIncludeZeroCounts) {
  absl::StatusOr<ArtifactData> data =
      ParseJunit(Testdata("go-junit-report-001.xml"), "go.xml");
  ASSERT_OK(data);
  ExpectCounts(*data, {2, 0, 0, 0}, "package/pass");
  ExpectCounts(*data, {0, 1, 0, 0}, "package/fail");
  ExpectCounts(*data, {0, 0, 0, 2}, "package/skip");
  EXPECT_EQ(Duration(*data, "package/skip"), 0.15);
  EXPECT_EQ(Flaky(*data, "package/skip"), 0);
}

TEST(JunitReaderTest, NonJunitRootIsRejectedWithFullMessage) {
  EXPECT_THAT(
      ParseJunit(Testdata("NEGATIVE-non-junit-root.xml"),
                 "NEGATIVE-non-junit-root.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "NEGATIVE-non-junit-root.xml: not JUnit XML: root element "
               "<suites>; expected <testsuites> or <testsuite>"));
}

TEST(JunitReaderTest, CoberturaFileGivenAsJunitIsRejected) {
  const std::string path =
      std::string(AURORA_SHARED_DIR) +
      "/fixtures/real/cobertura/coveragepy-gold-y_xml_branch.xml";
  EXPECT_THAT(ParseJunit(ReadFileOrDie(path), "coverage.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "coverage.xml: not JUnit XML: root element <coverage>; "
                       "expected <testsuites> or <testsuite>"));
}

// ---- classification of one testcase (docs/FORMATS.md §6 table) ----

ArtifactData ParseOk(const std::string& xml, std::string_view name = "t.xml") {
  absl::StatusOr<ArtifactData> data = ParseJunit(xml, name);
  EXPECT_OK(data);
  return data.ok() ? *std::move(data) : ArtifactData{};
}

TEST(JunitReaderTest, SkippedWinsOverFailureAndError) {
  ArtifactData data = ParseOk(R"(<testsuite name="s">
    <testcase name="a"><failure/><skipped/></testcase>
    <testcase name="b"><skipped message="x" type="pytest.xfail">why</skipped><error/></testcase>
    <testcase name="c"><skipped/></testcase>
  </testsuite>)");
  ExpectCounts(data, {0, 0, 0, 3});
}

TEST(JunitReaderTest, ErrorIsSeparateFromFailureAndTheFirstOneDecides) {
  ArtifactData data = ParseOk(R"(<testsuite name="s">
    <testcase name="a"><failure message="assert"/></testcase>
    <testcase name="b"><error message="boom"/></testcase>
    <testcase name="c"><error/><failure/></testcase>
    <testcase name="d"><system-out>x</system-out><failure/><error/></testcase>
    <testcase name="e"/>
  </testsuite>)");
  ExpectCounts(data, {1, 2, 2, 0});
}

TEST(JunitReaderTest, SurefireRerunsCountOnceByTheFirstRunsType) {
  ArtifactData data = ParseOk(R"(<testsuite name="s">
    <testcase name="a"><failure type="AssertionError"/>
      <rerunFailure type="AssertionError"/><rerunFailure/></testcase>
    <testcase name="b"><error type="IOException"/><rerunError/></testcase>
  </testsuite>)");
  ExpectCounts(data, {0, 1, 1, 0});
  EXPECT_EQ(Flaky(data), 0);
}

TEST(JunitReaderTest, FlakyOnlyIsPassedAndCountedFlaky) {
  ArtifactData data = ParseOk(R"(<testsuites>
    <testsuite name="s">
      <testcase name="a"><flakyFailure type="AssertionError"/></testcase>
      <testcase name="b"><flakyError/><flakyError/></testcase>
      <testcase name="c"><failure/><flakyFailure/></testcase>
      <testcase name="d"/>
    </testsuite>
    <testsuite name="t"><testcase name="e"/></testsuite>
  </testsuites>)");
  ExpectCounts(data, {4, 1, 0, 0});
  EXPECT_EQ(Flaky(data), 2);
  EXPECT_EQ(Flaky(data, "s"), 2);
  EXPECT_EQ(Flaky(data, "t"), 0);
}

TEST(JunitReaderTest, GtestCasesNotRunWithoutChildAreSkipped) {
  ArtifactData data = ParseOk(R"(<testsuites name="AllTests">
    <testsuite name="g">
      <testcase name="a" status="run" result="completed"/>
      <testcase name="b" status="notrun" result="suppressed"/>
      <testcase name="c" status="run" result="skipped"><properties/></testcase>
      <testcase name="d" status="run" result="suppressed"/>
      <testcase name="e" status="disabled"/>
      <testcase name="f" status="notrun"><failure/></testcase>
      <testcase name="g" status="run"/>
    </testsuite>
  </testsuites>)");
  ExpectCounts(data, {2, 1, 0, 4});
  EXPECT_EQ(data.format, "JUnit XML (gtest)");
}

TEST(JunitReaderTest, SuiteErrorChildAddsOneInitErrorCase) {
  ArtifactData data = ParseOk(R"(<testsuites>
    <testsuite name="broken" time="1.5"><error message="class failed to load"/></testsuite>
    <testsuite name="partly" time="2"><error/><testcase name="a"/></testsuite>
  </testsuites>)");
  ExpectCounts(data, {1, 0, 2, 0});
  ExpectCounts(data, {0, 0, 1, 0}, "broken");
  EXPECT_EQ(Duration(data, "broken"), 1.5);
  EXPECT_EQ(Duration(data), 3.5);
}

TEST(JunitReaderTest, PytestFailureThenTeardownErrorCountsBothTestcases) {
  ArtifactData data = ParseOk(R"(<testsuites><testsuite name="pytest" tests="1">
    <testcase classname="t" name="test_x" time="0.1"><failure message="assert 0"/></testcase>
    <testcase classname="t" name="test_x" time="0.2"><error message="failed on teardown with x"/></testcase>
  </testsuite></testsuites>)");
  ExpectCounts(data, {0, 1, 1, 0});
  EXPECT_DOUBLE_EQ(*Duration(data), 0.1 + 0.2);
  EXPECT_EQ(data.format, "JUnit XML (pytest)");
}

TEST(JunitReaderTest, NestedSuitesAtAnyDepthContributeOnlyDirectCases) {
  // Count attributes are deliberately wrong: they are never read.
  ArtifactData data = ParseOk(R"(<testsuites tests="99">
    <testsuite name="outer" tests="50" failures="7">
      <testsuite name="A" time="1">
        <testcase name="a1"/>
        <testsuite name="B">
          <testcase name="b1" time="0.5"><failure/></testcase>
          <testcase name="b2" time="0.25"/>
          <testsuite name="C"><testcase name="c1"><skipped/></testcase></testsuite>
        </testsuite>
      </testsuite>
    </testsuite>
  </testsuites>)");
  ExpectCounts(data, {2, 1, 0, 1});
  ExpectCounts(data, {1, 0, 0, 0}, "A");
  ExpectCounts(data, {1, 1, 0, 0}, "B");
  ExpectCounts(data, {0, 0, 0, 1}, "C");
  EXPECT_EQ(SuiteCount(data), 3u);  // "outer" has no direct testcase
  EXPECT_EQ(Duration(data, "A"), 1);
  EXPECT_EQ(Duration(data, "B"), 0.75);
  EXPECT_EQ(Duration(data, "C"), 0);
  EXPECT_EQ(Duration(data), 1.75);
}

TEST(JunitReaderTest, DeeplyNestedSuitesDoNotExhaustTheStack) {
  constexpr int kDepth = 20000;
  std::string xml;
  for (int i = 0; i < kDepth; ++i) xml += "<testsuite name=\"n\">";
  xml += "<testcase name=\"leaf\"/>";
  for (int i = 0; i < kDepth; ++i) xml += "</testsuite>";
  ArtifactData data = ParseOk(xml);
  ExpectCounts(data, {1, 0, 0, 0});
}

TEST(JunitReaderTest, SuiteNameIsPackageDotNameOrTheFileName) {
  ArtifactData data = ParseOk(R"(<testsuites>
    <testsuite name="T" package="com.x"><testcase name="a"/></testsuite>
    <testsuite package="ignored"><testcase name="b"/></testsuite>
    <testsuite name=""><testcase name="c"/></testsuite>
  </testsuites>)",
                              "reports/TEST-x.xml");
  ExpectCounts(data, {1, 0, 0, 0}, "com.x.T");
  ExpectCounts(data, {2, 0, 0, 0}, "(TEST-x.xml)");
}

TEST(JunitReaderTest, EmptyTestsuitesGivesZerosAndAWarning) {
  ArtifactData data = ParseOk("<testsuites/>", "empty.xml");
  ExpectCounts(data, {0, 0, 0, 0});
  EXPECT_EQ(Flaky(data), 0);
  EXPECT_EQ(Duration(data), 0);
  EXPECT_EQ(data.samples.samples.size(), 6u);
  EXPECT_THAT(data.warnings, ElementsAre("empty.xml: no testcases"));
  EXPECT_EQ(data.format, "JUnit XML");
}

TEST(JunitReaderTest, SuiteWithoutTestcasesIsIgnored) {
  ArtifactData data = ParseOk(
      R"(<testsuite name="s" tests="3" time="4"><properties/></testsuite>)",
      "none.xml");
  ExpectCounts(data, {0, 0, 0, 0});
  EXPECT_EQ(Duration(data), 0);
  EXPECT_EQ(SuiteCount(data), 0u);
  EXPECT_THAT(data.warnings, ElementsAre("none.xml: no testcases"));
  // Its tests="3" is not silently dropped (issue 10).
  EXPECT_THAT(data.metric_inconclusive,
              ElementsAre(Pair("tests", HasSubstr("suite \"s\" says "
                                                  "tests=\"3\" but holds 0 "
                                                  "testcases"))));
}

// ---- the suites' own counters (issue 10) ----

TEST(JunitReaderTest, CountersClaimingMoreFailuresThanTestcasesMakeTestsInconclusive) {
  // Failures that are not <testcase> children would read as 0 failed.
  for (const char* xml :
       {R"(<testsuite name="s" tests="5" failures="3"/>)",
        R"(<testsuites><testsuite name="s" tests="5" failures="3">)"
        R"(</testsuite></testsuites>)"}) {
    SCOPED_TRACE(xml);
    ArtifactData data = ParseOk(xml, "r.xml");
    ExpectCounts(data, {0, 0, 0, 0});
    EXPECT_THAT(
        data.metric_inconclusive,
        ElementsAre(Pair(
            "tests",
            "r.xml: suite \"s\" says tests=\"5\" but holds 0 testcases; "
            "suite \"s\" says failures=\"3\" but holds 0 failed or "
            "erroring testcases; the report's counters disagree with its "
            "testcases (cases lost or truncated?); set `counters: "
            "trust-testcases` on the source to count the testcases alone")));
  }
  ArtifactData lost = ParseOk(
      R"(<testsuites name="all" tests="2" failures="1" errors="1">)"
      R"(<testsuite name="a" tests="2" failures="1" errors="1">)"
      R"(<testcase name="x"/><testcase name="y"><error/></testcase>)"
      R"(</testsuite></testsuites>)",
      "lost.xml");
  ExpectCounts(lost, {1, 0, 1, 0});
  EXPECT_THAT(lost.metric_inconclusive,
              ElementsAre(Pair(
                  "tests",
                  HasSubstr("lost.xml: suite \"a\" says failures=\"1\" "
                            "errors=\"1\" but holds 1 failed or erroring "
                            "testcases; suite \"all\" says failures=\"1\" "
                            "errors=\"1\" but holds 1 failed or erroring "
                            "testcases; the report's"))));
}

TEST(JunitReaderTest, CountersThatAgreeOrClaimLessAreNoProblem) {
  // Aggregating roots (Σ of their suites), pytest's double-fail testcases
  // (tests is one less), a failure counted as an error, gtest's disabled
  // cases (in tests, present as notrun testcases), absent or odd values.
  for (const char* xml : {
           R"(<testsuites tests="3" failures="1"><testsuite name="a" tests="2" failures="1">)"
           R"(<testcase name="x"/><testcase name="y"><failure/></testcase></testsuite>)"
           R"(<testsuite name="b" tests="1"><testcase name="z"/></testsuite></testsuites>)",
           R"(<testsuite name="p" tests="1" failures="1" errors="1">)"
           R"(<testcase name="t"><failure/></testcase><testcase name="t"><error/></testcase>)"
           R"(</testsuite>)",
           R"(<testsuite name="f" tests="1" failures="1"><testcase name="t"><error/>)"
           R"(</testcase></testsuite>)",
           R"(<testsuite name="g" tests="2" failures="0" disabled="1" errors="0">)"
           R"(<testcase name="a" status="run"/><testcase name="DISABLED_b" status="notrun"/>)"
           R"(</testsuite>)",
           R"(<testsuite name="o" tests="" failures="many"><testcase name="a"/></testsuite>)",
           R"(<testsuite name="e" tests="0" failures="0"/>)",
       }) {
    SCOPED_TRACE(xml);
    EXPECT_THAT(ParseOk(xml).metric_inconclusive, IsEmpty());
  }
}

TEST(JunitReaderTest, PytestSubtestsMakeTheTestsCounterDisagree) {
  // pytest-subtests count each subtest report in tests="15" for 10
  // testcases: inconclusive unless the source trusts the testcases.
  absl::StatusOr<ArtifactData> data = ParseJunit(
      Testdata("pytest-2025-properties.xml"), "pytest-2025-properties.xml");
  ASSERT_OK(data);
  EXPECT_THAT(data->metric_inconclusive,
              ElementsAre(Pair("tests", HasSubstr("suite \"pytest\" says "
                                                  "tests=\"15\" but holds "
                                                  "10 testcases"))));
}

TEST(JunitReaderTest, InternalDtdEntitiesAreRejectedNotDropped) {
  // pugixml does not expand them: the <failure> inside &f; would be lost.
  EXPECT_THAT(
      ParseJunit("<?xml version=\"1.0\"?>\n"
                 "<!DOCTYPE testsuite [\n"
                 "  <!ENTITY f \"<failure message='x'/>\">\n"
                 "]>\n"
                 "<testsuite name=\"s\"><testcase name=\"a\">&f;</testcase>"
                 "</testsuite>",
                 "ent.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "ent.xml: line 3: the DOCTYPE declares an entity "
               "(<!ENTITY …>); aurora-gate never expands DTD entities, so "
               "what they stand for would be lost: write the report without "
               "an internal DTD subset"));
}

// ---- times ----

TEST(JunitReaderTest, TimesAreReadAsJenkinsTimeToFloatThenClamped) {
  EXPECT_EQ(JenkinsTimeSeconds(nullptr), 0);
  EXPECT_EQ(JenkinsTimeSeconds(""), 0);
  EXPECT_EQ(JenkinsTimeSeconds("abc"), 0);
  EXPECT_EQ(JenkinsTimeSeconds("0.5"), 0.5);
  EXPECT_EQ(JenkinsTimeSeconds(" 2.5 "), 2.5);       // Float.parseFloat trims
  EXPECT_EQ(JenkinsTimeSeconds("1,234.5"), 1234.5);  // ',' removed
  EXPECT_EQ(JenkinsTimeSeconds("1,5"), 15);          // … even a decimal comma
  EXPECT_EQ(JenkinsTimeSeconds("1.5f"), 1.5);        // Java float suffix
  EXPECT_EQ(JenkinsTimeSeconds("+3"), 3);
  EXPECT_EQ(JenkinsTimeSeconds(".25"), 0.25);
  EXPECT_EQ(JenkinsTimeSeconds("0x1p3"), 8);  // Java hex float
  // DecimalFormat fallback: the leading number.
  EXPECT_EQ(JenkinsTimeSeconds("12.5s"), 12.5);
  EXPECT_EQ(JenkinsTimeSeconds("1E3 ms"), 1000);
  EXPECT_EQ(JenkinsTimeSeconds("1e3 ms"), 1);  // DecimalFormat knows only 'E'
  EXPECT_EQ(JenkinsTimeSeconds(" 7s"), 0);     // … and no leading blank
  // Clamped to [0, 365 days].
  EXPECT_EQ(JenkinsTimeSeconds("-3"), 0);
  EXPECT_EQ(JenkinsTimeSeconds("-2.5 s"), 0);
  EXPECT_EQ(JenkinsTimeSeconds("-Infinity"), 0);
  EXPECT_EQ(JenkinsTimeSeconds("1e999"), 31536000);
  EXPECT_EQ(JenkinsTimeSeconds("Infinity"), 31536000);
  EXPECT_EQ(JenkinsTimeSeconds("400000000"), 31536000);
  EXPECT_EQ(JenkinsTimeSeconds("1e-9"), 1e-9);
  EXPECT_TRUE(std::isnan(JenkinsTimeSeconds("NaN")));  // Math.max keeps NaN
}

TEST(JunitReaderTest, HugeNegativeAndTinyTimesInAReport) {
  ArtifactData data = ParseOk(R"(<testsuites>
    <testsuite name="huge"><testcase name="a" time="1e999"/></testsuite>
    <testsuite name="negative" time="-5"><testcase name="b" time="3"/></testsuite>
    <testsuite name="tiny"><testcase name="c" time="0.000000001"/>
      <testcase name="d" time="-0.5"/></testsuite>
  </testsuites>)");
  EXPECT_EQ(Duration(data, "huge"), 31536000);
  EXPECT_EQ(Duration(data, "negative"), 0);
  EXPECT_EQ(Duration(data, "tiny"), 1e-9);
  EXPECT_EQ(Duration(data), 31536000 + 1e-9);
}

// ---- several files (a glob) ----

TEST(JunitReaderTest, SameNamedSuitesAcrossFilesAreMergedWithDuplicates) {
  absl::StatusOr<ArtifactData> data = ParseJunitFiles({
      {"a/TEST-S.xml", R"(<testsuite name="S" time="1"><testcase name="x"/>
          <testcase name="y"><failure/></testcase></testsuite>)"},
      {"b/TEST-S.xml",
       R"(<testsuite name="S" time="2"><testcase name="x"/></testsuite>)"},
      {"b/TEST-T.xml",
       R"(<testsuite name="T" time="0.5"><testcase name="z"><skipped/></testcase></testsuite>)"},
  });
  ASSERT_OK(data);
  ExpectCounts(*data, {2, 1, 0, 1});
  ExpectCounts(*data, {2, 1, 0, 0}, "S");
  EXPECT_EQ(Duration(*data, "S"), 3);
  EXPECT_EQ(Duration(*data), 3.5);
  EXPECT_EQ(SuiteCount(*data), 2u);
  EXPECT_EQ(data->format, "JUnit XML (3 files)");
}

TEST(JunitReaderTest, MergingIntoASuiteWithoutTimeAddsTheCaseTimes) {
  // SuiteResult.merge: a suite without `time` grows by the merged cases'
  // times; the total still adds each file's suite time (TestResult.add).
  absl::StatusOr<ArtifactData> data = ParseJunitFiles({
      {"1.xml", R"(<testsuite name="S"><testcase name="a" time="0.5"/>
          <testcase name="b" time="0.25"/></testsuite>)"},
      {"2.xml", R"(<testsuite name="S" time="10"><testcase name="a" time="1"/>
          <testcase name="b" time="2"/></testsuite>)"},
  });
  ASSERT_OK(data);
  EXPECT_EQ(Duration(*data, "S"), 3.75);
  EXPECT_EQ(Duration(*data), 10.75);
}

TEST(JunitReaderTest, SuitesWithDifferentIdsStayApartButShareTheLabel) {
  absl::StatusOr<ArtifactData> data = ParseJunitFiles({
      {"1.xml",
       R"(<testsuite name="S" id="1" time="1"><testcase name="a"/></testsuite>)"},
      {"2.xml",
       R"(<testsuite name="S" id="2" time="2"><testcase name="a"><error/></testcase></testsuite>)"},
  });
  ASSERT_OK(data);
  ExpectCounts(*data, {1, 0, 1, 0}, "S");
  EXPECT_EQ(Duration(*data, "S"), 3);
}

TEST(JunitReaderTest, RealFilesMergeAndKeepTheCommonProducer) {
  absl::StatusOr<ArtifactData> data = ParseJunitFiles({
      {"pytest-horovod-fail.xml", Testdata("pytest-horovod-fail.xml")},
      {"pytest-2025-properties.xml", Testdata("pytest-2025-properties.xml")},
  });
  ASSERT_OK(data);
  EXPECT_EQ(data->format, "JUnit XML (pytest, 2 files)");
  // Both name their suite "pytest": one merged suite.
  ExpectCounts(*data, {9, 3, 0, 3}, "pytest");
  EXPECT_DOUBLE_EQ(*Duration(*data, "pytest"), 2.481 + 0.019);
}

TEST(JunitReaderTest, AnErrorInAnyFileNamesThatFile) {
  EXPECT_THAT(
      ParseJunitFiles(
          {{"ok.xml", "<testsuite name='a'><testcase name='x'/></testsuite>"},
           {"bad.xml", "<suites/>"}}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "bad.xml: not JUnit XML: root element <suites>; expected "
               "<testsuites> or <testsuite>"));
  EXPECT_THAT(
      ParseJunitFiles({{"ok.xml", "<testsuite name='a'/>"},
                       {"cut.xml", "<testsuite name='a'><testcase"}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cut.xml: ")));
}

TEST(JunitReaderTest, EmptyFileListIsAnError) {
  EXPECT_THAT(ParseJunitFiles({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                            "no JUnit XML files to read"));
}

TEST(JunitReaderTest, FileWithoutTestcasesInAGlobIsWarnedAbout) {
  absl::StatusOr<ArtifactData> data = ParseJunitFiles(
      {{"a.xml", "<testsuite name='a'><testcase name='x'/></testsuite>"},
       {"b.xml", "<testsuites/>"}});
  ASSERT_OK(data);
  ExpectCounts(*data, {1, 0, 0, 0});
  EXPECT_THAT(data->warnings, ElementsAre("b.xml: no testcases"));
}

// ---- bad input ----

TEST(JunitReaderTest, EmptyFileIsRejected) {
  EXPECT_THAT(ParseJunit("", "e.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "e.xml: empty file, expected an XML document"));
  EXPECT_THAT(ParseJunit(" \n", "e.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "e.xml: empty file, expected an XML document"));
}

TEST(JunitReaderTest, TruncatedXmlIsRejected) {
  // A report cut short, as when the test process dies while writing it.
  std::string report = Testdata("go-junit-report-001.xml");
  std::string cut = report.substr(0, report.size() - 40);
  EXPECT_THAT(ParseJunit(cut, "cut.xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cut.xml: not well-formed XML at line 35, column 2: "
                       "Start-end tags mismatch (truncated or unbalanced "
                       "document?)"));
}

TEST(JunitReaderTest, NonXmlIsRejected) {
  EXPECT_THAT(ParseJunit("PASS ok  \tpackage/pass\t0.160s\n", "go-test.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "go-test.txt: not XML: no root element found (No "
                       "document element found)"));
  EXPECT_THAT(ParseJunit(R"({"tests": 3})", "r.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.json: not XML")));
}

TEST(JunitReaderTest, InvalidUtf8IsRejected) {
  EXPECT_THAT(
      ParseJunit(
          "<testsuite name=\"caf\xE9\"><testcase name=\"a\"/></testsuite>",
          "latin.xml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "latin.xml: invalid UTF-8 at byte 20 (line 1, column 21); "
               "declare the encoding in the XML prolog if it is not UTF-8"));
}

// ---- odd but valid ----

TEST(JunitReaderTest, Utf8BomIsAccepted) {
  ArtifactData data = ParseOk(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuite name=\"s\"><testcase name=\"a\"/></testsuite>");
  ExpectCounts(data, {1, 0, 0, 0}, "s");
}

TEST(JunitReaderTest, DeclaredLatin1EncodingIsDecoded) {
  ArtifactData data = ParseOk(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
      "<testsuite name=\"caf\xE9\"><testcase name=\"a\"/></testsuite>");
  ExpectCounts(data, {1, 0, 0, 0}, "caf\xC3\xA9");
}

TEST(JunitReaderTest, DoctypeWithExternalDtdIsNeitherFetchedNorAProblem) {
  ArtifactData data = ParseOk(
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE testsuites SYSTEM \"http://example.invalid/junit.dtd\">\n"
      "<testsuites><testsuite name=\"s\"><testcase name=\"a\"><failure/>"
      "</testcase></testsuite></testsuites>");
  ExpectCounts(data, {0, 1, 0, 0}, "s");
}

TEST(JunitReaderTest, SingleQuotedAttributesAndNoDeclaration) {
  ArtifactData data = ParseOk(
      "<testsuite name='s' time='0.25'><testcase name='a' time='1'/>"
      "</testsuite>");
  ExpectCounts(data, {1, 0, 0, 0}, "s");
  EXPECT_EQ(Duration(data, "s"), 0.25);
}

}  // namespace
}  // namespace aurora
