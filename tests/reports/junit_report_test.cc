#include "reports/junit_report.h"

#include <string>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "tests/reports/report_fixtures.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The two schemas named by the issue, read from the shared fixtures (MIT and
// Apache-2.0; see fixtures/real/junit/xsd/SOURCES.md). Windy Road's JUnit.xsd
// declares both <testsuite> and <testsuites> as roots, so the whole document
// is validated at once; inside <testsuites> it requires `package` and `id`
// on each suite and allows no attributes on <testsuites> itself.
const char* const kXsds[] = {"jenkins-xunit-plugin-junit-10.xsd",
                             "windyroad-JUnit.xsd"};

void ExpectValidAgainst(const std::string& xml,
                        const std::vector<const char*>& xsds) {
  const std::string file = testing::WriteTempFile(xml, ".xml");
  for (const char* xsd : xsds) {
    const std::string cmd = std::string("xmllint --noout --schema '") +
                            AURORA_SHARED_DIR + "/fixtures/real/junit/xsd/" +
                            xsd + "' '" + file + "'";
    std::string output;
    EXPECT_EQ(testing::RunCommand(cmd, &output), 0) << xsd << ":\n"
                                                    << output << "\n"
                                                    << xml;
  }
  std::remove(file.c_str());
}

void ExpectValidAgainstBothXsds(const std::string& xml) {
  ExpectValidAgainst(xml, {std::begin(kXsds), std::end(kXsds)});
}

// A run with a non-strict warn or pending rule: its testcase carries a
// <system-out> (Jenkins' schema allows it; Windy Road's 2008 schema allows
// nothing but one failure/error/skipped inside a testcase). Valid against
// Jenkins', and against Windy Road's once those outputs are taken out — so
// they are its only complaint.
void ExpectValidWithCaseOutput(const std::string& xml) {
  ExpectValidAgainst(xml, {"jenkins-xunit-plugin-junit-10.xsd"});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  int removed = 0;
  for (pugi::xml_node suite : doc.child("testsuites").children("testsuite")) {
    for (pugi::xml_node tc : suite.children("testcase")) {
      removed += tc.remove_child("system-out") ? 1 : 0;
    }
  }
  EXPECT_GT(removed, 0);
  std::ostringstream out;
  doc.save(out);
  ExpectValidAgainst(out.str(), {"windyroad-JUnit.xsd"});
}

pugi::xml_document ParseXml(const std::string& xml) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r = doc.load_string(xml.c_str());
  EXPECT_TRUE(r) << r.description() << " at " << r.offset;
  return doc;
}

// The testcase's single outcome child ("" when it has none).
std::string CaseChild(const pugi::xml_node& tc) {
  for (pugi::xml_node c : tc.children()) return c.name();
  return "";
}

TEST(JunitReportTest, RepresentativeRunMatchesGolden) {
  testing::ExpectMatchesGolden(RenderJunit(testing::RepresentativeRun()),
                               "report.junit.xml");
}

TEST(JunitReportTest, ValidAgainstJenkinsAndWindyRoadSchemas) {
  ExpectValidWithCaseOutput(RenderJunit(testing::RepresentativeRun()));
  ExpectValidAgainstBothXsds(RenderJunit(testing::HostileRun()));
  ExpectValidAgainstBothXsds(RenderJunit(RunResult{}));
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kPending,
                    Outcome::kInconclusive, Outcome::kError, Outcome::kFail}) {
    ExpectValidAgainstBothXsds(
        RenderJunit(testing::SingleRuleRun(o, false, true)));
    ExpectValidAgainstBothXsds(RenderJunit(testing::SingleRuleRun(o, true)));
  }
  ExpectValidWithCaseOutput(RenderJunit(testing::SingleRuleRun(Outcome::kWarn)));
  ExpectValidWithCaseOutput(
      RenderJunit(testing::SingleRuleRun(Outcome::kPending)));
}

