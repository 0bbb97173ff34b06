// End-to-end (issues 11.9 and 13.6): the shipped predeploy gate on the
// failing example artifacts, as in README: every report shows values in
// their unit, the mutation per-module and security per-severity tables, and
// the findings behind the failing security rule.
#include <cstdlib>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::ReadWholeFile;
using testing::RunProcess;

class UnitsBreakdownsE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string dir_;
};

TEST_F(UnitsBreakdownsE2ETest, PredeployOnFailingArtifacts) {
  const std::map<std::string, std::string> env = {
      {"ARTIFACTS", "./examples/artifacts/fail"},
      {"GITHUB_STEP_SUMMARY", "\x01unset"},
      {"NO_COLOR", "1"}};
  auto r = RunProcess({AURORA_GATE_BIN, "check", "./gates/runbook/predeploy.yaml",
                       "--html", dir_ + "/p.html", "--markdown", dir_ + "/p.md",
                       "--junit", dir_ + "/p.xml", "--json", dir_ + "/p.json"},
                      env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Terminal: inferred units, thresholds in the same unit, change in percent.
  EXPECT_THAT(r.out, HasSubstr("85.03 %"));
  EXPECT_THAT(r.out, HasSubstr("pass: > 90 %"));
  EXPECT_THAT(r.out, HasSubstr("622.7 ms (baseline 412.3 ms, +51.03 %)"));
  EXPECT_THAT(r.out, HasSubstr("pass: <= 500 ms"));

  const std::string md = ReadWholeFile(dir_ + "/p.md");
  EXPECT_THAT(md, HasSubstr("| Module | Score | Covered score | Killed | Survived "
                            "| Timeout | No coverage | Compile error | Total |"));
  EXPECT_THAT(md, HasSubstr("| aurora/risk | 65 % | 72.22 % | 48 | 20 | 4 | 8 | 2 | 82 |"));
  EXPECT_THAT(md, HasSubstr("| critical | 2 | 0 |"));
  EXPECT_THAT(md, HasSubstr("| high | B602 | bandit | aurora/ops/rollback.py:10 |"));

  const std::string html = ReadWholeFile(dir_ + "/p.html");
  EXPECT_THAT(html, HasSubstr("<table class=\"mutation\">"));
  EXPECT_THAT(html, HasSubstr("<table class=\"severities\">"));
  EXPECT_THAT(html, HasSubstr("<span class=\"value\">622.7 ms</span>"));

  const std::string junit = ReadWholeFile(dir_ + "/p.xml");
  EXPECT_THAT(junit, HasSubstr("findings (3, worst first):"));
  EXPECT_THAT(junit, HasSubstr("high bandit B602 at aurora/ops/rollback.py:10"));

  rapidjson::Document d;
  const std::string json = ReadWholeFile(dir_ + "/p.json");
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& gate = d["gates"][0];
  ASSERT_TRUE(gate.HasMember("breakdowns"));
  EXPECT_STREQ(gate["breakdowns"][0]["type"].GetString(), "mutation");
  EXPECT_EQ(gate["breakdowns"][0]["mutation"]["total"]["total"].GetDouble(), 246);
  EXPECT_STREQ(gate["breakdowns"][1]["type"].GetString(), "security");
  for (const auto& rule : gate["rules"].GetArray()) {
    const std::string name = rule["name"].GetString();
    if (name == "order-submit-latency") {
      EXPECT_STREQ(rule["unit"].GetString(), "seconds");
      EXPECT_LT(rule["series"][0]["value"].GetDouble(), 1.0);  // raw seconds
      EXPECT_NEAR(rule["series"][0]["change_percent"].GetDouble(), 51.03, 0.01);
    }
    if (name == "security-scan") {
      EXPECT_EQ(rule["findings_total"].GetInt(), 3);
      EXPECT_STREQ(rule["findings"][0]["severity"].GetString(), "critical");
    }
  }
}

}  // namespace
}  // namespace aurora
