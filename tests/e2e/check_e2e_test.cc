// End-to-end: the built aurora-gate binary on the shipped runbook gate and
// example artifacts; exit codes and report files as a CI step sees them.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "rapidjson/document.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;
const std::string kRoot = ".";  // tests run from the repository root
const std::string kGate = kRoot + "/gates/runbook/predeploy.yaml";
const std::string kXsdDir =
    std::string(AURORA_SHARED_DIR) + "/fixtures/real/junit/xsd";

std::map<std::string, std::string> Artifacts(const std::string& set) {
  return {{"ARTIFACTS", kRoot + "/examples/artifacts/" + set},
          {"GITHUB_STEP_SUMMARY", "\x01unset"},
          {"NO_COLOR", "1"}};
}

rapidjson::Document ParseJsonFile(const std::string& path) {
  rapidjson::Document d;
  std::string text = ReadWholeFile(path);
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << path;
  return d;
}

// The rule named `name` in the JSON report.
const rapidjson::Value* FindRule(const rapidjson::Document& d,
                                 const std::string& name) {
  for (const auto& gate : d["gates"].GetArray()) {
    for (const auto& rule : gate["rules"].GetArray()) {
      if (rule["name"].GetString() == name) return &rule;
    }
  }
  return nullptr;
}

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out.flush());
}

class CheckE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string dir_;
};

TEST_F(CheckE2ETest, PassingArtifactsExitZeroWithEveryRuleReported) {
  auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json", "--junit",
                dir_ + "/r.xml", "--markdown", dir_ + "/r.md"},
               Artifacts("pass"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("line-coverage"));
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  EXPECT_STREQ(d["verdict"].GetString(), "pass");
  size_t rules = 0;
  for (const auto& g : d["gates"].GetArray()) rules += g["rules"].Size();
  // The runbook's seven checklist items (issue 13): ci, coverage,
  // performance, integration, mutation, xai, security.
  EXPECT_EQ(rules, 16u);
  // Stryker report written by examples/generate.py: aurora/risk 35/40,
  // aurora/execution 34/40; whole report 198/240 vs baseline 196/240.
  const rapidjson::Value* critical = FindRule(d, "mutation-critical-modules");
  ASSERT_NE(critical, nullptr);
  EXPECT_STREQ((*critical)["outcome"].GetString(), "pass");
  EXPECT_EQ((*critical)["series"].Size(), 2u);
  const rapidjson::Value* drop = FindRule(d, "mutation-score-drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_STREQ((*drop)["outcome"].GetString(), "pass");
  EXPECT_DOUBLE_EQ((*drop)["series"][0]["value"].GetDouble(), 82.5);
  // Bandit (LOW only) + Trivy centos-7 (LOW 2, MEDIUM 1): a clean 0, not
  // "no data".
  const rapidjson::Value* security = FindRule(d, "security-scan");
  ASSERT_NE(security, nullptr);
  EXPECT_STREQ((*security)["outcome"].GetString(), "pass");
  EXPECT_EQ((*security)["series"][0]["value"].GetDouble(), 0.0);
  for (const char* rule : {"ci-quality-gates", "xai-trace-ids", "xai-explanations"}) {
    ASSERT_NE(FindRule(d, rule), nullptr) << rule;
    EXPECT_STREQ((*FindRule(d, rule))["outcome"].GetString(), "pass") << rule;
  }
  // coverage.py Cobertura counts written by examples/generate.py: 1379/1475.
  const rapidjson::Value* line = FindRule(d, "line-coverage");
  ASSERT_NE(line, nullptr);
  EXPECT_STREQ((*line)["outcome"].GetString(), "pass");
  EXPECT_NEAR((*line)["series"][0]["value"].GetDouble(), 100.0 * 1379 / 1475,
              1e-9);
  EXPECT_THAT(ReadWholeFile(dir_ + "/r.md"), HasSubstr("line-coverage"));
}

