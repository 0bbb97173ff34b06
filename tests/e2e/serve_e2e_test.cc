// `aurora-gate serve` end to end: the real binary against a real Prometheus
// with backfilled history. Every endpoint: pass, fail, undecided, bad
// request; /api/v1/gates without secrets, /healthz, /readyz, /metrics;
// bearer tokens; reload on a file change and on SIGHUP (a broken file keeps
// the old version serving); TLS with a test CA made by openssl here.
#include <signal.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
using ::testing::Not;
using testing::Http;
using testing::Reply;
using testing::ServeProcess;
using testing::WriteFile;

const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
// Every request evaluates at minute 30 of the history.
const std::string kAt = absl::StrCat(kStart + 30 * 60);
constexpr char kSecret[] = "s3cr3t-header-value-0f9e8d";

constexpr char kStopGate[] = R"(gate: stop
title: Stop conditions
sources:
  prom:
    type: prometheus
    url: "${PROMETHEUS_URL}"
    headers: { X-Scope-Token: "${SECRET_TOKEN}" }
groups:
  - name: live
    rules:
      - name: error-rate
        source: prom
        expr: max(ratio{case="${CASE:-pass}"})
        fail: "> 0.05"
)";

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

std::string Verdict(const Reply& r) {
  rapidjson::Document d = Json(r.body);
  if (!d.IsObject() || !d.HasMember("verdict") || !d["verdict"].IsString()) return "?";
  return d["verdict"].GetString();
}

class ServeE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prometheus_ = testing::PrometheusServer::Start(
                      testing::ExpandAllSeries({{"ratio{case=\"pass\"}", "0.001x60"},
                                                {"ratio{case=\"fail\"}", "0.07x60"}},
                                               kStart, 60))
                      .release();
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(prometheus_, nullptr);
    dir_ = testing::MakeTempDir();
    gates_ = dir_ + "/gates";
    ASSERT_EQ(::mkdir(gates_.c_str(), 0700), 0);
    WriteFile(gates_ + "/stop.yaml", kStopGate);
    env_ = {{"PROMETHEUS_URL", prometheus_->url()}, {"SECRET_TOKEN", kSecret}};
  }

  std::unique_ptr<ServeProcess> Serve(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--gates", gates_};
    args.insert(args.end(), extra.begin(), extra.end());
    return ServeProcess::Start(args, env_);
  }

  static Reply Evaluate(const ServeProcess& s, const std::string& body,
                        const std::string& query = "") {
    return Http(s.port(), "POST", "/api/v1/evaluate" + query, body);
  }

  static testing::PrometheusServer* prometheus_;
  std::string dir_, gates_;
  std::map<std::string, std::string> env_;
};

testing::PrometheusServer* ServeE2eTest::prometheus_ = nullptr;

TEST_F(ServeE2eTest, EvaluateAnswersTheReportFor200EveryVerdict) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  for (const auto& [kase, verdict] : std::vector<std::pair<std::string, std::string>>{
           {"pass", "pass"}, {"fail", "fail"}, {"none", "inconclusive"}}) {
    Reply r = Evaluate(*serve, absl::StrCat(R"({"gates": ["stop"], "set": {"CASE": ")",
                                            kase, R"("}, "at": )", kAt, "}"));
    EXPECT_EQ(r.status, 200) << kase << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/json");
    rapidjson::Document d = Json(r.body);
    ASSERT_TRUE(d.IsObject()) << r.body;
    EXPECT_EQ(std::string(d["schema"].GetString()), "aurora-gate/report/v1");
    EXPECT_EQ(std::string(d["verdict"].GetString()), verdict) << kase;
    EXPECT_THAT(r.body, Not(HasSubstr(kSecret)));
  }
  // The other renderings.
  Reply junit = Evaluate(*serve, absl::StrCat(R"({"gates": ["stop"], "at": )", kAt, "}"),
                         "?format=junit");
  EXPECT_EQ(junit.status, 200);
  EXPECT_THAT(junit.body, HasSubstr("<testsuites"));
  Reply md = Evaluate(*serve, absl::StrCat(R"({"gates": ["stop"], "at": )", kAt, "}"),
                      "?format=markdown");
  EXPECT_THAT(md.Header("content-type"), HasSubstr("text/markdown"));
  EXPECT_THAT(serve->Log(), Not(HasSubstr(kSecret)));
}

