// `serve`'s pure parts: requests to EvalRequests (errors naming the field),
// RunResults to Argo / Flagger / REST answers, per-request gate instances
// (set values escaped, kept out of sources), and the evaluation pool
// (shared identical requests, 503 when full, deadline).
#include <atomic>
#include <thread>

#include "gates/app/serve/serve_api.h"
#include "gates/app/serve/serve_library.h"
#include "gates/app/serve/serve_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

std::string Testdata(const std::string& rel) {
  return testing::ReadWholeFile(std::string(AURORA_TESTDATA_DIR) + "/serve/" + rel);
}

RunResult RunWith(Outcome outcome, double value = 0.07) {
  RunResult run;
  GateResult g;
  g.name = "stop";
  RuleResult r;
  r.group = "live";
  r.name = "error-rate";
  r.outcome = outcome;
  r.reason = outcome == Outcome::kPass ? "" : "0.07 > 0.05";
  SeriesResult s;
  s.value = value;
  r.series.push_back(s);
  g.rules.push_back(r);
  g.verdict = outcome;
  run.gates.push_back(g);
  run.verdict = outcome;
  return run;
}

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

TEST(ServeApiTest, EvaluateRequestReadsGatesSetTimeAndWindow) {
  ApiError error;
  std::optional<EvalRequest> r = ParseEvaluateRequest(
      R"({"gates": ["stop-conditions"], "set": {"AURORA_JOB": "x", "N": 3},
          "at": "2026-11-27T08:00:00Z", "window": "30m"})",
      ParseQueryString("format=junit"), &error);
  ASSERT_TRUE(r.has_value()) << error.message;
  EXPECT_THAT(r->gates, ElementsAre("stop-conditions"));
  EXPECT_THAT(r->set, ElementsAre(Pair("AURORA_JOB", "x"), Pair("N", "3")));
  EXPECT_EQ(*r->at, absl::FromUnixSeconds(1795766400));
  EXPECT_EQ(r->window, absl::Minutes(30));
  EXPECT_EQ(r->format, "junit");
}

TEST(ServeApiTest, BadRequestsNameTheField) {
  struct Case {
    std::string body, query, field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"set": {}})", "", "gates"},
           {R"({"gates": []})", "", "gates"},
           {R"({"gates": [3]})", "", "gates[0]"},
           {R"({"gates": ["a/b"]})", "", "gates[0]"},
           {R"({"gates": ["a"], "at": "yesterday"})", "", "at"},
           {R"({"gates": ["a"], "window": "forever"})", "", "window"},
           {R"({"gates": ["a"], "set": {"1X": "v"}})", "", "set.1X"},
           {R"({"gates": ["a"], "set": {"X": "a\nb"}})", "", "set.X"},
           {R"({"gates": ["a"], "set": {"X": ["v"]}})", "", "set.X"},
           {R"({"gates": ["a"], "sett": {}})", "", "sett"},
           {R"({"gates": ["a"])", "", "body"},
           {R"([])", "", "body"},
           {"", "", "body"},
           {R"({"gates": ["a"]})", "format=pdf", "format"},
       }) {
    ApiError error;
    EXPECT_FALSE(ParseEvaluateRequest(c.body, ParseQueryString(c.query), &error))
        << c.body;
    EXPECT_EQ(error.status, 400) << c.body;
    EXPECT_EQ(error.field, c.field) << c.body << ": " << error.message;
    rapidjson::Document d = Json(ErrorAnswer(error).body);
    EXPECT_EQ(std::string(d["error"]["field"].GetString()), c.field);
  }
}

TEST(ServeApiTest, SetValueLimits) {
  ApiError error;
  EXPECT_TRUE(ValidSetting("AURORA_JOB", "api\"} or vector(1)", "set.AURORA_JOB", &error));
  EXPECT_FALSE(ValidSetting("X", std::string(kMaxSetValueBytes + 1, 'a'), "set.X", &error));
  EXPECT_FALSE(ValidSetting("X", "\xff", "set.X", &error));
  EXPECT_FALSE(ValidSetting("A-B", "v", "set.A-B", &error));
  EXPECT_EQ(error.field, "set.A-B");
}

TEST(ServeApiTest, QueryStringIsDecoded) {
  EXPECT_THAT(ParseQueryString("set.A=a%20b&set.B=x+y&flag&c=%zz"),
              ElementsAre(Pair("set.A", "a b"), Pair("set.B", "x y"), Pair("flag", ""),
                          Pair("c", "%zz")));
}

