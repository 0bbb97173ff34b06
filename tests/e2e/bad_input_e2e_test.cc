// End-to-end: hostile input never passes (issue 10): --set values that try to
// rewrite the expression, a malformed --secret, gate files with a second
// document, and gate files that never end. (Written on the loader branch;
// messages follow the implementation that landed.)
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <map>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;

// Per-package line coverage of examples/artifacts/fail: aurora.risk is at
// 81.97 %, below the 90 % the rule asks.
constexpr char kPackageGate[] = R"(sources:
  cov: { type: coverage, path: "examples/artifacts/fail/coverage.xml" }
groups:
  - name: coverage
    rules:
      - name: package-coverage
        source: cov
        expr: coverage_line_percent{package="${PKG}"}
        pass: ">= 90"
)";

class BadInputE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string dir_;
};

const std::map<std::string, std::string> kEnv = {
    {"GITHUB_STEP_SUMMARY", "\x01unset"}, {"NO_COLOR", "1"}};

TEST_F(BadInputE2ETest, HostileSetInALabelMatcherNeverPasses) {
  std::string gate = Write("cov.yaml", kPackageGate);
  auto honest = RunProcess({kBin, "check", gate, "--set", "PKG=aurora.risk"}, kEnv);
  EXPECT_EQ(honest.exit_code, 1) << honest.out << honest.err;
  // The exact value from the issue, and one naming a metric the coverage
  // source has (which, pasted as text, made the rule read > 100 %).
  for (const std::string& hostile :
       {std::string("\"} * 0 + 100 + m{p=\""),
        std::string("\"} * 0 + 100 + coverage_lines_valid{package=\"")}) {
    auto r = RunProcess({kBin, "check", gate, "--set", "PKG=" + hostile}, kEnv);
    EXPECT_NE(r.exit_code, 0) << hostile << "\n" << r.out << r.err;
    EXPECT_THAT(r.exit_code, ::testing::AnyOf(1, 2, 3));
  }
}

TEST_F(BadInputE2ETest, MalformedSecretIsNotEchoed) {
  std::string gate = Write("cov.yaml", kPackageGate);
  auto r = RunProcess({kBin, "check", gate, "--secret", "hunter2hunter2"}, kEnv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, Not(HasSubstr("hunter2hunter2")));
  EXPECT_THAT(r.err, HasSubstr("--secret expects NAME=VALUE"));
}

TEST_F(BadInputE2ETest, SecondDocumentFailsTheRunWithExitTwo) {
  std::string gate = Write(
      "two.yaml", std::string(kPackageGate) + "---\n" + kPackageGate);
  auto r = RunProcess({kBin, "check", gate, "--set", "PKG=aurora.risk"}, kEnv);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(gate + ":11:1: a second YAML document"));
}

TEST_F(BadInputE2ETest, EndlessGateFilesAreErrorsNotUnboundedReads) {
  auto r = RunProcess({kBin, "lint", "/dev/zero"}, kEnv);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("/dev/zero: cannot read gate file: is a "
                               "character device, expected a file or a pipe"));
  // A pipe that never ends stops at the gate-file limit.
  r = RunProcess({"bash", "-c", kBin + " lint <(yes '# comment')"}, kEnv);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("more than the 16777216-byte limit"));
}

TEST_F(BadInputE2ETest, AtPastTheYear9999IsAUsageError) {
  std::string gate = Write("cov.yaml", kPackageGate);
  auto r = RunProcess({kBin, "check", gate, "--set", "PKG=aurora.risk", "--at",
                       "10000-01-01T00:00:00Z"},
                      kEnv);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("up to the year 9999"));
}

}  // namespace
}  // namespace aurora
