// End-to-end: `http` and `json` sources through the built binary, against a
// real loopback HTTP server: a /health that answers 200 then 503, events
// with and without trace ids, a body that is not JSON, a hang past the
// timeout, a server that is down; secrets never reach the output.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;

void WriteFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

// The outcome and reason of every rule of the JSON report, by name.
std::map<std::string, std::pair<std::string, std::string>> Outcomes(
    const std::string& json_path) {
  rapidjson::Document d;
  std::string text = ReadWholeFile(json_path);
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  std::map<std::string, std::pair<std::string, std::string>> out;
  if (d.HasParseError()) return out;
  for (const auto& g : d["gates"].GetArray()) {
    for (const auto& r : g["rules"].GetArray()) {
      out[r["name"].GetString()] = {r["outcome"].GetString(),
                                    r["reason"].GetString()};
    }
  }
  return out;
}

constexpr char kGate[] = R"(gate: api
sources:
  health:
    type: http
    url: "${AURORA_API_URL}/health"
    timeout: 2s
    bearer_token_file: "${TOKEN_FILE}"
    headers: { X-Api-Key: "${API_KEY}" }
  events:
    type: http
    url: "${AURORA_API_URL}/events/recent?key=${API_KEY}"
    timeout: 2s
    values:
      events_recent: { pointer: "/*", reduce: count }
      trace_ids: { pointer: "/*/trace_id", reduce: count_distinct }
  stats:
    type: json
    path: "${DIR}/stats.jsonl"
    values:
      slowest_ms: { pointer: "/ms", reduce: max }
groups:
  - name: api
    rules:
      - { name: api-up, source: health, expr: http_status_code, pass: "== 200" }
      - { name: api-fast, source: health, expr: http_response_seconds, pass: "< 1" }
      - { name: xai-traces, source: events, expr: trace_ids, pass: "> 0" }
      - { name: xai-events, source: events, expr: events_recent, pass: "> 0" }
      - { name: slowest, source: stats, expr: slowest_ms, pass: "< 100" }
)";

