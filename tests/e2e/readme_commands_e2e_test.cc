// Issue 11, item 1: every command in README.md's fenced shell blocks is run
// here as written, against a real Prometheus that scrapes a small exporter
// (the runbook's metrics for a healthy aurora-api, a database exporter and
// the log shipper's metric), with the runbook's alert rules loaded, and a
// loopback Aurora API. Only the host:port of the servers the README names
// (prometheus:9090, testnet.aurora.internal, 127.0.0.1:9464) is replaced by
// the test's. A fenced command this file does not know fails the test, and
// so does an expectation whose command is no longer in the README.
//
// Also: --prometheus wins wherever a user expects it to (it is
// ${PROMETHEUS_URL} in gate files too), a source's literal url is kept, and
// a --set PROMETHEUS_URL that disagrees with --prometheus is a usage error.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/pushgateway.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The commands of README.md's ```sh blocks: continuation lines joined, a
// trailing "  # comment" dropped, blank lines skipped.
std::vector<std::string> FencedCommands(const std::string& markdown) {
  std::vector<std::string> out;
  bool in_fence = false, in_shell = false;
  std::string pending;
  size_t at = 0;
  while (at <= markdown.size()) {
    size_t end = markdown.find('\n', at);
    if (end == std::string::npos) end = markdown.size();
    std::string line = markdown.substr(at, end - at);
    at = end + 1;
    // Fences may be indented (a block inside a list item).
    const size_t indent = line.find_first_not_of(' ');
    if (indent != std::string::npos && line.compare(indent, 3, "```") == 0) {
      const std::string lang = line.substr(indent + 3);
      in_shell = !in_fence && (lang == "sh" || lang == "bash" || lang == "shell");
      in_fence = !in_fence;
      continue;
    }
    if (!in_shell) continue;
    if (size_t hash = line.find("  #"); hash != std::string::npos) line.resize(hash);
    std::string trimmed(line);
    absl::StripAsciiWhitespace(&trimmed);
    if (!trimmed.empty() && trimmed.back() == '\\') {
      trimmed.pop_back();
      absl::StripAsciiWhitespace(&trimmed);
      pending += trimmed + " ";
      continue;
    }
    std::string command = pending + trimmed;
    pending.clear();
    if (!command.empty()) out.push_back(command);
  }
  return out;
}

TEST(FencedCommandsTest, JoinsContinuationsAndDropsComments) {
  EXPECT_EQ(FencedCommands("text\n```sh\na --x 1     # note\nB=1 \\\n  b c\n\n```\n"
                           "```yaml\nk: v\n```\n"),
            (std::vector<std::string>{"a --x 1", "B=1 b c"}));
  // A block inside a list item is indented; it is run too.
  EXPECT_EQ(FencedCommands("- item:\n\n  ```sh\n  x --y\n  ```\n"),
            (std::vector<std::string>{"x --y"}));
}

// The exporter Prometheus scrapes (honor_labels, so its job labels stand):
// a healthy aurora-api whose counters grow with time, postgres_exporter's
// pg_up and the CloudWatch exporter's log events, as the shipped gates and
// gates/runbook/golive.yaml's ASSUMPTIONS expect them.
std::string ExporterBody(double t) {
  const std::string api = "job=\"aurora-api\",instance=\"a\"";
  std::string b;
  auto add = [&b](const std::string& series, double v) {
    absl::StrAppend(&b, series, " ", v, "\n");
  };
  add(absl::StrCat("http_requests_total{", api, ",status=\"200\"}"), 100 + 10 * t);
  const std::pair<const char*, double> buckets[] = {
      {"0.1", 6}, {"0.25", 9}, {"0.5", 10}, {"1", 10}, {"2.5", 10}, {"+Inf", 10}};
  for (const auto& [le, per_second] : buckets) {
    add(absl::StrCat("http_request_duration_seconds_bucket{", api, ",le=\"", le, "\"}"),
        100 + per_second * t);
  }
  add(absl::StrCat("aurora_trades_total{", api, ",desk=\"d1\"}"), 20 + 2 * t);
  add(absl::StrCat("aurora_xai_events_total{", api, ",desk=\"d1\"}"), 20 + 2 * t);
  add(absl::StrCat("aurora_order_fills_total{", api, ",side=\"buy\",outcome=\"filled\"}"),
      20 + 2 * t);
  add(absl::StrCat("aurora_order_fills_total{", api, ",side=\"buy\",outcome=\"rejected\"}"),
      0.02 * t);
  add(absl::StrCat("process_cpu_seconds_total{", api, "}"), 1 + 0.05 * t);
  add(absl::StrCat("process_resident_memory_bytes{", api, "}"), 2e8);
  add("pg_up{job=\"postgres\",instance=\"db\"}", 1);
  add("aws_logs_incoming_log_events_sum{log_group_name=\"/ecs/aurora-testnet\"}", 120);
  return b;
}