TEST_F(ServeE2eTest, BadRequestsAre4xxNamingTheField) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"gates": ["nope"]})", 404, "gates[0]"},
           {R"({"gates": ["stop"], "at": "yesterday"})", 400, "at"},
           {R"j({"gates": ["stop"], "set": {"CASE": "x\"} or vector(1)"}, "at": "bad"})j", 400, "at"},
           {R"({"gates": ["stop"], "set": {"PROMETHEUS_URL": "http://evil:1"}})", 400,
            "set.PROMETHEUS_URL"},
           {R"({"gates": ["stop"], "set": {"bad-name": "x"}})", 400, "set.bad-name"},
           {R"({"gates": ["stop"])", 400, "body"},
       }) {
    Reply r = Evaluate(*serve, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << "\n" << r.body;
    rapidjson::Document d = Json(r.body);
    ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
    EXPECT_EQ(std::string(d["error"]["field"].GetString()), c.field) << c.body;
  }
  EXPECT_EQ(Http(serve->port(), "GET", "/api/v1/evaluate").status, 405);
  EXPECT_EQ(Http(serve->port(), "GET", "/nowhere").status, 404);
}

TEST_F(ServeE2eTest, SetValueInALabelIsEscapedNotInjected) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  // Unescaped, this would select the failing series: the gate would fail.
  Reply r = Evaluate(*serve, absl::StrCat(
      R"({"gates": ["stop"], "set": {"CASE": "pass\"} or max(ratio{case=\"fail\"}) # "}, "at": )",
      kAt, "}"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Verdict(r), "inconclusive") << r.body;  // no such case: no data
  EXPECT_THAT(r.body, HasSubstr(R"(case=\"pass\\\"} or max)"));
}

