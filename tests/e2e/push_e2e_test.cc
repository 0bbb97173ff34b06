// `check --push` end to end with real components (issue 15.2): a real
// Pushgateway, a real Prometheus scraping it with the runbook's alert file
// loaded (CoverageDrop's `for` shortened to 2s), and the binary pushing the
// fail set's 85 % line coverage: CoverageDrop goes active. The real 15m `for`
// is checked with `check --at` on backfilled history. A push that fails is
// exit 3 (or a warning with --push-optional), never a changed verdict.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/pushgateway.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::map<std::string, std::string> FailArtifacts() {
  return {{"ARTIFACTS", "examples/artifacts/fail"}, {"GITHUB_STEP_SUMMARY", "\x01unset"}};
}

TEST(PushE2ETest, PushedCoverageTripsTheRunbooksCoverageDropAlertInPrometheus) {
  auto pgw = testing::Pushgateway::Start();
  ASSERT_NE(pgw, nullptr);
  const std::string dir = testing::MakeTempDir();
  // The runbook's alert file, verbatim but for the 15m `for`s.
  std::string rules = ReadFile("gates/runbook/runbook-alerts.yml");
  rules = std::regex_replace(rules, std::regex("for: 15m"), "for: 2s");
  std::ofstream(dir + "/alerts.yml") << rules;
  auto prom = testing::PrometheusServer::Start(
      {}, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
          "rule_files: ['" + dir + "/alerts.yml']\n"
          "scrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n"
          "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(pgw->port()) + "']}]\n");
  ASSERT_NE(prom, nullptr);

  auto r = RunProcess({kBin, "check", "gates/runbook/predeploy.yaml", "--push", pgw->url(),
                       "--push-label", "env=testnet"},
                      FailArtifacts());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the verdict, not the push
  EXPECT_THAT(r.err, HasSubstr("pushed the run's metrics to " + pgw->url() +
                               "/metrics/job/aurora-gate/env/testnet"));
  const std::string pushed = testing::HttpGet(pgw->url() + "/metrics").output;
  EXPECT_THAT(pushed, HasSubstr("aurora_test_coverage{env=\"testnet\",instance=\"\",job=\"aurora-gate\"} 85.027"));
  EXPECT_THAT(pushed, HasSubstr("aurora_mutation_score{env=\"testnet\",instance=\"\",job=\"aurora-gate\"} 65"));
  EXPECT_THAT(pushed, HasSubstr("aurora_gate_passed{env=\"testnet\",gate=\"predeploy\""));

  // Prometheus scrapes the Pushgateway and evaluates the runbook's alerts.
  bool active = false;
  std::string last;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!active && std::chrono::steady_clock::now() < deadline) {
    last = testing::HttpGet(prom->url() + "/api/v1/alerts").output;
    active = last.find("\"alertname\":\"CoverageDrop\"") != std::string::npos &&
             last.find("\"alertname\":\"MutationScoreDrop\"") != std::string::npos &&
             last.find("\"state\":\"firing\"") != std::string::npos;
    if (!active) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(active) << last << "\n" << prom->Log();
  fs::remove_all(dir);
}

TEST(PushE2ETest, TheReal15mForDecidesOnBackfilledHistory) {
  // aurora_test_coverage at 85 % (as pushed) for 20 minutes, then at 93 %.
  const int64_t t0 = 1764748800;  // 2025-12-03T08:00:00Z
  std::vector<testing::OmSample> history = testing::ExpandSeries(
      "aurora_test_coverage{job=\"aurora-gate\"}", "85x80 93x40", t0, 15);
  history.push_back({"aurora_mutation_score{job=\"aurora-gate\"}", 90, t0});
  auto prom = testing::PrometheusServer::Start(history);
  ASSERT_NE(prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  // CoverageDrop's outcome and reason at t0 + seconds.
  auto at = [&](int64_t seconds) -> std::pair<std::string, std::string> {
    RunProcess({kBin, "check", "gates/runbook/runbook-alerts.yml", "--prometheus",
                prom->url(), "--at", std::to_string(t0 + seconds), "--json", dir + "/r.json"},
               {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
    rapidjson::Document d;
    d.Parse(ReadFile(dir + "/r.json").c_str());
    if (d.HasParseError() || !d.HasMember("gates")) return {"no report", ""};
    for (const auto& r : d["gates"][0]["rules"].GetArray()) {
      if (std::string(r["name"].GetString()) == "CoverageDrop") {
        return {r["outcome"].GetString(), r["reason"].GetString()};
      }
    }
    return {"no rule", ""};
  };
  // 10 minutes below 90: pending (the 15m `for` has not elapsed).
  auto [pending, pending_why] = at(600);
  EXPECT_EQ(pending, "pending") << pending_why;
  EXPECT_THAT(pending_why, HasSubstr("10m of 15m"));
  // 16 minutes below 90: firing. The alert is `severity: warning`, so it is
  // reported as warn and does not block (a critical one would fail the run).
  auto [firing, firing_why] = at(960);
  EXPECT_EQ(firing, "warn") << firing_why;
  EXPECT_THAT(firing_why, HasSubstr("firing"));
  // Back at 93 % for 10 minutes: inactive again.
  auto [resolved, resolved_why] = at(1800);
  EXPECT_EQ(resolved, "pass") << resolved_why;
  fs::remove_all(dir);
}

TEST(PushE2ETest, AFailedPushIsExit3UnlessOptionalAndNeverChangesTheVerdict) {
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  auto pass = std::map<std::string, std::string>{{"ARTIFACTS", "examples/artifacts/pass"},
                                                 {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  auto r = RunProcess({kBin, "check", "gates/runbook/predeploy.yaml", "--push", nowhere}, pass);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: push to " + nowhere + " failed"));
  EXPECT_THAT(r.out, HasSubstr("Verdict: PASS"));
  auto optional = RunProcess(
      {kBin, "check", "gates/runbook/predeploy.yaml", "--push", nowhere, "--push-optional"}, pass);
  EXPECT_EQ(optional.exit_code, 0) << optional.out << optional.err;
  EXPECT_THAT(optional.err, HasSubstr("warning: push to " + nowhere + " failed"));
  auto failing = RunProcess({kBin, "check", "gates/runbook/predeploy.yaml", "--push", nowhere},
                            FailArtifacts());
  EXPECT_EQ(failing.exit_code, 1) << failing.out << failing.err;
}

}  // namespace
}  // namespace aurora
