// Issue 12: a plain Prometheus rule file means to aurora-gate exactly what
// it means to Prometheus. Probes against a real Prometheus (backfilled
// history, `check --at` moments), through the library and the binary.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/core/run_gate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ExpandSeries;
using testing::OmSample;

// One sample a minute for two hours from kStart (three hours ago).
const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
absl::Time Minute(int m) { return absl::FromUnixSeconds(kStart + 60 * m); }
std::string At(int m) { return std::to_string(absl::ToUnixSeconds(Minute(m))); }

std::vector<OmSample> History() {
  std::vector<OmSample> h;
  auto add = [&h](const std::string& series, const std::string& values,
                  int64_t interval = 60) {
    std::vector<OmSample> s = ExpandSeries(series, values, kStart, interval);
    h.insert(h.end(), s.begin(), s.end());
  };
  // 0/0 = NaN for every instance (NodeNetworkReceiveErrs-like).
  add("errs_total{instance=\"a\"}", "0x120");
  add("packets_total{instance=\"a\"}", "0x120");
  add("errs_total{instance=\"b\"}", "0x120");
  add("packets_total{instance=\"b\"}", "0x120");
  // Duplicate series on the match group {job="x"} of the right-hand side.
  add("dup_left{job=\"x\"}", "1x120");
  add("dup_right{job=\"x\",instance=\"1\"}", "1x120");
  add("dup_right{job=\"x\",instance=\"2\"}", "1x120");
  // Three series that always fire (group `limit`).
  for (int i = 1; i <= 3; ++i) add(absl::StrCat("limited{i=\"", i, "\"}"), "1x120");
  // Always holds, with a value that changes every minute / never changes.
  add("rising", "1+1x120");
  add("steady", "5x120");
  // 1 from minute 0, sampled every 15 s: short `for` at the server's step.
  add("fast", "1x480", 15);
  return h;
}

class RuleSemanticsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::PrometheusServer::Start(
                  History(), "global:\n  evaluation_interval: 15s\n")
                  .release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A plain Prometheus rule file (no aurora-gate keys), evaluated at `at`
  // against the test server (as --prometheus does).
  GateResult CheckPlain(const std::string& groups_yaml, absl::Time at) {
    LoadedGate g = ParseGate("rules.yml", groups_yaml, EnvironmentLookup());
    EXPECT_TRUE(g.ok()) << (g.errors.empty() ? "" : g.errors[0].ToString());
    EXPECT_TRUE(g.gate.prometheus_rule_file);
    SourceCache cache(files_);
    LiveContext ctx;
    ctx.make_client = NewCurlHttpClient;
    ctx.clock = &clock_;
    ctx.files = &files_;
    ctx.default_url = server_->url();
    return RunGate(g.gate, cache, &ctx, at);
  }

  // Writes `text` to a temp file; returns its path.
  std::string WriteFile(const std::string& text) {
    std::string path = testing::MakeTempDir() + "/rules.yml";
    std::ofstream(path) << text;
    return path;
  }

  testing::ProcessResult Binary(std::vector<std::string> args) {
    args.insert(args.begin(), AURORA_GATE_BIN);
    return testing::RunProcess(args, {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }

  static testing::PrometheusServer* server_;
  RealFileReader files_;
  RealClock clock_;
};

testing::PrometheusServer* RuleSemanticsTest::server_ = nullptr;

constexpr char kNoSeriesAndNan[] = R"(groups:
  - name: g
    rules:
      - alert: PrometheusBadConfig
        expr: max_over_time(prometheus_config_last_reload_successful[5m]) == 0
        labels: { severity: critical }
      - alert: NodeNetworkReceiveErrs
        expr: rate(errs_total[2m]) / rate(packets_total[2m]) > 0.01
        for: 2m
        labels: { severity: critical }
      - alert: AndWithNoData
        expr: absent_metric > 1 and on() vector(1) > 0
        labels: { severity: critical }
)";

