#include "gates/notifier/action_sender.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/curl_http_client.h"
#include "base/digest.h"
#include "base/file_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gates/action_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_http_client.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::aurora::testing::FakeClock;
using ::aurora::testing::HttpTestServer;
using ::aurora::testing::StatusIs;
using ::aurora::testing::TestHttpRequest;
using ::aurora::testing::TestHttpResponse;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kSecretPath[] = "/services/T0AURORA/B0GATE/s3cr3tT0k3n";

GateResult Gate() {
  GateResult g;
  g.name = "stop-conditions";
  g.verdict = Outcome::kFail;
  RuleResult r;
  r.name = "HighErrorRate";
  r.outcome = Outcome::kFail;
  r.severity = "critical";
  r.reason = "0.062 > 0.05";
  g.rules.push_back(r);
  return g;
}

RunResult VerdictRun() {
  RunResult run;
  run.gates.push_back(Gate());
  run.verdict = Outcome::kFail;
  run.eval_time = absl::FromUnixSeconds(1764230400);
  run.started = run.eval_time;
  return run;
}

ActionSpec Webhook(std::string url,
                   std::map<std::string, std::string> more = {}) {
  ActionSpec s;
  s.on = ActionTrigger::kFail;
  s.kind = "webhook";
  s.settings = std::move(more);
  s.settings["url"] = std::move(url);
  return s;
}

class ActionSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir();
    auto spool = Spool::Open(root_ + "/spool");
    ASSERT_TRUE(spool.ok()) << spool.status();
    spool_ = std::make_unique<Spool>(*std::move(spool));
    auto http = NewCurlHttpClient({});
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = *std::move(http);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // The record for `spec` on the fail transition of Gate().
  SpoolRecord Build(const ActionSpec& spec, DeliveryPolicy policy = {},
                    SecretSource secrets = {}) {
    const GateResult gate = Gate();
    const ActionEvent e = MakeActionEvent(
        ActionTrigger::kFail, gate, absl::FromUnixSeconds(1764230000), clock_.Now());
    absl::StatusOr<SpoolRecord> r = BuildActionRecord(
        spec, 0, e, VerdictRun(), gate, clock_.Now(), policy, secrets);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : SpoolRecord{};
  }

  ActionSender Sender(DeliveryPolicy policy = {}) {
    return ActionSender(*spool_, *http_, clock_, policy, nullptr,
                        [] { return 0.0; });
  }

  std::string root_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<HttpClient> http_;
  FakeClock clock_;
};

// A receiver that answers `failures` times with `fail`, then 200.
std::unique_ptr<HttpTestServer> Receiver(int failures, TestHttpResponse fail) {
  auto count = std::make_shared<std::atomic<int>>(0);
  auto s = HttpTestServer::Start([=](const TestHttpRequest&) {
    if (count->fetch_add(1) < failures) return fail;
    TestHttpResponse ok;
    ok.status = 200;
    ok.body = "ok";
    return ok;
  });
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST_F(ActionSenderTest, FailsNTimesThenSucceedsWithOneKeyAndBackoff) {
  TestHttpResponse unavailable;
  unavailable.status = 503;
  auto server = Receiver(3, unavailable);
  SpoolRecord r = Build(Webhook(server->url(kSecretPath)));
  std::vector<DeliveryAttempt> log;
  ActionSender sender = Sender();
  sender.set_observer([&](const DeliveryAttempt& a) { log.push_back(a); });
  ASSERT_OK(sender.Fire({r}));
  std::vector<TestHttpRequest> got = server->requests();
  ASSERT_THAT(got, SizeIs(4));  // 3 failures + exactly one success
  for (const TestHttpRequest& q : got) {
    EXPECT_EQ(q.Header("idempotency-key"), r.idempotency_key);
    EXPECT_EQ(q.body, got[0].body);
    EXPECT_EQ(q.target, kSecretPath);
  }
  // Equal jitter with jitter() = 0: half of 1s, 2s, 4s.
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Milliseconds(500),
                                           absl::Seconds(1), absl::Seconds(2)));
  ASSERT_THAT(log, SizeIs(4));
  EXPECT_EQ(log[0].result, DeliveryAttempt::Result::kRetry);
  EXPECT_EQ(log[0].detail, "HTTP 503");
  EXPECT_EQ(log[3].result, DeliveryAttempt::Result::kDelivered);
  EXPECT_EQ(log[3].attempt, 4);
  ASSERT_OK_AND_ASSIGN(auto pending, spool_->LoadPending());
  ASSERT_OK_AND_ASSIGN(auto failed, spool_->LoadFailed());
  EXPECT_THAT(pending, IsEmpty());
  EXPECT_THAT(failed, IsEmpty());
}

