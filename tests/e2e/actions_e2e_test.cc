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
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/gate_dir_test.h"
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

class ActionsE2ETest : public testing::GateDirTest {
 protected:
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

// Issue 10, item 7: a spool that cannot be used never stops the rollback.
// `check` attempts the webhook anyway (in memory), says so on stderr and
// exits 3, whatever the verdict.
class UnusableSpoolE2ETest : public ActionsE2ETest {
 protected:
  void TearDown() override {
    for (const std::string& m : mounts_) {
      EXPECT_EQ(std::system(("umount -l '" + m + "'").c_str()), 0) << m;
    }
    ActionsE2ETest::TearDown();
  }
  // A tmpfs at `path` (we run as root, as CI does); unmounted in TearDown.
  void MountTmpfs(const std::string& path, const std::string& options) {
    ASSERT_EQ(std::system(("mkdir -p '" + path + "'").c_str()), 0);
    ASSERT_EQ(std::system(("mount -t tmpfs -o " + options + " tmpfs '" + path + "'").c_str()), 0)
        << "mounting a tmpfs needs root";
    mounts_.push_back(path);
  }
  // Runs a failing check with --spool-dir `spool`; expects the rollback to
  // reach the receiver once, and exit 3 with the spool error on stderr.
  void ExpectDeliveredWithoutSpool(const std::string& spool, const std::string& why) {
    Received got;
    auto server = Receiver(&got, [](int) { return TestHttpResponse{}; });
    WriteGate(server->url(""), "fail");
    auto r = testing::RunProcess({AURORA_GATE_BIN, "check", gate_, "--spool-dir", spool},
                                 Env("fail"));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_EQ(got.requests.size(), 1u) << r.err;
    EXPECT_THAT(r.err, HasSubstr("aurora-gate: error: "));
    EXPECT_THAT(r.err, HasSubstr(why));
    EXPECT_THAT(r.err, HasSubstr("without spooling"));
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("secret-token")));
  }
  std::vector<std::string> mounts_;
};

TEST_F(UnusableSpoolE2ETest, AFileWhereTheSpoolShouldBe) {
  const std::string file = dir_ + "/spool-file";
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  ExpectDeliveredWithoutSpool(file, "is not a directory");
}

TEST_F(UnusableSpoolE2ETest, AReadOnlyFilesystem) {
  MountTmpfs(dir_ + "/ro", "ro,size=64k");
  ExpectDeliveredWithoutSpool(dir_ + "/ro/spool", "Read-only file system");
}

TEST_F(UnusableSpoolE2ETest, AFullFilesystem) {
  MountTmpfs(dir_ + "/full", "size=64k");
  ASSERT_EQ(std::system(("mkdir -m 700 '" + dir_ + "/full/spool' && "
                         "dd if=/dev/zero of='" + dir_ + "/full/fill' bs=4k 2>/dev/null; true")
                            .c_str()),
            0);
  ExpectDeliveredWithoutSpool(dir_ + "/full/spool", "No space left on device");
}

TEST_F(UnusableSpoolE2ETest, WatchRefusesUnlessAllowedAndThenDeliversFromMemory) {
  const std::string file = dir_ + "/spool-file";
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  Received got;
  auto server = Receiver(&got, [](int) { return TestHttpResponse{}; });
  WriteGate(server->url(""), "fail");
  std::vector<std::string> argv = {AURORA_GATE_BIN, "watch", gate_, "--interval", "1s",
                                   "--duration", "2s", "--spool-dir", file};
  auto refused = testing::RunProcess(argv, Env("fail"));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("--allow-no-spool"));
  EXPECT_THAT(refused.err, HasSubstr("nothing was evaluated"));
  EXPECT_TRUE(got.requests.empty());
  argv.push_back("--allow-no-spool");
  auto allowed = testing::RunProcess(argv, Env("fail"));
  EXPECT_EQ(allowed.exit_code, 1) << allowed.err;  // the stop condition tripped
  EXPECT_THAT(allowed.err, HasSubstr("spool unusable: actions are delivered without spooling"));
  EXPECT_EQ(got.requests.size(), 1u) << allowed.err;
}