TEST(JunitReportTest, SchemaCheckIsNotVacuous) {
  // A <testsuites> with attributes and a suite without package/id is what
  // many tools write; Windy Road rejects it, so our check would notice.
  const std::string xml =
      "<testsuites tests=\"1\"><testsuite name=\"a\" tests=\"1\" "
      "failures=\"0\" errors=\"0\" time=\"0\" "
      "timestamp=\"2024-05-01T12:00:00\" "
      "hostname=\"localhost\"><properties/><testcase name=\"t\" "
      "classname=\"c\" "
      "time=\"0\"/><system-out/><system-err/></testsuite></testsuites>";
  const std::string file = testing::WriteTempFile(xml, ".xml");
  std::string output;
  EXPECT_NE(
      testing::RunCommand(
          std::string("xmllint --noout --schema '") + AURORA_SHARED_DIR +
              "/fixtures/real/junit/xsd/windyroad-JUnit.xsd' '" + file + "'",
          &output),
      0);
  EXPECT_THAT(output, HasSubstr("fails to validate"));
  std::remove(file.c_str());
}

TEST(JunitReportTest, OneSuitePerGateOneCasePerRuleWithOutcomeMapping) {
  const pugi::xml_document doc =
      ParseXml(RenderJunit(testing::RepresentativeRun()));
  const pugi::xml_node root = doc.child("testsuites");
  std::vector<pugi::xml_node> suites;
  for (pugi::xml_node s : root.children("testsuite")) suites.push_back(s);
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_STREQ(suites[0].attribute("name").value(), "predeploy");
  EXPECT_STREQ(suites[1].attribute("id").value(), "1");

  struct Want {
    const char* classname;
    const char* name;
    const char* child;
  };
  const Want want[] = {
      {"predeploy.quality", "line-coverage", ""},
      {"predeploy.quality", "order-submit-latency", "failure"},
      {"predeploy.quality", "branch-coverage", "error"},  // inconclusive
      {"predeploy.quality", "mutation-score", "system-out"},  // warn passes
      {"golive.live", "error-rate", "system-out"},  // pending passes
      {"golive.live", "p99-latency", "failure"},
      {"golive.live", "order-rejections", "error"},
      {"golive", "canary-saturation", "skipped"},  // dry run
  };
  size_t i = 0;
  for (const pugi::xml_node& suite : suites) {
    for (pugi::xml_node tc : suite.children("testcase")) {
      ASSERT_LT(i, std::size(want));
      EXPECT_STREQ(tc.attribute("classname").value(), want[i].classname);
      EXPECT_STREQ(tc.attribute("name").value(), want[i].name);
      EXPECT_EQ(CaseChild(tc), want[i].child) << want[i].name;
      ++i;
    }
  }
  EXPECT_EQ(i, std::size(want));
}

TEST(JunitReportTest, SuiteCountAttributesMatchTheCases) {
  const pugi::xml_document doc =
      ParseXml(RenderJunit(testing::RepresentativeRun()));
  for (pugi::xml_node suite : doc.child("testsuites").children("testsuite")) {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    for (pugi::xml_node tc : suite.children("testcase")) {
      ++tests;
      const std::string child = CaseChild(tc);
      failures += child == "failure";
      errors += child == "error";
      skipped += child == "skipped";
      time += tc.attribute("time").as_double();
    }
    EXPECT_EQ(suite.attribute("tests").as_int(), tests);
    EXPECT_EQ(suite.attribute("failures").as_int(), failures);
    EXPECT_EQ(suite.attribute("errors").as_int(), errors);
    EXPECT_EQ(suite.attribute("skipped").as_int(), skipped);
    EXPECT_NEAR(suite.attribute("time").as_double(), time, 1e-9);
  }
  const pugi::xml_node golive =
      doc.child("testsuites")
          .find_child_by_attribute("testsuite", "name", "golive");
  EXPECT_STREQ(golive.attribute("tests").value(), "4");
  EXPECT_STREQ(golive.attribute("failures").value(), "1");
  EXPECT_STREQ(golive.attribute("errors").value(), "1");
  EXPECT_STREQ(golive.attribute("skipped").value(), "1");  // the dry run
  // 0.215 + 0.198 + 1.002 + 0.050
  EXPECT_STREQ(golive.attribute("time").value(), "1.465");
  EXPECT_STREQ(golive.attribute("timestamp").value(), "2024-05-01T11:59:58");
}

