// The alertmanager action against a real Alertmanager (Debian
// prometheus-alertmanager) on loopback: our /api/v2/alerts posts are
// accepted, get the fingerprint we compute, are routed to a webhook receiver
// (firing, then resolved), and the webhook v4 body Alertmanager itself sends
// has exactly the keys our `format: alertmanager` body has.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/strings.h"
#include "gates/notifier/action_sender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/gates/action_test_util.h"
#include "tests/testing/alertmanager.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::aurora::testing::HttpTestServer;
using ::aurora::testing::TestHttpRequest;
using ::aurora::testing::TestHttpResponse;

std::set<std::string> Keys(const rapidjson::Value& v) {
  std::set<std::string> out;
  for (const auto& m : v.GetObject()) out.insert(m.name.GetString());
  return out;
}

class RealAlertmanagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir();
    auto receiver = HttpTestServer::Start([](const TestHttpRequest&) {
      TestHttpResponse r;
      r.status = 200;
      return r;
    });
    ASSERT_TRUE(receiver.ok()) << receiver.status();
    receiver_ = *std::move(receiver);
    am_ = testing::Alertmanager::Start(absl::StrCat(
        "route:\n  receiver: hook\n  group_by: [gate]\n  group_wait: 0s\n"
        "  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n"
        "  - name: hook\n    webhook_configs:\n      - url: ",
        receiver_->url("/am"), "\n        send_resolved: true\n"));
    ASSERT_NE(am_, nullptr);
    auto http = NewCurlHttpClient({});
    ASSERT_TRUE(http.ok());
    http_ = *std::move(http);
  }

  void TearDown() override {
    am_.reset();
    receiver_.reset();
    testing::RemoveDir(root_);
  }

  // Waits up to 15 s for a webhook whose status is `status`.
  std::string AwaitWebhook(std::string_view status) {
    const std::string want = absl::StrCat("\"status\":\"", Sv(status), "\"");
    for (int i = 0; i < 150; ++i) {
      for (const TestHttpRequest& r : receiver_->requests()) {
        if (absl::StrContains(r.body, want)) return r.body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

  std::string root_;
  std::unique_ptr<HttpTestServer> receiver_;
  std::unique_ptr<testing::Alertmanager> am_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(RealAlertmanagerTest, AcceptsFiringThenResolvedAndRoutesThem) {
  GateResult gate;
  gate.name = "stop-conditions";
  gate.verdict = Outcome::kFail;
  RuleResult rule;
  rule.name = "HighErrorRate";
  rule.outcome = Outcome::kFail;
  rule.severity = "critical";
  rule.reason = "0.062 > 0.05";
  rule.labels = {{"team", "aurora"}};
  gate.rules.push_back(rule);
  RunResult run;
  run.gates.push_back(gate);
  RealClock clock;
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(root_ + "/spool"));
  ActionSender sender(spool, *http_, clock);
  ActionSpec spec;
  spec.on = ActionTrigger::kFail;
  spec.kind = "alertmanager";
  spec.settings = {{"url", am_->url()},
                   {"generator_url", "http://grafana.testnet.aurora.internal"}};
  const absl::Time start =
      absl::FromUnixSeconds(absl::ToUnixSeconds(clock.Now()));
  const ActionEvent firing = MakeActionEvent(ActionTrigger::kFail, gate, start, start);
  ASSERT_OK_AND_ASSIGN(SpoolRecord r, BuildActionRecord(spec, 0, firing, run,
                                                        gate, start, {}, {}));
  ASSERT_OK(sender.Fire({r}));

  const std::string body = AwaitWebhook("firing");
  ASSERT_FALSE(body.empty()) << "no firing notification";
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_TRUE(doc.IsObject()) << body;
  // Our webhook v4 body has Alertmanager's keys, plus idempotency_key.
  const std::string ours =
      AlertmanagerWebhookPayload(firing, gate, {}, IdempotencyKey(firing));
  rapidjson::Document mine;
  mine.Parse(ours.c_str());
  std::set<std::string> our_keys = Keys(mine);
  our_keys.erase("idempotency_key");
  EXPECT_EQ(Keys(doc), our_keys);
  EXPECT_EQ(Keys(doc["alerts"][0]), Keys(mine["alerts"][0]));
  EXPECT_STREQ(doc["version"].GetString(), "4");
  EXPECT_STREQ(doc["groupKey"].GetString(), "{}:{gate=\"stop-conditions\"}");
  const auto& alert = doc["alerts"][0];
  EXPECT_STREQ(alert["fingerprint"].GetString(),
               LabelsFingerprint({{"alertname", "HighErrorRate"},
                                  {"gate", "stop-conditions"},
                                  {"severity", "critical"},
                                  {"team", "aurora"}})
                   .c_str());
  EXPECT_STREQ(alert["annotations"]["idempotency_key"].GetString(),
               IdempotencyKey(firing).c_str());
  EXPECT_STREQ(alert["generatorURL"].GetString(),
               "http://grafana.testnet.aurora.internal");

  const ActionEvent resolved = MakeActionEvent(
      ActionTrigger::kResolved, gate, start, start + absl::Seconds(1), {"HighErrorRate"});
  spec.on = ActionTrigger::kResolved;
  ASSERT_OK_AND_ASSIGN(
      SpoolRecord rr,
      BuildActionRecord(spec, 1, resolved, run, gate, clock.Now(), {}, {}));
  ASSERT_OK(sender.Fire({rr}));
  const std::string resolved_body = AwaitWebhook("resolved");
  ASSERT_FALSE(resolved_body.empty()) << "no resolved notification";
  EXPECT_THAT(resolved_body,
              ::testing::HasSubstr("\"alertname\":\"HighErrorRate\""));
}

}  // namespace
}  // namespace aurora