// Review of issue 10.9: delivery moved beside evaluation, and a watch whose
// stop condition tripped stopped its delivery after the first attempt. It
// now waits for the rollback within its retry budget: a 503 once, then 200.
TEST_F(ActionsE2ETest, ATrippedWatchRetriesItsRollbackBeforeItEnds) {
  Received got;
  auto server = Receiver(&got, [](int n) {
    TestHttpResponse r;
    r.status = n == 1 ? 503 : 200;
    return r;
  });
  WriteGate(server->url(""), "fail");
  auto r = testing::RunProcess({AURORA_GATE_BIN, "watch", gate_, "--interval",
                                "1s", "--duration", "20s"},
                               Env("fail"));
  EXPECT_EQ(r.exit_code, 1) << r.err;  // tripped, and the rollback delivered
  ASSERT_EQ(got.requests.size(), 2u) << r.err;
  EXPECT_EQ(got.delivered_keys.size(), 1u);
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("not delivered")));
  auto list = testing::RunProcess({AURORA_GATE_BIN, "spool", "list"}, Env("fail"));
  EXPECT_THAT(list.out, HasSubstr("no actions in the spool"));
}

// Issue 10, item 8: a rollback that gave up is reported by every later run
// (exit 3 unless --ignore-failed-actions) until on-call retries or drops it.
TEST_F(ActionsE2ETest, AFailedRollbackIsReportedUntilRetriedOrDropped) {
  Received got;
  std::atomic<int> status{500};
  auto server = Receiver(&got, [&status](int) {
    TestHttpResponse r;
    r.status = status.load();
    return r;
  });
  WriteGate(server->url(""), "fail");
  auto first = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("fail"));
  // The gate failed and its rollback could not be delivered: that needs a
  // human, so not the plain "fail" exit.
  EXPECT_EQ(first.exit_code, 3) << first.err;
  EXPECT_EQ(got.requests.size(), 3u);  // max_attempts
  const std::string key(got.requests[0].Header("idempotency-key"));
  // A later passing run says so, every time: on stderr, in the terminal
  // table and in every report, whose exit code is the process's.
  const std::string json_report = dir_ + "/later.json";
  const std::string md_report = dir_ + "/later.md";
  for (int i = 0; i < 2; ++i) {
    auto later = testing::RunProcess({AURORA_GATE_BIN, "check", gate_, "--json",
                                      json_report, "--markdown", md_report},
                                     Env("pass"));
    EXPECT_EQ(later.exit_code, 3) << later.err;
    EXPECT_THAT(later.err, HasSubstr("aurora-gate: error: failed action "));
    EXPECT_THAT(later.err, HasSubstr("HTTP 500"));
    EXPECT_THAT(later.err, HasSubstr("aurora-gate spool retry "));
    EXPECT_THAT(later.out, HasSubstr("Actions need a human"));
    EXPECT_THAT(later.out, HasSubstr("exit 3"));
    const std::string json = testing::ReadWholeFile(json_report);
    EXPECT_THAT(json, HasSubstr("\"exit_code\": 3"));
    EXPECT_THAT(json, HasSubstr("\"action_problems\": ["));
    EXPECT_THAT(json, HasSubstr("HTTP 500"));
    EXPECT_THAT(testing::ReadWholeFile(md_report),
                HasSubstr("**Actions need a human**"));
  }
  auto ignored = testing::RunProcess(
      {AURORA_GATE_BIN, "check", gate_, "--ignore-failed-actions"}, Env("pass"));
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  EXPECT_THAT(ignored.err, HasSubstr("failed action "));
  // spool list: no secret, the URL redacted.
  auto list = testing::RunProcess({AURORA_GATE_BIN, "spool", "list"}, Env("pass"));
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("failed    predeploy"));
  EXPECT_THAT(list.out, HasSubstr("fail"));
  EXPECT_THAT(list.out, HasSubstr("3/3"));
  auto json = testing::RunProcess({AURORA_GATE_BIN, "spool", "list", "--json"}, Env("pass"));
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"state\":\"failed\""));
  EXPECT_THAT(json.out, HasSubstr("\"gate\":\"predeploy\""));
  EXPECT_THAT(json.out, HasSubstr("\"trigger\":\"fail\""));
  EXPECT_THAT(json.out, HasSubstr("\"attempts\":3"));
  EXPECT_THAT(json.out, HasSubstr("\"idempotency_key\":\"" + key + "\""));
  EXPECT_THAT(list.out + json.out + list.err, ::testing::Not(HasSubstr("secret-token")));
  EXPECT_THAT(list.out + json.out, ::testing::Not(HasSubstr("k3y")));
  // retry: delivered now, with the same idempotency key.
  status = 200;
  auto retry = testing::RunProcess({AURORA_GATE_BIN, "spool", "retry", "--all-failed"},
                                   Env("pass"));
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(got.delivered_keys, std::set<std::string>{key});
  EXPECT_EQ(got.requests.back().Header("idempotency-key"), key);
  auto clean = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  auto empty = testing::RunProcess({AURORA_GATE_BIN, "spool", "list"}, Env("pass"));
  EXPECT_THAT(empty.out, HasSubstr("no actions in the spool"));
}