// 12.1: no series and NaN comparisons are inactive, as in Prometheus; the
// report still says "no series" / NaN; the run passes (exit 0, not 3).
TEST_F(RuleSemanticsTest, NoSeriesAndNanAreInactiveAndNoted) {
  ASSERT_NE(server_, nullptr);
  GateResult g = CheckPlain(kNoSeriesAndNan, Minute(60));
  ASSERT_EQ(g.rules.size(), 3u);
  for (const RuleResult& r : g.rules) {
    EXPECT_EQ(r.outcome, Outcome::kPass) << r.name << ": " << r.reason;
  }
  EXPECT_THAT(g.rules[0].reason, HasSubstr("no series"));
  EXPECT_THAT(g.rules[1].reason, HasSubstr("NaN"));
  EXPECT_THAT(g.rules[2].reason, HasSubstr("no series"));
  auto run = Binary({"check", WriteFile(kNoSeriesAndNan), "--prometheus",
                     server_->url(), "--at", At(60), "--color", "never"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("no series"));
}

// 12.1: a native gate rule keeps its policies (no_data: inconclusive).
TEST_F(RuleSemanticsTest, NativeGateRulesKeepNoDataPolicy) {
  ASSERT_NE(server_, nullptr);
  std::string text = absl::StrCat(
      "sources:\n  prom: { type: prometheus, url: \"", server_->url(),
      "\" }\ngroups:\n  - name: g\n    rules:\n      - name: r\n"
      "        expr: absent_metric > 1\n");
  LoadedGate g = ParseGate("gate.yaml", text, EnvironmentLookup());
  ASSERT_TRUE(g.ok());
  SourceCache cache(files_);
  LiveContext ctx;
  ctx.make_client = NewCurlHttpClient;
  ctx.clock = &clock_;
  ctx.files = &files_;
  GateResult r = RunGate(g.gate, cache, &ctx, Minute(60));
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].outcome, Outcome::kInconclusive) << r.rules[0].reason;
}

constexpr char kDuplicateSeries[] = R"(groups:
  - name: g
    rules:
      - alert: Joined
        expr: dup_left * on(job) dup_right > 0
        labels: { severity: critical }
)";

// 12.3: "found duplicate series for the match group" is the rule's error at
// evaluation time (exit 3), never a gate-file error (exit 2); lint accepts
// the file, as promtool does.
TEST_F(RuleSemanticsTest, ServerRuntimeErrorIsTheRulesErrorNotAFileError) {
  ASSERT_NE(server_, nullptr);
  GateResult g = CheckPlain(kDuplicateSeries, Minute(60));
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("duplicate series"));
  EXPECT_TRUE(g.rules[0].located_query_error.empty());
  std::string path = WriteFile(kDuplicateSeries);
  auto run = Binary({"check", path, "--prometheus", server_->url(), "--at",
                     At(60), "--color", "never"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, Not(HasSubstr(path + ":")));
  EXPECT_THAT(run.out + run.err, Not(HasSubstr("exit 2")));
  // lint asks the server now: pinned into the history with `@`, the join
  // meets the duplicate series at any time.
  std::string pinned = WriteFile(absl::StrCat(
      "groups:\n  - name: g\n    rules:\n      - alert: Joined\n"
      "        expr: dup_left @ ", At(60), " * on(job) dup_right @ ", At(60),
      " > 0\n"));
  auto lint = Binary({"lint", pinned, "--prometheus", server_->url()});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(lint.err, HasSubstr("duplicate series"));  // noted, not rejected
  EXPECT_EQ(testing::PromtoolCheckRules(pinned).exit_code, 0);
}

constexpr char kLimited[] = R"(groups:
  - name: limited
    limit: 1
    rules:
      - alert: Many
        expr: limited > 0
        labels: { severity: warning }
  - name: unlimited
    rules:
      - alert: Many
        expr: limited > 0
        labels: { severity: warning }
)";

// 12.4: a group's `limit` exceeded is Prometheus' "exceeded limit of 1 with
// 3 alerts": no alerts, the group's rules are `error`.
TEST_F(RuleSemanticsTest, GroupLimitExceededIsTheGroupsError) {
  ASSERT_NE(server_, nullptr);
  GateResult g = CheckPlain(kLimited, Minute(60));
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kError);
  EXPECT_THAT(g.rules[0].reason, HasSubstr("exceeded limit of 1 with 3 alerts"));
  EXPECT_EQ(g.rules[1].outcome, Outcome::kWarn) << g.rules[1].reason;
}

constexpr char kShortFor[] = R"(groups:
  - name: g
    rules:
      - alert: Fast
        expr: fast > 0
        for: 30s
        labels: { severity: critical }
)";

// 12.7: without a group interval the step is the server's
// global.evaluation_interval (15s here), and the report says so: `for: 30s`
// fires 30 s after the condition starts, as on that server.
TEST_F(RuleSemanticsTest, StepIsTheServersEvaluationInterval) {
  ASSERT_NE(server_, nullptr);
  const absl::Time t = Minute(0) + absl::Seconds(30);
  GateResult g = CheckPlain(kShortFor, t);
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kFail) << g.rules[0].reason;
  EXPECT_THAT(g.rules[0].step, HasSubstr("15s"));
  EXPECT_THAT(g.rules[0].step, HasSubstr("evaluation_interval"));
  GateResult early = CheckPlain(kShortFor, t - absl::Seconds(15));
  EXPECT_EQ(early.rules[0].outcome, Outcome::kPending) << early.rules[0].reason;
}