TEST(ServeApiTest, ArgoTakesQueryParametersAndJsonBodyMembers) {
  ApiError error;
  std::optional<EvalRequest> r =
      ParseArgoRequest("stop", Testdata("argo/json-body.json"),
                       ParseQueryString("set.REGION=eu&window=5m"), &error);
  ASSERT_TRUE(r.has_value()) << error.message;
  EXPECT_THAT(r->gates, ElementsAre("stop"));
  EXPECT_THAT(r->set, ElementsAre(Pair("AURORA_JOB", "podinfo"), Pair("REGION", "eu")));
  EXPECT_EQ(r->window, absl::Minutes(5));
  EXPECT_FALSE(ParseArgoRequest("stop", "", ParseQueryString("bogus=1"), &error));
  EXPECT_EQ(error.field, "bogus");
  EXPECT_FALSE(ParseArgoRequest("stop", R"({"X": {"a": 1}})", {}, &error));
  EXPECT_EQ(error.field, "X");
}

TEST(ServeApiTest, FlaggerPayloadBecomesSetValues) {
  ApiError error;
  std::optional<FlaggerRequest> r = ParseFlaggerRequest(
      "stop", Testdata("flagger/pre-rollout.json"), {}, &error);
  ASSERT_TRUE(r.has_value()) << error.message;
  EXPECT_FALSE(r->rollback_hook);
  EXPECT_EQ(r->phase, "Progressing");
  EXPECT_THAT(r->eval.set,
              ElementsAre(Pair("AURORA_JOB", "podinfo"), Pair("FLAGGER_NAME", "podinfo"),
                          Pair("FLAGGER_NAMESPACE", "test")));
  r = ParseFlaggerRequest("stop", Testdata("flagger/rollback-waiting.json"),
                          ParseQueryString("hook=rollback"), &error);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->rollback_hook);
  EXPECT_FALSE(ParseFlaggerRequest("stop", Testdata("flagger/rollout.json"),
                                   ParseQueryString("hook=sometimes"), &error));
  EXPECT_EQ(error.field, "hook");
  EXPECT_FALSE(ParseFlaggerRequest(
      "stop", R"({"name":"a","namespace":"b","metadata":{"bad key":"v"}})", {}, &error));
  EXPECT_EQ(error.field, "metadata.bad key");
}

TEST(ServeApiTest, ArgoAnswerPassFailAndUndecided) {
  rapidjson::Document pass = Json(ArgoAnswer(RunWith(Outcome::kPass, 0.01)).body);
  EXPECT_TRUE(pass["pass"].GetBool());
  EXPECT_EQ(std::string(pass["verdict"].GetString()), "pass");
  EXPECT_DOUBLE_EQ(pass["value"].GetDouble(), 0.01);
  EXPECT_EQ(std::string(pass["rules"][0]["name"].GetString()), "error-rate");

  rapidjson::Document fail = Json(ArgoAnswer(RunWith(Outcome::kFail)).body);
  EXPECT_FALSE(fail["pass"].GetBool());
  EXPECT_EQ(std::string(fail["verdict"].GetString()), "fail");

  // Undecided: neither Argo's success nor its failure condition holds.
  for (Outcome o : {Outcome::kInconclusive, Outcome::kError}) {
    ServeAnswer a = ArgoAnswer(RunWith(o));
    EXPECT_EQ(a.status, 200);
    rapidjson::Document d = Json(a.body);
    EXPECT_FALSE(d["pass"].GetBool());
    EXPECT_NE(std::string(d["verdict"].GetString()), "fail");
  }
  rapidjson::Document nan = Json(ArgoAnswer(RunWith(Outcome::kInconclusive, NAN)).body);
  EXPECT_EQ(std::string(nan["value"].GetString()), "NaN");
}

TEST(ServeApiTest, FlaggerAnswer200OnlyOnPassAndRollbackInverted) {
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kPass), false).status, 200);
  ServeAnswer fail = FlaggerAnswer(RunWith(Outcome::kFail), false);
  EXPECT_EQ(fail.status, 412);
  EXPECT_THAT(fail.body, HasSubstr("stop/live/error-rate: fail: 0.07 > 0.05"));
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kInconclusive), false).status, 412);
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kError), false).status, 412);
  // rollback hook: 200 = roll back now.
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kFail), true).status, 200);
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kPass), true).status, 412);
  EXPECT_EQ(FlaggerAnswer(RunWith(Outcome::kInconclusive), true).status, 412);
}