// Issue 11.5: a warning-severity rule never blocks CI. Without a baseline
// the benchmark-regression rule (severity warning) cannot decide: reported
// as warn with the reason, and the run still passes.
TEST_F(CheckE2ETest, AMissingBaselineOnAWarningRuleDoesNotBlock) {
  const std::string artifacts = dir_ + "/artifacts";
  ASSERT_EQ(std::system(("cp -r examples/artifacts/pass '" + artifacts +
                         "' && rm '" + artifacts +
                         "/baselines/performance_baseline.json'")
                            .c_str()),
            0);
  auto env = Artifacts("pass");
  env["ARTIFACTS"] = artifacts;
  auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  const rapidjson::Value* rule = FindRule(d, "benchmark-regression");
  ASSERT_NE(rule, nullptr);
  EXPECT_STREQ((*rule)["outcome"].GetString(), "warn");
  EXPECT_THAT((*rule)["reason"].GetString(),
              HasSubstr("(severity warning: inconclusive, reported as warn)"));
  EXPECT_THAT(r.out, HasSubstr("baseline"));
}

TEST_F(CheckE2ETest, FailingArtifactsExitOneAndSayWhy) {
  auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json", "--junit",
                dir_ + "/r.xml"},
               Artifacts("fail"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  EXPECT_STREQ(d["verdict"].GetString(), "fail");
  struct Want {
    const char* rule;
    const char* outcome;
  } wants[] = {
      {"line-coverage", "fail"},        // 1079/1269 = 85.03 %
      {"branch-coverage", "fail"},      // 571/764 = 74.74 %
      {"order-submit-latency", "fail"}, // mean ~0.62 s > 0.5 s
      {"fill-processing", "pass"},      // ~0.081 s
      {"position-update", "fail"},      // ~0.058 s > 0.05 s
      {"benchmark-regression", "warn"}, // severity warning: +51 % vs baseline
      {"integration-tests-passed", "fail"},
      {"integration-tests-ran", "pass"},
      {"ci-quality-gates", "pass"},
      {"mutation-critical-modules", "fail"},  // risk 65 %, execution 70 %
      {"mutation-score-drop", "fail"},        // 65 % vs baseline 81.67 %
      {"xai-trace-ids", "fail"},              // one trade event, empty trace_id
      {"xai-explanations", "fail"},           // one without its explanation
      {"security-scan", "fail"},  // Bandit B602 HIGH + Trivy 2 CRITICAL
  };
  for (const auto& w : wants) {
    const rapidjson::Value* rule = FindRule(d, w.rule);
    ASSERT_NE(rule, nullptr) << w.rule;
    EXPECT_STREQ((*rule)["outcome"].GetString(), w.outcome) << w.rule;
  }
  const rapidjson::Value* failed = FindRule(d, "integration-tests-passed");
  EXPECT_EQ((*failed)["series"][0]["value"].GetDouble(), 1.0);
  std::string junit = ReadWholeFile(dir_ + "/r.xml");
  // The mutation and security items say why they failed.
  EXPECT_THAT((*FindRule(d, "mutation-critical-modules"))["reason"].GetString(),
              HasSubstr("2 of 2 series fail"));
  EXPECT_THAT((*FindRule(d, "mutation-score-drop"))["reason"].GetString(),
              HasSubstr("65 % misses pass: >= -10% (>= 73.5 % from "
                        "baseline 81.67 %)"));
  EXPECT_EQ((*FindRule(d, "security-scan"))["series"][0]["value"].GetDouble(), 3.0);
  EXPECT_THAT((*FindRule(d, "security-scan"))["reason"].GetString(),
              HasSubstr("3 misses pass: == 0"));
  // ... and name the findings: Trivy's two CRITICAL musl CVEs, Bandit's B602.
  std::string security_warnings;
  for (const auto& w : (*FindRule(d, "security-scan"))["warnings"].GetArray()) {
    security_warnings += std::string(w.GetString()) + "\n";
  }
  EXPECT_THAT(security_warnings,
              HasSubstr("3 critical/high finding(s), worst first: critical "
                        "trivy CVE-2019-14697"));
  EXPECT_THAT(security_warnings,
              HasSubstr("high bandit B602 at aurora/ops/rollback.py:10"));
  EXPECT_THAT(junit, HasSubstr("high bandit B602"));
  // The JUnit report marks failures; the warn rule passes with its output
  // saying WARN and why. Valid against Jenkins' XSD; against Windy Road's
  // once that testcase output (which its 2008 schema does not allow) is out.
  EXPECT_THAT(junit, HasSubstr("<failure"));
  EXPECT_THAT(junit, HasSubstr("<system-out>WARN (does not fail the run): "));
  auto jenkins = RunProcess({"xmllint", "--noout", "--schema",
                             kXsdDir + "/jenkins-xunit-plugin-junit-10.xsd",
                             dir_ + "/r.xml"});
  EXPECT_EQ(jenkins.exit_code, 0) << jenkins.err;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(junit.c_str()));
  for (pugi::xml_node suite : doc.child("testsuites").children("testsuite")) {
    for (pugi::xml_node tc : suite.children("testcase")) {
      tc.remove_child("system-out");
    }
  }
  ASSERT_TRUE(doc.save_file((dir_ + "/stripped.xml").c_str()));
  auto windy = RunProcess({"xmllint", "--noout", "--schema",
                           kXsdDir + "/windyroad-JUnit.xsd",
                           dir_ + "/stripped.xml"});
  EXPECT_EQ(windy.exit_code, 0) << windy.err;
}

