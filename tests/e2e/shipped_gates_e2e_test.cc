// The shipped runbook gate files through the binary against a real
// Prometheus: a healthy service passes the post-deployment key metrics and
// the stop conditions; an unhealthy one trips every one of them. Also: the
// runbook's alert file passes `promtool check rules`, `lint --prometheus`
// places the server's parse errors in the file, and the go-live checklist
// (gates/runbook/golive.yaml) passes against a Prometheus that loaded the runbook's
// alerts and a healthy loopback Aurora API, and fails item by item against
// broken ones.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/chromium.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::ExpandSeries;
using testing::OmSample;

const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
const std::string kAt = std::to_string(kStart + 30 * 60);

// One service's metrics for an hour, a sample a minute. Per-minute counter
// increments: requests ok/5xx, latency bucket counts (le 0.1, 0.25, 0.5, 1,
// 2.5, +Inf), trades, XAI events, fills filled/rejected, CPU seconds; memory
// in bytes.
struct Service {
  std::string job;
  int ok, errors;
  std::vector<int> buckets;
  int trades, xai, filled, rejected;
  double cpu_per_minute, memory;
};

std::vector<OmSample> History(const std::vector<Service>& services) {
  std::vector<OmSample> h;
  auto add = [&h](const std::string& series, const std::string& values) {
    auto s = ExpandSeries(series, values, kStart, 60);
    h.insert(h.end(), s.begin(), s.end());
  };
  auto counter = [](double per_minute) {
    return absl::StrCat("0+", per_minute, "x60");
  };
  const char* les[] = {"0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
  for (const Service& s : services) {
    std::string j = absl::StrCat("job=\"", s.job, "\",instance=\"a\"");
    add(absl::StrCat("http_requests_total{", j, ",status=\"200\"}"), counter(s.ok));
    // errors < 0: the service never answered a 5xx, so it has no such series.
    if (s.errors >= 0) {
      add(absl::StrCat("http_requests_total{", j, ",status=\"500\"}"), counter(s.errors));
    }
    for (int i = 0; i < 6; ++i) {
      add(absl::StrCat("http_request_duration_seconds_bucket{", j, ",le=\"", les[i], "\"}"),
          counter(s.buckets[i]));
    }
    add(absl::StrCat("aurora_trades_total{", j, ",desk=\"d1\"}"), counter(s.trades));
    add(absl::StrCat("aurora_xai_events_total{", j, ",desk=\"d1\"}"), counter(s.xai));
    add(absl::StrCat("aurora_order_fills_total{", j, ",side=\"buy\",outcome=\"filled\"}"),
        counter(s.filled));
    add(absl::StrCat("aurora_order_fills_total{", j, ",side=\"buy\",outcome=\"rejected\"}"),
        counter(s.rejected));
    add(absl::StrCat("process_cpu_seconds_total{", j, "}"), counter(s.cpu_per_minute));
    add(absl::StrCat("process_resident_memory_bytes{", j, "}"),
        absl::StrCat(s.memory, "x60"));
  }
  return h;
}

class ShippedGatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Service healthy{"aurora-api", 600, 3, {400, 580, 600, 603, 603, 603},
                    100, 100, 98, 2, 6, 2e8};
    Service sick{"aurora-bad", 600, 60, {100, 200, 300, 400, 500, 660},
                 100, 90, 80, 20, 15, 5e8};
    Service clean = healthy;
    clean.job = "aurora-clean";
    clean.errors = -1;
    server_ = testing::PrometheusServer::Start(History({healthy, sick, clean})).release();
  }
  static void TearDownTestSuite() { delete server_; }

  testing::ProcessResult Check(const std::string& gate, const std::string& job,
                               const std::string& json = "") {
    std::vector<std::string> argv = {AURORA_GATE_BIN, "check", gate, "--at", kAt,
                                     "--set", "AURORA_JOB=" + job, "--color", "never"};
    if (!json.empty()) {
      argv.push_back("--json");
      argv.push_back(json);
    }
    return testing::RunProcess(argv, {{"PROMETHEUS_URL", server_->url()},
                                      {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }

  static testing::PrometheusServer* server_;
};

testing::PrometheusServer* ShippedGatesTest::server_ = nullptr;

TEST_F(ShippedGatesTest, HealthyServicePassesTheKeyMetricsAndStopConditions) {
  ASSERT_NE(server_, nullptr);
  std::string json = testing::MakeTempDir() + "/r.json";
  auto post = Check("gates/runbook/postdeploy.yaml", "aurora-api", json);
  EXPECT_EQ(post.exit_code, 0) << post.out << post.err;
  rapidjson::Document d;
  std::string text = testing::ReadWholeFile(json);
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError());
  int rules = 0;
  for (const auto& rule : d["gates"][0]["rules"].GetArray()) {
    ++rules;
    EXPECT_STREQ(rule["outcome"].GetString(), "pass") << rule["name"].GetString();
  }
  EXPECT_EQ(rules, 6);
  auto stop = Check("gates/runbook/stop-conditions.yaml", "aurora-api");
  EXPECT_EQ(stop.exit_code, 0) << stop.out << stop.err;
}

// A service that never answered a 5xx has no 5xx series at all: its error
// rate is 0 (a pass), not "no data".
TEST_F(ShippedGatesTest, ServiceWithoutAny5xxSeriesHasAZeroErrorRate) {
  ASSERT_NE(server_, nullptr);
  for (const std::string gate :
       {"gates/runbook/postdeploy.yaml", "gates/runbook/stop-conditions.yaml"}) {
    std::string json = testing::MakeTempDir() + "/r.json";
    auto r = Check(gate, "aurora-clean", json);
    EXPECT_EQ(r.exit_code, 0) << gate << "\n" << r.out << r.err;
    rapidjson::Document d;
    std::string text = testing::ReadWholeFile(json);
    d.Parse(text.c_str());
    ASSERT_FALSE(d.HasParseError()) << gate;
    int error_rules = 0;
    for (const auto& rule : d["gates"][0]["rules"].GetArray()) {
      if (!absl::StrContains(rule["name"].GetString(), "error-rate")) continue;
      ++error_rules;
      EXPECT_STREQ(rule["outcome"].GetString(), "pass") << gate;
      ASSERT_EQ(rule["series"].Size(), 1u) << gate;
      ASSERT_TRUE(rule["series"][0]["value"].IsNumber()) << gate;
      EXPECT_EQ(rule["series"][0]["value"].GetDouble(), 0) << gate;
    }
    EXPECT_EQ(error_rules, 1) << gate;
  }
}

TEST_F(ShippedGatesTest, SickServiceTripsEveryStopCondition) {
  ASSERT_NE(server_, nullptr);
  std::string json = testing::MakeTempDir() + "/r.json";
  auto stop = Check("gates/runbook/stop-conditions.yaml", "aurora-bad", json);
  EXPECT_EQ(stop.exit_code, 1) << stop.out << stop.err;
  rapidjson::Document d;
  std::string text = testing::ReadWholeFile(json);
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError());
  int rules = 0;
  for (const auto& rule : d["gates"][0]["rules"].GetArray()) {
    ++rules;
    EXPECT_STREQ(rule["outcome"].GetString(), "fail") << rule["name"].GetString();
  }
  EXPECT_EQ(rules, 5);
  auto post = Check("gates/runbook/postdeploy.yaml", "aurora-bad");
  EXPECT_EQ(post.exit_code, 1) << post.out << post.err;
}

