// `aurora-gate test` (issue 17, part 2): promtool's rule unit-test files run
// on a real Prometheus give the same results as `promtool test rules` —
// promtool's own test files (tests/testdata/rule_test/promtool, see
// SOURCES.md), the runbook alerts' tests and deliberately failing ones —
// and gate files are testable with outcome_test and input_artifacts.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

const std::string kData = std::string(AURORA_TESTDATA_DIR) + "/rule_test";

testing::ProcessResult AuroraTest(std::vector<std::string> args) {
  args.insert(args.begin(), {AURORA_GATE_BIN, "test"});
  return testing::RunProcess(args);
}

// The failure lines of a run: promtool prints them on stderr, aurora-gate on
// stdout; blank lines and the per-file header are left out.
std::vector<std::string> FailureLines(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || absl::StartsWith(line, "Unit Testing:") || line == "  SUCCESS") {
      continue;
    }
    out.emplace_back(line);
  }
  return out;
}

// Runs `file` under both tools and asserts the same exit status and the
// same failure report, line for line.
void ExpectSameAsPromtool(const std::string& file, int want_exit) {
  SCOPED_TRACE(file);
  testing::ProcessResult promtool = testing::RunProcess({"promtool", "test", "rules", file});
  testing::ProcessResult ours = AuroraTest({file});
  EXPECT_EQ(promtool.exit_code, want_exit) << promtool.out << promtool.err;
  EXPECT_EQ(ours.exit_code, want_exit) << ours.out << ours.err;
  EXPECT_EQ(FailureLines(ours.out), FailureLines(promtool.err)) << ours.err;
  EXPECT_EQ(ours.err, "");
}

TEST(RuleTestE2ETest, RunbookAlertTestsPassUnderBothTools) {
  ExpectSameAsPromtool("gates/runbook/tests/runbook-alerts.test.yml", 0);
}

TEST(RuleTestE2ETest, DeliberatelyFailingTestsFailTheSameChecksWithTheSameDiff) {
  ExpectSameAsPromtool(kData + "/runbook-alerts.failing.test.yml", 1);
}

TEST(RuleTestE2ETest, PromtoolsOwnFailingTestFailsTheSame) {
  ExpectSameAsPromtool(kData + "/promtool/failing.yml", 1);
}

TEST(RuleTestE2ETest, PromtoolsOwnUnitTestsPass) {
  ExpectSameAsPromtool(kData + "/promtool/unittest-subset.yml", 0);
}

TEST(RuleTestE2ETest, GateFilesAreTestedWithOutcomesAndArtifacts) {
  testing::ProcessResult r = AuroraTest({"gates/runbook/tests/stop-conditions.test.yml",
                                         kData + "/coverage-gate.test.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Unit Testing:  gates/runbook/tests/stop-conditions.test.yml\n"
                               "  SUCCESS\n"));
}

TEST(RuleTestE2ETest, AWrongOutcomeFailsWithExpectedAndGot) {
  const std::string dir = testing::MakeTempDir();
  std::ofstream(dir + "/t.yml") << "rule_files: [" << kData << "/coverage-gate.yaml]\n"
                                << "tests:\n"
                                << "  - input_artifacts: {coverage: " << kData << "/full.info}\n"
                                << "    outcome_test:\n"
                                << "      - eval_time: 0m\n"
                                << "        exp_outcomes: {line-coverage: {outcome: fail, value: 50}}\n";
  testing::ProcessResult r = AuroraTest({dir + "/t.yml", "--junit", dir + "/junit.xml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("    rule: line-coverage, time: 0s,\n"
                               "        exp: fail (value 50)\n"
                               "        got: pass (value 100)"));
  const std::string junit = testing::ReadWholeFile(dir + "/junit.xml");
  EXPECT_THAT(junit, HasSubstr("tests=\"1\" failures=\"1\""));
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"unnamed#0\">"));
  // The summary CI test tabs show (`message`), and promtool's text as the body.
  EXPECT_THAT(junit, HasSubstr("<failure message=\"rule: line-coverage, time: 0s,\">"
                               "    rule: line-coverage"));
  // Written as every report is: a path may be a device such as /dev/stdout.
  r = AuroraTest({dir + "/t.yml", "--junit", "/dev/stdout"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("<testsuites>"));
  EXPECT_THAT(r.out, HasSubstr("<failure message=\"rule: line-coverage, time: 0s,\">"));
  std::filesystem::remove_all(dir);
}

TEST(RuleTestE2ETest, JunitListsEveryTestOfEveryFile) {
  const std::string dir = testing::MakeTempDir();
  testing::ProcessResult r = AuroraTest({"gates/runbook/tests/runbook-alerts.test.yml",
                                         kData + "/runbook-alerts.failing.test.yml",
                                         "--junit=" + dir + "/junit.xml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string junit = testing::ReadWholeFile(dir + "/junit.xml");
  EXPECT_THAT(junit, HasSubstr("<testsuite name=\"gates/runbook/tests/runbook-alerts.test.yml\" "
                               "tests=\"10\" failures=\"0\""));
  EXPECT_THAT(junit, HasSubstr("tests=\"5\" failures=\"5\""));
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"passes\"></testcase>"));
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"wrong severity label\">"));
  std::filesystem::remove_all(dir);
}

TEST(RuleTestE2ETest, ABadTestFileExits2WithFileLineAndColumnAndRunsNothing) {
  const std::string dir = testing::MakeTempDir();
  std::ofstream(dir + "/bad.yml")
      << "rule_files: [" << std::filesystem::absolute("gates/runbook/runbook-alerts.yml").string()
      << "]\ntests:\n  - interval: 1m\n    input_series:\n"
      << "      - series: 'up{job=\"prometheus\"'\n        values: 0+0x10\n"
      << "      - series: up\n        values: 0 stale\n";
  testing::ProcessResult r = AuroraTest({dir + "/bad.yml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(dir + "/bad.yml:5:17: tests[0]: series: bad series"));
  EXPECT_THAT(r.err, HasSubstr(dir + "/bad.yml:7:9: tests[0]: series \"up\": stale markers "
                                     "are not supported"));
  EXPECT_THAT(r.err, HasSubstr("nothing was run"));
  EXPECT_EQ(r.out, "");
  std::filesystem::remove_all(dir);
}

TEST(RuleTestE2ETest, RecordingRulesAreRefusedNotSilentlySkipped) {
  testing::ProcessResult r = AuroraTest({kData + "/promtool-unsupported.test.yml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("recording rule \"fixed_data\": not supported"));
}

TEST(RuleTestE2ETest, AMissingPrometheusBinaryIsNamed) {
  testing::ProcessResult r = AuroraTest({"gates/runbook/tests/runbook-alerts.test.yml",
                                         "--prometheus-binary", "/nonexistent/prometheus"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("--prometheus-binary /nonexistent/prometheus: not an executable"));
}

}  // namespace
}  // namespace aurora
