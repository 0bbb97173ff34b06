// The binary against a misbehaving Prometheus on loopback (a real HTTP
// server that delays, truncates, answers 503 or garbage): every fault ends
// as `error` and exit 3 — never a pass — within a bounded time.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/gate_dir_test.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::HttpTestServer;
using testing::TestHttpRequest;
using testing::TestHttpResponse;

constexpr char kOkBody[] =
    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764230400,"0.001"]}]}})";

class PrometheusFaultsTest : public testing::GateDirTest {
 protected:
  void WriteGate(const std::string& url, const std::string& timeout) {
    std::FILE* f = std::fopen(gate_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f,
                 "sources:\n  prom: { type: prometheus, url: \"%s\", timeout: %s }\n"
                 "groups:\n  - name: live\n    rules:\n"
                 "      - { name: error-rate, expr: 'sum(rate(x[5m]))', pass: \"< 0.01\" }\n",
                 url.c_str(), timeout.c_str());
    std::fclose(f);
  }
  testing::ProcessResult Check() {
    return testing::RunProcess(
        {AURORA_GATE_BIN, "check", gate_, "--at", "1764230400", "--color", "never"},
        {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }
};

std::unique_ptr<HttpTestServer> Serve(testing::TestHttpHandler h) {
  auto s = HttpTestServer::Start(std::move(h));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST_F(PrometheusFaultsTest, HealthyServerPasses) {
  auto server = Serve([](const TestHttpRequest&) {
    TestHttpResponse r;
    r.body = kOkBody;
    return r;
  });
  WriteGate(server->url(""), "5s");
  auto r = Check();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(PrometheusFaultsTest, SlowServerBeyondTheTimeoutIsAnErrorInBoundedTime) {
  std::atomic<int> calls{0};
  auto server = Serve([&calls](const TestHttpRequest&) {
    ++calls;
    TestHttpResponse r;
    r.body = kOkBody;
    r.delay = absl::Seconds(30);
    return r;
  });
  // timeout 1s: the server-side timeout parameter plus 5s of grace on the
  // client, three attempts with backoff: well under 30 s.
  WriteGate(server->url(""), "1s");
  auto start = std::chrono::steady_clock::now();
  auto r = Check();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ERROR"));
  EXPECT_LT(took, std::chrono::seconds(25));
  EXPECT_EQ(calls.load(), 3);  // retried, bounded
}

TEST_F(PrometheusFaultsTest, ServiceUnavailableStormIsAnError) {
  std::atomic<int> calls{0};
  auto server = Serve([&calls](const TestHttpRequest&) {
    ++calls;
    TestHttpResponse r;
    r.status = 503;
    r.body = "<html>upstream unavailable</html>";
    return r;
  });
  WriteGate(server->url(""), "5s");
  auto r = Check();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("HTTP 503 from Prometheus"));
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(PrometheusFaultsTest, RetryAfterIsHonouredAndARecoveryDecides) {
  std::atomic<int> calls{0};
  auto server = Serve([&calls](const TestHttpRequest&) {
    TestHttpResponse r;
    if (++calls == 1) {
      r.status = 429;
      r.headers.push_back({"Retry-After", "1"});
      r.body = "slow down";
    } else {
      r.body = kOkBody;
    }
    return r;
  });
  WriteGate(server->url(""), "5s");
  auto start = std::chrono::steady_clock::now();
  auto r = Check();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(PrometheusFaultsTest, TruncatedAndInvalidBodiesAreErrors) {
  for (int mode = 0; mode < 3; ++mode) {
    auto server = Serve([mode](const TestHttpRequest&) {
      TestHttpResponse r;
      r.body = kOkBody;
      if (mode == 0) r.fault = TestHttpResponse::Fault::kCloseMidBody;
      if (mode == 1) r.fault = TestHttpResponse::Fault::kContentLengthTooLarge;
      if (mode == 2) r.body = "{\"status\":\"success\",\"data\":{\"resultType\":";
      return r;
    });
    WriteGate(server->url(""), "5s");
    auto r = Check();
    EXPECT_EQ(r.exit_code, 3) << "mode " << mode << ": " << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("ERROR")) << mode;
  }
}

TEST_F(PrometheusFaultsTest, BadQueryIsAnErrorWithTheServersMessage) {
  std::atomic<int> calls{0};
  auto server = Serve([&calls](const TestHttpRequest&) {
    ++calls;
    TestHttpResponse r;
    r.status = 400;
    r.body = R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:9: parse error: unexpected end of input"})";
    return r;
  });
  WriteGate(server->url(""), "5s");
  auto r = Check();
  // A query rejected while evaluating is the rule's error (exit 3; it was
  // exit 2 "nothing was evaluated" before issue 10, item 6), and the
  // server's message is placed in the file at its line:col in the expression.
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("exit 2")));
  EXPECT_THAT(r.out, HasSubstr("rejected the query"));
  EXPECT_THAT(r.err, HasSubstr(gate_ + ":6:44: group \"live\": rule \"error-rate\": "
                               "expr: POST http://127.0.0.1:"));
  EXPECT_THAT(r.err, HasSubstr("/api/v1/query: Prometheus rejected the query: "
                               "bad_data: invalid parameter \"query\": 1:9: parse "
                               "error: unexpected end of input"));
  EXPECT_EQ(calls.load(), 1);  // not retried
}

TEST_F(PrometheusFaultsTest, ServerDownIsAnError) {
  int port = testing::FreeLoopbackPort();
  WriteGate("http://127.0.0.1:" + std::to_string(port), "2s");
  auto r = Check();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ERROR"));
}

}  // namespace
}  // namespace aurora
