// End to end from the binary: the shipped gates for the runbook's deploy-time
// checks. gates/runbook/config.yaml (1.3: environment variables) and
// gates/runbook/health.yaml (2.3: the ECS rollout via `aws ecs
// describe-services`, a stand-in script on PATH printing recorded AWS CLI
// output, and /health of a loopback API).
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;
const std::string kRecordings = std::string(AURORA_TESTDATA_DIR) + "/aws";

// The repository root (tests run there): absolute, for Prometheus' config.
std::string fs_root() { return std::filesystem::current_path().string(); }

void WriteFile(const std::string& path, const std::string& text, int mode = 0644) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

class DeployChecksE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    ASSERT_EQ(::mkdir((dir_ + "/bin").c_str(), 0755), 0);
    // The stand-in `aws`: checks it was asked what the runbook asks, then
    // prints the recording named by AWS_RECORDING.
    WriteFile(dir_ + "/bin/aws",
              "#!/bin/sh\n"
              "[ \"$*\" = \"ecs describe-services --cluster aurora-testnet "
              "--services aurora-api --output json\" ] || "
              "{ echo \"unexpected arguments: $*\" >&2; exit 252; }\n"
              "exec cat \"$AWS_RECORDING\"\n",
              0755);
    auto server = testing::HttpTestServer::Start(
        [this](const testing::TestHttpRequest& req) {
          testing::TestHttpResponse resp;
          resp.status = req.target == "/health" ? health_status_ : 404;
          if (req.target == "/health" && ++health_requests_ <= unhealthy_first_) {
            resp.status = 503;
          }
          if (req.target == "/pretrade/check") {
            // The runbook's test trade, as JSON.
            const bool ok = req.method == "POST" &&
                            req.body.find("\"symbol\": \"BTCUSDT\"") != std::string::npos;
            resp.status = ok ? 200 : 400;
            resp.body = ok ? "{\"allowed\": true, \"trace_id\": \"tr-1\"}" : "bad request";
          } else if (req.target == "/events/recent") {
            resp.status = 200;
            resp.body = events_;
          } else if (req.target == "/api/health") {
            // Grafana's answer (pkg/api/health.go): commit, database, version.
            resp.status = 200;
            resp.body = "{\n  \"commit\": \"5b85c4c2fc\",\n  \"database\": \"" +
                        grafana_database_ + "\",\n  \"version\": \"10.4.2\"\n}";
          }
          if (req.target == "/health") {
            resp.body = resp.status == 200 ? "{\"status\": \"ok\"}" : "down";
          }
          return resp;
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    server_.reset();
    testing::RemoveDir(dir_);
  }

  testing::ProcessResult Health(const std::string& recording, bool with_aws = true) {
    return RunProcess(
        {kBin, "check", "gates/runbook/health.yaml", "--color", "never"},
        {{"PATH", (with_aws ? dir_ + "/bin:" : std::string()) + "/usr/bin:/bin"},
         {"AWS_RECORDING", kRecordings + "/" + recording},
         {"AURORA_API_URL", "http://127.0.0.1:" + std::to_string(server_->port())},
         {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }

  std::string dir_;
  std::unique_ptr<testing::HttpTestServer> server_;
  int health_status_ = 200;
  int unhealthy_first_ = 0;  // the first N /health requests answer 503
  std::string events_ = R"([{"event_type": "pretrade_check", "trace_id": "tr-1"},
                             {"event_type": "trade_decision", "trace_id": "tr-1"}])";
  std::string grafana_database_ = "ok";
  std::atomic<int> health_requests_{0};
};

// The runbook's `for i in {1..10}; do curl -f …/health && break; sleep 10`
// as `check --until pass`: the API heals after three tries.
TEST_F(DeployChecksE2ETest, UntilPassRetriesUntilTheApiIsHealthy) {
  unhealthy_first_ = 3;
  testing::ProcessResult r = RunProcess(
      {kBin, "check", "gates/runbook/health.yaml", "--until", "pass", "--every", "200ms",
       "--timeout", "60s", "--color", "never"},
      {{"PATH", dir_ + "/bin:/usr/bin:/bin"},
       {"AWS_RECORDING", kRecordings + "/describe-services-completed.json"},
       {"AURORA_API_URL", "http://127.0.0.1:" + std::to_string(server_->port())},
       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, ::testing::ContainsRegex(
                         "until pass: attempt 1 at \\+[0-9.]+s: fail \\(api-health fail\\)"));
  EXPECT_THAT(r.err, HasSubstr("until pass: attempt 4 at "));
  EXPECT_THAT(r.err, HasSubstr(": pass\n"));
  EXPECT_EQ(health_requests_.load(), 4);
  EXPECT_THAT(r.out, HasSubstr("PASS     deployment/api-health"));
}

TEST_F(DeployChecksE2ETest, UntilPassGivesUpAtTheTimeoutWithTheLastReasons) {
  health_status_ = 503;
  testing::ProcessResult r = RunProcess(
      {kBin, "check", "gates/runbook/health.yaml", "--until", "pass", "--every", "200ms",
       "--timeout", "1s", "--color", "never"},
      {{"PATH", dir_ + "/bin:/usr/bin:/bin"},
       {"AWS_RECORDING", kRecordings + "/describe-services-completed.json"},
       {"AURORA_API_URL", "http://127.0.0.1:" + std::to_string(server_->port())},
       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("did not pass within 1s"));
  EXPECT_GE(health_requests_.load(), 3);
  EXPECT_THAT(r.out, HasSubstr("FAIL     deployment/api-health"));
}

TEST_F(DeployChecksE2ETest, HealthPassesWhenTheRolloutCompletedAndTheApiAnswers) {
  testing::ProcessResult r = Health("describe-services-completed.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("PASS     deployment/ecs-rollout-completed"));
  EXPECT_THAT(r.out, HasSubstr("PASS     deployment/api-health"));
}

TEST_F(DeployChecksE2ETest, HealthFailsWhileTheRolloutIsInProgressOrTheApiIsDown) {
  testing::ProcessResult r = Health("describe-services-in-progress.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL     deployment/ecs-rollout-completed"));
  health_status_ = 503;
  r = Health("describe-services-completed.json");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAIL     deployment/api-health"));
}

TEST_F(DeployChecksE2ETest, WithoutTheAwsCliTheRolloutIsAnErrorNeverAPass) {
  testing::ProcessResult r = Health("describe-services-completed.json", false);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ERROR    deployment/ecs-rollout-completed"));
  EXPECT_THAT(r.out, HasSubstr("aws: cannot start"));
}

TEST_F(DeployChecksE2ETest, ConfigChecksTheRunbooksVariablesWithoutShowingValues) {
  const std::string json = dir_ + "/config.json";
  testing::ProcessResult ok = RunProcess(
      {kBin, "check", "gates/runbook/config.yaml", "--json", json},
      {{"AURORA_API_KEY", "ak-SECRET-1"},
       {"DATABASE_URL", "postgresql://aurora:pw-SECRET-2@db:5432/aurora"},
       {"REDIS_URL", "redis://redis:6379/0"},
       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  testing::ProcessResult bad = RunProcess(
      {kBin, "check", "gates/runbook/config.yaml", "--json", json},
      {{"AURORA_API_KEY", "ak-SECRET-1"},
       {"DATABASE_URL", "mysql://aurora:pw-SECRET-2@db/aurora"},
       {"REDIS_URL", "\x01unset"},
       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_THAT(bad.out, HasSubstr("REDIS_URL is not set"));
  EXPECT_THAT(bad.out, HasSubstr("DATABASE_URL is set but does not match"));
  for (const std::string& text : {ok.out, ok.err, bad.out, bad.err, ReadWholeFile(json)}) {
    EXPECT_THAT(text, Not(HasSubstr("SECRET")));
  }
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

// Runbook 3.1 (smoke) and 3.3 (monitoring) from the binary: a loopback API
// and Grafana, and a real Prometheus with the service's aurora_ series and
// the runbook's alerts loaded.
class SmokeAndMonitoringE2ETest : public DeployChecksE2ETest {};

TEST_F(SmokeAndMonitoringE2ETest, SmokePassesWhenTheTradeIsAcceptedAndEventsCarryTraceIds) {
  const std::map<std::string, std::string> env = {
      {"AURORA_API_URL", "http://127.0.0.1:" + std::to_string(server_->port())},
      {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  testing::ProcessResult ok =
      RunProcess({kBin, "check", "gates/runbook/smoke.yaml", "--color", "never"}, env);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  events_ = R"([{"event_type": "pretrade_check"}])";
  testing::ProcessResult no_traces =
      RunProcess({kBin, "check", "gates/runbook/smoke.yaml", "--color", "never"}, env);
  EXPECT_EQ(no_traces.exit_code, 1) << no_traces.out << no_traces.err;
  EXPECT_THAT(no_traces.out, HasSubstr("FAIL     smoke/xai-trace-ids"));
}

TEST_F(SmokeAndMonitoringE2ETest, MonitoringPassesWithMetricsGrafanaAndAlertsInPlace) {
  const int64_t now = std::time(nullptr);
  std::vector<testing::OmSample> history = testing::ExpandSeries(
      "aurora_trades_total{job=\"aurora-api\"}", "0+5x20", now - 300, 15);
  auto prom = testing::PrometheusServer::Start(
      history, "rule_files: ['" + std::string(fs_root()) + "/gates/runbook/runbook-alerts.yml']\n");
  ASSERT_NE(prom, nullptr);
  const std::map<std::string, std::string> env = {
      {"AURORA_GRAFANA_URL", "http://127.0.0.1:" + std::to_string(server_->port())},
      {"PROMETHEUS_URL", prom->url()},
      {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  // Prometheus loads its rule files at start; wait until /api/v1/rules lists them.
  testing::ProcessResult ok;
  for (int i = 0; i < 100; ++i) {
    ok = RunProcess({kBin, "check", "gates/runbook/monitoring.yaml", "--color", "never"}, env);
    if (ok.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  grafana_database_ = "failing";
  testing::ProcessResult bad =
      RunProcess({kBin, "check", "gates/runbook/monitoring.yaml", "--color", "never"}, env);
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_THAT(bad.out, HasSubstr("FAIL     monitoring/grafana-database-ok"));
}

}  // namespace
}  // namespace aurora