TEST_F(ActionsE2ETest, DropForgetsAFailedActionWithALogLine) {
  Received got;
  auto server = Receiver(&got, [](int) {
    TestHttpResponse r;
    r.status = 400;  // final: not retried
    return r;
  });
  WriteGate(server->url(""), "fail");
  auto first = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("fail"));
  EXPECT_EQ(first.exit_code, 3) << first.err;
  auto json = testing::RunProcess({AURORA_GATE_BIN, "spool", "list", "--json"}, Env("pass"));
  const std::string marker = "\"id\":\"";
  size_t at = json.out.find(marker);
  ASSERT_NE(at, std::string::npos) << json.out;
  const std::string id = json.out.substr(at + marker.size(), 32);
  auto unknown = testing::RunProcess({AURORA_GATE_BIN, "spool", "drop", "0123abcd"}, Env("pass"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no action 0123abcd in the spool"));
  auto drop = testing::RunProcess({AURORA_GATE_BIN, "spool", "drop", id}, Env("pass"));
  EXPECT_EQ(drop.exit_code, 0) << drop.err;
  EXPECT_THAT(drop.err, HasSubstr("dropped failed action " + id));
  EXPECT_THAT(drop.err, HasSubstr("it will not be delivered"));
  EXPECT_THAT(drop.err, ::testing::Not(HasSubstr("secret-token")));
  auto after = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, Env("pass"));
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(got.requests.size(), 1u);
}

// Issue 10, item 17: the spool keeps where a secret comes from (the
// ${VAR} as written), never its value; it is read again at delivery.
// Review of issue 10.17: exec arguments were spooled expanded. A `${VAR}`
// argument is kept as written and read again at each attempt.
TEST_F(ActionsE2ETest, TheSpoolKeepsExecArgumentReferencesNotSecrets) {
  {
    std::FILE* f = std::fopen(gate_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(
        "gate: predeploy\n"
        "sources:\n  coverage: { type: coverage, path: \"${ARTIFACTS}/coverage.xml\" }\n"
        "groups:\n  - name: q\n    rules:\n"
        "      - { name: line-coverage, expr: coverage_line_percent, pass: \"> 90\" }\n"
        "actions:\n"
        "  - on: fail\n"
        "    exec:\n"
        "      command: [sh, -c, 'test \"$1\" = ex3cTok3nGood', rollback, \"${EXEC_TOKEN}\"]\n"
        "      max_attempts: 1\n",
        f);
    std::fclose(f);
  }
  std::map<std::string, std::string> env = Env("fail");
  env["EXEC_TOKEN"] = "ex3cTok3nStale";
  // A dry run shows the argument as written.
  auto dry = testing::RunProcess({AURORA_GATE_BIN, "check", gate_, "--dry-run"}, env);
  EXPECT_THAT(dry.err, HasSubstr("${EXEC_TOKEN}"));
  EXPECT_THAT(dry.out + dry.err, ::testing::Not(HasSubstr("ex3cTok3nStale")));
  auto first = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, env);
  EXPECT_EQ(first.exit_code, 3) << first.err;  // the rollback gave up
  std::string spooled;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/spool")) {
    if (e.path().extension() == ".action") spooled += testing::ReadWholeFile(e.path());
  }
  ASSERT_FALSE(spooled.empty());
  EXPECT_THAT(spooled, HasSubstr("${EXEC_TOKEN}"));
  EXPECT_THAT(spooled, ::testing::Not(HasSubstr("ex3cTok3nStale")));
  // The rotated value is read at the retry: the command now succeeds.
  env["EXEC_TOKEN"] = "ex3cTok3nGood";
  auto retry = testing::RunProcess(
      {AURORA_GATE_BIN, "spool", "retry", "--all-failed"}, env);
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
}