TEST(JunitReportTest, MessagesStateObservedAgainstThreshold) {
  const pugi::xml_document doc =
      ParseXml(RenderJunit(testing::RepresentativeRun()));
  const pugi::xml_node pre = doc.child("testsuites").child("testsuite");
  const pugi::xml_node failure =
      pre.find_child_by_attribute("testcase", "name", "order-submit-latency")
          .child("failure");
  EXPECT_STREQ(failure.attribute("type").value(), "fail");
  EXPECT_STREQ(failure.attribute("message").value(),
               "0.62 > 0.5 (pass: <= 0.5) — observed "
               "0.62 (baseline 0.5, +24 %) {name=\"test_order_submit_latency\"} vs "
               "pass: <= 0.5 and <= +10%");
  EXPECT_THAT(
      failure.text().get(),
      HasSubstr("\nseries:\n  0.62 (baseline 0.5, +24 %) "
                "{name=\"test_order_submit_latency\"} → fail: 0.62 > 0.5 (pass: <= 0.5); +24% > "
                "+10%\n"));
  const pugi::xml_node live = pre.next_sibling("testsuite");
  EXPECT_STREQ(
      live.find_child_by_attribute("testcase", "name", "p99-latency")
          .child("failure")
          .attribute("message")
          .value(),
      "2 of 7 series fail: > 0.5 — observed +Inf {route=\"/api/quotes\"} "
      "→ fail, 0.74 {route=\"/api/cancel\"} → fail, "
      "0.31 {route=\"/api/orders\"} → pass, … and 4 more vs fail: > 0.5");
  const pugi::xml_node error =
      live.find_child_by_attribute("testcase", "name", "order-rejections")
          .child("error");
  EXPECT_STREQ(error.attribute("type").value(), "error");
  EXPECT_STREQ(error.attribute("message").value(),
               "query failed: Post \"http://localhost:9090/api/v1/query\": "
               "connection refused — observed no data vs fail: > 100");
  EXPECT_STREQ(
      live.find_child_by_attribute("testcase", "name", "canary-saturation")
          .child("skipped")
          .attribute("message")
          .value(),
      "dry run, would be fail: 0.93 >= 0.9 — observed 0.93 (baseline "
      "0.41, +126.8 %) vs warn: < 0.7; fail: >= 0.9");
  const pugi::xml_node inconclusive =
      pre.find_child_by_attribute("testcase", "name", "branch-coverage")
          .child("error");
  EXPECT_STREQ(inconclusive.attribute("type").value(), "inconclusive");
  EXPECT_STREQ(inconclusive.attribute("message").value(),
               "inconclusive: value is NaN (nan: inconclusive) — observed NaN "
               "vs pass: >= 80");
}

TEST(JunitReportTest, StrictRunTurnsWarnAndPendingIntoFailures) {
  for (Outcome o : {Outcome::kWarn, Outcome::kPending}) {
    const pugi::xml_document lax =
        ParseXml(RenderJunit(testing::SingleRuleRun(o)));
    // Lax: the case passes, and its output says what it is and why.
    const pugi::xml_node lax_case =
        lax.child("testsuites").child("testsuite").child("testcase");
    EXPECT_FALSE(lax_case.child("failure")) << OutcomeName(o);
    EXPECT_FALSE(lax_case.child("error")) << OutcomeName(o);
    EXPECT_FALSE(lax_case.child("skipped")) << OutcomeName(o);
    EXPECT_THAT(lax_case.child("system-out").text().get(),
                HasSubstr(absl::StrCat(
                    absl::AsciiStrToUpper(std::string(OutcomeName(o))),
                    " (does not fail the run): reason ")));
    EXPECT_STREQ(lax.child("testsuites")
                     .child("testsuite")
                     .attribute("failures")
                     .value(),
                 "0");
    const pugi::xml_document strict = ParseXml(
        RenderJunit(testing::SingleRuleRun(o, false, /*strict=*/true)));
    const pugi::xml_node suite = strict.child("testsuites").child("testsuite");
    const pugi::xml_node failure = suite.child("testcase").child("failure");
    ASSERT_TRUE(failure) << OutcomeName(o);
    EXPECT_EQ(std::string(failure.attribute("type").value()), OutcomeName(o));
    EXPECT_THAT(failure.attribute("message").value(),
                HasSubstr(" (strict): reason "));
    EXPECT_STREQ(suite.attribute("failures").value(), "1");
  }
}

