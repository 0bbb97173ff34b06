// Tests of the real-server harness (tests/testing/prometheus_harness.h):
// OpenMetrics text and promtool series expansion exactly, real Prometheus and
// VictoriaMetrics answering with the exact backfilled/imported values
// (NaN, +Inf, -Inf, gaps), and promtool rule tests that pass and fail.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using testing::ExpandSeries;
using ::testing::HasSubstr;
using testing::HttpGet;
using testing::OmSample;
using testing::ToOpenMetrics;

constexpr char kCounter[] =
    "http_requests_total{status=\"500\",instance=\"a\"}";
constexpr char kGauge[] = "temperature_celsius{room=\"lab\"}";

// A minute boundary an hour ago: recent enough for any retention.
int64_t HourAgo() {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return (now - 3600) / 60 * 60;
}

// (timestamp, value-string) pairs, as the HTTP API spells them.
using Points = std::vector<std::pair<int64_t, std::string>>;

rapidjson::Document ParseOk(const testing::ToolResult& r) {
  rapidjson::Document d;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  d.Parse(r.output.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.output;
  EXPECT_TRUE(d.IsObject() && d.HasMember("status") &&
              std::string(d["status"].GetString()) == "success")
      << r.output;
  return d;
}

// Instant query: the single series' [time, value], or {} for no result.
Points Instant(const std::string& url, const std::string& query, int64_t t) {
  auto r = HttpGet(url + "/api/v1/query",
                   {{"query", query}, {"time", std::to_string(t)}});
  rapidjson::Document d = ParseOk(r);
  if (!d.IsObject() || !d.HasMember("data")) return {};
  const auto& result = d["data"]["result"];
  EXPECT_LE(result.Size(), 1u) << r.output;
  Points out;
  for (const auto& s : result.GetArray()) {
    out.emplace_back(static_cast<int64_t>(s["value"][0].GetDouble()),
                     s["value"][1].GetString());
  }
  return out;
}

// Range query of a single series: its points, or {} for no result.
Points Range(const std::string& url, const std::string& query, int64_t start,
             int64_t end, int64_t step) {
  auto r =
      HttpGet(url + "/api/v1/query_range", {{"query", query},
                                            {"start", std::to_string(start)},
                                            {"end", std::to_string(end)},
                                            {"step", std::to_string(step)}});
  rapidjson::Document d = ParseOk(r);
  if (!d.IsObject() || !d.HasMember("data")) return {};
  const auto& result = d["data"]["result"];
  EXPECT_LE(result.Size(), 1u) << r.output;
  Points out;
  for (const auto& s : result.GetArray()) {
    for (const auto& p : s["values"].GetArray()) {
      out.emplace_back(static_cast<int64_t>(p[0].GetDouble()),
                       p[1].GetString());
    }
  }
  return out;
}

// Counter 1,2,3,4 then NaN then +Inf; gauge -Inf, 2.5, a gap, a stale
// marker (left out of the backfill), all one minute apart from t0.
std::vector<OmSample> History(int64_t t0) {
  std::vector<OmSample> h = ExpandSeries(kCounter, "1+1x3 NaN Inf", t0, 60);
  for (const OmSample& s : ExpandSeries(kGauge, "-Inf 2.5 _ stale", t0, 60)) {
    h.push_back(s);
  }
  return h;
}

bool DirExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// ---- ExpandSeries / ToOpenMetrics
// --------------------------------------------

TEST(ExpandSeriesTest, IncrementsGiveCountPlusOneValues) {
  std::vector<OmSample> s = ExpandSeries("up", "1+1x3 10-2.5x2", 1000, 60);
  ASSERT_EQ(s.size(), 7u);
  std::vector<double> values;
  for (const auto& x : s) values.push_back(x.value);
  EXPECT_THAT(values, ::testing::ElementsAre(1, 2, 3, 4, 10, 7.5, 5));
  EXPECT_EQ(s[0].unix_seconds, 1000);
  EXPECT_EQ(s[6].unix_seconds, 1000 + 6 * 60);
  EXPECT_EQ(s[0].series, "up");
}

TEST(ExpandSeriesTest, RepeatsBlanksStaleAndSpecialValues) {
  std::vector<OmSample> s =
      ExpandSeries("g", "0 5 _ stale 3x2 _x2 NaN Inf -Inf", 0, 15);
  ASSERT_EQ(s.size(), 9u);
  EXPECT_EQ(s[0].value, 0);
  EXPECT_EQ(s[1].value, 5);
  EXPECT_EQ(s[1].unix_seconds, 15);
  EXPECT_TRUE(testing::IsStaleMarker(s[2].value));  // step 2 is the blank
  EXPECT_EQ(s[2].unix_seconds, 45);
  EXPECT_EQ(s[3].value, 3);
  EXPECT_EQ(s[5].value, 3);
  EXPECT_EQ(s[5].unix_seconds, 90);
  EXPECT_TRUE(std::isnan(s[6].value));
  EXPECT_FALSE(testing::IsStaleMarker(s[6].value));
  EXPECT_EQ(s[6].unix_seconds, 135);  // after the two blanks at 105, 120
  EXPECT_EQ(s[7].value, HUGE_VAL);
  EXPECT_EQ(s[8].value, -HUGE_VAL);
  EXPECT_EQ(s[8].unix_seconds, 165);
}

std::vector<OmSample> expand_result;
TEST(ExpandSeriesTest, BadNotationFailsTheTestAndNamesTheItem) {
  EXPECT_NONFATAL_FAILURE(expand_result = ExpandSeries("g", "1 2+x3", 0, 60),
                          "ExpandSeries(\"g\", \"1 2+x3\"): item \"2+x3\": "
                          "expected A+BxN or A-BxN");
  EXPECT_TRUE(expand_result.empty());
  EXPECT_NONFATAL_FAILURE(expand_result = ExpandSeries("g", "1x", 0, 60),
                          "item \"1x\": expected a count after 'x'");
  EXPECT_NONFATAL_FAILURE(expand_result = ExpandSeries("g{a=1}", "1", 0, 60),
                          "bad series \"g{a=1}\": column 5: expected a quoted "
                          "label value");
}

TEST(ToOpenMetricsTest, TypesFamiliesSortsSamplesAndEndsWithEof) {
  std::vector<OmSample> s = {
      {"temp{room=\"b\"}", 1.25, 120},
      {"http_requests_total{status=\"500\",instance=\"a\"}", 2, 60},
      {"http_requests_total{ instance=\"a\", status=\"500\" }", 1, 0},
      {"temp{room=\"b\"}", std::nan(""), 60},
      {"temp{room=\"a\\\"q\\\"\"}", -HUGE_VAL, 0},
      {"temp{room=\"b\"}", testing::StaleMarker(), 180},
      {"http_requests_total{status=\"500\",instance=\"a\"}", HUGE_VAL, 120},
  };
  EXPECT_EQ(ToOpenMetrics(s),
            "# TYPE http_requests counter\n"
            "http_requests_total{instance=\"a\",status=\"500\"} 1 0\n"
            "http_requests_total{instance=\"a\",status=\"500\"} 2 60\n"
            "http_requests_total{instance=\"a\",status=\"500\"} +Inf 120\n"
            "# TYPE temp gauge\n"
            "temp{room=\"a\\\"q\\\"\"} -Inf 0\n"
            "temp{room=\"b\"} NaN 60\n"
            "temp{room=\"b\"} 1.25 120\n"
            "# EOF\n");
}

std::string om_result;
TEST(ToOpenMetricsTest, TwoSamplesAtOneTimeFailTheTest) {
  EXPECT_NONFATAL_FAILURE(
      om_result = ToOpenMetrics({{"x", 1, 60}, {"x", 2, 60}}),
      "ToOpenMetrics: two samples for x at 60");
  EXPECT_EQ(om_result, "");
}

// ---- Prometheus
// ---------------------------------------------------------------

TEST(PrometheusServerTest, AnswersBackfilledCounterWithExactValuesNaNAndInf) {
  const int64_t t0 = HourAgo();
  auto prom = testing::PrometheusServer::Start(History(t0));
  ASSERT_NE(prom, nullptr);
  const std::string q = "http_requests_total{status=\"500\"}";
  EXPECT_EQ(Instant(prom->url(), q, t0 + 120), (Points{{t0 + 120, "3"}}));
  EXPECT_EQ(Instant(prom->url(), q, t0 + 240), (Points{{t0 + 240, "NaN"}}));
  EXPECT_EQ(Instant(prom->url(), q, t0 + 300), (Points{{t0 + 300, "+Inf"}}));
  EXPECT_EQ(Range(prom->url(), q, t0 - 60, t0 + 300, 60),
            (Points{{t0, "1"},
                    {t0 + 60, "2"},
                    {t0 + 120, "3"},
                    {t0 + 180, "4"},
                    {t0 + 240, "NaN"},
                    {t0 + 300, "+Inf"}}));
  // Between samples: the latest one within the 5m lookback.
  EXPECT_EQ(Instant(prom->url(), q, t0 + 90), (Points{{t0 + 90, "2"}}));
}

TEST(PrometheusServerTest, GaugeWithoutStaleMarkerLastsExactlyTheLookback) {
  const int64_t t0 = HourAgo();
  auto prom = testing::PrometheusServer::Start(History(t0));
  ASSERT_NE(prom, nullptr);
  // "-Inf 2.5 _ stale": the backfill has no stale marker, so 2.5 (at t0+60)
  // stays visible for 5 minutes (inclusive) and is gone after.
  EXPECT_EQ(Range(prom->url(), "temperature_celsius", t0, t0 + 420, 60),
            (Points{{t0, "-Inf"},
                    {t0 + 60, "2.5"},
                    {t0 + 120, "2.5"},
                    {t0 + 180, "2.5"},
                    {t0 + 240, "2.5"},
                    {t0 + 300, "2.5"},
                    {t0 + 360, "2.5"}}));
  EXPECT_EQ(Instant(prom->url(), "temperature_celsius", t0 + 361), Points{});
}

TEST(PrometheusServerTest, StopsByPidAndRemovesItsDataDir) {
  auto prom = testing::PrometheusServer::Start({{"up", 1, HourAgo()}});
  ASSERT_NE(prom, nullptr);
  const pid_t pid = prom->pid();
  const std::string dir = prom->dir();
  ASSERT_EQ(::kill(pid, 0), 0);
  ASSERT_TRUE(DirExists(dir + "/data"));
  EXPECT_THAT(prom->Log(),
              HasSubstr("Server is ready to receive web requests"));
  prom.reset();
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(DirExists(dir));
}

TEST(PrometheusServerTest, LoadsRuleFilesFromExtraConfig) {
  std::string dir = testing::MakeTempDir();
  ASSERT_FALSE(dir.empty());
  ASSERT_EQ(std::system(("printf 'groups:\\n  - name: g\\n    rules:\\n"
                         "      - record: job:up:sum\\n"
                         "        expr: sum(up)\\n' > " +
                         dir + "/rules.yaml")
                            .c_str()),
            0);
  auto prom = testing::PrometheusServer::Start(
      {}, "rule_files:\n  - " + dir + "/rules.yaml\n");
  ASSERT_NE(prom, nullptr);
  auto r = HttpGet(prom->url() + "/api/v1/rules");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"name\":\"job:up:sum\""));
  testing::RemoveDir(dir);
}