TEST_F(ActionSenderTest, JitterSpreadsTheWaitUpToTheFullBackoff) {
  TestHttpResponse unavailable;
  unavailable.status = 502;
  auto server = Receiver(2, unavailable);
  ActionSender sender(*spool_, *http_, clock_, {}, nullptr, [] { return 0.5; });
  ASSERT_OK(sender.Fire({Build(Webhook(server->url("/hook")))}));
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Milliseconds(750), absl::Milliseconds(1500)));
}

TEST_F(ActionSenderTest, HonoursRetryAfterSeconds) {
  TestHttpResponse slow_down;
  slow_down.status = 429;
  slow_down.headers = {{"Retry-After", "7"}};
  auto server = Receiver(1, slow_down);
  ASSERT_OK(Sender().Fire({Build(Webhook(server->url("/hook")))}));
  EXPECT_THAT(server->requests(), SizeIs(2));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(7)));
}

TEST_F(ActionSenderTest, HonoursRetryAfterHttpDate) {
  TestHttpResponse slow_down;
  slow_down.status = 503;
  // FakeClock starts at 2025-11-27T08:00:00Z; 42 s later.
  slow_down.headers = {{"Retry-After", "Thu, 27 Nov 2025 08:00:42 GMT"}};
  auto server = Receiver(1, slow_down);
  ASSERT_OK(Sender().Fire({Build(Webhook(server->url("/hook")))}));
  EXPECT_THAT(server->requests(), SizeIs(2));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(42)));
}

TEST_F(ActionSenderTest, GoneIsFinalNotRetriedAndKeptAsFailed) {
  TestHttpResponse gone;
  gone.status = 410;
  auto server = Receiver(100, gone);
  SpoolRecord r = Build(Webhook(server->url(kSecretPath)));
  absl::Status s = Sender().Fire({r});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          absl::StrCat("action stop-conditions action 1 "
                                       "(webhook on fail) POST ",
                                       server->url("/services/***/***/***"),
                                       ": HTTP 410 is final (not retried); "
                                       "kept in the spool as failed: ",
                                       spool_->PathOf(r.id))));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(server->requests(), SizeIs(1));
  EXPECT_THAT(clock_.sleeps(), IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto failed, spool_->LoadFailed());
  ASSERT_THAT(failed, SizeIs(1));
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].last_error, "HTTP 410 is final (not retried)");
  ASSERT_OK_AND_ASSIGN(auto pending, spool_->LoadPending());
  EXPECT_THAT(pending, IsEmpty());
}

TEST_F(ActionSenderTest, ServerErrorForeverExhaustsAttemptsLoudly) {
  TestHttpResponse broken;
  broken.status = 500;
  auto server = Receiver(1000, broken);
  DeliveryPolicy policy;
  policy.max_attempts = 4;
  SpoolRecord r = Build(Webhook(server->url(kSecretPath)), policy);
  absl::Status s = Sender(policy).Fire({r});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          absl::StrCat("action stop-conditions action 1 "
                                       "(webhook on fail) POST ",
                                       server->url("/services/***/***/***"),
                                       ": gave up after 4 attempts over "
                                       "3.5s: HTTP 500; kept in the spool as "
                                       "failed: ",
                                       spool_->PathOf(r.id))));
  EXPECT_THAT(server->requests(), SizeIs(4));
  ASSERT_OK_AND_ASSIGN(auto failed, spool_->LoadFailed());
  ASSERT_THAT(failed, SizeIs(1));
  EXPECT_EQ(failed[0].attempts, 4);
  EXPECT_EQ(failed[0].idempotency_key, r.idempotency_key);
}