TEST_F(ActionsE2ETest, TheSpoolKeepsSecretReferencesNotSecrets) {
  Received got;
  std::atomic<int> status{500};
  auto server = Receiver(&got, [&status](int) {
    TestHttpResponse r;
    r.status = status.load();
    return r;
  });
  {
    std::FILE* f = std::fopen(gate_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(absl::StrCat(
                   "gate: predeploy\n"
                   "sources:\n  coverage: { type: coverage, path: \"${ARTIFACTS}/coverage.xml\" }\n"
                   "groups:\n  - name: q\n    rules:\n"
                   "      - { name: line-coverage, expr: coverage_line_percent, pass: \"> 90\" }\n"
                   "actions:\n"
                   "  - on: fail\n"
                   "    webhook:\n"
                   "      url: \"", server->url(""), "/hooks/${HOOK_PATH_TOKEN}\"\n"
                   "      headers: { Authorization: \"Bearer ${HOOK_BEARER}\" }\n"
                   "      max_attempts: 1\n")
                   .c_str(),
               f);
    std::fclose(f);
  }
  std::map<std::string, std::string> env = Env("fail");
  env["HOOK_PATH_TOKEN"] = "pathS3cr3tValue";
  env["HOOK_BEARER"] = "b3arerS3cr3tValue";
  auto first = testing::RunProcess({AURORA_GATE_BIN, "check", gate_}, env);
  EXPECT_EQ(first.exit_code, 3) << first.err;
  ASSERT_EQ(got.requests.size(), 1u);
  EXPECT_EQ(got.requests[0].Header("authorization"), "Bearer b3arerS3cr3tValue");
  EXPECT_EQ(got.requests[0].target, "/hooks/pathS3cr3tValue");
  // The failed record on disk: the references, not the values.
  std::string spooled;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/spool")) {
    if (e.path().extension() == ".action") spooled += testing::ReadWholeFile(e.path());
  }
  ASSERT_FALSE(spooled.empty());
  EXPECT_THAT(spooled, HasSubstr("Bearer ${HOOK_BEARER}"));
  EXPECT_THAT(spooled, HasSubstr("/hooks/${HOOK_PATH_TOKEN}"));
  EXPECT_THAT(spooled, ::testing::Not(HasSubstr("S3cr3tValue")));
  // Retried without the variable: it says which one is missing.
  status = 200;
  std::map<std::string, std::string> unset = env;
  unset["HOOK_BEARER"] = "\x01unset";
  auto missing = testing::RunProcess({AURORA_GATE_BIN, "spool", "retry", "--all-failed"}, unset);
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("HOOK_BEARER"));
  EXPECT_EQ(got.requests.size(), 1u);
  // Retried with the secret rotated: the current value is sent.
  env["HOOK_BEARER"] = "r0tatedS3cr3tValue";
  auto retry = testing::RunProcess({AURORA_GATE_BIN, "spool", "retry", "--all-failed"}, env);
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  ASSERT_EQ(got.requests.size(), 2u);
  EXPECT_EQ(got.requests[1].Header("authorization"), "Bearer r0tatedS3cr3tValue");
  EXPECT_EQ(got.requests[1].target, "/hooks/pathS3cr3tValue");
  EXPECT_THAT(first.err + missing.err + retry.err, ::testing::Not(HasSubstr("S3cr3tValue")));
}

}  // namespace
}  // namespace aurora
