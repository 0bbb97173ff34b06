// `aurora-gate watch` in real time: a real Prometheus scrapes a test
// exporter whose value the test sets, and scrapes the watcher's own
// /metrics; the watcher's rule moves inactive -> pending -> firing ->
// resolved as the value moves, and SIGTERM ends it with its reports. A
// watcher killed (kill -9) after spooling its rollback webhook and before
// the delivery succeeded is restarted: the receiver gets the action once
// per idempotency key, and no log, report or metric names the webhook's
// token.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/background_process.h"
#include "tests/testing/chromium.h"
#include "tests/testing/gauge_exporter.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

using ::testing::HasSubstr;

TEST(WatchE2ETest, RuleMovesThroughPendingFiringResolvedInRealTime) {
  std::atomic<int> value{0};
  auto exporter = testing::StartGaugeExporter(&value);
  ASSERT_TRUE(exporter.ok());
  const int watcher_port = testing::FreeLoopbackPort();
  std::string config = absl::StrCat(
      "scrape_configs:\n"
      "  - job_name: exporter\n    scrape_interval: 1s\n"
      "    static_configs: [{targets: ['127.0.0.1:", (*exporter)->port(), "']}]\n"
      "  - job_name: watcher\n    scrape_interval: 1s\n"
      "    static_configs: [{targets: ['127.0.0.1:", watcher_port, "']}]\n");
  auto prom = testing::PrometheusServer::Start({}, config);
  ASSERT_NE(prom, nullptr);

  std::string dir = testing::MakeTempDir();
  std::string gate = dir + "/gate.yaml";
  {
    std::FILE* f = std::fopen(gate.c_str(), "w");
    std::fprintf(f,
                 "evaluation_interval: 1s\n"
                 "groups:\n  - name: live\n    rules:\n"
                 "      - alert: TestErrors\n"
                 "        expr: test_errors{job=\"exporter\"} > 5\n"
                 "        for: 3s\n"
                 "        labels: { severity: critical }\n");
    std::fclose(f);
  }
  testing::BackgroundProcess watch({AURORA_GATE_BIN, "watch", gate, "--prometheus", prom->url(),
                    "--interval", "1s", "--duration", "2m", "--keep-running",
                    "--listen", absl::StrCat("127.0.0.1:", watcher_port), "--json",
                    dir + "/report.json", "--html", dir + "/golive.html"},
                   dir + "/watch.log");
  const auto kWait = std::chrono::seconds(30);
  // Before the first scrape the query has no series: an alert is then
  // inactive, as in Prometheus (issue 12.1), so the rule passes from the
  // start; wait until 0 has been scraped before raising the value.
  bool seen_zero = false;
  auto zero_deadline = std::chrono::steady_clock::now() + kWait;
  while (!seen_zero && std::chrono::steady_clock::now() < zero_deadline) {
    testing::ToolResult r = testing::HttpGet(
        prom->url() + "/api/v1/query", {{"query", "test_errors{job=\"exporter\"} == 0"}});
    seen_zero = r.exit_code == 0 && r.output.find("\"result\":[{") != std::string::npos;
    if (!seen_zero) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(seen_zero);
  ASSERT_TRUE(watch.WaitForLog("to=pass", kWait)) << watch.Log();
  value = 10;
  ASSERT_TRUE(watch.WaitForLog("from=pass to=pending", kWait)) << watch.Log();
  ASSERT_TRUE(watch.WaitForLog("from=pending to=fail", kWait)) << watch.Log();
  EXPECT_TRUE(watch.WaitForLog("stop condition tripped verdict=fail", kWait)) << watch.Log();
  value = 0;
  ASSERT_TRUE(watch.WaitForLog("from=fail to=pass", kWait)) << watch.Log();
  // Prometheus scrapes the watcher's own metrics.
  bool scraped = false;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!scraped && std::chrono::steady_clock::now() < deadline) {
    testing::ToolResult r = testing::HttpGet(
        prom->url() + "/api/v1/query",
        {{"query", "aurora_gate_evaluations_total{job=\"watcher\"} > 3"}});
    scraped = r.exit_code == 0 && r.output.find("\"result\":[{") != std::string::npos;
    if (!scraped) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(scraped);
  auto health = testing::HttpGet(absl::StrCat("http://127.0.0.1:", watcher_port, "/healthz"), {});
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_EQ(health.output, "ok\n");
  // SIGTERM: the current cycle finishes, the report is written; a stop
  // condition tripped during the watch, so the exit code is 1.
  EXPECT_EQ(watch.Stop(std::chrono::seconds(20)), 1) << watch.Log();
  const std::string json = testing::ReadWholeFile(dir + "/report.json");
  EXPECT_THAT(json, HasSubstr("\"verdict\": \"fail\""));
  // --html: the span watched is read once at the end and charted (the JSON
  // carries the same series).
  EXPECT_THAT(json, HasSubstr("\"history\": {"));
  const std::string html = testing::ReadWholeFile(dir + "/golive.html");
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\""));
  EXPECT_THAT(html, HasSubstr("<line class=\"threshold fail\""));
  EXPECT_THAT(watch.Log(), HasSubstr("watch finished"));
  testing::RemoveDir(dir);
}

