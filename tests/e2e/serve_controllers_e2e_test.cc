// The requests deploy controllers send, replayed byte for byte against the
// real binary (fixtures and their provenance: tests/testdata/serve/
// SOURCES.md), and our answers judged with the rules the controllers apply:
// Argo Rollouts' Web provider (2xx, then jsonPath "{$}" with
// successCondition `result.pass == true` and failureCondition
// `result.verdict == "fail"`), Flagger's webhooks (status <= 202 passes;
// the rollback hook rolls back on a pass). An evaluation that misses the
// request deadline is undecided, never a pass. Alertmanager's own webhook
// (a real Alertmanager) trips the gate's actions once per alert.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/e2e/serve_e2e_util.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::Http;
using testing::RawExchange;
using testing::Reply;
using testing::ReplayRequest;
using testing::ServeProcess;
using testing::ServeTestdata;
using testing::WriteFile;

const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
const std::string kAt = absl::StrCat(kStart + 30 * 60);
constexpr char kToken[] = "argo-token-7f3a";

// AURORA_JOB picks the series: "podinfo" (the fixtures' value) is healthy,
// "broken" fails, anything else has no data.
constexpr char kStopGate[] = R"(gate: stop-conditions
sources:
  prom: { type: prometheus, url: "${PROMETHEUS_URL}" }
groups:
  - name: live
    rules:
      - name: error-rate
        source: prom
        expr: max(ratio{job="${AURORA_JOB:-none}"})
        fail: "> 0.05"
)";

// A server that accepts connections and never answers.
constexpr char kSlowGate[] = R"(gate: slow
sources:
  prom: { type: prometheus, url: "${SLOW_URL}", timeout: 10s }
groups:
  - name: live
    rules:
      - { name: never-answers, source: prom, expr: up, fail: "< 1" }
)";

// Argo's decision (utils/evaluate): failure first, then success, else
// Inconclusive; a non-2xx answer is a measurement error.
std::string ArgoPhase(const Reply& r) {
  if (r.status < 200 || r.status >= 300) return "Error";
  rapidjson::Document result;
  result.Parse(r.body.c_str());
  if (result.HasParseError() || !result.IsObject()) return "Error";
  const bool failure = result.HasMember("verdict") && result["verdict"].IsString() &&
                       std::string(result["verdict"].GetString()) == "fail";
  const bool success = result.HasMember("pass") && result["pass"].IsBool() &&
                       result["pass"].GetBool();
  if (failure) return "Failed";
  if (success) return "Successful";
  return "Inconclusive";
}

// Flagger's decision (callWebhook): status > 202 is an error.
bool FlaggerPasses(const Reply& r) { return r.status != 0 && r.status <= 202; }

class ServeControllersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prometheus_ = testing::PrometheusServer::Start(
                      testing::ExpandAllSeries({{"ratio{job=\"podinfo\"}", "0.001x60"},
                                                {"ratio{job=\"broken\"}", "0.07x60"}},
                                               kStart, 60))
                      .release();
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(prometheus_, nullptr);
    // A listening socket nobody accepts on: connections complete in the
    // backlog and requests are never answered.
    blackhole_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(blackhole_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(blackhole_, 64), 0);
    socklen_t len = sizeof a;
    ::getsockname(blackhole_, reinterpret_cast<sockaddr*>(&a), &len);
    dir_ = testing::MakeTempDir();
    const std::string gates = dir_ + "/gates";
    ::mkdir(gates.c_str(), 0700);
    WriteFile(gates + "/stop-conditions.yaml", kStopGate);
    WriteFile(gates + "/slow.yaml", kSlowGate);
    WriteFile(dir_ + "/tokens", std::string(kToken) + "\n");
    serve_ = ServeProcess::Start(
        {"--gates", gates, "--token-file", dir_ + "/tokens", "--request-timeout", "3s",
         "--spool-dir", dir_ + "/spool"},
        {{"PROMETHEUS_URL", prometheus_->url()},
         {"SLOW_URL", absl::StrCat("http://127.0.0.1:", ntohs(a.sin_port))}});
    ASSERT_NE(serve_, nullptr);
  }
  void TearDown() override {
    serve_.reset();
    if (blackhole_ >= 0) ::close(blackhole_);
  }

  std::map<std::string, std::string> Fill(const std::string& path) const {
    return {{"{{PATH}}", path}, {"{{HOST}}", serve_->HostPort()}, {"{{TOKEN}}", kToken}};
  }

  static testing::PrometheusServer* prometheus_;
  int blackhole_ = -1;
  std::string dir_;
  std::unique_ptr<ServeProcess> serve_;
};