TEST_F(ServeE2eTest, GatesHealthReadyAndMetrics) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  Reply gates = Http(serve->port(), "GET", "/api/v1/gates");
  EXPECT_EQ(gates.status, 200);
  EXPECT_THAT(gates.body, HasSubstr(R"("name":"stop")"));
  EXPECT_THAT(gates.body, HasSubstr("error-rate"));
  EXPECT_THAT(gates.body, Not(HasSubstr(kSecret)));
  Reply health = Http(serve->port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  Reply ready = Http(serve->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_THAT(ready.body, HasSubstr("1 gate"));
  ASSERT_EQ(Evaluate(*serve, absl::StrCat(R"({"gates": ["stop"], "set": {"CASE": "fail"}, "at": )",
                                          kAt, "}")).status,
            200);
  Reply metrics = Http(serve->port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("aurora_gate_verdict{gate=\"stop\"} 5"));
  EXPECT_THAT(metrics.body,
              HasSubstr("aurora_gate_rule_value{gate=\"stop\",group=\"live\",rule=\"error-rate\"} 0.07"));
  EXPECT_THAT(metrics.body, HasSubstr(
      "aurora_gate_serve_requests_total{endpoint=\"/api/v1/evaluate\",code=\"200\"} 1"));
  EXPECT_THAT(metrics.body,
              HasSubstr("aurora_gate_serve_request_duration_seconds_count{endpoint=\"/api/v1/evaluate\"} 1"));
  // One access-log line per request, secrets never.
  const std::string log = serve->Log();
  EXPECT_THAT(log, HasSubstr(" INFO request "));
  EXPECT_THAT(log, HasSubstr("path=/api/v1/gates"));
  EXPECT_THAT(log, Not(HasSubstr(kSecret)));
}

TEST_F(ServeE2eTest, BearerTokensGuardEverythingButHealth) {
  const std::string tokens = dir_ + "/tokens";
  WriteFile(tokens, "# deploy controllers\nfirst-token-abc\n\n  second-token-xyz  \n");
  auto serve = Serve({"--token-file", tokens});
  ASSERT_NE(serve, nullptr);
  const std::string body = absl::StrCat(R"({"gates": ["stop"], "at": )", kAt, "}");
  Reply none = Evaluate(*serve, body);
  EXPECT_EQ(none.status, 401);
  EXPECT_THAT(none.Header("www-authenticate"), HasSubstr("Bearer"));
  EXPECT_EQ(Http(serve->port(), "POST", "/api/v1/evaluate", body,
                 {"Authorization: Bearer first-token-abd"}).status, 401);
  EXPECT_EQ(Http(serve->port(), "POST", "/api/v1/evaluate", body,
                 {"Authorization: Bearer "}).status, 401);
  EXPECT_EQ(Http(serve->port(), "GET", "/metrics").status, 401);
  EXPECT_EQ(Http(serve->port(), "POST", "/api/v1/evaluate", body,
                 {"Authorization: Bearer first-token-abc"}).status, 200);
  EXPECT_EQ(Http(serve->port(), "POST", "/api/v1/evaluate", body,
                 {"Authorization: Bearer second-token-xyz"}).status, 200);
  EXPECT_EQ(Http(serve->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(Http(serve->port(), "GET", "/readyz").status, 200);
  EXPECT_THAT(serve->Log(), Not(HasSubstr("first-token-abd")));
  EXPECT_THAT(serve->Log(), Not(HasSubstr("first-token-abc")));
}

TEST_F(ServeE2eTest, ReloadsOnChangeAndSighupKeepingTheOldVersionOfABrokenFile) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  const std::string body = absl::StrCat(R"({"gates": ["stop"], "set": {"CASE": "fail"}, "at": )",
                                        kAt, "}");
  ASSERT_EQ(Verdict(Evaluate(*serve, body)), "fail");
  auto wait_for = [&](const std::string& needle, int count) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      const std::string log = serve->Log();
      int n = 0;
      for (size_t at = log.find(needle); at != std::string::npos;
           at = log.find(needle, at + 1)) {
        ++n;
      }
      if (n >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  // A changed file is picked up without a signal: the threshold moves.
  std::string raised = kStopGate;
  raised.replace(raised.find("\"> 0.05\""), 8, "\"> 0.5\"");
  WriteFile(gates_ + "/stop.yaml", raised);
  ASSERT_TRUE(wait_for("reloaded trigger=", 1)) << serve->Log();
  EXPECT_EQ(Verdict(Evaluate(*serve, body)), "pass");
  // A broken file is rejected and logged; the last good version serves.
  WriteFile(gates_ + "/stop.yaml", "gate: stop\ngroups: [\n");
  ASSERT_TRUE(wait_for("reloaded trigger=", 2)) << serve->Log();
  EXPECT_THAT(serve->Log(), HasSubstr("reload rejected"));
  EXPECT_THAT(serve->Log(), HasSubstr("stop.yaml"));
  EXPECT_EQ(Verdict(Evaluate(*serve, body)), "pass");
  // SIGHUP reloads too (here: a second gate appears).
  WriteFile(gates_ + "/stop.yaml", kStopGate);
  std::string other = kStopGate;
  other.replace(other.find("gate: stop"), 10, "gate: other");
  WriteFile(gates_ + "/other.yaml", other);
  serve->Signal(SIGHUP);
  ASSERT_TRUE(wait_for("reloaded trigger=", 3)) << serve->Log();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (Http(serve->port(), "GET", "/readyz").body.find("2 gates") == std::string::npos &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Verdict(Evaluate(*serve, absl::StrCat(
                R"({"gates": ["other"], "set": {"CASE": "fail"}, "at": )", kAt, "}"))),
            "fail");
  EXPECT_EQ(serve->Stop(SIGTERM), 0);
}

TEST_F(ServeE2eTest, BrokenFileAtStartIsExit2) {
  WriteFile(gates_ + "/broken.yaml", "gate: broken\ngroups: [\n");
  auto serve = ServeProcess::Start({"--gates", gates_}, env_, /*expect_serving=*/false);
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(serve->Wait(), 2);
  EXPECT_THAT(serve->Log(), HasSubstr("broken.yaml"));
}

// A CA, a server certificate for 127.0.0.1 and a client certificate, made
// with the openssl command line.
struct TestPki {
  std::string dir;
  bool ok = false;
  static TestPki Make(const std::string& dir) {
    TestPki p;
    p.dir = dir;
    auto run = [&](std::vector<std::string> argv) {
      testing::ProcessResult r = testing::RunProcess(argv);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      return r.exit_code == 0;
    };
    WriteFile(dir + "/san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    p.ok = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
                "/CN=aurora-gate test CA", "-keyout", dir + "/ca.key", "-out",
                dir + "/ca.crt"}) &&
           run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", dir + "/server.key",
                "-out", dir + "/server.csr"}) &&
           run({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA",
                dir + "/ca.crt", "-CAkey", dir + "/ca.key", "-CAcreateserial", "-days",
                "1", "-extfile", dir + "/san.ext", "-out", dir + "/server.crt"}) &&
           run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-subj", "/CN=argo-rollouts", "-keyout", dir + "/client.key",
                "-out", dir + "/client.csr"}) &&
           run({"openssl", "x509", "-req", "-in", dir + "/client.csr", "-CA",
                dir + "/ca.crt", "-CAkey", dir + "/ca.key", "-CAcreateserial", "-days",
                "1", "-out", dir + "/client.crt"});
    return p;
  }
};