// Names of the files in `dir` ending in `suffix`.
std::vector<std::string> FilesEndingIn(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(name);
    }
  }
  ::closedir(d);
  return out;
}

// Waits (polling) until `done` holds or `limit` passes.
bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST(WatchE2ETest, KilledWhileDeliveringTheRollbackIsDeliveredOnceAfterRestart) {
  auto exporter = testing::HttpTestServer::Start([](const testing::TestHttpRequest&) {
    testing::TestHttpResponse r;
    r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
    r.body = "# TYPE test_errors gauge\ntest_errors 10\n";
    return r;
  });
  ASSERT_TRUE(exporter.ok());
  auto prom = testing::PrometheusServer::Start(
      {}, absl::StrCat("scrape_configs:\n"
                       "  - job_name: exporter\n    scrape_interval: 1s\n"
                       "    static_configs: [{targets: ['127.0.0.1:",
                       (*exporter)->port(), "']}]\n"));
  ASSERT_NE(prom, nullptr);

  // The webhook receiver: the first attempt hangs (never answered before
  // the kill), later ones are answered at once.
  std::mutex mu;
  std::vector<std::string> keys;       // Idempotency-Key of every request
  std::vector<std::string> delivered;  // ... of those answered 200 at once
  auto receiver = testing::HttpTestServer::Start([&](const testing::TestHttpRequest& req) {
    testing::TestHttpResponse r;
    std::lock_guard<std::mutex> lock(mu);
    keys.emplace_back(req.Header("idempotency-key"));
    if (keys.size() == 1) {
      r.delay = absl::Seconds(120);
    } else {
      delivered.emplace_back(req.Header("idempotency-key"));
    }
    return r;
  });
  ASSERT_TRUE(receiver.ok());
  // A Slack-style webhook URL: the token is in the path.
  const std::string kTeam = "T0AURORA7", kBot = "B0GATE42X",
                    kToken = "Xk3yS3cr3tT0k3nV4lue";
  std::string dir = testing::MakeTempDir();
  std::string gate = dir + "/gate.yaml", spool = dir + "/spool";
  {
    std::FILE* f = std::fopen(gate.c_str(), "w");
    std::fputs(absl::StrCat(
                   "gate: stop-conditions\n"
                   "sources:\n  prom: { type: prometheus, url: \"", prom->url(), "\" }\n"
                   "groups:\n  - name: live\n    rules:\n"
                   "      - { name: errors, expr: 'test_errors{job=\"exporter\"}', pass: \"< 5\" }\n"
                   "actions:\n"
                   "  - on: fail\n"
                   "    webhook:\n"
                   "      url: \"", (*receiver)->url(""), "/services/", kTeam, "/", kBot, "/",
                   kToken, "\"\n"
                   "      format: slack\n"
                   "      text: rollback\n"
                   "      timeout: 60s\n"
                   "      max_attempts: 3\n")
                   .c_str(),
               f);
    std::fclose(f);
  }
  const int watcher_port = testing::FreeLoopbackPort();
  std::vector<std::string> argv = {AURORA_GATE_BIN, "watch", gate, "--interval", "1s",
                                   "--duration", "2m", "--spool-dir", spool};
  std::vector<std::string> first_argv = argv;
  first_argv.push_back("--listen");
  first_argv.push_back(absl::StrCat("127.0.0.1:", watcher_port));
  testing::BackgroundProcess first(first_argv, dir + "/first.log");
  // The rollback is spooled (write, fsync, rename) before its first
  // attempt; the receiver holds that attempt.
  ASSERT_TRUE(WaitFor([&] { return !FilesEndingIn(spool, ".action").empty(); },
                      std::chrono::seconds(60)))
      << first.Log();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return !keys.empty();
  }, std::chrono::seconds(30))) << first.Log();
  auto metrics = testing::HttpGet(absl::StrCat("http://127.0.0.1:", watcher_port, "/metrics"), {});
  EXPECT_EQ(metrics.exit_code, 0);
  EXPECT_THAT(metrics.output, HasSubstr("aurora_gate_evaluations_total"));
  first.Kill();
  std::string first_key;
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_TRUE(delivered.empty());
    first_key = keys[0];
  }
  EXPECT_EQ(first_key.size(), 64u);
  ASSERT_EQ(FilesEndingIn(spool, ".action").size(), 1u);

  // The restarted watcher delivers what the killed one spooled; the gate
  // still fails, and it continues the same incident (same key).
  std::vector<std::string> second_argv = argv;
  for (const char* kind : {"json", "junit", "markdown"}) {
    second_argv.push_back(absl::StrCat("--", kind));
    second_argv.push_back(absl::StrCat(dir, "/report.", kind));
  }
  auto second = testing::RunProcess(second_argv);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err, HasSubstr("continuing the incident an earlier run opened"));
  EXPECT_THAT(second.err, HasSubstr("stop condition tripped verdict=fail"));
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_FALSE(delivered.empty()) << second.err;
    // Every request of both processes carried the same key: after dedupe
    // by Idempotency-Key the receiver has exactly one rollback.
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()),
              std::set<std::string>{first_key});
    EXPECT_EQ(std::set<std::string>(delivered.begin(), delivered.end()),
              std::set<std::string>{first_key});
  }
  EXPECT_TRUE(FilesEndingIn(spool, ".action").empty());

  // The token (and the rest of the secret path) is in no log, report or
  // metric; the URL is shown with the path masked.
  const std::string everything =
      absl::StrCat(first.Log(), second.out, second.err, metrics.output,
                   testing::ReadWholeFile(dir + "/report.json"),
                   testing::ReadWholeFile(dir + "/report.junit"),
                   testing::ReadWholeFile(dir + "/report.markdown"));
  EXPECT_THAT(second.err, HasSubstr("/services/***/***/***"));
  for (const std::string& secret : {kToken, kTeam, kBot}) {
    EXPECT_THAT(everything, ::testing::Not(HasSubstr(secret)));
  }
  testing::RemoveDir(dir);
}