TEST_F(ActionSenderTest, ServerErrorForeverStopsAtTheTimeBudget) {
  TestHttpResponse broken;
  broken.status = 500;
  auto server = Receiver(1000, broken);
  DeliveryPolicy policy;
  policy.max_attempts = 100;
  policy.max_duration = absl::Seconds(10);
  SpoolRecord r = Build(Webhook(server->url("/hook")), policy);
  absl::Status s = Sender(policy).Fire({r});
  // Waits 0.5 + 1 + 2 + 4 = 7.5 s; the next (8 s) would end at 15.5 s.
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("gave up after 5 attempts over 7.5s: the "
                                    "next attempt (in 8s) would pass its time "
                                    "budget; last: HTTP 500")));
  EXPECT_THAT(server->requests(), SizeIs(5));
}

TEST_F(ActionSenderTest, HangBeyondTheTimeoutIsRetriedThenFails) {
  TestHttpResponse hang;
  hang.delay = absl::Seconds(5);
  auto server = Receiver(1000, hang);
  DeliveryPolicy policy;
  policy.max_attempts = 2;
  SpoolRecord r =
      Build(Webhook(server->url(kSecretPath), {{"timeout", "300ms"}}), policy);
  EXPECT_EQ(r.request.timeout, absl::Milliseconds(300));
  absl::Status s = Sender(policy).Fire({r});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("gave up after 2 attempts")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(server->requests(), SizeIs(2));
  ASSERT_OK_AND_ASSIGN(auto failed, spool_->LoadFailed());
  EXPECT_THAT(failed, SizeIs(1));
}

TEST_F(ActionSenderTest, TransportErrorsNeverShowTheTokenInThePath) {
  const std::string url = absl::StrCat(
      "http://127.0.0.1:", testing::FreeLoopbackPort(), kSecretPath, "?k=v");
  DeliveryPolicy policy;
  policy.max_attempts = 2;
  absl::Status s = Sender(policy).Fire({Build(Webhook(url), policy)});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("gave up after 2 attempts")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("k=v")));
  ASSERT_OK_AND_ASSIGN(auto failed, spool_->LoadFailed());
  ASSERT_THAT(failed, SizeIs(1));
  EXPECT_THAT(failed[0].last_error, Not(HasSubstr("s3cr3t")));
}

TEST_F(ActionSenderTest, ALaterRunDeliversWhatACrashLeftExactlyOnce) {
  auto server = Receiver(0, {});
  SpoolRecord r = Build(Webhook(server->url("/hook")));
  // The first run spooled the action and was killed before sending it.
  ASSERT_OK_AND_ASSIGN(bool added, spool_->Add(r));
  ASSERT_TRUE(added);
  // The next run starts (the killed one released the spool's lock): a new
  // Spool on the same directory.
  const std::string dir = spool_->dir();
  spool_.reset();
  ASSERT_OK_AND_ASSIGN(Spool reopened, Spool::Open(dir));
  ActionSender sender(reopened, *http_, clock_, {}, nullptr,
                      [] { return 0.0; });
  ASSERT_OK(sender.DeliverPending());
  ASSERT_THAT(server->requests(), SizeIs(1));
  EXPECT_EQ(server->requests()[0].Header("idempotency-key"), r.idempotency_key);
  // Firing the same incident again does not send it again while spooled, and
  // once delivered the spool is empty.
  ASSERT_OK(sender.DeliverPending());
  EXPECT_THAT(server->requests(), SizeIs(1));
  ASSERT_OK_AND_ASSIGN(auto pending, reopened.LoadPending());
  EXPECT_THAT(pending, IsEmpty());
}