TEST(ServeApiTest, DeadlineRunIsNeverAPass) {
  RunResult run = DeadlineRun({"stop"}, absl::Seconds(8), absl::Now());
  EXPECT_EQ(run.verdict, Outcome::kInconclusive);
  EXPECT_EQ(FlaggerAnswer(run, false).status, 412);
  EXPECT_EQ(FlaggerAnswer(run, true).status, 412);
  rapidjson::Document d = Json(ArgoAnswer(run).body);
  EXPECT_FALSE(d["pass"].GetBool());
  EXPECT_THAT(d["rules"][0]["reason"].GetString(), HasSubstr("8s"));
}

TEST(ServeApiTest, EvaluateAnswerRendersEachFormat) {
  RunResult run = RunWith(Outcome::kFail);
  ServeAnswer json = EvaluateAnswer(run, "json");
  EXPECT_EQ(json.status, 200);
  EXPECT_THAT(json.body, HasSubstr("aurora-gate/report/v1"));
  EXPECT_THAT(EvaluateAnswer(run, "junit").body, HasSubstr("<testsuites"));
  EXPECT_THAT(EvaluateAnswer(run, "markdown").content_type, HasSubstr("markdown"));
  const std::string html = EvaluateAnswer(run, "html").body;
  EXPECT_THAT(html, HasSubstr("<html"));
  // The page answers a request for the gates; it is not a go-live report.
  EXPECT_THAT(html, HasSubstr("<h1>aurora-gate serve: " + run.gates[0].name + "</h1>"));
  EXPECT_THAT(html, Not(HasSubstr("go-live")));
}

constexpr char kLiveGate[] = R"(gate: stop
sources:
  prom: { type: prometheus, url: "${PROM_URL:-http://127.0.0.1:1}" }
groups:
  - name: live
    rules:
      - name: error-rate
        source: prom
        expr: sum(rate(http_requests_total{job="${AURORA_JOB:-api}"}[5m]))
        fail: "> ${MAX:-0.05}"
)";

TEST(ServeLibraryTest, SetValuesLandEscapedInTheQueryOnly) {
  testing::FakeFileReader files;
  files.Add("stop.yaml", kLiveGate);
  GateLibrary library({"stop.yaml"}, files, [](const std::string&) {
    return std::optional<std::string>();
  });
  EXPECT_THAT(library.Reload(), ElementsAre());
  auto snap = library.Snapshot();
  ASSERT_EQ(snap->by_name.count("stop"), 1u);
  EvalRequest req;
  req.gates = {"stop"};
  req.set = {{"AURORA_JOB", R"(x"} or vector(1) #)"}, {"MAX", "0.1"}};
  std::vector<GateFile> gates;
  ApiError error;
  ASSERT_TRUE(InstantiateGates(*snap, req, library.env(), &gates, &error)) << error.message;
  const Rule& rule = gates[0].groups[0].rules[0];
  EXPECT_EQ(rule.query, R"(sum(rate(http_requests_total{job="x\"} or vector(1) #"}[5m])))");
  EXPECT_EQ(rule.fail[0].number, 0.1);

  // A value in a source's URL is the operator's, never a request's.
  req.set = {{"PROM_URL", "http://evil.example"}};
  gates.clear();
  EXPECT_FALSE(InstantiateGates(*snap, req, library.env(), &gates, &error));
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.field, "set.PROM_URL");
  // A number position takes numbers only.
  req.set = {{"MAX", "0.1 or 1"}};
  EXPECT_FALSE(InstantiateGates(*snap, req, library.env(), &gates, &error));
  EXPECT_EQ(error.field, "set.MAX");
  // Unknown gate: 404 naming it.
  req.gates = {"nope"};
  req.set.clear();
  EXPECT_FALSE(InstantiateGates(*snap, req, library.env(), &gates, &error));
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.field, "gates[0]");
}

