// Actions fired by `check`, end to end through the binary: a loopback
// webhook receiver gets the rollback notification with an Idempotency-Key
// and a signature; a receiver that keeps failing makes the run loud and
// non-zero; a run killed (kill -9) after spooling and before delivery is
// delivered by the next run, once per idempotency key.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::TestHttpRequest;
using testing::TestHttpResponse;

struct Received {
  std::mutex mu;
  std::vector<TestHttpRequest> requests;
  std::set<std::string> delivered_keys;  // keys of requests answered 2xx
};

class ActionsE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    gate_ = dir_ + "/gate.yaml";
  }
  void TearDown() override {
    ASSERT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0);
  }
  void WriteGate(const std::string& url, const std::string& on) {
    std::FILE* f = std::fopen(gate_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::string text = absl::StrCat(
        "gate: predeploy\n"
        "sources:\n  coverage: { type: coverage, path: \"${ARTIFACTS}/coverage.xml\" }\n"
        "groups:\n  - name: q\n    rules:\n"
        "      - { name: line-coverage, expr: coverage_line_percent, pass: \"> 90\" }\n"
        "actions:\n"
        "  - on: ", on, "\n"
        "    webhook:\n"
        "      url: \"", url, "/hooks/T000/B000/secret-token\"\n"
        "      format: slack\n"
        "      text: \"\xF0\x9F\x9A\xA8 Aurora testnet rollback initiated - Check logs\"\n"
        "      signing_key_env: AURORA_TEST_SIGNING_KEY\n"
        "      max_attempts: 3\n"
        "      timeout: 2s\n");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  std::map<std::string, std::string> Env(const std::string& set) {
    return {{"ARTIFACTS", "examples/artifacts/" + set},
            {"AURORA_GATE_SPOOL_DIR", dir_ + "/spool"},
            {"AURORA_TEST_SIGNING_KEY", "k3y"},
            {"GITHUB_STEP_SUMMARY", "\x01unset"}};
  }
  std::string dir_, gate_;
};

std::unique_ptr<testing::HttpTestServer> Receiver(
    Received* got, std::function<TestHttpResponse(int n)> answer) {
  auto s = testing::HttpTestServer::Start([got, answer](const TestHttpRequest& r) {
    int n;
    {
      std::lock_guard<std::mutex> lock(got->mu);
      got->requests.push_back(r);
      n = static_cast<int>(got->requests.size());
    }
    TestHttpResponse resp = answer(n);
    // Counted as delivered only when answered at once (a delayed answer is
    // cut off by the kill).
    if (resp.status / 100 == 2 && resp.delay == absl::ZeroDuration()) {
      std::lock_guard<std::mutex> lock(got->mu);
      got->delivered_keys.insert(std::string(r.Header("idempotency-key")));
    }
    return resp;
  });
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(*s) : nullptr;
}

TEST_F(ActionsE2ETest, FailingGateFiresTheSignedRollbackNotificationOnce) {
  Received got;
  auto server = Receiver(&got, [](int) { return TestHttpResponse{}; });
  WriteGate(server->url(""), "fail");
  auto r = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("fail"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ASSERT_EQ(got.requests.size(), 1u) << r.err;
  const TestHttpRequest& req = got.requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hooks/T000/B000/secret-token");
  EXPECT_THAT(req.body, HasSubstr("Aurora testnet rollback initiated - Check logs"));
  EXPECT_THAT(req.body, HasSubstr("\"idempotency_key\""));
  EXPECT_EQ(req.Header("idempotency-key").size(), 64u);
  EXPECT_EQ(req.Header("x-aurora-signature"),
            "sha256=" + HmacSha256Hex("k3y", req.body));
  // The webhook's secret path never reaches the output.
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("secret-token")));
  // A passing run fires nothing on `fail`.
  auto pass = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  EXPECT_EQ(pass.exit_code, 0) << pass.err;
  EXPECT_EQ(got.requests.size(), 1u);
}

TEST_F(ActionsE2ETest, DryRunFiresNothingAndSaysWhatItWouldHaveFired) {
  Received got;
  auto server = Receiver(&got, [](int) { return TestHttpResponse{}; });
  WriteGate(server->url(""), "fail");
  auto r = testing::RunProcess({AURORA_GATE_BIN, "check", gate_, "--dry-run"}, Env("fail"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(got.requests.empty());
  EXPECT_THAT(r.err, HasSubstr("dry run: would fire"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("secret-token")));
}

TEST_F(ActionsE2ETest, GivingUpIsLoudAndNonZero) {
  Received got;
  auto server = Receiver(&got, [](int) {
    TestHttpResponse r;
    r.status = 500;
    return r;
  });
  WriteGate(server->url(""), "pass");
  auto r = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  // The gate passed, but its `pass` action could not be delivered.
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(got.requests.size(), 3u);  // max_attempts
  EXPECT_THAT(r.err, HasSubstr("failed"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("secret-token")));
}

TEST_F(ActionsE2ETest, KilledAfterSpoolingIsDeliveredByTheNextRunOnce) {
  Received got;
  std::atomic<bool> hang{true};
  auto server = Receiver(&got, [&hang](int) {
    TestHttpResponse r;
    if (hang.load()) r.delay = absl::Seconds(60);
    return r;
  });
  WriteGate(server->url(""), "fail");
  // Start a check that will hang on delivery, then kill -9 it.
  std::map<std::string, std::string> env = Env("fail");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.push_back(*e);
  for (const auto& [k, v] : env) {
    if (v != "\x01unset") env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv = {AURORA_GATE_BIN, "check", gate_};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&fa);
  // Wait until the receiver has the request (so the record was spooled).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(got.mu);
      if (!got.requests.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_FALSE(got.requests.empty());
  std::string key(got.requests[0].Header("idempotency-key"));
  EXPECT_TRUE(got.delivered_keys.empty());
  // The next run (the artifacts pass now: nothing new fires) delivers what
  // the killed run left in the spool, with the same idempotency key.
  hang = false;
  auto next = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_EQ(got.delivered_keys, std::set<std::string>{key});
  EXPECT_EQ(got.requests.back().Header("idempotency-key"), key);
  // And nothing is left to deliver: a third run sends nothing.
  size_t before = got.requests.size();
  auto third = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  EXPECT_EQ(third.exit_code, 0);
  EXPECT_EQ(got.requests.size(), before);
}

}  // namespace
}  // namespace aurora