class HttpSourceE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    WriteFile(dir_ + "/gate.yaml", kGate);
    WriteFile(dir_ + "/token", "tok-SECRET-1\n");
    WriteFile(dir_ + "/stats.jsonl", "{\"ms\": 12}\n{\"ms\": 40}\n");
    auto server = testing::HttpTestServer::Start(
        [this](const testing::TestHttpRequest& req) {
          testing::TestHttpResponse resp;
          std::lock_guard<std::mutex> lock(mu_);
          requests_.push_back(req);
          std::string path = req.target.substr(0, req.target.find('?'));
          if (path == "/health") {
            resp.status = health_status_;
            resp.body = health_status_ == 200 ? "{\"status\": \"ok\"}" : "down";
          } else if (path == "/events/recent") {
            resp.body = events_body_;
            resp.headers.push_back({"Content-Type", events_type_});
            resp.delay = events_delay_;
          } else {
            resp.status = 404;
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

  testing::ProcessResult Check(const std::string& api_url) {
    return RunProcess({kBin, "check", dir_ + "/gate.yaml", "--json",
                       dir_ + "/r.json", "--color", "never"},
                      {{"AURORA_API_URL", api_url},
                       {"TOKEN_FILE", dir_ + "/token"},
                       {"API_KEY", "key-SECRET-2"},
                       {"DIR", dir_},
                       {"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }

  void ExpectNoSecrets(const testing::ProcessResult& r) {
    for (const char* secret : {"SECRET-1", "SECRET-2"}) {
      EXPECT_THAT(r.out, Not(HasSubstr(secret)));
      EXPECT_THAT(r.err, Not(HasSubstr(secret)));
      EXPECT_THAT(ReadWholeFile(dir_ + "/r.json"), Not(HasSubstr(secret)));
    }
  }

  std::string dir_;
  std::unique_ptr<testing::HttpTestServer> server_;
  std::mutex mu_;
  std::vector<testing::TestHttpRequest> requests_;
  int health_status_ = 200;
  std::string events_body_ =
      R"([{"type": "pretrade", "trace_id": "t-1"},
          {"type": "fill", "trace_id": "t-1"},
          {"type": "fill", "trace_id": "t-2"}])";
  std::string events_type_ = "application/json";
  absl::Duration events_delay_ = absl::ZeroDuration();
};

TEST_F(HttpSourceE2ETest, HealthyApiPassesAndEachEndpointIsFetchedOnce) {
  auto r = Check(server_->url(""));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  EXPECT_EQ(o["api-up"].first, "pass");
  EXPECT_EQ(o["api-fast"].first, "pass");
  EXPECT_EQ(o["xai-traces"].first, "pass");
  EXPECT_EQ(o["xai-traces"].second, "2 meets pass: > 0");
  EXPECT_EQ(o["xai-events"].second, "3 meets pass: > 0");
  EXPECT_EQ(o["slowest"].second, "40 meets pass: < 100");
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(requests_.size(), 2u);  // two rules per endpoint, one request
  for (const auto& req : requests_) {
    EXPECT_EQ(req.method, "GET");
    if (req.target == "/health") {
      EXPECT_EQ(req.Header("authorization"), "Bearer tok-SECRET-1");
      EXPECT_EQ(req.Header("x-api-key"), "key-SECRET-2");
    }
  }
  ExpectNoSecrets(r);
}

TEST_F(HttpSourceE2ETest, HealthThatTurns503FailsTheRule) {
  auto ok = Check(server_->url(""));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    health_status_ = 503;
  }
  auto r = Check(server_->url(""));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  EXPECT_EQ(o["api-up"].first, "fail");
  EXPECT_EQ(o["api-up"].second, "503 misses pass: == 200");
  EXPECT_EQ(o["xai-traces"].first, "pass");
}

TEST_F(HttpSourceE2ETest, EventsWithoutTraceIdsFail) {
  events_body_ = R"([{"type": "pretrade"}, {"type": "fill", "trace_id": null},
                     {"type": "fill", "trace_id": ""}])";
  auto r = Check(server_->url(""));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  // "" is a (distinct) value; null is not. (The runbook's script drops
  // empty ids too: gates/runbook/golive.yaml adds match: ".+" for that.)
  EXPECT_EQ(o["xai-events"].first, "pass");
  EXPECT_EQ(o["xai-traces"].second, "1 meets pass: > 0");
  events_body_ = R"([{"type": "pretrade"}, {"type": "fill"}])";
  auto none = Check(server_->url(""));
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  auto n = Outcomes(dir_ + "/r.json");
  EXPECT_EQ(n["xai-traces"].first, "fail");
  EXPECT_EQ(n["xai-traces"].second, "0 misses pass: > 0");
}

TEST_F(HttpSourceE2ETest, BodyThatIsNotJsonIsAnErrorNamingTheUrl) {
  events_body_ = "<html><body>maintenance</body></html>";
  events_type_ = "text/html";
  auto r = Check(server_->url(""));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  EXPECT_EQ(o["xai-traces"].first, "error");
  EXPECT_EQ(o["xai-traces"].second,
            "GET " + server_->url("/events/recent") +
                "?key=*** response: invalid JSON at line 1, column 1: Invalid value. "
                "(Content-Type: text/html)");
  EXPECT_EQ(o["api-up"].first, "pass");
  ExpectNoSecrets(r);
}

TEST_F(HttpSourceE2ETest, HangPastTheTimeoutIsAnError) {
  events_delay_ = absl::Seconds(20);
  absl::Time start = absl::Now();
  auto r = Check(server_->url(""));
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  EXPECT_EQ(o["xai-traces"].first, "error");
  EXPECT_THAT(o["xai-traces"].second,
              HasSubstr("GET " + server_->url("/events/recent") + "?key=***: "));
  EXPECT_THAT(o["xai-traces"].second, HasSubstr("timed out"));
  EXPECT_EQ(o["api-up"].first, "pass");
  ExpectNoSecrets(r);
}

TEST_F(HttpSourceE2ETest, ServerDownIsAnErrorNeverAPass) {
  std::string down = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  auto r = Check(down);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto o = Outcomes(dir_ + "/r.json");
  for (const char* rule : {"api-up", "api-fast", "xai-traces", "xai-events"}) {
    EXPECT_EQ(o[rule].first, "error") << rule;
    EXPECT_THAT(o[rule].second, HasSubstr("GET " + down + "/")) << rule;
  }
  EXPECT_EQ(o["slowest"].first, "pass");
  ExpectNoSecrets(r);
}

TEST_F(HttpSourceE2ETest, UnknownMetricIsAGateFileError) {
  WriteFile(dir_ + "/bad.yaml", R"(sources:
  events:
    type: http
    url: "http://127.0.0.1:1/events"
    values: { trace_ids: { pointer: "/*/trace_id", reduce: count_distinct } }
groups:
  - name: g
    rules:
      - { name: r, expr: trace_id, pass: "> 0" }
)");
  auto r = RunProcess({kBin, "lint", dir_ + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(dir_ + "/bad.yaml:9:26: group \"g\": rule "
                               "\"r\": expr: unknown metric \"trace_id\" for "
                               "an http source, did you mean \"trace_ids\"? "
                               "(http yields: http_status_code, "
                               "http_response_seconds, trace_ids)"));
}

TEST(HttpSourceWatchE2ETest, WatchFetchesOncePerCycleAndStopsOnA503) {
  std::mutex mu;
  int health_requests = 0;
  auto server = testing::HttpTestServer::Start(
      [&](const testing::TestHttpRequest& req) {
        testing::TestHttpResponse resp;
        std::lock_guard<std::mutex> lock(mu);
        if (req.target != "/health") {
          resp.status = 404;
          return resp;
        }
        // Healthy for two cycles, then down.
        resp.status = ++health_requests <= 2 ? 200 : 503;
        return resp;
      });
  ASSERT_TRUE(server.ok()) << server.status();
  std::string dir = testing::MakeTempDir();
  WriteFile(dir + "/watch.yaml", R"(sources:
  health: { type: http, url: "${AURORA_API_URL}/health", timeout: 2s }
groups:
  - name: api
    rules:
      - { name: api-up, expr: http_status_code, pass: "== 200" }
      - { name: api-fast, expr: http_response_seconds, pass: "< 1" }
)");
  auto r = RunProcess({kBin, "watch", dir + "/watch.yaml", "--interval", "1s",
                       "--duration", "60s", "--json", dir + "/r.json"},
                      {{"AURORA_API_URL", (*server)->url("")},
                       {"GITHUB_STEP_SUMMARY", "\x01unset"},
                       {"NO_COLOR", "1"}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto o = Outcomes(dir + "/r.json");
  EXPECT_EQ(o["api-up"].first, "fail");
  EXPECT_EQ(o["api-up"].second, "503 misses pass: == 200");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(health_requests, 3);  // one per cycle for both rules
  testing::RemoveDir(dir);
}

}  // namespace
}  // namespace aurora
