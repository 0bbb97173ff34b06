// `aurora-gate lint` checks PromQL wherever it can and never says a bare
// OK about what it did not check (issue 11.6, 11.7): the server a source
// names itself (no --prometheus needed), else promtool (Prometheus'
// grammar, offline), else a plain "PromQL not checked" per live rule.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LintE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::PrometheusServer::Start({}).release();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    testing::RemoveDir(dir_);
  }

  // A gate whose prometheus source names `url`; rule "bad" does not parse.
  std::string WriteGate(const std::string& url) {
    std::string path = dir_ + "/live.yaml";
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(absl::StrCat("sources:\n  prom: { type: prometheus, url: \"", url,
                            "\" }\ngroups:\n  - name: g\n    rules:\n"
                            "      - name: bad\n"
                            "        expr: sum(rate(x[5m]) by\n"
                            "        fail: \"> 1\"\n"
                            "      - name: good\n"
                            "        expr: up\n"
                            "        fail: \"< 1\"\n")
                   .c_str(),
               f);
    std::fclose(f);
    return path;
  }

  static testing::ProcessResult Lint(std::vector<std::string> args,
                                     std::map<std::string, std::string> env) {
    args.insert(args.begin(), {AURORA_GATE_BIN, "lint"});
    env.emplace("PROMETHEUS_URL", "\x01unset");
    return testing::RunProcess(args, env);
  }

  static testing::PrometheusServer* server_;
  std::string dir_;
};

testing::PrometheusServer* LintE2ETest::server_ = nullptr;

// 11.6: before, lint said OK here because no server was named on the
// command line.
TEST_F(LintE2ETest, AsksTheServerTheSourceNames) {
  ASSERT_NE(server_, nullptr);
  std::string gate = WriteGate(server_->url());
  // No promtool: only the server can find the error.
  auto r = Lint({gate}, {{"AURORA_GATE_PROMTOOL", "/nonexistent/promtool"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(gate + ":7:31: group \"g\": rule \"bad\": expr: "));
  EXPECT_THAT(r.out, HasSubstr("Prometheus rejected the query"));
  EXPECT_THAT(r.out, Not(HasSubstr("not checked")));
}

// 11.7: offline, promtool checks the grammar and its errors are placed at
// the expression's file:line:col.
TEST_F(LintE2ETest, OfflinePromtoolChecksTheGrammar) {
  std::string gate = WriteGate("http://127.0.0.1:1");
  auto r = Lint({gate, "--offline"}, {});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, gate + ":7:31: group \"g\": rule \"bad\": expr: 1:17: parse "
                          "error: unexpected <by> in aggregation (promtool)\n");
  EXPECT_THAT(r.err, HasSubstr("1 problem in 1 file"));
}

// 11.7: a server that does not answer: promtool checks in its place.
TEST_F(LintE2ETest, WhenNoServerAnswersPromtoolChecks) {
  const int port = testing::FreeLoopbackPort();
  std::string gate = WriteGate(absl::StrCat("http://127.0.0.1:", port));
  auto r = Lint({gate}, {});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(gate + ":7:31: group \"g\": rule \"bad\": expr: "
                                      "1:17: parse error: unexpected <by> in "
                                      "aggregation (promtool)"));
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("cannot check PromQL against "
                                            "http://127.0.0.1:", port)));
}

// 11.7: neither a server nor promtool: every live rule says so; the summary
// is never a bare OK.
TEST_F(LintE2ETest, WithoutServerOrPromtoolEveryLiveRuleSaysNotChecked) {
  std::string gate = WriteGate("http://127.0.0.1:1");
  auto r = Lint({gate, "--offline"},
                {{"AURORA_GATE_PROMTOOL", "/nonexistent/promtool"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(gate + ":7:15: note: group \"g\": rule \"bad\": "
                                      "PromQL not checked (offline, and promtool "
                                      "(Debian package prometheus) is not "
                                      "installed)"));
  EXPECT_THAT(r.out, HasSubstr(gate + ":10:15: note: group \"g\": rule \"good\": "
                                      "PromQL not checked"));
  EXPECT_THAT(r.err, HasSubstr("1 file, 2 rules: OK; PromQL of 2 rules not "
                               "checked"));
  // A server named but not answering, and no promtool: undecided.
  auto unreached = Lint({gate}, {{"AURORA_GATE_PROMTOOL", "/nonexistent/promtool"}});
  EXPECT_EQ(unreached.exit_code, 3) << unreached.out << unreached.err;
  EXPECT_THAT(unreached.out, HasSubstr("PromQL not checked (no server answered"));
}

// 12.9: a gate that decides nothing passes, with the same note in lint and
// check.
TEST_F(LintE2ETest, AFileWithoutRulesPassesWithANoteInLintAndCheck) {
  std::string path = dir_ + "/empty.yml";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("groups:\n  - name: nothing-yet\n    rules: []\n", f);
  std::fclose(f);
  auto lint = Lint({path}, {});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(lint.out, HasSubstr(path + ":3:12: note: group \"nothing-yet\": no rules"));
  EXPECT_THAT(lint.err, HasSubstr("1 file, 0 rules: OK (no rules: nothing is decided)"));
  auto check = testing::RunProcess({AURORA_GATE_BIN, "check", path, "--color", "never",
                                    "--spool-dir", dir_ + "/spool"},
                                   {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.err, HasSubstr(path + ":3:12: note: group \"nothing-yet\": no rules"));
  EXPECT_THAT(check.err, HasSubstr(path + ":2:3: note: no rules: the gate decides "
                                          "nothing (it passes)"));
}

}  // namespace
}  // namespace aurora