// Issue 11.14: actions are added to a shipped gate without forking it.
// A receiver that records what it is sent.
class Receiver {
 public:
  Receiver() {
    auto s = testing::HttpTestServer::Start([](const testing::TestHttpRequest&) {
      testing::TestHttpResponse r;
      r.body = "ok";
      return r;
    });
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) server_ = *std::move(s);
  }
  std::string url() const { return server_ ? server_->url("/hook") : ""; }
  std::vector<testing::TestHttpRequest> requests() const {
    return server_ ? server_->requests() : std::vector<testing::TestHttpRequest>{};
  }

 private:
  std::unique_ptr<testing::HttpTestServer> server_;
};

std::string WriteActionsFile(const std::string& dir, const std::string& on,
                             const std::string& url) {
  std::string path = dir + "/actions.yaml";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(absl::StrCat("# Rollback hook for the shipped stop conditions.\n"
                          "actions:\n  - on: ", on, "\n    webhook: { url: \"",
                          url, "\", format: json }\n").c_str(), f);
  std::fclose(f);
  return path;
}

TEST_F(ShippedGatesTest, CheckWithAnActionsFileFiresItOnTheShippedGate) {
  ASSERT_NE(server_, nullptr);
  Receiver hook;
  std::string dir = testing::MakeTempDir();
  std::string actions = WriteActionsFile(dir, "fail", hook.url());
  // Given as a gate file, the actions file is refused with a hint.
  auto wrong = testing::RunProcess({AURORA_GATE_BIN, "check", actions});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr(actions + ":2:1: missing key \"groups\": this "
                                   "file has only actions"));
  EXPECT_THAT(wrong.err, HasSubstr("--actions FILE"));
  auto lint = testing::RunProcess({AURORA_GATE_BIN, "lint", "--offline",
                                   "gates/runbook/stop-conditions.yaml",
                                   "--actions", actions});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  auto stop = testing::RunProcess(
      {AURORA_GATE_BIN, "check", "gates/runbook/stop-conditions.yaml", "--actions",
       actions, "--at", kAt, "--set", "AURORA_JOB=aurora-bad", "--color", "never",
       "--spool-dir", dir + "/spool"},
      {{"PROMETHEUS_URL", server_->url()}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(stop.exit_code, 1) << stop.out << stop.err;
  std::vector<testing::TestHttpRequest> sent = hook.requests();
  ASSERT_EQ(sent.size(), 1u) << stop.err;
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_THAT(sent[0].body, HasSubstr("stop-conditions"));
  EXPECT_THAT(sent[0].body, HasSubstr("p95-latency-over-2s"));
  // A healthy service: no failure, nothing sent.
  auto healthy = testing::RunProcess(
      {AURORA_GATE_BIN, "check", "gates/runbook/stop-conditions.yaml", "--actions",
       actions, "--at", kAt, "--set", "AURORA_JOB=aurora-api", "--color", "never",
       "--spool-dir", dir + "/spool"},
      {{"PROMETHEUS_URL", server_->url()}, {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_EQ(hook.requests().size(), 1u);
  testing::RemoveDir(dir);
}

TEST_F(ShippedGatesTest, WatchAndReportTakeAnActionsFile) {
  ASSERT_NE(server_, nullptr);
  Receiver hook;
  std::string dir = testing::MakeTempDir();
  std::string actions = WriteActionsFile(dir, "start", hook.url());
  auto watch = testing::RunProcess(
      {AURORA_GATE_BIN, "watch", "gates/runbook/stop-conditions.yaml", "--actions",
       actions, "--interval", "1s", "--duration", "1s", "--set",
       "AURORA_JOB=aurora-api", "--spool-dir", dir + "/spool"},
      {{"PROMETHEUS_URL", server_->url()}});
  std::vector<testing::TestHttpRequest> sent = hook.requests();
  ASSERT_GE(sent.size(), 1u) << watch.out << watch.err;
  EXPECT_THAT(sent[0].body, HasSubstr("stop-conditions"));
  // report fires no actions, but loads the file (a broken one is refused).
  auto report = testing::RunProcess(
      {AURORA_GATE_BIN, "report", "gates/runbook/stop-conditions.yaml", "--actions",
       dir + "/missing.yaml", "--at", kAt},
      {{"PROMETHEUS_URL", server_->url()}});
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_THAT(report.err, HasSubstr(dir + "/missing.yaml: cannot read actions file"));
  testing::RemoveDir(dir);
}

TEST_F(ShippedGatesTest, RunbookAlertFilePassesPromtoolCheckRules) {
  testing::ToolResult r = testing::PromtoolCheckRules("gates/runbook/runbook-alerts.yml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("SUCCESS: 5 rules found"));
}

// `report`: the same decision as `check`, with every live rule's series over
// the window in the JSON (valid against docs/report-schema.json) and the
// Markdown linking the published HTML report.
// Every shipped gate file lints clean, its PromQL checked by the real
// server (issue 15.4: a shipped gate is itself under test).
TEST_F(ShippedGatesTest, EveryShippedGateFileLintsCleanAgainstTheServer) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator("gates/runbook")) {
    const std::string ext = e.path().extension().string();
    if (ext == ".yaml" || ext == ".yml") files.push_back(e.path().string());
  }
  ASSERT_GE(files.size(), 8u);
  for (const std::string& f : files) {
    auto r = testing::RunProcess({AURORA_GATE_BIN, "lint", f, "--prometheus",
                                  server_->url()});
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.out << r.err;
  }
}

TEST_F(ShippedGatesTest, ReportReadsTheWindowAndDecidesAsCheck) {
  ASSERT_NE(server_, nullptr);
  std::string dir = testing::MakeTempDir();
  for (const std::string job : {"aurora-api", "aurora-bad"}) {
    auto r = testing::RunProcess(
        {AURORA_GATE_BIN, "report", "gates/runbook/postdeploy.yaml", "--at", kAt,
         "--window", "20m", "--set", "AURORA_JOB=" + job, "--json",
         dir + "/" + job + ".json", "--markdown", dir + "/" + job + ".md",
         "--report-url", "https://ci.example/golive.html", "--color", "never"},
        {{"PROMETHEUS_URL", server_->url()},
         {"GITHUB_STEP_SUMMARY", "\x01unset"}});
    EXPECT_EQ(r.exit_code, job == "aurora-api" ? 0 : 1) << r.out << r.err;
    EXPECT_EQ(r.exit_code, Check("gates/runbook/postdeploy.yaml", job).exit_code);
    rapidjson::Document d;
    std::string text = testing::ReadWholeFile(dir + "/" + job + ".json");
    d.Parse(text.c_str());
    ASSERT_FALSE(d.HasParseError());
    EXPECT_EQ(d["window_seconds"].GetDouble(), 1200);
    int rules = 0;
    for (const auto& rule : d["gates"][0]["rules"].GetArray()) {
      ++rules;
      // 20 minutes at the gate's 15s evaluation interval: 81 points a series.
      ASSERT_TRUE(rule.HasMember("history")) << rule["name"].GetString();
      EXPECT_EQ(rule["history"]["step_seconds"].GetDouble(), 15);
      ASSERT_GE(rule["history"]["series"].Size(), 1u);
      EXPECT_EQ(rule["history"]["series"][0]["points"].Size(), 81u)
          << rule["name"].GetString();
    }
    EXPECT_EQ(rules, 6);
    std::string md = testing::ReadWholeFile(dir + "/" + job + ".md");
    EXPECT_THAT(md, HasSubstr("(https://ci.example/golive.html)"));
    auto v = testing::RunProcess({"python3", "tests/reports/validate_json_schema.py",
                                  "docs/report-schema.json", dir + "/" + job + ".json"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The go-live page from the binary, opened in headless Chromium: the DOM the
// browser built has the verdict, a row and a chart (with its threshold line)
// per rule; a screenshot is kept in build/<preset>/test-artifacts.
TEST_F(ShippedGatesTest, ReportHtmlOpensInABrowserWithAChartPerLiveRule) {
  ASSERT_NE(server_, nullptr);
  ASSERT_FALSE(testing::ChromiumPath().empty())
      << "headless Chromium is required: scripts/install-deps.sh --test";
  std::string dir = testing::MakeTempDir();
  struct Case {
    std::string job, verdict;
    int exit_code;
  } cases[] = {{"aurora-api", "GO", 0}, {"aurora-bad", "NO-GO", 1}};
  for (const Case& c : cases) {
    const std::string html = dir + "/" + c.job + ".html";
    auto r = testing::RunProcess(
        {AURORA_GATE_BIN, "report", "gates/runbook/postdeploy.yaml",
         "gates/runbook/stop-conditions.yaml", "--at", kAt, "--window", "30m", "--set",
         "AURORA_JOB=" + c.job, "--set", "commit=0123abc", "--html", html,
         "--color", "never"},
        {{"PROMETHEUS_URL", server_->url()},
         {"GITHUB_STEP_SUMMARY", "\x01unset"}});
    ASSERT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
    const testing::BrowserRun b = testing::DumpDom(html);
    ASSERT_EQ(b.exit_code, 0) << b.command << "\n" << b.err;
    const std::string& dom = b.out;
    EXPECT_THAT(dom, HasSubstr("data-verdict=\"" + c.verdict + "\""));
    // postdeploy has 6 rules, stop-conditions 5: all live, all charted.
    EXPECT_EQ(Count(dom, "<tr class=\"rule "), 11u);
    EXPECT_EQ(Count(dom, "<svg class=\"chart\""), 11u);
    EXPECT_EQ(Count(dom, "<p class=\"no-history\">"), 0u);
    EXPECT_GE(Count(dom, "<line class=\"threshold "), 11u);
    EXPECT_EQ(Count(dom, "<script"), 0u);
    EXPECT_THAT(dom, HasSubstr("0123abc"));
    if (c.verdict == "NO-GO") {
      EXPECT_GE(Count(dom, "<rect class=\"stretch fail\""), 1u);
      EXPECT_GE(Count(dom, "<tr class=\"rule fail"), 1u);
    }
  }
  const std::string artifacts = AURORA_TEST_ARTIFACTS_DIR;
  std::filesystem::create_directories(artifacts);
  const std::string png = artifacts + "/golive-e2e-nogo.png";
  const testing::BrowserRun shot =
      testing::Screenshot(dir + "/aurora-bad.html", png, 1280, 3000);
  ASSERT_EQ(shot.exit_code, 0) << shot.command << "\n" << shot.err;
  EXPECT_GT(testing::ReadWholeFile(png).size(), 20000u);
  std::filesystem::remove_all(dir);
}

TEST_F(ShippedGatesTest, RunbookAlertsAsWrittenFireOnTheFirst5xx) {
  ASSERT_NE(server_, nullptr);
  // The runbook's HighErrorRate divides each 5xx series by itself (see the
  // file's comment): it fires for the healthy service too, at 0.5 % errors.
  auto r = testing::RunProcess(
      {AURORA_GATE_BIN, "check", "gates/runbook/runbook-alerts.yml", "--prometheus",
       server_->url(), "--at", kAt, "--color", "never"},
      {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("job=\"aurora-api\", status=\"500\""));
}

TEST_F(ShippedGatesTest, LintAgainstTheServerPlacesParseErrorsInTheFile) {
  ASSERT_NE(server_, nullptr);
  std::string dir = testing::MakeTempDir();
  std::string path = dir + "/alerts.yml";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(
      "groups:\n"
      "  - name: g\n"
      "    rules:\n"
      "      - alert: Bad\n"
      "        expr: sum(rate(http_requests_total[5m]) by (job) > 1\n"
      "      - alert: Bad2\n"
      "        expr: |\n"
      "          sum by (job) (\n"
      "            rate(http_requests_total[5m]]\n"
      "          ) > 1\n"
      "      - alert: Good\n"
      "        expr: up == 0\n",
      f);
  std::fclose(f);
  auto r = testing::RunProcess({AURORA_GATE_BIN, "lint", path, "--prometheus",
                                server_->url()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(path + ":5:49: group \"g\": rule \"Bad\": expr: "
                               "POST " + server_->url() + "/api/v1/query: "
                               "Prometheus rejected the query: bad_data: invalid "
                               "parameter \"query\": 1:35: parse error: unexpected "
                               "<by> in aggregation"));
  EXPECT_THAT(r.out, HasSubstr(path + ":9:41: group \"g\": rule \"Bad2\": expr: "));
  EXPECT_THAT(r.err, HasSubstr("2 problems in 1 file"));
  // Offline, promtool (Prometheus' grammar) finds the same errors at the
  // same places (issue 11.7; before, offline lint said OK).
  auto offline = testing::RunProcess({AURORA_GATE_BIN, "lint", path, "--offline"});
  EXPECT_EQ(offline.exit_code, 2) << offline.out << offline.err;
  EXPECT_THAT(offline.out, HasSubstr(path + ":5:49: group \"g\": rule \"Bad\": "
                                     "expr: 1:35: parse error: unexpected <by> "
                                     "in aggregation (promtool)"));
  EXPECT_THAT(offline.out, HasSubstr(path + ":9:41: group \"g\": rule \"Bad2\": expr: "));
  testing::RemoveDir(dir);
}

// ---- gates/runbook/golive.yaml ------------------------------------------------------

// The go-live gate's non-runbook metrics (see the file's ASSUMPTIONS): log
// events per CloudWatch log group and the database exporter's pg_up.
std::vector<OmSample> GoLiveHistory() {
  Service healthy{"aurora-api", 600, 3, {400, 580, 600, 603, 603, 603},
                  100, 100, 98, 2, 6, 2e8};
  Service sick{"aurora-bad", 600, 60, {100, 200, 300, 400, 500, 660},
               100, 90, 80, 20, 15, 5e8};
  Service clean = healthy;
  clean.job = "aurora-clean";
  clean.errors = -1;
  std::vector<OmSample> h = History({healthy, sick, clean});
  auto add = [&h](const std::string& series, const std::string& values) {
    auto s = ExpandSeries(series, values, kStart, 60);
    h.insert(h.end(), s.begin(), s.end());
  };
  add("aws_logs_incoming_log_events_sum{log_group_name=\"/ecs/aurora-testnet\"}", "120x60");
  add("aws_logs_incoming_log_events_sum{log_group_name=\"/ecs/aurora-bad\"}", "0x60");
  add("pg_up{job=\"postgres\",instance=\"db\"}", "1x60");
  add("pg_up{job=\"postgres-bad\",instance=\"db\"}", "0x60");
  return h;
}

// A loopback Aurora API: /health and /events/recent, healthy or broken.
class FakeAuroraApi {
 public:
  explicit FakeAuroraApi(bool healthy) {
    auto s = testing::HttpTestServer::Start(
        [healthy](const testing::TestHttpRequest& req) {
          testing::TestHttpResponse r;
          if (req.target == "/health") {
            r.status = healthy ? 200 : 503;
            r.body = healthy ? "{\"status\":\"ok\"}" : "{\"status\":\"db down\"}";
            // Broken: slower than the checklist's 1 s as well.
            if (!healthy) r.delay = absl::Milliseconds(1500);
          } else if (req.target == "/events/recent") {
            r.headers.push_back({"Content-Type", "application/json"});
            r.body = healthy
                         ? R"([{"type":"pretrade","trace_id":"9f2c"},)"
                           R"({"type":"decision","trace_id":"9f2c"},)"
                           R"({"type":"fill","trace_id":"a771"}])"
                         : R"([{"type":"pretrade","trace_id":""},)"
                           R"({"type":"decision"}])";
          } else {
            r.status = 404;
          }
          return r;
        });
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) server_ = *std::move(s);
  }
  std::string url() const { return server_ ? server_->url("") : ""; }

 private:
  std::unique_ptr<testing::HttpTestServer> server_;
};

class GoLiveGateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string alerts =
        std::filesystem::absolute("gates/runbook/runbook-alerts.yml").string();
    with_alerts_ = testing::PrometheusServer::Start(
                       GoLiveHistory(), "rule_files: [\"" + alerts + "\"]\n")
                       .release();
    without_alerts_ = testing::PrometheusServer::Start(GoLiveHistory()).release();
  }
  static void TearDownTestSuite() {
    delete with_alerts_;
    delete without_alerts_;
  }

  // Waits (polling, with a deadline) until `server` lists `alert`.
  static bool RulesLoaded(const testing::PrometheusServer& server,
                          const std::string& alert) {
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      testing::ToolResult r = testing::HttpGet(server.url() + "/api/v1/rules");
      if (r.exit_code == 0 && r.output.find(alert) != std::string::npos) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  // `check gates/runbook/golive.yaml` with its JSON report; outcome by rule name, in
  // report order.
  std::vector<std::pair<std::string, std::string>> Check(
      const std::string& prometheus, const std::string& api,
      const std::vector<std::string>& sets, int* exit_code) {
    std::string json = testing::MakeTempDir() + "/r.json";
    std::vector<std::string> argv = {AURORA_GATE_BIN, "check", "gates/runbook/golive.yaml",
                                     "--at", kAt, "--json", json, "--color", "never"};
    for (const auto& s : sets) {
      argv.push_back("--set");
      argv.push_back(s);
    }
    auto r = testing::RunProcess(argv, {{"PROMETHEUS_URL", prometheus},
                                        {"AURORA_API_URL", api},
                                        {"GITHUB_STEP_SUMMARY", "\x01unset"}});
    *exit_code = r.exit_code;
    std::vector<std::pair<std::string, std::string>> out;
    rapidjson::Document d;
    std::string text = testing::ReadWholeFile(json);
    d.Parse(text.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.out << r.err;
    if (d.HasParseError()) return out;
    for (const auto& rule : d["gates"][0]["rules"].GetArray()) {
      out.emplace_back(rule["name"].GetString(),
                       std::string(rule["outcome"].GetString()) + ": " +
                           rule["reason"].GetString());
    }
    return out;
  }

  static testing::PrometheusServer* with_alerts_;
  static testing::PrometheusServer* without_alerts_;
};

testing::PrometheusServer* GoLiveGateTest::with_alerts_ = nullptr;
testing::PrometheusServer* GoLiveGateTest::without_alerts_ = nullptr;

TEST_F(GoLiveGateTest, LintsClean) {
  auto r = testing::RunProcess(
      {AURORA_GATE_BIN, "lint", "gates/runbook/golive.yaml", "--offline"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 file, 8 rules: OK"));
}

TEST_F(GoLiveGateTest, HealthyServicePassesEveryChecklistItemInOrder) {
  ASSERT_NE(with_alerts_, nullptr);
  ASSERT_TRUE(RulesLoaded(*with_alerts_, "MutationScoreDrop"))
      << with_alerts_->Log();
  FakeAuroraApi api(/*healthy=*/true);
  int code = -1;
  auto rules = Check(with_alerts_->url(), api.url(), {}, &code);
  EXPECT_EQ(code, 0);
  std::vector<std::string> names;
  for (const auto& [name, outcome] : rules) {
    names.push_back(name);
    EXPECT_THAT(outcome, ::testing::StartsWith("pass: ")) << name;
  }
  EXPECT_THAT(names, ::testing::ElementsAre(
                         "api-responding", "api-responding-latency",
                         "xai-trace-ids", "performance", "error-rate",
                         "alerts-configured", "logs-collected",
                         "database-healthy"));
  EXPECT_EQ(rules[2].second, "pass: 2 meets pass: > 0");
  EXPECT_EQ(rules[5].second, "pass: 5 meets pass: >= 5");
}

TEST_F(GoLiveGateTest, ServiceWithoutAny5xxSeriesPassesTheErrorRateItem) {
  ASSERT_NE(without_alerts_, nullptr);
  FakeAuroraApi api(/*healthy=*/true);
  int code = -1;
  auto rules = Check(without_alerts_->url(), api.url(),
                     {"AURORA_JOB=aurora-clean"}, &code);
  ASSERT_EQ(rules.size(), 8u);
  EXPECT_EQ(rules[4].first, "error-rate");
  EXPECT_EQ(rules[4].second, "pass: 0 % meets pass: < 1 %");
}

TEST_F(GoLiveGateTest, BrokenServiceFailsEveryChecklistItem) {
  ASSERT_NE(without_alerts_, nullptr);
  FakeAuroraApi api(/*healthy=*/false);
  int code = -1;
  auto rules = Check(without_alerts_->url(), api.url(),
                     {"AURORA_JOB=aurora-bad",
                      "AURORA_LOGS_VALUE=/ecs/aurora-bad",
                      "AURORA_DB_VALUE=postgres-bad"},
                     &code);
  EXPECT_EQ(code, 1);
  ASSERT_EQ(rules.size(), 8u);
  for (const auto& [name, outcome] : rules) {
    EXPECT_THAT(outcome, ::testing::StartsWith("fail: ")) << name;
  }
  EXPECT_EQ(rules[0].second, "fail: 503 misses pass: == 200");
  // The empty trace_id does not count (the runbook drops falsy ids too).
  EXPECT_EQ(rules[2].second, "fail: 0 misses pass: > 0");
  EXPECT_EQ(rules[5].second, "fail: 0 misses pass: >= 5");
}

// `report gates/runbook/golive.yaml --html`: the runbook's checklist as the release
// manager sees it, in a real browser: a GO banner, the 8 items in order, a
// chart for each Prometheus item; the http items are rows without charts.
TEST_F(GoLiveGateTest, GoLiveReportInTheBrowser) {
  ASSERT_NE(with_alerts_, nullptr);
  ASSERT_TRUE(RulesLoaded(*with_alerts_, "MutationScoreDrop"))
      << with_alerts_->Log();
  ASSERT_FALSE(testing::ChromiumPath().empty())
      << "headless Chromium is required: scripts/install-deps.sh --test";
  FakeAuroraApi api(/*healthy=*/true);
  const std::string dir = testing::MakeTempDir();
  auto r = testing::RunProcess(
      {AURORA_GATE_BIN, "report", "gates/runbook/golive.yaml", "--at", kAt, "--window",
       "30m", "--html", dir + "/golive.html", "--markdown", dir + "/golive.md",
       "--set", "commit=0123abc", "--color", "never"},
      {{"PROMETHEUS_URL", with_alerts_->url()},
       {"AURORA_API_URL", api.url()},
       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const testing::BrowserRun b = testing::DumpDom(dir + "/golive.html");
  ASSERT_EQ(b.exit_code, 0) << b.command << "\n" << b.err;
  const std::string& dom = b.out;
  EXPECT_THAT(dom, HasSubstr("data-verdict=\"GO\""));
  EXPECT_EQ(Count(dom, "<tr class=\"rule pass"), 8u);
  // performance, error-rate, logs-collected, database-healthy.
  EXPECT_EQ(Count(dom, "<svg class=\"chart\""), 4u);
  size_t last = 0;
  for (const char* item : {"api-responding", "xai-trace-ids", "performance",
                           "error-rate", "alerts-configured", "logs-collected",
                           "database-healthy"}) {
    size_t at = dom.find(item, last);
    EXPECT_NE(at, std::string::npos) << item << " in checklist order";
    if (at != std::string::npos) last = at;
  }
  const std::string md = testing::ReadWholeFile(dir + "/golive.md");
  EXPECT_THAT(md, HasSubstr("✅"));
  EXPECT_THAT(md, HasSubstr("xai-trace-ids"));
  const std::string artifacts = AURORA_TEST_ARTIFACTS_DIR;
  std::filesystem::create_directories(artifacts);
  const testing::BrowserRun shot = testing::Screenshot(
      dir + "/golive.html", artifacts + "/golive-checklist.png", 1280, 2400);
  EXPECT_EQ(shot.exit_code, 0) << shot.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aurora