// History for the README's `--at 2026-11-27T08:00:00Z` example: that morning
// aurora-api answered 5 % of its requests with a 5xx, so the runbook's
// HighErrorRate alert was firing then (and is not now: the live exporter has
// no 5xx series).
std::vector<testing::OmSample> PastIncident() {
  const int64_t start = absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilSecond(2026, 11, 27, 7, 0, 0), absl::UTCTimeZone()));
  std::vector<testing::OmSample> h;
  auto add = [&h, start](const std::string& series, const std::string& values) {
    auto s = testing::ExpandSeries(series, values, start, 60);
    h.insert(h.end(), s.begin(), s.end());
  };
  add("http_requests_total{job=\"aurora-api\",instance=\"a\",status=\"200\"}", "0+570x70");
  add("http_requests_total{job=\"aurora-api\",instance=\"a\",status=\"500\"}", "0+30x70");
  // README's backtest example: the recorded incident of 2026-11-24.
  std::vector<testing::OmSample> recorded = testing::ParseOpenMetrics(
      testing::ReadWholeFile("examples/incidents/error-spike-2026-11-24.om"));
  h.insert(h.end(), recorded.begin(), recorded.end());
  return h;
}

class ReadmeCommandsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto t0 = std::chrono::steady_clock::now();
    auto exporter = testing::HttpTestServer::Start([t0](const testing::TestHttpRequest&) {
      testing::TestHttpResponse r;
      r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
      r.body = ExporterBody(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      return r;
    });
    ASSERT_TRUE(exporter.ok()) << exporter.status();
    exporter_ = exporter->release();
    const std::string alerts =
        std::filesystem::absolute("gates/runbook/runbook-alerts.yml").string();
    prometheus_ = testing::PrometheusServer::Start(
                      PastIncident(),
                      absl::StrCat("rule_files: [\"", alerts, "\"]\n"
                                   "scrape_configs:\n"
                                   "  - job_name: exporter\n"
                                   "    scrape_interval: 1s\n"
                                   "    honor_labels: true\n"
                                   "    static_configs: [{targets: ['127.0.0.1:",
                                   exporter_->port(), "']}]\n"))
                      .release();
    ASSERT_NE(prometheus_, nullptr);
    // Rates need two scrapes: wait (polling) until every rate the gates take
    // has a value.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool ready = false;
    while (!ready && std::chrono::steady_clock::now() < deadline) {
      testing::ToolResult r = testing::HttpGet(
          prometheus_->url() + "/api/v1/query",
          {{"query", "count(rate(http_requests_total{job=\"aurora-api\"}[5m])) and "
                     "count(rate(process_cpu_seconds_total[5m])) and count(pg_up)"}});
      ready = r.exit_code == 0 && absl::StrContains(r.output, "\"result\":[{");
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_TRUE(ready) << prometheus_->Log();
    auto api = testing::HttpTestServer::Start([](const testing::TestHttpRequest& req) {
      testing::TestHttpResponse r;
      if (req.target == "/health") {
        r.body = "{\"status\":\"ok\"}";
      } else if (req.target == "/events/recent") {
        r.headers.push_back({"Content-Type", "application/json"});
        r.body = R"([{"type":"pretrade","trace_id":"9f2c"},{"type":"fill","trace_id":"a771"}])";
      } else {
        r.status = 404;
      }
      return r;
    });
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = api->release();
    pushgateway_ = testing::Pushgateway::Start().release();
    ASSERT_NE(pushgateway_, nullptr);
  }
  static void TearDownTestSuite() {
    delete pushgateway_;
    delete api_;
    delete prometheus_;
    delete exporter_;
  }

  // The README's server addresses, as the test's servers.
  static std::string Substitute(std::string text, int listen_port) {
    return absl::StrReplaceAll(
        text, {{"prometheus:9090", absl::StrCat("127.0.0.1:", PortOf(prometheus_->url()))},
               {"testnet.aurora.internal", absl::StrCat("127.0.0.1:", api_->port())},
               {"127.0.0.1:9464", absl::StrCat("127.0.0.1:", listen_port)},
               {"pushgateway:9091", absl::StrCat("127.0.0.1:", pushgateway_->port())}});
  }
  static int PortOf(const std::string& url) {
    return std::stoi(url.substr(url.rfind(':') + 1));
  }

  // A directory laid out like the repository's root for the commands'
  // relative paths (gates/ and examples/ linked), PATH finding the binary.
  static std::string Workdir() {
    std::string dir = testing::MakeTempDir();
    for (const char* name : {"gates", "examples"}) {
      std::filesystem::create_directory_symlink(std::filesystem::absolute(name),
                                                dir + "/" + name);
    }
    return dir;
  }
  static std::map<std::string, std::string> BaseEnv() {
    const std::string bin_dir = std::filesystem::path(AURORA_GATE_BIN).parent_path();
    const char* path = std::getenv("PATH");
    // The AWS CLI is a stand-in printing a recorded answer (tests/testdata/aws).
    const std::string aws_dir =
        std::filesystem::absolute(std::string(AURORA_TESTDATA_DIR) + "/aws/bin").string();
    return {{"PATH", bin_dir + ":" + aws_dir + ":" + (path ? path : "/usr/bin:/bin")},
            {"PROMETHEUS_URL", "\x01unset"},
            {"AURORA_API_URL", "\x01unset"},
            {"ARTIFACTS", "\x01unset"},
            {"AURORA_GATE_SPOOL_DIR", "\x01unset"},
            {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  }

  static testing::HttpTestServer* exporter_;
  static testing::HttpTestServer* api_;
  static testing::Pushgateway* pushgateway_;
  static testing::PrometheusServer* prometheus_;
};

testing::HttpTestServer* ReadmeCommandsTest::exporter_ = nullptr;
testing::HttpTestServer* ReadmeCommandsTest::api_ = nullptr;
testing::Pushgateway* ReadmeCommandsTest::pushgateway_ = nullptr;
testing::PrometheusServer* ReadmeCommandsTest::prometheus_ = nullptr;

// What a README command needs (the reader's environment) and does.
struct Expectation {
  std::map<std::string, std::string> env = {};  // addresses substituted
  int exit_code = 0;
  std::vector<std::string> output_has = {};  // stdout + stderr
  std::vector<std::string> files = {};  // written into the working dir
  bool runs_until_stopped = false;         // watch: SIGTERM once healthy
};

// The two Quick start commands are not run here: scripts/test.sh is the CI
// entry point itself (.ci/run execs it), and it runs scripts/demo.sh too.
const std::set<std::string> kRunByCi = {"scripts/demo.sh", "scripts/test.sh"};

std::map<std::string, Expectation> Expectations() {
  const std::string prom = "http://prometheus:9090";
  std::map<std::string, Expectation> e;
  // Issue 11.1: no PROMETHEUS_URL in the environment; the flag names the
  // server, also for the shipped gate's "${PROMETHEUS_URL:-…}" url.
  e["aurora-gate check gates/runbook/postdeploy.yaml --prometheus http://prometheus:9090"] = {
      {}, 0, {"api-latency-p95", "cpu-usage", "Verdict:"}};
  e["aurora-gate check gates/runbook/stop-conditions.yaml"] = {
      {{"PROMETHEUS_URL", prom}}, 0, {"error-rate"}};
  e["aurora-gate check gates/runbook/runbook-alerts.yml --at 2026-11-27T08:00:00Z"] = {
      {{"PROMETHEUS_URL", prom}}, 1, {"HighErrorRate", "status=\"500\""}};
  e["AURORA_API_URL=http://testnet.aurora.internal PROMETHEUS_URL=http://prometheus:9090 "
    "aurora-gate check gates/runbook/golive.yaml"] = {
      {}, 0, {"api-responding", "alerts-configured", "database-healthy"}};
  e["aurora-gate watch gates/runbook/stop-conditions.yaml --interval 15s --duration 30m "
    "--listen 127.0.0.1:9464"] = {
      {{"PROMETHEUS_URL", prom}}, 3, {"watch started", "watch finished"}, {}, true};
  e["aurora-gate report gates/runbook/golive.yaml gates/runbook/postdeploy.yaml --window 30m "
    "--html golive.html --markdown golive.md --report-url https://ci.example/golive.html "
    "--set commit=$GIT_COMMIT"] = {
      {{"PROMETHEUS_URL", prom},
       {"AURORA_API_URL", "http://testnet.aurora.internal"},
       {"GIT_COMMIT", "0123abc"}},
      0,
      {},
      {"golive.html", "golive.md"}};
  // Issue 17: the runbook's rule unit tests (a throw-away Prometheus of its own).
  e["aurora-gate test gates/runbook/tests/runbook-alerts.test.yml "
    "gates/runbook/tests/stop-conditions.test.yml --junit rule-tests.xml"] = {
      {}, 0, {"Unit Testing:  gates/runbook/tests/runbook-alerts.test.yml", "SUCCESS"},
      {"rule-tests.xml"}};
  // Issue 11.14: a shipped gate plus an actions file (nothing fails, so the
  // hook is not called).
  e["aurora-gate check gates/runbook/stop-conditions.yaml --actions examples/rollback.yaml"] = {
      {{"PROMETHEUS_URL", prom}, {"ROLLBACK_WEBHOOK_URL", "http://127.0.0.1:9/rollback"}},
      0,
      {"Verdict: PASS"}};
  // Runbook 1.3 and 2.3 (issue 15.3).
  e["aurora-gate check gates/runbook/config.yaml"] = {
      {{"AURORA_API_KEY", "ak-1"},
       {"DATABASE_URL", "postgresql://aurora@db:5432/aurora"},
       {"REDIS_URL", "redis://redis:6379/0"}},
      0,
      {"required-env-vars", "env-vars-well-formed", "Verdict: PASS"}};
  e["AURORA_API_URL=http://testnet.aurora.internal aurora-gate check gates/runbook/health.yaml"] = {
      {}, 0, {"ecs-rollout-completed", "api-health", "Verdict: PASS"}};
  // Issue 15.1 (dry run: the working directory links the repository's examples).
  e["ARTIFACTS=examples/artifacts/pass aurora-gate baseline update gates/runbook/predeploy.yaml "
    "--dry-run"] = {{}, 0, {"would promote examples/artifacts/pass/testnet_performance.json"}};
  // Issue 15.2: a real Pushgateway.
  // Issue 15: a history baseline (promote, then compare with its median) and
  // live baselines (the same query before the deploy, on backfilled history).
  e["ARTIFACTS=examples/artifacts/pass aurora-gate baseline update examples/perf-history.yaml "
    "&& ARTIFACTS=examples/artifacts/pass aurora-gate check examples/perf-history.yaml"] = {
      {},
      0,
      {"promoted examples/artifacts/pass/testnet_performance.json -> "
       "artifacts/baselines/perf/ (history, keep 10)",
       "baseline: median of 1 promoted artifact in artifacts/baselines/perf",
       "Verdict: PASS"}};
  e["aurora-gate check examples/live-baseline.yaml --prometheus http://prometheus:9090 --at "
    "2026-11-27T08:05:00Z --baseline-at 2026-11-27T07:30:00Z"] = {
      {},
      0,
      {"error-ratio-vs-before", "0.05 (baseline 0.05, 0 %)",
       "baseline: the same query at 2026-11-27T07:30:00Z (--baseline-at, 35m before)",
       "Verdict: PASS"}};
  e["ARTIFACTS=examples/artifacts/pass aurora-gate check gates/runbook/predeploy.yaml --push "
    "http://pushgateway:9091 --push-label env=testnet"] = {
      {}, 0, {"pushed the run's metrics to", "/metrics/job/aurora-gate/env/testnet"}};
  // Issue 16: the service starts with every shipped gate, answers
  // /healthz, and exits 0 on SIGTERM.
  e["aurora-gate serve --gates gates/runbook --listen 127.0.0.1:9464 --prometheus "
    "http://prometheus:9090"] = {{}, 0, {"serving"}, {}, true};
  // Issue 17: the recorded incident, backfilled as the README says, then
  // backtested (the test's Prometheus holds the same history).
  e["promtool tsdb create-blocks-from openmetrics examples/incidents/error-spike-2026-11-24.om "
    "incident-data"] = {{}, 0, {"BLOCK ULID"}};
  e["aurora-gate backtest gates/runbook/stop-conditions.yaml --prometheus http://prometheus:9090 "
    "--from 2026-11-24T14:10:00Z --to 2026-11-24T14:40:00Z --step 30s --html backtest.html "
    "--json backtest.json"] = {
      {},
      1,
      {"incident (fail) tripped at 2026-11-24T14:2", "performance/error-rate-over-5pct"},
      {"backtest.html", "backtest.json"}};
  e["aurora-gate backtest gates/runbook/stop-conditions.yaml --prometheus http://prometheus:9090 "
    "--deploys examples/incidents/deploys.txt --window 9m"] = {
      {},
      1,
      {"v1.4.2 (the bad one) +9m: would have tripped at 2026-11-24T14:2",
       "v1.4.1 (the rollback) +9m: clean"}};
  return e;
}

// SIGTERMs a background `sh -c` (exec'ing the command) and returns its exit
// code, or -1 when it did not exit within `limit`.
int StopAndWait(pid_t pid, std::chrono::seconds limit) {
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

// Runs `command` through sh in `dir` until /healthz on `port` answers "ok",
// then stops it with SIGTERM. Output goes to dir/out.
testing::ProcessResult RunUntilHealthyThenStop(const std::string& command,
                                               const std::string& dir, int port,
                                               const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings = testing::MergedEnvironment(env);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv = {"/bin/sh", "-c",
                                   absl::StrCat("cd '", dir, "' && exec ", command)};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = dir + "/out";
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  testing::ProcessResult r;
  const int spawned = posix_spawn(&pid, "/bin/sh", &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (spawned != 0) return r;
  const std::string health = absl::StrCat("http://127.0.0.1:", port, "/healthz");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool healthy = false, cycled = false;
  while (!(healthy && cycled) && std::chrono::steady_clock::now() < deadline) {
    testing::ToolResult h = testing::HttpGet(health);
    healthy = h.exit_code == 0 && h.output == "ok\n";
    // The first cycle has judged every rule (one transition line each).
    cycled = absl::StrContains(testing::ReadWholeFile(out), "rule=resources/cpu-over-90pct");
    if (!(healthy && cycled)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(healthy) << command << "\n" << testing::ReadWholeFile(out);
  r.exit_code = StopAndWait(pid, std::chrono::seconds(30));
  r.out = testing::ReadWholeFile(out);
  return r;
}

TEST_F(ReadmeCommandsTest, EveryFencedCommandRunsAsWritten) {
  ASSERT_NE(prometheus_, nullptr);
  ASSERT_NE(api_, nullptr);
  const std::vector<std::string> commands = FencedCommands(testing::ReadWholeFile("README.md"));
  ASSERT_GE(commands.size(), 8u);
  std::map<std::string, Expectation> expectations = Expectations();
  std::set<std::string> seen;
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    seen.insert(command);
    if (kRunByCi.count(command)) continue;
    auto it = expectations.find(command);
    ASSERT_NE(it, expectations.end())
        << "README.md has a command this test does not run: add it to Expectations()";
    const Expectation& want = it->second;
    const int listen_port = testing::FreeLoopbackPort();
    std::map<std::string, std::string> env = BaseEnv();
    for (const auto& [k, v] : want.env) env[k] = Substitute(v, listen_port);
    const std::string dir = Workdir();
    const std::string run = Substitute(command, listen_port);
    testing::ProcessResult r;
    if (want.runs_until_stopped) {
      r = RunUntilHealthyThenStop(run, dir, listen_port, env);
    } else {
      r = testing::RunProcess({"/bin/sh", "-c", absl::StrCat("cd '", dir, "' && ", run)}, env);
    }
    const std::string output = r.out + r.err;
    EXPECT_EQ(r.exit_code, want.exit_code) << output;
    for (const std::string& text : want.output_has) {
      EXPECT_THAT(output, HasSubstr(text));
    }
    // Nothing asked of another server: every address was the test's.
    EXPECT_THAT(output, Not(HasSubstr("localhost:9090")));
    EXPECT_THAT(output, Not(HasSubstr("aurora.internal")));
    for (const std::string& file : want.files) {
      EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/" + file)) << file;
    }
    std::filesystem::remove_all(dir);
  }
  for (const auto& [command, want] : expectations) {
    EXPECT_TRUE(seen.count(command)) << "no longer in README.md: " << command;
  }
  for (const std::string& command : kRunByCi) {
    EXPECT_TRUE(seen.count(command)) << "no longer in README.md: " << command;
  }
}

// ---- --prometheus precedence (issue 11.1) ---------------------------------

std::string WriteGate(const std::string& dir, const std::string& url_line,
                      const std::string& name = "gate.yaml") {
  const std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fprintf(f,
               "gate: g\n"
               "sources:\n  prom: { type: prometheus%s }\n"
               "groups:\n  - name: live\n    rules:\n"
               "      - { name: db-up, source: prom, expr: min(pg_up), pass: \"== 1\" }\n",
               url_line.c_str());
  std::fclose(f);
  return path;
}

constexpr char kDeadServer[] = "http://127.0.0.1:1";

TEST_F(ReadmeCommandsTest, PrometheusFlagBeatsTheEnvironmentInGateFiles) {
  ASSERT_NE(prometheus_, nullptr);
  const std::string dir = testing::MakeTempDir();
  const std::string gate = WriteGate(dir, ", url: \"${PROMETHEUS_URL:-http://localhost:9090}\"");
  auto r = testing::RunProcess(
      {AURORA_GATE_BIN, "check", gate, "--prometheus", prometheus_->url(), "--color", "never"},
      {{"PROMETHEUS_URL", kDeadServer}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // Without the flag, the environment decides.
  auto env_only = testing::RunProcess(
      {AURORA_GATE_BIN, "check", gate, "--color", "never"},
      {{"PROMETHEUS_URL", prometheus_->url()}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(env_only.exit_code, 0) << env_only.out << env_only.err;
  // The flag also names the server of a source without a url.
  const std::string no_url = WriteGate(dir, "", "no-url.yaml");
  auto bare = testing::RunProcess(
      {AURORA_GATE_BIN, "check", no_url, "--prometheus", prometheus_->url()},
      {{"PROMETHEUS_URL", kDeadServer}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(bare.exit_code, 0) << bare.out << bare.err;
  std::filesystem::remove_all(dir);
}

TEST_F(ReadmeCommandsTest, ASourceWithALiteralUrlKeepsItsOwn) {
  ASSERT_NE(prometheus_, nullptr);
  const std::string dir = testing::MakeTempDir();
  const std::string gate = WriteGate(dir, absl::StrCat(", url: \"", prometheus_->url(), "\""));
  auto r = testing::RunProcess({AURORA_GATE_BIN, "check", gate, "--prometheus", kDeadServer},
                               {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::filesystem::remove_all(dir);
}

TEST_F(ReadmeCommandsTest, SetPrometheusUrlThatDisagreesWithTheFlagIsAUsageError) {
  const std::string dir = testing::MakeTempDir();
  const std::string gate = WriteGate(dir, ", url: \"${PROMETHEUS_URL}\"");
  for (const char* command : {"check", "lint", "watch"}) {
    auto r = testing::RunProcess({AURORA_GATE_BIN, command, gate, "--prometheus",
                                  "http://a:9090", "--set", "PROMETHEUS_URL=http://b:9090"});
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("--prometheus and --set PROMETHEUS_URL name different "
                                 "servers"))
        << command;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aurora