testing::PrometheusServer* ServeControllersTest::prometheus_ = nullptr;

TEST_F(ServeControllersTest, ArgoWebProviderGetAndJsonBodyPost) {
  // GET with {{args.job}} in the URL.
  const std::string get_path = "/argo/v1/stop-conditions?set.AURORA_JOB=podinfo&at=" + kAt;
  Reply get = RawExchange(serve_->port(), ReplayRequest("argo/get-head.txt", "", Fill(get_path)));
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(ArgoPhase(get), "Successful") << get.body;
  // POST with jsonBody: {AURORA_JOB: podinfo}.
  const std::string body = ServeTestdata("argo/json-body.json");
  Reply post = RawExchange(serve_->port(),
                           ReplayRequest("argo/post-head.txt", body,
                                         Fill("/argo/v1/stop-conditions?at=" + kAt)));
  EXPECT_EQ(ArgoPhase(post), "Successful") << post.body;
  // Failing and undecided (no data) canaries.
  Reply fail = RawExchange(
      serve_->port(),
      ReplayRequest("argo/get-head.txt", "",
                    Fill("/argo/v1/stop-conditions?set.AURORA_JOB=broken&at=" + kAt)));
  EXPECT_EQ(ArgoPhase(fail), "Failed") << fail.body;
  EXPECT_THAT(fail.body, HasSubstr("\"value\":0.07"));
  Reply none = RawExchange(
      serve_->port(),
      ReplayRequest("argo/get-head.txt", "",
                    Fill("/argo/v1/stop-conditions?set.AURORA_JOB=nobody&at=" + kAt)));
  EXPECT_EQ(ArgoPhase(none), "Inconclusive") << none.body;
  // A bad request is a 4xx: Argo records a measurement error, never a pass.
  Reply bad = RawExchange(serve_->port(),
                          ReplayRequest("argo/get-head.txt", "",
                                        Fill("/argo/v1/no-such-gate?at=" + kAt)));
  EXPECT_EQ(bad.status, 404);
  EXPECT_EQ(ArgoPhase(bad), "Error");
  // Without the token: 401.
  EXPECT_EQ(Http(serve_->port(), "GET", get_path).status, 401);
}