constexpr char kLongFor[] = R"(groups:
  - name: g
    interval: 10s
    rules:
      - alert: Long
        expr: steady > 0
        for: 40h
        labels: { severity: critical }
)";

// 12.2: a range read above Prometheus' 11,000 points per series (40h at 10s
// = 14,400 steps) is split into chunks; the rule is pending (the condition
// has held since the data began), never an error, and the run never exits
// 2 with a report that says FAIL.
TEST_F(RuleSemanticsTest, LongForIsReadInChunksUnderThePointsLimit) {
  ASSERT_NE(server_, nullptr);
  GateResult g = CheckPlain(kLongFor, Minute(100));
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].outcome, Outcome::kPending) << g.rules[0].reason;
  EXPECT_THAT(g.rules[0].reason, HasSubstr("the server's data for it begins at"));
  auto run = Binary({"check", WriteFile(kLongFor), "--prometheus",
                     server_->url(), "--at", At(100), "--color", "never"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, Not(HasSubstr("FAIL")));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

constexpr char kOwnRules[] = R"(groups:
  - name: own
    interval: 1s
    rules:
      - alert: AlwaysOn
        expr: vector(1) > 0
        for: 1h
        labels: { severity: critical }
)";

// Issue 12.12: an alert the server itself evaluates (same name, expression,
// `for`, labels) takes its state from the server (/api/v1/rules, one
// request) instead of a replay: the server started a moment ago, so its
// alert is pending, where a replay of `vector(1)` over the last hour says
// firing. The report says where the state came from.
TEST(ServerOwnStateTest, AlertTheServerEvaluatesTakesTheServersState) {
  std::string dir = testing::MakeTempDir();
  std::ofstream(dir + "/own.yml") << kOwnRules;
  auto server = testing::PrometheusServer::Start(
      {}, absl::StrCat("rule_files: [\"", dir, "/own.yml\"]\n"));
  ASSERT_NE(server, nullptr);
  // Wait (with a deadline) until the server has evaluated the rule.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  bool evaluated = false;
  while (!evaluated && absl::Now() < deadline) {
    testing::ToolResult rules = testing::HttpGet(server->url() + "/api/v1/rules");
    evaluated = rules.exit_code == 0 &&
                rules.output.find("\"state\":\"pending\"") != std::string::npos;
    if (!evaluated) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(evaluated) << server->Log();
  RealFileReader files;
  RealClock clock;
  auto check = [&](const std::string& text) {
    LoadedGate g = ParseGate("own.yml", text, EnvironmentLookup());
    EXPECT_TRUE(g.ok());
    SourceCache cache(files);
    LiveContext ctx;
    ctx.make_client = NewCurlHttpClient;
    ctx.clock = &clock;
    ctx.files = &files;
    ctx.default_url = server->url();
    return RunGate(g.gate, cache, &ctx, absl::Now());
  };
  GateResult own = check(kOwnRules);
  ASSERT_EQ(own.rules.size(), 1u);
  EXPECT_EQ(own.rules[0].outcome, Outcome::kPending) << own.rules[0].reason;
  EXPECT_THAT(own.rules[0].reason, HasSubstr("the server's own evaluation"));
  EXPECT_THAT(own.rules[0].step, HasSubstr("the server's own evaluation"));
  // Another `for`: not the server's rule, replayed from history.
  std::string other = kOwnRules;
  other.replace(other.find("for: 1h"), 7, "for: 2s");
  GateResult replayed = check(other);
  ASSERT_EQ(replayed.rules.size(), 1u);
  EXPECT_EQ(replayed.rules[0].outcome, Outcome::kFail) << replayed.rules[0].reason;
  EXPECT_THAT(replayed.rules[0].reason, Not(HasSubstr("server's own")));
  // The binary: by default the server's state (pending, exit 0); with
  // --replay the same rule is replayed from history (firing, exit 1).
  auto binary = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {AURORA_GATE_BIN, "check", dir + "/own.yml",
                                     "--prometheus", server->url(), "--color",
                                     "never"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunProcess(args, {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  };
  testing::ProcessResult from_server = binary({});
  EXPECT_EQ(from_server.exit_code, 0) << from_server.out << from_server.err;
  EXPECT_THAT(from_server.out, HasSubstr("the server's own evaluation"));
  testing::ProcessResult forced = binary({"--replay"});
  EXPECT_EQ(forced.exit_code, 1) << forced.out << forced.err;
  EXPECT_THAT(forced.out, Not(HasSubstr("server's own")));
}

}  // namespace
}  // namespace aurora