TEST(ServeLibraryTest, GateNeedingASetValueIsServedAndAsksForIt) {
  testing::FakeFileReader files;
  files.Add("need.yaml", R"(gate: need
sources:
  prom: { type: prometheus, url: "http://127.0.0.1:1" }
groups:
  - name: g
    rules:
      - { name: r, source: prom, expr: 'up{job="${JOB}"}', fail: "< 1" }
)");
  GateLibrary library({"need.yaml"}, files,
                      [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_THAT(library.Reload(), ElementsAre());
  auto snap = library.Snapshot();
  ASSERT_EQ(snap->by_name.count("need"), 1u);
  EXPECT_THAT(snap->by_name.at("need").needs, ElementsAre("JOB"));
  EvalRequest req;
  req.gates = {"need"};
  std::vector<GateFile> gates;
  ApiError error;
  EXPECT_FALSE(InstantiateGates(*snap, req, library.env(), &gates, &error));
  EXPECT_EQ(error.field, "set.JOB");
  req.set = {{"JOB", "api"}};
  EXPECT_TRUE(InstantiateGates(*snap, req, library.env(), &gates, &error)) << error.message;
}

TEST(ServeLibraryTest, BrokenFileOnReloadKeepsThePreviousVersion) {
  testing::FakeFileReader files;
  files.Add("stop.yaml", kLiveGate);
  GateLibrary library({"stop.yaml"}, files,
                      [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_THAT(library.Reload(), ElementsAre());
  files.Add("stop.yaml", "gate: stop\ngroups: [");
  std::vector<std::string> problems = library.Reload();
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(problems.front(), HasSubstr("stop.yaml"));
  EXPECT_THAT(problems.back(), HasSubstr("previous version keeps serving"));
  auto snap = library.Snapshot();
  ASSERT_EQ(snap->by_name.count("stop"), 1u);
  EXPECT_EQ(snap->by_name.at("stop").text, kLiveGate);
}

TEST(EvaluationPoolTest, IdenticalConcurrentRequestsShareOneEvaluation) {
  EvaluationPool pool(2, 8);
  std::atomic<int> calls{0};
  std::atomic<bool> release{false};
  auto work = [&]() -> std::shared_ptr<const void> {
    ++calls;
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::make_shared<int>(42);
  };
  std::vector<EvaluationPool::Result> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      results[i] = pool.Run("same", work, absl::Now() + absl::Seconds(30));
    });
  }
  while (calls.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  int shared = 0;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, EvaluationPool::Status::kDone);
    EXPECT_EQ(*std::static_pointer_cast<const int>(r.value), 42);
    shared += r.shared;
  }
  EXPECT_EQ(shared, 3);
}

TEST(EvaluationPoolTest, FullQueueIsBusyAndDeadlineTimesOut) {
  EvaluationPool pool(1, 0);
  std::atomic<bool> release{false};
  auto slow = [&]() -> std::shared_ptr<const void> {
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::make_shared<int>(1);
  };
  EvaluationPool::Result first;
  std::thread t([&] { first = pool.Run("a", slow, absl::Now() + absl::Milliseconds(100)); });
  while (pool.in_flight() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The one worker is busy and nothing may wait: refused.
  EXPECT_EQ(pool.Run("b", slow, absl::Now() + absl::Seconds(5)).status,
            EvaluationPool::Status::kBusy);
  t.join();
  EXPECT_EQ(first.status, EvaluationPool::Status::kTimedOut);
  release = true;
}

// A body cut short or missing what the controller always sends is a 400
// naming the field, never an evaluation or a fired rollback: Flagger always
// sends the canary's name and namespace; an Alertmanager alert without
// labels or fingerprint identifies nothing (its dedup key would be "").
TEST(ServeApiTest, PayloadsMissingWhatTheControllerSendsAreRefused) {
  ApiError error;
  EXPECT_FALSE(ParseFlaggerRequest("stop", R"({"phase": "Progressing"})", {}, &error));
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.field, "name");
  EXPECT_THAT(error.message, HasSubstr("missing"));
  EXPECT_FALSE(ParseFlaggerRequest("stop", R"({"name": "podinfo", "phase": "Progressing"})",
                                   {}, &error));
  EXPECT_EQ(error.field, "namespace");

  EXPECT_FALSE(ParseAlertmanagerRequest(
      R"({"version": "4", "status": "firing", "alerts": [{"status": "firing"}]})", &error));
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.field, "alerts[0].labels");
  EXPECT_FALSE(ParseAlertmanagerRequest(
      R"({"version": "4", "status": "firing", "alerts": [{"status": "firing", "labels": {}}]})",
      &error));
  EXPECT_EQ(error.field, "alerts[0].labels");
  // Alertmanager's own body (labels and fingerprint) is fine, and labels
  // alone still identify the alert.
  std::optional<IntakeNotification> ok = ParseAlertmanagerRequest(
      R"({"version": "4", "status": "firing", "alerts": [{"status": "firing",
          "labels": {"alertname": "HighErrorRate"}}]})",
      &error);
  ASSERT_TRUE(ok.has_value()) << error.message;
  EXPECT_FALSE(ok->alerts[0].fingerprint.empty());
}

}  // namespace
}  // namespace aurora