TEST_F(ServeControllersTest, FlaggerWebhooksForEachHookType) {
  for (const char* hook : {"pre-rollout", "rollout", "confirm-rollout", "confirm-promotion"}) {
    const std::string body = ServeTestdata(absl::StrCat("flagger/", hook, ".json"));
    Reply r = RawExchange(
        serve_->port(),
        ReplayRequest("flagger/request-head.txt", body,
                      Fill(absl::StrCat("/flagger/v1/stop-conditions?hook=", hook,
                                        "&at=", kAt))));
    // Flagger's request carries no token: this service requires one.
    EXPECT_EQ(r.status, 401) << hook;
  }
  // Flagger cannot send headers: a service for Flagger runs without
  // --token-file (behind a NetworkPolicy). Restart without tokens.
  serve_.reset();
  const std::string gates = dir_ + "/gates";
  serve_ = ServeProcess::Start({"--gates", gates, "--request-timeout", "3s"},
                               {{"PROMETHEUS_URL", prometheus_->url()},
                                {"SLOW_URL", "http://127.0.0.1:9"}});
  ASSERT_NE(serve_, nullptr);
  for (const char* hook : {"pre-rollout", "rollout", "confirm-rollout", "confirm-promotion"}) {
    const std::string body = ServeTestdata(absl::StrCat("flagger/", hook, ".json"));
    Reply pass = RawExchange(
        serve_->port(),
        ReplayRequest("flagger/request-head.txt", body,
                      Fill(absl::StrCat("/flagger/v1/stop-conditions?hook=", hook,
                                        "&at=", kAt))));
    EXPECT_TRUE(FlaggerPasses(pass)) << hook << ": " << pass.status << " " << pass.body;
    // The same canary with a failing job: 412 and the reasons as the body.
    std::string failing = body;
    failing.replace(failing.find("\"AURORA_JOB\":\"podinfo\""), 22, "\"AURORA_JOB\":\"broken\"");
    Reply fail = RawExchange(
        serve_->port(),
        ReplayRequest("flagger/request-head.txt", failing,
                      Fill(absl::StrCat("/flagger/v1/stop-conditions?hook=", hook,
                                        "&at=", kAt))));
    EXPECT_EQ(fail.status, 412) << hook;
    EXPECT_FALSE(FlaggerPasses(fail));
    EXPECT_THAT(fail.body, HasSubstr("stop-conditions/live/error-rate: fail"));
  }
  // Rollback hook: a pass (<= 202) means "roll back now".
  for (const char* file : {"rollback.json", "rollback-waiting.json"}) {
    const std::string body = ServeTestdata(absl::StrCat("flagger/", file));
    Reply healthy = RawExchange(
        serve_->port(),
        ReplayRequest("flagger/request-head.txt", body,
                      Fill("/flagger/v1/stop-conditions?hook=rollback&at=" + kAt)));
    EXPECT_FALSE(FlaggerPasses(healthy)) << file << healthy.body;
    std::string failing = body;
    failing.replace(failing.find("\"AURORA_JOB\":\"podinfo\""), 22, "\"AURORA_JOB\":\"broken\"");
    Reply broken = RawExchange(
        serve_->port(),
        ReplayRequest("flagger/request-head.txt", failing,
                      Fill("/flagger/v1/stop-conditions?hook=rollback&at=" + kAt)));
    EXPECT_TRUE(FlaggerPasses(broken)) << file << broken.body;
  }
  // Undecided (no data) is not a pass, and no rollback either.
  std::string nodata = ServeTestdata("flagger/rollout.json");
  nodata.replace(nodata.find("\"AURORA_JOB\":\"podinfo\""), 22, "\"AURORA_JOB\":\"nobody\"");
  EXPECT_EQ(RawExchange(serve_->port(),
                        ReplayRequest("flagger/request-head.txt", nodata,
                                      Fill("/flagger/v1/stop-conditions?at=" + kAt)))
                .status,
            412);
  // A malformed payload is a 400 naming the field.
  Reply bad = Http(serve_->port(), "POST", "/flagger/v1/stop-conditions",
                   R"({"name": 3})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("\"field\":\"name\""));
}

TEST_F(ServeControllersTest, DeadlineAnswersUndecidedNeverPass) {
  const absl::Time start = absl::Now();
  Reply argo = Http(serve_->port(), "GET", "/argo/v1/slow", "",
                    {absl::StrCat("Authorization: Bearer ", kToken)});
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(argo.status, 200) << argo.body;
  EXPECT_EQ(ArgoPhase(argo), "Inconclusive") << argo.body;
  EXPECT_THAT(argo.body, HasSubstr("request timeout"));
  EXPECT_GE(took, absl::Milliseconds(2900));
  EXPECT_LT(took, absl::Seconds(9));  // before the source's own 10s timeout
  Reply flagger = Http(serve_->port(), "POST", "/flagger/v1/slow",
                       ServeTestdata("flagger/rollout.json"),
                       {absl::StrCat("Authorization: Bearer ", kToken)});
  EXPECT_EQ(flagger.status, 412) << flagger.body;
  Reply rollback = Http(serve_->port(), "POST", "/flagger/v1/slow?hook=rollback",
                        ServeTestdata("flagger/rollback.json"),
                        {absl::StrCat("Authorization: Bearer ", kToken)});
  EXPECT_EQ(rollback.status, 412) << rollback.body;
  Reply metrics = Http(serve_->port(), "GET", "/metrics", "",
                       {absl::StrCat("Authorization: Bearer ", kToken)});
  EXPECT_THAT(metrics.body, HasSubstr("aurora_gate_serve_timeouts_total "));
  EXPECT_THAT(metrics.body, ::testing::Not(HasSubstr("aurora_gate_serve_timeouts_total 0")));
}

}  // namespace
}  // namespace aurora