// An artifact gate (no Prometheus needed) with a rollback webhook to
// `receiver_url`; the coverage file comes from $ARTIFACTS.
std::string WriteArtifactGate(const std::string& dir, const std::string& receiver_url) {
  std::string gate = dir + "/gate.yaml";
  std::FILE* f = std::fopen(gate.c_str(), "w");
  std::fputs(absl::StrCat(
                 "gate: predeploy\n"
                 "sources:\n  coverage: { type: coverage, path: \"${ARTIFACTS}/coverage.xml\" }\n"
                 "groups:\n  - name: q\n    rules:\n"
                 "      - { name: line-coverage, expr: coverage_line_percent, pass: \"> 90\" }\n"
                 "actions:\n"
                 "  - on: fail\n"
                 "    webhook: { url: \"", receiver_url, "/hooks/T0/B0/secret-token\", "
                 "timeout: 2s, max_attempts: 3 }\n")
                 .c_str(),
             f);
  std::fclose(f);
  return gate;
}

// Issue 10, item 10: one watcher per spool; the second refuses, and a
// killed owner (kill -9) leaves no stale lock.
TEST(WatchE2ETest, ASecondWatcherOnTheSameSpoolRefuses) {
  auto receiver = testing::HttpTestServer::Start(
      [](const testing::TestHttpRequest&) { return testing::TestHttpResponse{}; });
  ASSERT_TRUE(receiver.ok());
  std::string dir = testing::MakeTempDir();
  std::string gate = WriteArtifactGate(dir, (*receiver)->url(""));
  const std::string spool = dir + "/spool";
  ::setenv("ARTIFACTS", "examples/artifacts/pass", 1);
  testing::BackgroundProcess first({AURORA_GATE_BIN, "watch", gate, "--interval", "1s", "--duration", "2m",
                    "--spool-dir", spool},
                   dir + "/first.log");
  ASSERT_TRUE(first.WaitForLog("watch started", std::chrono::seconds(30))) << first.Log();
  auto second = testing::RunProcess({AURORA_GATE_BIN, "watch", gate, "--interval", "1s",
                                     "--duration", "2s", "--spool-dir", spool,
                                     "--allow-no-spool"});
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_THAT(second.err, HasSubstr("spool directory " + spool +
                                    " is in use by another aurora-gate (pid "));
  EXPECT_THAT(second.err, HasSubstr("nothing was evaluated"));
  EXPECT_THAT(second.err, ::testing::Not(HasSubstr("watch started")));
  first.Kill();
  auto third = testing::RunProcess({AURORA_GATE_BIN, "watch", gate, "--interval", "1s",
                                    "--duration", "1s", "--spool-dir", spool});
  EXPECT_EQ(third.exit_code, 0) << third.err;
  ::unsetenv("ARTIFACTS");
  testing::RemoveDir(dir);
}