TEST_F(ActionSenderTest, SameIncidentInALaterCycleKeepsItsKeyAndRecord) {
  const GateResult gate = Gate();
  const absl::Time start = absl::FromUnixSeconds(1764230000);
  ActionEvent first = MakeActionEvent(ActionTrigger::kFail, gate, start, start);
  ActionEvent later =
      MakeActionEvent(ActionTrigger::kFail, gate, start, start + absl::Minutes(3));
  auto a = BuildActionRecord(Webhook("http://h/x"), 0, first, VerdictRun(),
                             gate, first.now, {}, {});
  auto b = BuildActionRecord(Webhook("http://h/x"), 0, later, VerdictRun(),
                             gate, later.now, {}, {});
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  EXPECT_EQ(a->idempotency_key, b->idempotency_key);
  EXPECT_EQ(a->id, b->id);
  ASSERT_OK_AND_ASSIGN(bool added_a, spool_->Add(*a));
  ASSERT_OK_AND_ASSIGN(bool added_b, spool_->Add(*b));
  EXPECT_TRUE(added_a);
  EXPECT_FALSE(added_b);
}

TEST_F(ActionSenderTest, SignatureIsHmacOfTheBodyAsOpensslComputesIt) {
  auto server = Receiver(0, {});
  SecretSource secrets;
  secrets.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "AURORA_HOOK_KEY") return "k3y-not-logged";
    return std::nullopt;
  };
  SpoolRecord r = Build(
      Webhook(server->url("/hook"),
              {{"signing_key_env", "AURORA_HOOK_KEY"}, {"format", "slack"}}),
      {}, secrets);
  ASSERT_OK(Sender().Fire({r}));
  ASSERT_THAT(server->requests(), SizeIs(1));
  const TestHttpRequest got = server->requests()[0];
  // Independently: openssl dgst -sha256 -hmac KEY over the received body.
  const std::string body_file = root_ + "/body";
  std::ofstream(body_file, std::ios::binary) << got.body;
  testing::ProcessResult p = testing::RunProcess(
      {"openssl", "dgst", "-sha256", "-hmac", "k3y-not-logged", body_file});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const std::string hex = p.out.substr(p.out.rfind(' ') + 1, 64);
  EXPECT_EQ(got.Header("x-aurora-signature"), "sha256=" + hex);
  EXPECT_EQ(got.Header("content-type"), "application/json");
  EXPECT_THAT(got.body, HasSubstr(absl::StrCat("\"idempotency_key\":\"",
                                               r.idempotency_key, "\"")));
}

TEST_F(ActionSenderTest, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(ActionSenderTest, SigningKeyFromFileAndErrorsNeverShowTheKey) {
  RealFileReader files;
  const std::string key_file = root_ + "/key";
  std::ofstream(key_file) << "filek3y\n";
  SecretSource secrets{nullptr, &files};
  SpoolRecord r = Build(Webhook("http://h/x", {{"signing_key_file", key_file}}),
                        {}, secrets);
  EXPECT_EQ(r.request.headers.back().value,
            "sha256=" + HmacSha256Hex("filek3y", r.request.body));

  const GateResult gate = Gate();
  const ActionEvent e =
      MakeActionEvent(ActionTrigger::kFail, gate, absl::Time(), absl::Time());
  SecretSource none;
  none.env = [](const std::string&) { return std::nullopt; };
  EXPECT_THAT(
      BuildActionRecord(
          Webhook("https://h/a/b/c?token=t", {{"signing_key_env", "HOOK_KEY"}}),
          1, e, VerdictRun(), gate, absl::Time(), {}, none),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "action stop-conditions action 2 (webhook on fail) POST "
               "https://h/a/b/c?token=***: signing_key_env: environment variable "
               "HOOK_KEY is not set or empty"));
}

TEST_F(ActionSenderTest, AlertmanagerKindPostsAlertsToTheApi) {
  ActionSpec s;
  s.on = ActionTrigger::kFail;
  s.kind = "alertmanager";
  s.settings = {{"url", "http://am:9093/"}};
  SpoolRecord r = Build(s);
  EXPECT_EQ(r.request.url, "http://am:9093/api/v2/alerts");
  EXPECT_THAT(r.request.body, ::testing::StartsWith("[{\"labels\":"));
}