// Issue 10.4: a --set value is data in an expression. The value below,
// pasted as text, closed the label matcher and turned the failing package's
// coverage into 193 %: now it is the (absent) package's name, and the rule
// does not pass. Outside a string, a value that is not a number, duration or
// name is a usage error naming the variable.
TEST_F(CheckE2ETest, SetValuesCannotRewriteAnExpression) {
  const std::string gate = dir_ + "/pkg.yaml";
  ASSERT_TRUE(WriteText(gate, R"(sources:
  cov: { type: coverage, path: examples/artifacts/fail/coverage.xml }
groups:
  - name: q
    source: cov
    rules:
      - name: package-coverage
        expr: 'coverage_line_percent{package="${PKG}"}'
        pass: "> 87"
      - name: floor
        expr: coverage_line_percent
        pass: "> ${MIN:-0}"
)"));
  auto honest = RunProcess({kBin, "check", gate, "--set", "PKG=aurora.api"},
                           Artifacts("fail"));
  EXPECT_EQ(honest.exit_code, 1) << honest.out << honest.err;  // 86.03 %
  auto hostile = RunProcess(
      {kBin, "check", gate, "--json", dir_ + "/r.json", "--set",
       "PKG=\"} * 0 + 100 + coverage_line_percent{package=\""},
      Artifacts("fail"));
  EXPECT_NE(hostile.exit_code, 0) << hostile.out << hostile.err;
  EXPECT_NE(hostile.exit_code, 2) << hostile.out << hostile.err;
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  const rapidjson::Value* rule = FindRule(d, "package-coverage");
  ASSERT_NE(rule, nullptr);
  EXPECT_STRNE((*rule)["outcome"].GetString(), "pass");
  EXPECT_EQ((*rule)["series"].Size(), 0u);  // no package of that name
  const std::string hook = dir_ + "/expr.yaml";
  ASSERT_TRUE(WriteText(hook, R"(sources:
  cov: { type: coverage, path: examples/artifacts/fail/coverage.xml }
groups:
  - name: q
    source: cov
    rules:
      - { name: floor, expr: 'coverage_line_percent * ${SCALE}', pass: "> 87" }
)"));
  auto code = RunProcess({kBin, "check", hook, "--set",
                          "SCALE=0 + 100 or coverage_line_percent"},
                         Artifacts("fail"));
  EXPECT_EQ(code.exit_code, 2) << code.out << code.err;
  EXPECT_THAT(code.err, HasSubstr("${SCALE} outside a quoted string"));
  EXPECT_THAT(code.err, HasSubstr("expr.yaml:7:"));
}

// Issue 10.14: --set values of credential-like names, and URLs with
// credentials, were written verbatim into every report. --secret values are
// never shown whatever their name.
TEST_F(CheckE2ETest, SecretSettingsReachNoReport) {
  const std::vector<std::pair<std::string, std::string>> secrets = {
      {"HOOK_BEARER", "bearer-value-1f2e"},
      {"DB_PASS", "db-pass-value-9a8b"},
      {"SIGNING", "signing-value-77aa"},
      {"SESSION", "session-value-55cc"},
      {"PAT", "ghp_patvalue0123456789"},
      {"DATABASE_URL", "postgres://aurora:pgpw-0c0c@db.internal:5432/aurora"},
      {"SLACK_URL", "https://hooks.slack.com/services/T01/B02/slacksecret33"},
  };
  std::vector<std::string> argv = {
      kBin, "report", kGate, "--json", dir_ + "/r.json", "--junit",
      dir_ + "/r.xml", "--markdown", dir_ + "/r.md", "--html",
      dir_ + "/r.html", "--secret", "OPAQUE=opaque-value-4242", "--set",
      "commit=abc123"};
  for (const auto& [k, v] : secrets) {
    argv.push_back("--set");
    argv.push_back(k + "=" + v);
  }
  auto r = RunProcess(argv, Artifacts("pass"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> hidden = {"opaque-value-4242", "bearer-value-1f2e",
                                     "db-pass-value-9a8b", "signing-value-77aa",
                                     "session-value-55cc", "patvalue0123456789",
                                     "pgpw-0c0c", "slacksecret33"};
  for (const char* file : {"r.json", "r.xml", "r.md", "r.html"}) {
    const std::string text = ReadWholeFile(dir_ + "/" + file);
    ASSERT_FALSE(text.empty()) << file;
    for (const std::string& secret : hidden) {
      EXPECT_THAT(text, Not(HasSubstr(secret))) << file;
    }
    EXPECT_THAT(text, HasSubstr("abc123")) << file;  // the commit is shown
  }
  for (const std::string& secret : hidden) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
  }
  // The database URL is still recognisable, without its password.
  EXPECT_THAT(ReadWholeFile(dir_ + "/r.json"), HasSubstr("db.internal:5432"));
}

TEST_F(CheckE2ETest, MissingArtifactsAreErrorsNeverPasses) {
  auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json"},
               Artifacts("does-not-exist"));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  EXPECT_STREQ(d["verdict"].GetString(), "error");
  const rapidjson::Value* line = FindRule(d, "line-coverage");
  ASSERT_NE(line, nullptr);
  EXPECT_STREQ((*line)["outcome"].GetString(), "error");
  EXPECT_THAT((*line)["reason"].GetString(),
              HasSubstr("examples/artifacts/does-not-exist/coverage.xml: no "
                        "such file"));
}

TEST_F(CheckE2ETest, BrokenArtifactIsAnErrorNamingTheFile) {
  std::string art = dir_ + "/art";
  ASSERT_EQ(std::system(("cp -r examples/artifacts/pass '" + art + "'").c_str()), 0);
  {
    std::FILE* f = std::fopen((art + "/coverage.xml").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("<?xml version=\"1.0\"?><coverage line-rate=\"0.9\"><packages>", f);
    std::fclose(f);
  }
  auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json"},
               {{"ARTIFACTS", art}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
  const rapidjson::Value* line = FindRule(d, "line-coverage");
  ASSERT_NE(line, nullptr);
  EXPECT_STREQ((*line)["outcome"].GetString(), "error");
  EXPECT_THAT((*line)["reason"].GetString(), HasSubstr(art + "/coverage.xml"));
  // Rules on the other, intact artifacts still decide.
  EXPECT_STREQ((*FindRule(d, "fill-processing"))["outcome"].GetString(), "pass");
}

// Issue 10: JUnit reports that hold no testcases never pass the shipped
// gate: an empty <testsuites/> is "no tests" (integration-tests-ran fails);
// a suite whose counters claim failures it does not hold is inconclusive.
TEST_F(CheckE2ETest, JunitWithoutTestcasesNeverPassesThePredeployGate) {
  struct Case {
    const char* xml;
    int exit_code;
    const char* passed_rule;  // integration-tests-passed
    const char* ran_rule;     // integration-tests-ran
  } cases[] = {
      {"<testsuites/>", 1, "pass", "fail"},
      {"<?xml version=\"1.0\"?><testsuites><testsuite name=\"pytest\" "
       "tests=\"12\" failures=\"3\" errors=\"0\"></testsuite></testsuites>",
       3, "inconclusive", "inconclusive"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.xml);
    std::string art = dir_ + "/art";
    ASSERT_EQ(std::system(("rm -rf '" + art + "' && cp -r examples/artifacts/pass '" +
                           art + "'").c_str()), 0);
    {
      std::FILE* f =
          std::fopen((art + "/testnet_integration_results.xml").c_str(), "w");
      ASSERT_NE(f, nullptr);
      std::fputs(c.xml, f);
      std::fclose(f);
    }
    auto r = RunProcess({kBin, "check", kGate, "--json", dir_ + "/r.json"},
                        {{"ARTIFACTS", art}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
    EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    rapidjson::Document d = ParseJsonFile(dir_ + "/r.json");
    const rapidjson::Value* passed = FindRule(d, "integration-tests-passed");
    const rapidjson::Value* ran = FindRule(d, "integration-tests-ran");
    ASSERT_NE(passed, nullptr);
    ASSERT_NE(ran, nullptr);
    EXPECT_STREQ((*passed)["outcome"].GetString(), c.passed_rule);
    EXPECT_STREQ((*ran)["outcome"].GetString(), c.ran_rule);
    if (c.exit_code == 3) {
      EXPECT_THAT((*passed)["reason"].GetString(),
                  HasSubstr("suite \"pytest\" says failures=\"3\" "
                            "errors=\"0\" but holds 0 failed or erroring "
                            "testcases"));
    }
  }
}

TEST_F(CheckE2ETest, StrictTurnsWarnIntoFailure) {
  std::string art = dir_ + "/art";
  ASSERT_EQ(std::system(("cp -r examples/artifacts/pass '" + art + "'").c_str()), 0);
  // A baseline 20 % faster than the current run: the regression rule warns.
  std::string base = ReadWholeFile(art + "/testnet_performance.json");
  ASSERT_EQ(std::system(("python3 -c \"import json,sys; d=json.load(open('" + art +
                         "/testnet_performance.json'));\n"
                         "for b in d['benchmarks']: b['stats']['mean'] *= 0.8\n"
                         "json.dump(d, open('" + art +
                         "/baselines/performance_baseline.json','w'))\"")
                            .c_str()),
            0);
  std::map<std::string, std::string> env = {
      {"ARTIFACTS", art}, {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  auto relaxed = RunProcess({kBin, "check", kGate}, env);
  EXPECT_EQ(relaxed.exit_code, 0) << relaxed.out << relaxed.err;
  EXPECT_THAT(relaxed.out, HasSubstr("warn"));
  auto strict = RunProcess({kBin, "check", kGate, "--strict"}, env);
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
}

TEST_F(CheckE2ETest, MarkdownIsAppendedToTheGithubStepSummary) {
  std::string summary = dir_ + "/summary.md";
  {
    std::FILE* f = std::fopen(summary.c_str(), "w");
    std::fputs("# earlier step\n", f);
    std::fclose(f);
  }
  auto env = Artifacts("pass");
  env["GITHUB_STEP_SUMMARY"] = summary;
  auto r = RunProcess({kBin, "check", kGate}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string text = ReadWholeFile(summary);
  EXPECT_THAT(text, ::testing::StartsWith("# earlier step\n"));
  EXPECT_THAT(text, HasSubstr("integration-tests-passed"));
}

TEST_F(CheckE2ETest, GateFileErrorsExitTwoAndEvaluateNothing) {
  std::string gate = dir_ + "/bad.yaml";
  {
    std::FILE* f = std::fopen(gate.c_str(), "w");
    std::fputs(
        "sources:\n  cov: { type: coverage, path: c.xml }\ngroups:\n"
        "  - name: q\n    rules:\n"
        "      - { name: a, expr: coverage_line_percent, pass: \">= x\" }\n"
        "      - { name: b, expr: coverage_lines, pass: \">= 1\" }\n",
        f);
    std::fclose(f);
  }
  auto check = RunProcess({kBin, "check", gate, "--json", dir_ + "/r.json"});
  EXPECT_EQ(check.exit_code, 2);
  struct stat st;
  EXPECT_NE(::stat((dir_ + "/r.json").c_str(), &st), 0) << "no report when nothing was evaluated";
  auto lint = RunProcess({kBin, "lint", gate, kGate});
  EXPECT_EQ(lint.exit_code, 2);
  EXPECT_THAT(lint.out, HasSubstr(gate + ":6:59: group \"q\": rule \"a\": pass: "
                                  "invalid criterion \">= x\""));
  EXPECT_THAT(lint.out, HasSubstr(gate + ":7:26: group \"q\": rule \"b\": expr: "
                                  "unknown metric \"coverage_lines\""));
  EXPECT_THAT(lint.err, HasSubstr("2 problems in 2 files"));
}

TEST_F(CheckE2ETest, LintAcceptsTheShippedGates) {
  auto r = RunProcess({kBin, "lint", kGate});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 file, 16 rules: OK"));
}

TEST_F(CheckE2ETest, HelpAndVersion) {
  auto help = RunProcess({kBin, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("check GATE..."));
  auto check_help = RunProcess({kBin, "check", "--help"});
  EXPECT_EQ(check_help.exit_code, 0);
  for (const char* opt : {"--set", "--junit", "--json", "--markdown",
                          "--strict", "--dry-run", "--at", "--color"}) {
    EXPECT_THAT(check_help.out, HasSubstr(opt)) << opt;
  }
  auto version = RunProcess({kBin, "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, ::testing::MatchesRegex(
                               "aurora-gate [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit "
                               "[0-9a-f]+\\)\n"));
  auto bad = RunProcess({kBin, "check", kGate, "--no-such-option"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("no-such-option"));
}

// Issue 11.13: every command's --help shows 2-3 examples of that command
// and only the options a user gives (no "--gate arg (positional)"); the
// man pages are generated from this text.
TEST_F(CheckE2ETest, EveryCommandsHelpShowsExamplesAndOnlyUserOptions) {
  for (const std::string command :
       {"", "check", "report", "watch", "lint", "spool", "baseline update", "test", "backtest"}) {
    SCOPED_TRACE(command);
    std::vector<std::string> argv = {kBin};
    for (size_t at = 0; at < command.size();) {  // "baseline update": two words
      const size_t space = command.find(' ', at);
      argv.push_back(command.substr(at, space == std::string::npos ? space : space - at));
      at = space == std::string::npos ? command.size() : space + 1;
    }
    argv.push_back("--help");
    auto help = RunProcess(argv);
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_THAT(help.out, ::testing::StartsWith("Usage: aurora-gate " + command));
    const size_t examples = help.out.find("\nExamples:\n");
    ASSERT_NE(examples, std::string::npos) << help.out;
    int shown = 0;
    // "  $ command": help2man sets such lines as examples, one a line.
    const std::string prefix = "\n  $ aurora-gate " + command;
    for (size_t at = help.out.find(prefix, examples);
         at != std::string::npos && at < help.out.find("\n\n", examples + 1);
         at = help.out.find(prefix, at + 1)) {
      ++shown;
    }
    EXPECT_GE(shown, 2) << help.out;
    EXPECT_LE(shown, 3) << help.out;
    EXPECT_THAT(help.out, Not(HasSubstr("positional"))) << help.out;
    EXPECT_THAT(help.out, Not(HasSubstr("--gate"))) << help.out;
    EXPECT_THAT(help.out, Not(HasSubstr("--args"))) << help.out;
  }
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

// The runbook's artifact stop conditions with its own thresholds (line <
// 85 %, branch < 75 %, mutation drop > 10 %, HIGH/CRITICAL findings): the
// fail set's 85.03 % lines stays above the line, its 74.74 % branches trip.
TEST(StopConditionsArtifactsE2ETest, RunbookThresholdsDecideExactlyAtTheirLines) {
  const std::string gate = "gates/runbook/stop-conditions-artifacts.yaml";
  const std::string dir = testing::MakeTempDir();
  auto ok = RunProcess({kBin, "check", gate}, Artifacts("pass"));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto bad = RunProcess({kBin, "check", gate, "--json", dir + "/r.json"},
                        Artifacts("fail"));
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  rapidjson::Document d = ParseJsonFile(dir + "/r.json");
  const std::map<std::string, std::string> expected = {
      {"line-coverage-under-85pct", "pass"},
      {"branch-coverage-under-75pct", "fail"},
      {"mutation-score-drop-over-10pct", "fail"},
      {"high-critical-security-issues", "fail"}};
  for (const auto& [name, outcome] : expected) {
    const rapidjson::Value* rule = FindRule(d, name);
    ASSERT_NE(rule, nullptr) << name;
    EXPECT_EQ((*rule)["outcome"].GetString(), outcome) << name;
  }
  testing::RemoveDir(dir);
}

}  // namespace
}  // namespace aurora