// Issue 10, item 9: a watcher restarted with a pending rollback keeps
// evaluating on schedule while it redelivers to a receiver that hangs, ends
// at --duration (plus at most the attempt in flight), and stays healthy.
TEST(WatchE2ETest, ARestartedWatcherKeepsEvaluatingWhileARedeliveryHangs) {
  std::atomic<int> posts{0};
  auto receiver = testing::HttpTestServer::Start([&posts](const testing::TestHttpRequest&) {
    ++posts;
    testing::TestHttpResponse r;
    r.delay = absl::Seconds(60);  // never answers in time (timeout: 2s)
    return r;
  });
  ASSERT_TRUE(receiver.ok());
  std::string dir = testing::MakeTempDir();
  std::string gate = WriteArtifactGate(dir, (*receiver)->url(""));
  const std::string spool = dir + "/spool";
  // The first watcher trips on failing artifacts and fires the rollback; it
  // would wait for the delivery within its retry budget, but is stopped
  // (SIGTERM) during the first attempt: the record stays pending in the
  // spool, and the undelivered rollback makes it exit 3, not 1.
  ::setenv("ARTIFACTS", "examples/artifacts/fail", 1);
  {
    testing::BackgroundProcess first({AURORA_GATE_BIN, "watch", gate, "--interval", "1s",
                      "--duration", "1m", "--spool-dir", spool},
                     dir + "/first.log");
    ASSERT_TRUE(WaitFor([&] { return posts.load() >= 1; }, std::chrono::seconds(20)))
        << first.Log();
    EXPECT_EQ(first.Stop(std::chrono::seconds(30)), 3) << first.Log();
    EXPECT_THAT(first.Log(), HasSubstr("actions not delivered when the watch ended"));
  }
  ASSERT_EQ(FilesEndingIn(spool, ".action").size(), 1u);
  // Restarted (artifacts pass now): redelivery hangs, evaluation goes on.
  ::setenv("ARTIFACTS", "examples/artifacts/pass", 1);
  const int port = testing::FreeLoopbackPort();
  const auto started = std::chrono::steady_clock::now();
  testing::BackgroundProcess second({AURORA_GATE_BIN, "watch", gate, "--interval", "1s", "--duration", "5s",
                     "--spool-dir", spool, "--listen", absl::StrCat("127.0.0.1:", port)},
                    dir + "/second.log");
  ASSERT_TRUE(WaitFor([&] { return posts.load() >= 2; }, std::chrono::seconds(20)))
      << second.Log();
  const int posts_before_second = 1;
  auto health = testing::HttpGet(absl::StrCat("http://127.0.0.1:", port, "/healthz"), {});
  EXPECT_EQ(health.exit_code, 0) << health.output;
  EXPECT_EQ(health.output, "ok\n");
  ASSERT_TRUE(second.WaitForLog("watch finished", std::chrono::seconds(30))) << second.Log();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string log = second.Log();
  // 5 cycles at 0..4 s, each on schedule: none overran the interval.
  EXPECT_THAT(log, HasSubstr("watch finished cycles=5"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("overran the interval")));
  // Having ended by itself, it then waited for the redelivery's remaining
  // attempts (max_attempts 3, 2 s each, backoff between): bounded by that
  // budget, not by the receiver's 60 s hang.
  EXPECT_LT(elapsed, 25) << log;
  EXPECT_EQ(posts.load(), posts_before_second + 2) << log;
  // The rollback gave up: kept as failed in the spool, for spool retry.
  EXPECT_EQ(FilesEndingIn(spool, ".action").size(), 1u);
  EXPECT_EQ(second.Stop(std::chrono::seconds(5)), 3) << log;
  EXPECT_THAT(log, ::testing::Not(HasSubstr("secret-token")));
  ::unsetenv("ARTIFACTS");
  testing::RemoveDir(dir);
}