TEST_F(ActionSenderTest, DryRunShowsTheRequestWithSecretsMasked) {
  SecretSource secrets;
  secrets.env = [](const std::string&) -> std::optional<std::string> {
    return "hmac-k3y";
  };
  SpoolRecord r =
      Build(Webhook(absl::StrCat("https://hooks.slack.com", kSecretPath),
                    {{"signing_key_env", "K"},
                     {"format", "slack"},
                     {"text", "rollback"},
                     {"headers.Authorization", "Bearer t0ken"}}),
            {}, secrets);
  const std::string text = DescribeDryRun(r);
  EXPECT_EQ(
      text,
      absl::StrCat("would send stop-conditions action 1 (webhook on fail) POST "
                   "https://hooks.slack.com/services/***/***/***:\n"
                   "  POST https://hooks.slack.com/services/***/***/***\n"
                   "  Content-Type: application/json\n"
                   "  Idempotency-Key: ",
                   r.idempotency_key,
                   "\n"
                   "  Authorization: ***\n"
                   "  X-Aurora-Signature: ***\n\n",
                   r.request.body, "\n"));
  EXPECT_THAT(text, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(text, Not(HasSubstr("t0ken")));
  EXPECT_THAT(text, Not(HasSubstr("hmac-k3y")));
}

TEST(ActionDisplayNameTest, ShowsTheUrlWithoutItsToken) {
  ActionSpec spec;
  spec.kind = "webhook";
  spec.on = ActionTrigger::kFail;
  spec.settings["url"] = "https://u:pw@hooks.slack.com/services/T0/B0/XsecretX?t=1#f";
  std::string name = ActionDisplayName(spec, 0, "deploy");
  EXPECT_EQ(name,
            "deploy action 1 (webhook on fail) POST "
            "https://hooks.slack.com/services/***/***/***?t=***");
}

TEST(ParseRetryAfterTest, SecondsAndHttpDates) {
  const absl::Time now =
      absl::FromUnixSeconds(784111777);  // Sun, 06 Nov 1994 08:49:37
  EXPECT_EQ(ParseRetryAfter("120", now), absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:37 GMT", now),
            absl::Seconds(60));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:47 GMT", now),
            absl::Seconds(10));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:57 1994", now),
            absl::Seconds(20));
  EXPECT_EQ(ParseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", now),
            absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(ActionSenderExecTest, ExecActionGetsTheVerdictAndRetriesNonZeroExit) {
  const std::string root = testing::MakeTempDir();
  auto spool = Spool::Open(root + "/spool");
  ASSERT_OK(spool.status());
  testing::FakeHttpClient http;
  FakeClock clock;
  int calls = 0;
  std::vector<ExecRequest> seen;
  ActionSender sender(
      *spool, http, clock, {},
      [&](const ExecRequest& q) -> absl::StatusOr<ExecResult> {
        seen.push_back(q);
        ExecResult r;
        r.exit_code = ++calls < 2 ? 1 : 0;
        return r;
      },
      [] { return 0.0; });
  ActionSpec s;
  s.on = ActionTrigger::kFail;
  s.kind = "exec";
  s.argv = {"aws", "ecs", "update-service", "--task-definition",
            "aurora-testnet-previous"};
  const GateResult gate = Gate();
  const ActionEvent e = MakeActionEvent(
      ActionTrigger::kFail, gate, absl::FromUnixSeconds(1764230000), clock.Now());
  ASSERT_OK_AND_ASSIGN(
      SpoolRecord r,
      BuildActionRecord(s, 0, e, VerdictRun(), gate, clock.Now(), {}, {}));
  ASSERT_OK(sender.Fire({r}));
  ASSERT_THAT(seen, SizeIs(2));
  EXPECT_EQ(seen[1].argv, s.argv);
  EXPECT_EQ(seen[1].env.at("AURORA_GATE"), "stop-conditions");
  EXPECT_EQ(seen[1].env.at("AURORA_TRANSITION"), "fail");
  EXPECT_EQ(seen[1].env.at("AURORA_VERDICT"), "fail");
  EXPECT_EQ(seen[1].env.at("AURORA_RULES"), "HighErrorRate");
  EXPECT_EQ(seen[1].env.at("AURORA_IDEMPOTENCY_KEY"), r.idempotency_key);
  EXPECT_EQ(seen[1].env.at("AURORA_INCIDENT_START"), "2025-11-27T07:53:20Z");
  EXPECT_THAT(seen[1].stdin_data,
              HasSubstr("\"schema\": \"aurora-gate/report/v1\""));
  EXPECT_THAT(clock.sleeps(), ElementsAre(absl::Milliseconds(500)));
  std::filesystem::remove_all(root);
}

TEST(ActionSenderExecTest, CommandThatCannotStartIsFinal) {
  const std::string root = testing::MakeTempDir();
  auto spool = Spool::Open(root + "/spool");
  ASSERT_OK(spool.status());
  testing::FakeHttpClient http;
  FakeClock clock;
  ActionSender sender(*spool, http, clock, {}, nullptr, [] { return 0.0; });
  ActionSpec s;
  s.on = ActionTrigger::kFail;
  s.kind = "exec";
  s.argv = {"/nonexistent/aurora-rollback", "--token=s3cr3t"};
  const GateResult gate = Gate();
  const ActionEvent e = MakeActionEvent(ActionTrigger::kFail, gate, clock.Now(), clock.Now());
  ASSERT_OK_AND_ASSIGN(
      SpoolRecord r,
      BuildActionRecord(s, 0, e, VerdictRun(), gate, clock.Now(), {}, {}));
  absl::Status st = sender.Fire({r});
  EXPECT_THAT(st,
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("exec /nonexistent/aurora-rollback: cannot "
                                 "start: No such file or directory is "
                                 "final (not retried)")));
  EXPECT_THAT(std::string(st.message()), Not(HasSubstr("s3cr3t")));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

// Issue 10, item 7: a spool that cannot be written (disk full, directory
// gone) never stops the rollback: it is attempted, and the result says the
// action was not spooled.
TEST_F(ActionSenderTest, AnActionThatCannotBeSpooledIsAttemptedAnyway) {
  auto server = Receiver(0, {});
  SpoolRecord r = Build(Webhook(server->url("/hook")));
  // The spool is unusable: its directory was replaced by a file (ENOTDIR
  // for every record path).
  std::filesystem::remove_all(root_ + "/spool");
  std::ofstream(root_ + "/spool") << "not a directory";
  ActionSender sender(*spool_, *http_, clock_, {}, nullptr, [] { return 0.0; });
  absl::Status st = sender.Fire({r});
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("could not be spooled"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("attempted without spooling"));
  ASSERT_THAT(server->requests(), SizeIs(1));
  EXPECT_EQ(server->requests()[0].Header("idempotency-key"), r.idempotency_key);
}

TEST_F(ActionSenderTest, AStoppedSenderLeavesTheRetryPendingInTheSpool) {
  TestHttpResponse unavailable;
  unavailable.status = 503;
  auto server = Receiver(2, unavailable);
  SpoolRecord r = Build(Webhook(server->url("/hook")));
  ActionSender sender(*spool_, *http_, clock_, {}, nullptr, [] { return 0.0; });
  sender.set_stop([] { return true; });
  absl::Status st = sender.Fire({r});
  EXPECT_THAT(std::string(st.message()), HasSubstr("kept pending in the spool"));
  // The attempt due was made; the retry was not waited for.
  EXPECT_THAT(server->requests(), SizeIs(1));
  ASSERT_OK_AND_ASSIGN(auto pending, spool_->LoadPending());
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_EQ(pending[0].attempts, 1);
}

}  // namespace
}  // namespace aurora