TEST(PrometheusServerTest, ManySeriesWithCounterResetsAreAllBackfilled) {
  const int64_t t0 = HourAgo();
  std::vector<OmSample> h;
  for (int i = 0; i < 200; ++i) {
    for (const OmSample& s :
         ExpandSeries("jobs_done_total{shard=\"" + std::to_string(i) + "\"}",
                      "0+10x4 0+10x4", t0, 30)) {
      h.push_back(s);
    }
  }
  ASSERT_EQ(h.size(), 2000u);
  auto prom = testing::PrometheusServer::Start(h);
  ASSERT_NE(prom, nullptr);
  EXPECT_EQ(Instant(prom->url(), "count(jobs_done_total)", t0 + 270),
            (Points{{t0 + 270, "200"}}));
  EXPECT_EQ(Instant(prom->url(), "sum(resets(jobs_done_total[5m]))", t0 + 270),
            (Points{{t0 + 270, "200"}}));
  EXPECT_EQ(Instant(prom->url(), "jobs_done_total{shard=\"7\"}", t0 + 150),
            (Points{{t0 + 150, "0"}}));
}

std::unique_ptr<testing::PrometheusServer> failed_prom;
TEST(PrometheusServerTest, BadConfigFailsTheTestWithTheServerLog) {
  EXPECT_NONFATAL_FAILURE(failed_prom = testing::PrometheusServer::Start(
                              {}, "scrape_configs:\n  - job_name: [\n"),
                          "prometheus did not start: exited during start-up");
  EXPECT_EQ(failed_prom, nullptr);
  EXPECT_NONFATAL_FAILURE(failed_prom = testing::PrometheusServer::Start(
                              {}, "scrape_configs:\n  - job_name: [\n"),
                          "Error loading config");
}