// Issue 11.2: a stop condition trips on a real Prometheus and recovers; the
// end-of-watch HTML, JSON, JUnit and Markdown all tell the incident (rule,
// tripped at, value, actions with outcome and key, resolved at) though the
// last cycle passes. The page, opened in headless Chromium, is kept as a
// screenshot in build/<preset>/test-artifacts/watch-incident.png.
TEST(WatchE2ETest, EndOfWatchReportsTellTheIncidentAfterATripAndRecovery) {
  ASSERT_FALSE(testing::ChromiumPath().empty())
      << "headless Chromium is required: scripts/install-deps.sh --test";
  std::atomic<int> value{0};
  auto exporter = testing::StartGaugeExporter(&value);
  ASSERT_TRUE(exporter.ok());
  std::mutex mu;
  std::map<std::string, std::string> key_by_path;  // the webhook receiver
  std::map<std::string, std::string> body_by_path;
  auto receiver = testing::HttpTestServer::Start([&](const testing::TestHttpRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    key_by_path[req.target] = std::string(req.Header("idempotency-key"));
    body_by_path[req.target] = req.body;
    return testing::TestHttpResponse{};
  });
  ASSERT_TRUE(receiver.ok());
  auto prom = testing::PrometheusServer::Start(
      {}, absl::StrCat("scrape_configs:\n"
                       "  - job_name: exporter\n    scrape_interval: 1s\n"
                       "    static_configs: [{targets: ['127.0.0.1:",
                       (*exporter)->port(), "']}]\n"));
  ASSERT_NE(prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  const std::string gate = dir + "/stop.yaml";
  const std::string hooks = absl::StrCat("http://127.0.0.1:", (*receiver)->port());
  {
    std::FILE* f = std::fopen(gate.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(absl::StrCat(
                   "gate: stop\ntitle: Automatic stop conditions\nevaluation_interval: 1s\n"
                   "groups:\n  - name: live\n    rules:\n"
                   "      - name: error-count\n"
                   "        expr: test_errors{job=\"exporter\"}\n"
                   "        fail: \"> 5\"\n"
                   "actions:\n"
                   "  - { on: fail, webhook: { url: \"", hooks, "/rollback\" } }\n"
                   "  - { on: resolved, webhook: { url: \"", hooks, "/resolved\" } }\n")
                   .c_str(),
               f);
    std::fclose(f);
  }
  testing::BackgroundProcess watch({AURORA_GATE_BIN, "watch", gate, "--prometheus", prom->url(),
                    "--interval", "1s", "--duration", "5m", "--keep-running",
                    "--spool-dir", dir + "/spool", "--json", dir + "/watch.json",
                    "--junit", dir + "/watch.xml", "--markdown", dir + "/watch.md",
                    "--html", dir + "/watch.html"},
                   dir + "/watch.log");
  const auto kWait = std::chrono::seconds(30);
  ASSERT_TRUE(watch.WaitForLog("to=pass value=0", kWait)) << watch.Log();
  value = 12;
  ASSERT_TRUE(watch.WaitForLog("stop condition tripped verdict=fail", kWait)) << watch.Log();
  // The failure lasts a few scrapes, so the page's chart shows it.
  ASSERT_TRUE(WaitFor(
      [&] {
        testing::ToolResult r = testing::HttpGet(
            prom->url() + "/api/v1/query",
            {{"query", "count_over_time((test_errors{job=\"exporter\"} > 5)[1m:1s]) >= 5"}});
        return r.exit_code == 0 && r.output.find("\"result\":[{") != std::string::npos;
      },
      kWait));
  value = 0;
  ASSERT_TRUE(watch.WaitForLog("stop condition resolved", kWait)) << watch.Log();
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return key_by_path.count("/resolved") > 0;
      },
      kWait));
  // The rule was healthy again in the cycle that resolved it: the last
  // cycle passes.
  EXPECT_EQ(watch.Stop(std::chrono::seconds(20)), 1) << watch.Log();
  const std::string log = watch.Log();
  EXPECT_EQ(log.find("stop condition tripped"), log.rfind("stop condition tripped")) << log;
  std::string rollback_key, resolved_body;
  {
    std::lock_guard<std::mutex> lock(mu);
    rollback_key = key_by_path["/rollback"];
    resolved_body = body_by_path["/resolved"];
  }
  ASSERT_EQ(rollback_key.size(), 64u);
  // 11.15: the resolution names the incident it closes.
  EXPECT_THAT(resolved_body, HasSubstr("\"incident_key\": \"" + rollback_key + "\""));

  const std::string json = testing::ReadWholeFile(dir + "/watch.json");
  EXPECT_THAT(json, HasSubstr("\"verdict\": \"fail\""));
  EXPECT_THAT(json, HasSubstr("\"incidents\": [\n"));
  EXPECT_THAT(json, HasSubstr("\"name\": \"error-count\""));
  EXPECT_THAT(json, HasSubstr("\"value\": 12"));
  EXPECT_THAT(json, HasSubstr("\"incident_key\": \"" + rollback_key + "\""));
  EXPECT_THAT(json, HasSubstr("\"outcome\": \"delivered\""));
  EXPECT_THAT(json, ::testing::Not(HasSubstr("\"resolved_at\": null")));
  auto schema = testing::RunProcess(
      {"python3", "tests/reports/validate_json_schema.py", "docs/report-schema.json",
       dir + "/watch.json"},
      {});
  EXPECT_EQ(schema.exit_code, 0) << schema.out << schema.err;
  const std::string junit = testing::ReadWholeFile(dir + "/watch.xml");
  EXPECT_THAT(junit, HasSubstr("failures=\"1\""));
  EXPECT_THAT(junit, HasSubstr("<failure type=\"tripped\" message=\"stop condition tripped (fail) at "));
  EXPECT_THAT(junit, HasSubstr("(value 12 {instance="));
  const std::string md = testing::ReadWholeFile(dir + "/watch.md");
  EXPECT_THAT(md, HasSubstr("aurora-gate verdict: **FAIL**"));
  EXPECT_THAT(md, HasSubstr("| ❌ stop / live/error-count | tripped (fail) at "));
  EXPECT_THAT(md, HasSubstr(rollback_key));
  EXPECT_THAT(md, HasSubstr("| ✅ 20"));  // resolved at

  const testing::BrowserRun b = testing::DumpDom(dir + "/watch.html");
  ASSERT_EQ(b.exit_code, 0) << b.command << "\n" << b.err;
  EXPECT_THAT(b.out, HasSubstr("data-verdict=\"FAIL\""));  // watch: PASS/FAIL (11.11)
  EXPECT_THAT(b.out, HasSubstr("A stop condition tripped during the watch (1 incident, "
                               "resolved before the watch ended)"));
  EXPECT_THAT(b.out, HasSubstr("<tr class=\"incident resolved\" id=\"incident-0\""));
  EXPECT_THAT(b.out, HasSubstr("<h2>Last cycle</h2>"));
  EXPECT_THAT(b.out, HasSubstr("last cycle: 1 pass"));
  const std::string artifacts = AURORA_TEST_ARTIFACTS_DIR;
  std::filesystem::create_directories(artifacts);
  const std::string png = artifacts + "/watch-incident.png";
  const testing::BrowserRun shot =
      testing::Screenshot(dir + "/watch.html", png, 1280, 1600);
  ASSERT_EQ(shot.exit_code, 0) << shot.command << "\n" << shot.err;
  EXPECT_GT(testing::ReadWholeFile(png).size(), 20000u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aurora