// Issue 11.10: a green test tab on a red job is a lie. Undecided rules make
// the run exit 3, so they are errors, not skipped tests.
TEST(JunitReportTest, InconclusiveAndErrorAreErrorsNeverSkipped) {
  for (Outcome o : {Outcome::kInconclusive, Outcome::kError}) {
    const pugi::xml_document doc =
        ParseXml(RenderJunit(testing::SingleRuleRun(o)));
    const pugi::xml_node suite = doc.child("testsuites").child("testsuite");
    EXPECT_EQ(CaseChild(suite.child("testcase")), "error") << OutcomeName(o);
    EXPECT_STREQ(suite.child("testcase").child("error").attribute("type").value(),
                 OutcomeName(o).data());
    EXPECT_STREQ(suite.attribute("errors").value(), "1");
    EXPECT_STREQ(suite.attribute("skipped").value(), "0");
  }
}

TEST(JunitReportTest, HostnameIsTheRunsHost) {
  RunResult run = testing::SingleRuleRun(Outcome::kPass);
  run.hostname = "ci-runner-7";
  EXPECT_STREQ(ParseXml(RenderJunit(run))
                   .child("testsuites")
                   .child("testsuite")
                   .attribute("hostname")
                   .value(),
               "ci-runner-7");
  run.hostname.clear();
  EXPECT_STREQ(ParseXml(RenderJunit(run))
                   .child("testsuites")
                   .child("testsuite")
                   .attribute("hostname")
                   .value(),
               "localhost");
}

TEST(JunitReportTest, DryRunIsSkippedWhateverItsOutcome) {
  for (Outcome o : {Outcome::kPass, Outcome::kError, Outcome::kFail}) {
    const pugi::xml_document doc =
        ParseXml(RenderJunit(testing::SingleRuleRun(o, /*dry_run=*/true)));
    const pugi::xml_node suite = doc.child("testsuites").child("testsuite");
    EXPECT_EQ(CaseChild(suite.child("testcase")), "skipped");
    EXPECT_STREQ(suite.attribute("skipped").value(), "1");
    EXPECT_STREQ(suite.attribute("failures").value(), "0");
    EXPECT_STREQ(suite.attribute("errors").value(), "0");
  }
}

TEST(JunitReportTest, HostileTextIsEscapedAndForbiddenCharactersReplaced) {
  const std::string xml = RenderJunit(testing::HostileRun());
  EXPECT_THAT(xml, Not(HasSubstr("<script>")));
  EXPECT_THAT(xml, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  for (char c : xml) {
    const unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n' || c == '\t' || c == '\r')
        << "control byte " << static_cast<int>(u);
  }
  // pugixml writes LF in attributes as "&#10;"; no other character reference
  // (a reference to a forbidden character is as invalid as the character).
  for (size_t at = xml.find("&#"); at != std::string::npos;
       at = xml.find("&#", at + 1)) {
    EXPECT_EQ(xml.substr(at, 5), "&#10;");
  }
  EXPECT_THAT(xml, Not(HasSubstr("\xEF\xBF\xBE")));  // U+FFFE replaced
  const pugi::xml_document doc = ParseXml(xml);
  const pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(),
               "h\xC3\xA9t\xC3\xA9rog\xC3\xA8ne <script>alert(1)</script>");
  const pugi::xml_node tc = suite.child("testcase");
  EXPECT_STREQ(tc.attribute("name").value(),
               "rule|name`with`<b>bold</b>\xEF\xBF\xBD[31mred\xEF\xBF\xBD");
  EXPECT_STREQ(tc.attribute("classname").value(),
               "h\xC3\xA9t\xC3\xA9rog\xC3\xA8ne <script>alert(1)</script>.grp"
               "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_THAT(tc.child("failure").attribute("message").value(),
              HasSubstr("bad\xEF\xBF\xBD"
                        "byte ]]> <script>x</script> "
                        "\xEF\xBF\xBD\xEF\xBF\xBD end — observed"));
  // Settings with a blank name are left out (property names must be tokens).
  int settings = 0;
  for (pugi::xml_node p : suite.child("properties").children("property")) {
    settings +=
        std::string(p.attribute("name").value()).rfind("aurora.setting.", 0) ==
        0;
  }
  EXPECT_EQ(settings, 1);
}

TEST(JunitReportTest, EmptyRunIsAnEmptyTestsuitesElement) {
  EXPECT_EQ(RenderJunit(RunResult{}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites />\n");
}

}  // namespace
}  // namespace aurora