TEST(PrometheusServerTest, DuplicateSampleInHistoryFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(failed_prom = testing::PrometheusServer::Start(
                              {{"x", 1, 60}, {"x", 2, 60}}),
                          "PrometheusServer history: two samples for x at 60");
  EXPECT_EQ(failed_prom, nullptr);
}

// ---- VictoriaMetrics
// ------------------------------------------------------------

TEST(VictoriaMetricsServerTest, AnswersImportedValuesInfExactlyAndDropsNaN) {
  const int64_t t0 = HourAgo();
  auto vm = testing::VictoriaMetricsServer::Start(History(t0));
  ASSERT_NE(vm, nullptr);
  const std::string q = "http_requests_total{status=\"500\"}";
  EXPECT_EQ(Instant(vm->url(), q, t0 + 120), (Points{{t0 + 120, "3"}}));
  EXPECT_EQ(Instant(vm->url(), q, t0 + 300), (Points{{t0 + 300, "+Inf"}}));
  // VictoriaMetrics 1.79 does not store NaN: at its time the previous value.
  EXPECT_EQ(Instant(vm->url(), q, t0 + 240), (Points{{t0 + 240, "4"}}));
  EXPECT_EQ(Range(vm->url(), q, t0, t0 + 300, 60),
            (Points{{t0, "1"},
                    {t0 + 60, "2"},
                    {t0 + 120, "3"},
                    {t0 + 180, "4"},
                    {t0 + 240, "4"},
                    {t0 + 300, "+Inf"}}));
  EXPECT_EQ(Instant(vm->url(), "temperature_celsius", t0),
            (Points{{t0, "-Inf"}}));
  auto exported = HttpGet(vm->url() + "/api/v1/export",
                          {{"match[]", "http_requests_total"}});
  EXPECT_THAT(exported.output, HasSubstr("\"values\":[1,2,3,4,+Inf]"));
}