// curl over TLS: "STATUS BODY", or curl's error.
testing::ProcessResult Curl(std::vector<std::string> args) {
  std::vector<std::string> argv = {"curl", "-sS", "--max-time", "20", "-w", " %{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunProcess(argv);
}

TEST_F(ServeE2eTest, TlsWithATestCaAndClientCertificates) {
  TestPki pki = TestPki::Make(dir_);
  ASSERT_TRUE(pki.ok);
  auto serve = Serve({"--tls-cert", dir_ + "/server.crt", "--tls-key", dir_ + "/server.key"});
  ASSERT_NE(serve, nullptr);
  const std::string url = absl::StrCat("https://127.0.0.1:", serve->port());
  testing::ProcessResult ok = Curl({"--cacert", dir_ + "/ca.crt", url + "/healthz"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n 200");
  testing::ProcessResult eval =
      Curl({"--cacert", dir_ + "/ca.crt", "-H", "Content-Type: application/json", "-d",
            R"({"CASE": "fail"})", url + "/argo/v1/stop?at=" + kAt});
  EXPECT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_THAT(eval.out, HasSubstr("\"verdict\":\"fail\""));
  // Not trusted without the CA; plain HTTP gets no answer.
  EXPECT_NE(Curl({url + "/healthz"}).exit_code, 0);
  EXPECT_EQ(Http(serve->port(), "GET", "/healthz").status, 0);
  serve.reset();

  // Mutual TLS: a client certificate signed by the client CA is required.
  auto mtls = Serve({"--tls-cert", dir_ + "/server.crt", "--tls-key", dir_ + "/server.key",
                     "--tls-client-ca", dir_ + "/ca.crt"});
  ASSERT_NE(mtls, nullptr);
  const std::string murl = absl::StrCat("https://127.0.0.1:", mtls->port(), "/healthz");
  EXPECT_NE(Curl({"--cacert", dir_ + "/ca.crt", murl}).exit_code, 0);
  testing::ProcessResult with_cert = Curl({"--cacert", dir_ + "/ca.crt", "--cert",
                                           dir_ + "/client.crt", "--key",
                                           dir_ + "/client.key", murl});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.err;
  EXPECT_EQ(with_cert.out, "ok\n 200");
}

TEST_F(ServeE2eTest, BadTlsFilesAreExit2) {
  WriteFile(dir_ + "/bad.pem", "not a certificate\n");
  auto serve = ServeProcess::Start({"--gates", gates_, "--tls-cert", dir_ + "/bad.pem",
                                    "--tls-key", dir_ + "/bad.pem"},
                                   env_, /*expect_serving=*/false);
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(serve->Wait(), 2);
  EXPECT_THAT(serve->Log(), HasSubstr("bad.pem"));
}

}  // namespace
}  // namespace aurora
