#include "gates/core/run_gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using testing::LoadGate;
using testing::FindRule;
using ::testing::HasSubstr;

constexpr char kJunit[] =
    R"(<testsuites><testsuite name="s"><testcase name="a"/>)"
    R"(<testcase name="b"><failure message="x"/></testcase></testsuite></testsuites>)";

TEST(RunGateTest, ReadsEachArtifactOnceForAllItsRules) {
  testing::FakeFileReader files;
  files.Add("t.xml", kJunit);
  GateFile gate = LoadGate(R"(sources:
  t: { type: junit, path: t.xml }
groups:
  - name: g
    rules:
      - { name: failed, expr: 'sum(tests{result="failed"})', pass: "== 0" }
      - { name: passed, expr: 'sum(tests{result="passed"})', pass: "> 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(files.reads("t.xml"), 1);
  EXPECT_EQ(FindRule(r, "failed").outcome, Outcome::kFail);
  EXPECT_EQ(FindRule(r, "failed").series[0].value, 1);
  EXPECT_EQ(FindRule(r, "passed").outcome, Outcome::kPass);
  EXPECT_EQ(r.verdict, Outcome::kFail);
}

TEST(RunGateTest, DryRunRulesAreReportedButNeverDecide) {
  testing::FakeFileReader files;
  files.Add("t.xml", kJunit);
  GateFile gate = LoadGate(R"(sources:
  t: { type: junit, path: t.xml }
groups:
  - name: g
    rules:
      - { name: failed, expr: 'sum(tests{result="failed"})', pass: "== 0", dry_run: true }
      - { name: passed, expr: 'sum(tests{result="passed"})', pass: "> 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_TRUE(FindRule(r, "failed").dry_run);
  EXPECT_EQ(FindRule(r, "failed").outcome, Outcome::kFail);
  EXPECT_EQ(r.verdict, Outcome::kPass);
}

TEST(RunGateTest, UnreadableArtifactIsAnErrorWithTheReason) {
  testing::FakeFileReader files;
  files.Fail("t.xml", absl::UnavailableError("t.xml: read failed: EIO"));
  GateFile gate = LoadGate(R"(sources:
  t: { type: junit, path: t.xml }
groups:
  - name: g
    rules:
      - { name: failed, expr: 'sum(tests{result="failed"})', pass: "== 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(r.verdict, Outcome::kError);
  EXPECT_EQ(FindRule(r, "failed").reason, "t.xml: read failed: EIO");
}

TEST(RunGateTest, MissingBaselineIsReportedNotPassed) {
  testing::FakeFileReader files;
  files.Add("b.json", R"({"machine_info": {}, "commit_info": {}, "datetime": "x",
    "version": "4.0.0", "benchmarks": [{"group": null, "name": "t", "fullname": "f::t",
    "params": null, "stats": {"min": 0.1, "max": 0.1, "mean": 0.1, "stddev": 0,
    "rounds": 1, "median": 0.1, "iterations": 1, "ops": 10, "total": 0.1}}]})");
  GateFile gate = LoadGate(R"(sources:
  b: { type: pytest-benchmark, path: b.json, baseline: base.json }
groups:
  - name: g
    rules:
      - { name: regress, expr: benchmark_mean_seconds, pass: "<= +10%" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  const RuleResult& rule = FindRule(r, "regress");
  EXPECT_EQ(rule.outcome, Outcome::kInconclusive);
  EXPECT_TRUE(rule.baseline_missing);
  EXPECT_THAT(rule.warnings, ::testing::Contains(HasSubstr("baseline missing: base.json")));
  EXPECT_EQ(r.verdict, Outcome::kInconclusive);
}

// Issue 10: a suite that says failures="3" but holds no testcase is not
// "0 failures"; rules on `tests` are inconclusive and say why, unless the
// source opts out with `counters: trust-testcases` (then it is a warning).
TEST(RunGateTest, JunitCountersThatClaimMoreThanTheTestcasesAreInconclusive) {
  testing::FakeFileReader files;
  files.Add("t.xml", R"(<testsuite name="s" tests="5" failures="3"/>)");
  GateFile gate = LoadGate(R"(sources:
  t: { type: junit, path: t.xml }
  trusted: { type: junit, path: t.xml, counters: trust-testcases }
groups:
  - name: g
    rules:
      - { name: failed, source: t, expr: 'sum(tests{result=~"failed|error"})', pass: "== 0" }
      - { name: duration, source: t, expr: 'tests_duration_seconds', pass: "< 60" }
      - { name: trusted-failed, source: trusted, expr: 'sum(tests{result=~"failed|error"})', pass: "== 0" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  const RuleResult& failed = FindRule(r, "failed");
  EXPECT_EQ(failed.outcome, Outcome::kInconclusive);
  EXPECT_THAT(failed.reason,
              HasSubstr("t.xml: suite \"s\" says tests=\"5\" but holds 0 "
                        "testcases; suite \"s\" says failures=\"3\" but "
                        "holds 0 failed or erroring testcases"));
  EXPECT_EQ(FindRule(r, "duration").outcome, Outcome::kPass);
  const RuleResult& trusted = FindRule(r, "trusted-failed");
  EXPECT_EQ(trusted.outcome, Outcome::kPass);
  EXPECT_THAT(trusted.warnings,
              ::testing::Contains(HasSubstr("says failures=\"3\"")));
  EXPECT_EQ(r.verdict, Outcome::kInconclusive);
}

TEST(RunGateTest, PrometheusRulesAreErrorsUntilAClientExists) {
  testing::FakeFileReader files;
  GateFile gate = LoadGate(R"(groups:
  - name: g
    rules:
      - { alert: Down, expr: up == 0 }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(r.verdict, Outcome::kError);
}

// A live rule that fails before its query is sent (no client, an unreadable
// token file) still names its source, with the credentials masked.
TEST(RunGateTest, UnsentPrometheusRuleShowsItsUrlRedacted) {
  testing::FakeFileReader files;
  GateFile gate = LoadGate(R"(sources:
  prom:
    type: prometheus
    url: "http://admin:hunter2@prom.example:9090/?token=s3cret"
  prom_env:
    type: prometheus
    url: "${NO_SUCH_PROMETHEUS_URL_VAR:-http://localhost:9090}"
groups:
  - name: g
    rules:
      - { alert: Down, source: prom, expr: up == 0 }
      - { alert: Down2, source: prom_env, expr: up == 0 }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  const RuleResult& down = FindRule(r, "Down");
  EXPECT_EQ(down.outcome, Outcome::kError);
  EXPECT_THAT(down.source_detail, HasSubstr("prom.example:9090"));
  EXPECT_THAT(down.source_detail, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(down.source_detail, ::testing::Not(HasSubstr("s3cret")));
  EXPECT_EQ(FindRule(r, "Down2").source_detail,
            "${NO_SUCH_PROMETHEUS_URL_VAR:-http://localhost:9090}");
}

}  // namespace
}  // namespace aurora