TEST(VictoriaMetricsServerTest, StopsByPidAndRemovesItsDataDir) {
  auto vm = testing::VictoriaMetricsServer::Start({});
  ASSERT_NE(vm, nullptr);
  const pid_t pid = vm->pid();
  const std::string dir = vm->dir();
  ASSERT_EQ(::kill(pid, 0), 0);
  vm.reset();
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(DirExists(dir));
}

// ---- promtool
// -----------------------------------------------------------------

constexpr char kRules[] = R"(groups:
  - name: harness
    rules:
      - alert: HighErrorRate
        expr: rate(http_requests_total{status="500"}[5m]) > 0.1
        for: 2m
        labels:
          severity: page
)";

// Shared scenario: the same input_series strings are expanded by
// ExpandSeries in the test below. At 2m the alert has been pending one step
// short of `for`; at 3m exactly `for` has elapsed.
std::string RuleTest(const std::string& alerts_at_2m) {
  return R"(rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{status="500",instance="a"}'
        values: '0+60x10'
      - series: 'queue_depth{queue="q"}'
        values: '1 2 _ stale 5'
    alert_rule_test:
      - eval_time: 2m
        alertname: HighErrorRate
        exp_alerts: )" +
         alerts_at_2m + R"(
      - eval_time: 3m
        alertname: HighErrorRate
        exp_alerts:
          - exp_labels: {severity: page, status: "500", instance: a}
    promql_expr_test:
      - expr: queue_depth
        eval_time: 2m
        exp_samples:
          - labels: 'queue_depth{queue="q"}'
            value: 2
      - expr: queue_depth
        eval_time: 3m
        exp_samples: []
      - expr: queue_depth
        eval_time: 4m
        exp_samples:
          - labels: 'queue_depth{queue="q"}'
            value: 5
)";
}

class PromtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    Write("rules.yaml", kRules);
  }
  void TearDown() override {
    testing::RemoveDir(dir_);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    EXPECT_NE(f, nullptr) << path;
    if (f != nullptr) {
      std::fputs(text.c_str(), f);
      std::fclose(f);
    }
    return path;
  }
  std::string dir_;
};

TEST_F(PromtoolTest, RuleTestThatHoldsPasses) {
  auto r = testing::PromtoolTestRules(Write("pass.yaml", RuleTest("[]")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("SUCCESS"));
  // The stale/gap scenario promtool just checked, as ExpandSeries sees it.
  auto s = ExpandSeries("queue_depth{queue=\"q\"}", "1 2 _ stale 5", 0, 60);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[1].value, 2);
  EXPECT_EQ(s[1].unix_seconds, 60);
  EXPECT_TRUE(testing::IsStaleMarker(s[2].value));
  EXPECT_EQ(s[2].unix_seconds, 180);
  EXPECT_EQ(s[3].value, 5);
  EXPECT_EQ(s[3].unix_seconds, 240);
}

TEST_F(PromtoolTest, AlertExpectedOneStepBeforeForElapsedFails) {
  auto r = testing::PromtoolTestRules(Write(
      "fail.yaml",
      RuleTest("\n          - exp_labels: {severity: page, status: \"500\", "
               "instance: a}")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED:"));
  EXPECT_THAT(r.output, HasSubstr("alertname: HighErrorRate, time: 2m"));
  EXPECT_THAT(r.output, HasSubstr("got:[]"));
}

TEST_F(PromtoolTest, CheckRulesCountsRulesAndRejectsBadExpr) {
  auto good = testing::PromtoolCheckRules(dir_ + "/rules.yaml");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_THAT(good.output, HasSubstr("SUCCESS: 1 rules found"));
  auto bad = testing::PromtoolCheckRules(
      Write("bad.yaml",
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: "
            "rate(x[5m]\n"));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("FAILED"));
}

TEST(FreeLoopbackPortTest, ReturnsABindablePort) {
  int port = testing::FreeLoopbackPort();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

// The harness takes a server as started only when that very process holds
// the port: a server of a parallel test that grabbed the port first must not
// be mistaken for ours (it answered /-/ready with other rules loaded).
TEST(ListensOnTest, TellsTheListeningProcessFromAnyOther) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  EXPECT_FALSE(testing::ListensOn(::getpid(), port)) << "bound, not listening";
  ASSERT_EQ(::listen(fd, 1), 0);
  EXPECT_TRUE(testing::ListensOn(::getpid(), port));
  EXPECT_FALSE(testing::ListensOn(::getppid(), port));
  ::close(fd);
  EXPECT_FALSE(testing::ListensOn(::getpid(), port));
}

}  // namespace
}  // namespace aurora
