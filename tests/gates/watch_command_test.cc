// The watch loop, driven by a FakeClock (no real waiting) and a scripted
// Prometheus (FakeHttpClient): durations, stop conditions and their count
// limits, errors, reloads, signals, and state carried between cycles.
#include "gates/app/watch_command.h"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <unistd.h>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gates/notifier/action_spool.h"
#include "rapidjson/document.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/fake_http_client.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::MakeHttpResponse;

constexpr char kUrl[] = "http://prom.test:9090";

std::string Vector(double v) {
  return absl::StrCat(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764230400,")",
                      v, R"("]}]}})");
}

// A Prometheus whose answer is chosen per call by `script` (call number from
// 1); can raise a signal after a number of calls. Thread-safe (actions are
// delivered on their own threads); `script` runs under the lock unless
// `unlocked` says so for a request.
class ScriptedPrometheus : public HttpClient {
 public:
  std::mutex mu;
  std::function<bool(const HttpRequest&)> unlocked;
  std::function<absl::StatusOr<HttpResponse>(int call, const HttpRequest&)> script;
  std::vector<HttpRequest> requests;
  std::function<void(int call)> after;
  std::vector<absl::StatusOr<HttpResponse>> SendAll(
      const std::vector<HttpRequest>& rs) override {
    std::vector<absl::StatusOr<HttpResponse>> out;
    for (const auto& r : rs) {
      std::unique_lock<std::mutex> lock(mu);
      requests.push_back(r);
      int n = static_cast<int>(requests.size());
      if (unlocked && unlocked(r)) lock.unlock();
      out.push_back(script(n, r));
      if (after) after(n);
    }
    return out;
  }
};

struct Fixture {
  testing::FakeFileReader files;
  testing::FakeClock clock;
  std::shared_ptr<ScriptedPrometheus> prom = std::make_shared<ScriptedPrometheus>();
  std::ostringstream out, err;
  WatchSignals signals;

  void Gate(const std::string& rules) {
    files.Add("watch.yaml", absl::StrCat("sources:\n  prom: { type: prometheus, url: \"", kUrl,
                                         "\" }\ngroups:\n  - name: live\n    rules:\n", rules));
  }
  int Run(WatchOptions o) {
    o.gate_files = {"watch.yaml"};
    auto p = prom;
    CommandEnv env{&files, &clock, &out, &err,
                   [p](const HttpClientOptions&) -> absl::StatusOr<std::unique_ptr<HttpClient>> {
                     struct Fwd : HttpClient {
                       std::shared_ptr<ScriptedPrometheus> to;
                       std::vector<absl::StatusOr<HttpResponse>> SendAll(
                           const std::vector<HttpRequest>& r) override {
                         return to->SendAll(r);
                       }
                     };
                     auto f = std::make_unique<Fwd>();
                     f->to = p;
                     return std::unique_ptr<HttpClient>(std::move(f));
                   }};
    return RunWatch(o, env, signals);
  }
};

WatchOptions Every(int interval_s, int duration_s) {
  WatchOptions o;
  o.interval = absl::Seconds(interval_s);
  o.duration = absl::Seconds(duration_s);
  return o;
}

constexpr char kStop[] = "      - { name: error-rate, expr: error_ratio, fail: \"> 0.05\" }\n";

TEST(WatchTest, DurationPassesWithNoStopConditionTrippedExitsZero) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.01)); };
  EXPECT_EQ(f.Run(Every(15, 60)), 0) << f.err.str();
  EXPECT_EQ(f.prom->requests.size(), 4u);  // at 0, 15, 30, 45 s
  EXPECT_THAT(f.err.str(), HasSubstr("watch finished cycles=4 exit_code=0"));
}

TEST(WatchTest, AFailingStopConditionExitsOneAtOnce) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int call, const HttpRequest&) {
    return MakeHttpResponse(200, Vector(call >= 3 ? 0.07 : 0.01));
  };
  EXPECT_EQ(f.Run(Every(15, 600)), 1);
  EXPECT_EQ(f.prom->requests.size(), 3u);
  EXPECT_THAT(f.err.str(), HasSubstr("rule transition gate=watch rule=live/error-rate from=pass to=fail"));
  EXPECT_THAT(f.err.str(), HasSubstr("stop condition tripped verdict=fail"));
  EXPECT_THAT(f.out.str(), HasSubstr("Verdict: FAIL"));
}

TEST(WatchTest, FailureLimitAllowsThatManyFailures) {
  Fixture f;
  f.Gate("      - { name: error-rate, expr: error_ratio, fail: \"> 0.05\", failure_limit: 2 }\n");
  f.prom->script = [](int call, const HttpRequest&) {
    return MakeHttpResponse(200, Vector(call % 2 == 0 ? 0.07 : 0.01));  // every other fails
  };
  EXPECT_EQ(f.Run(Every(15, 600)), 1);
  EXPECT_EQ(f.prom->requests.size(), 6u);  // the third failure, at call 6
  EXPECT_THAT(f.err.str(), HasSubstr("failed 3 times (failure_limit 2)"));
}

TEST(WatchTest, ConsecutiveFailureLimitCountsOnlyRuns) {
  Fixture f;
  f.Gate("      - { name: error-rate, expr: error_ratio, fail: \"> 0.05\", consecutive_failure_limit: 1 }\n");
  // fail, pass, fail, fail -> trips on the second in a row (call 4).
  f.prom->script = [](int call, const HttpRequest&) {
    return MakeHttpResponse(200, Vector(call == 2 ? 0.01 : 0.07));
  };
  EXPECT_EQ(f.Run(Every(15, 600)), 1);
  EXPECT_EQ(f.prom->requests.size(), 4u);
  EXPECT_THAT(f.err.str(), HasSubstr("failed 2 times in a row (consecutive_failure_limit 1)"));
}

TEST(WatchTest, AnUnreachablePrometheusTripsTheErrorLimitNeverPasses) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int, const HttpRequest&) -> absl::StatusOr<HttpResponse> {
    return absl::UnavailableError("POST http://prom.test:9090/api/v1/query: Connection refused");
  };
  EXPECT_EQ(f.Run(Every(15, 3600)), 3);
  // Default consecutive_error_limit 4: the fifth errored cycle trips; each
  // cycle tries 3 times.
  EXPECT_EQ(f.prom->requests.size(), 15u);
  EXPECT_THAT(f.err.str(), HasSubstr("could not be evaluated 5 times in a row (consecutive_error_limit 4)"));
}

TEST(WatchTest, SigtermFinishesTheCycleWritesReportsAndIsUndecided) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.01)); };
  f.prom->after = [&f](int call) {
    if (call == 2) f.signals.stop.store(true);
  };
  std::string json = ::testing::TempDir() + "/watch-report.json";
  WatchOptions o = Every(15, 600);
  o.json_path = json;
  EXPECT_EQ(f.Run(o), 3);
  EXPECT_EQ(f.prom->requests.size(), 2u);
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"verdict\": \"pass\""));
  EXPECT_THAT(f.err.str(), HasSubstr("interrupted=true"));
}

// --html after a watch longer than Prometheus' 11,000 points per series at
// the rule's step: the chart covers the end of it, and the page says so.
TEST(WatchTest, HtmlChartShortenedToTheServersLimitSaysSo) {
  Fixture f;
  f.Gate(kStop);  // evaluation_interval 1m: 11,000 points are 7d15h19m
  f.prom->script = [](int, const HttpRequest& r) {
    if (absl::StrContains(r.url, "query_range")) {
      return MakeHttpResponse(
          200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
    }
    return MakeHttpResponse(200, Vector(0.01));
  };
  const std::string html = ::testing::TempDir() + "/watch-long.html";
  WatchOptions o = Every(24 * 3600, 10 * 24 * 3600);
  o.html_path = html;
  EXPECT_EQ(f.Run(o), 0) << f.err.str();
  std::ifstream in(html);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("the chart covers the last 7d15h19m of the "));
}

TEST(WatchTest, ReloadAppliesGoodFilesAndRejectsBrokenOnes) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.03)); };
  f.prom->after = [&f](int call) {
    if (call == 1) {  // a broken edit: rejected, the old rule keeps running
      f.files.Add("watch.yaml", "groups: [\n");
      f.signals.reload.store(true);
    }
    if (call == 2) {  // a good edit with a stricter threshold: applied
      f.Gate("      - { name: error-rate, expr: error_ratio, fail: \"> 0.02\" }\n");
      f.signals.reload.store(true);
    }
  };
  EXPECT_EQ(f.Run(Every(15, 600)), 1);
  EXPECT_EQ(f.prom->requests.size(), 3u);
  EXPECT_THAT(f.err.str(), HasSubstr("reload rejected; the previous rules keep running"));
  EXPECT_THAT(f.err.str(), HasSubstr("gate files reloaded"));
}

TEST(WatchTest, ForStateIsRestoredFromHistoryOnceThenCarried) {
  Fixture f;
  f.Gate("      - { alert: HighErrorRate, expr: error_ratio > 0.05, for: 1m, labels: { severity: critical } }\n");
  absl::Time t0 = f.clock.Now();
  f.prom->script = [t0](int call, const HttpRequest& r) {
    if (r.url.find("query_range") != std::string::npos) {
      // History: the condition held over the whole window -> firing.
      return MakeHttpResponse(200, absl::StrCat(
          R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[)",
          "[", absl::ToUnixSeconds(t0) - 75, ",\"0.07\"],[", absl::ToUnixSeconds(t0) - 60,
          ",\"0.07\"],[", absl::ToUnixSeconds(t0) - 45, ",\"0.07\"],[", absl::ToUnixSeconds(t0) - 30,
          ",\"0.07\"],[", absl::ToUnixSeconds(t0) - 15, ",\"0.07\"],[", absl::ToUnixSeconds(t0),
          ",\"0.07\"]]}]}}"));
    }
    (void)call;
    return MakeHttpResponse(200, Vector(0.07));
  };
  EXPECT_EQ(f.Run(Every(15, 600)), 1) << f.err.str();
  // Restored at start, at the step the server itself evaluates at (its
  // configuration is read first: issue 12.7; this fake has none, so 1m).
  ASSERT_GE(f.prom->requests.size(), 2u);
  EXPECT_THAT(f.prom->requests[0].url, HasSubstr("/api/v1/status/config"));
  EXPECT_THAT(f.prom->requests[1].url, HasSubstr("query_range"));
  // Keep running: later cycles step the carried state with instant queries.
  f.prom->requests.clear();
  WatchOptions o = Every(15, 45);
  o.keep_running = true;
  EXPECT_EQ(f.Run(o), 1) << f.err.str();
  ASSERT_EQ(f.prom->requests.size(), 4u);
  EXPECT_THAT(f.prom->requests[0].url, HasSubstr("/api/v1/status/config"));
  EXPECT_THAT(f.prom->requests[1].url, HasSubstr("query_range"));
  EXPECT_THAT(f.prom->requests[2].url, ::testing::EndsWith("/api/v1/query"));
  EXPECT_THAT(f.prom->requests[3].url, ::testing::EndsWith("/api/v1/query"));
}

TEST(WatchTest, BadArgumentsAndGateFilesExitTwo) {
  Fixture f;
  f.files.Add("watch.yaml", "groups: 3\n");
  EXPECT_EQ(f.Run(Every(15, 60)), 2);
  Fixture g;
  g.Gate(kStop);
  EXPECT_EQ(g.Run(Every(0, 60)), 2);
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

TEST(WatchActionsTest, StartOnceRollbackOnceResolvedOnce) {
  Fixture f;
  std::string spool = ::testing::TempDir() + "/watch-spool-" + std::to_string(::getpid());
  f.files.Add("watch.yaml", absl::StrCat(
      "sources:\n  prom: { type: prometheus, url: \"", kUrl, "\" }\n"
      "groups:\n  - name: live\n    rules:\n", kStop,
      "actions:\n"
      "  - { on: start, webhook: { url: \"http://hooks.test/start\" } }\n"
      "  - { on: fail, webhook: { url: \"http://hooks.test/rollback\", format: slack } }\n"
      "  - { on: resolved, webhook: { url: \"http://hooks.test/resolved\", format: alertmanager } }\n"));
  // Fails on cycles 2-4, healthy again on 5 and 6.
  int cycle = 0;
  f.prom->script = [&cycle](int, const HttpRequest& r) {
    if (r.url.find("hooks.test") != std::string::npos) return MakeHttpResponse(200, "ok");
    ++cycle;
    return MakeHttpResponse(200, Vector(cycle >= 2 && cycle <= 4 ? 0.07 : 0.01));
  };
  WatchOptions o = Every(15, 90);
  o.keep_running = true;
  o.spool_dir = spool;
  EXPECT_EQ(f.Run(o), 1) << f.err.str();
  std::map<std::string, int> hooks;
  std::set<std::string> keys;
  for (const auto& r : f.prom->requests) {
    if (r.url.find("hooks.test") == std::string::npos) continue;
    ++hooks[r.url];
    for (const auto& h : r.headers) {
      if (h.name == "Idempotency-Key") keys.insert(h.value);
    }
  }
  EXPECT_EQ(hooks["http://hooks.test/start"], 1);
  EXPECT_EQ(hooks["http://hooks.test/rollback"], 1);  // one incident, one rollback
  EXPECT_EQ(hooks["http://hooks.test/resolved"], 1);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_THAT(f.err.str(), HasSubstr("action attempt"));
  testing::RemoveDir(spool);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// A --keep-running watch whose stop condition fails on cycles 2-4 (0.07)
// and is healthy on the others, with a rollback and a resolved webhook.
struct TripAndRecover {
  Fixture f;
  std::string dir = ::testing::TempDir() + "/watch-trip-" + std::to_string(::getpid());
  int code = -1;
  explicit TripAndRecover(bool reports = false) {
    f.files.Add("watch.yaml", absl::StrCat(
        "sources:\n  prom: { type: prometheus, url: \"", kUrl, "\" }\n"
        "groups:\n  - name: live\n    rules:\n", kStop,
        "actions:\n"
        "  - { on: start, webhook: { url: \"http://hooks.test/start\" } }\n"
        "  - { on: fail, webhook: { url: \"http://hooks.test/rollback\" } }\n"
        "  - { on: resolved, webhook: { url: \"http://hooks.test/resolved\" } }\n"));
    auto cycle = std::make_shared<int>(0);
    f.prom->script = [cycle](int, const HttpRequest& r) {
      if (r.url.find("hooks.test") != std::string::npos) return MakeHttpResponse(200, "ok");
      ++*cycle;
      return MakeHttpResponse(200, Vector(*cycle >= 2 && *cycle <= 4 ? 0.07 : 0.01));
    };
    std::filesystem::create_directories(dir);
    WatchOptions o = Every(15, 120);
    o.keep_running = true;
    o.spool_dir = dir + "/spool";
    if (reports) {
      o.json_path = dir + "/watch.json";
      o.junit_path = dir + "/watch.xml";
      o.markdown_path = dir + "/watch.md";
      o.html_path = dir + "/watch.html";
    }
    code = f.Run(o);
  }
  ~TripAndRecover() { std::filesystem::remove_all(dir); }
  // The bodies sent to `url`, in order.
  std::vector<std::string> Bodies(const std::string& url) {
    std::vector<std::string> out;
    for (const auto& r : f.prom->requests) {
      if (r.url == url) out.push_back(r.body);
    }
    return out;
  }
};

// Issue 11.4: one log line per transition, never one per cycle.
TEST(WatchLogTest, OneLinePerTransitionTripResolvedActions) {
  TripAndRecover t;
  ASSERT_EQ(t.code, 1) << t.f.err.str();
  const std::string log = t.f.err.str();
  EXPECT_EQ(Occurrences(log, "stop condition tripped"), 1u) << log;
  EXPECT_THAT(log, HasSubstr("stop condition tripped verdict=fail gate=watch "
                             "rules=live/error-rate value=0.07 why="));
  EXPECT_EQ(Occurrences(log, "failed 1 time"), 1u) << log;
  EXPECT_EQ(Occurrences(log, "stop condition resolved gate=watch rules=live/error-rate"), 1u)
      << log;
  EXPECT_EQ(Occurrences(log, "actions fired gate=watch on=start"), 1u) << log;
  EXPECT_EQ(Occurrences(log, "actions fired gate=watch on=fail"), 1u) << log;
  EXPECT_EQ(Occurrences(log, "actions fired gate=watch on=resolved"), 1u) << log;
  EXPECT_EQ(Occurrences(log, "rule transition"), 3u) << log;  // none->pass->fail->pass
}

// Issue 11.15: the resolved delivery names the incident it closes; start
// is not a verdict.
TEST(WatchActionsTest, ResolvedCarriesTheIncidentKeyAndStartIsNotAVerdict) {
  TripAndRecover t;
  ASSERT_EQ(t.code, 1) << t.f.err.str();
  std::string rollback_key;
  for (const auto& r : t.f.prom->requests) {
    if (r.url != "http://hooks.test/rollback") continue;
    for (const auto& h : r.headers) {
      if (h.name == "Idempotency-Key") rollback_key = h.value;
    }
  }
  ASSERT_FALSE(rollback_key.empty());
  const std::vector<std::string> resolved = t.Bodies("http://hooks.test/resolved");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_THAT(resolved[0], HasSubstr("\"incident_key\": \"" + rollback_key + "\""));
  const std::vector<std::string> start = t.Bodies("http://hooks.test/start");
  ASSERT_EQ(start.size(), 1u);
  EXPECT_THAT(start[0], HasSubstr("\"transition\": \"start\""));
  EXPECT_THAT(start[0], ::testing::Not(HasSubstr("\"verdict\"")));
  EXPECT_THAT(start[0], ::testing::Not(HasSubstr("\"counts\"")));
}

// Issue 11.2: the end-of-watch reports tell the incident, although the
// last cycle passes.
TEST(WatchReportsTest, EndOfWatchReportsTellTheIncident) {
  TripAndRecover t(/*reports=*/true);
  ASSERT_EQ(t.code, 1) << t.f.err.str();
  std::string rollback_key;
  for (const auto& r : t.f.prom->requests) {
    if (r.url != "http://hooks.test/rollback") continue;
    for (const auto& h : r.headers) {
      if (h.name == "Idempotency-Key") rollback_key = h.value;
    }
  }
  // Cycles at 0, 15, 30, ...: it failed at 15 s and was healthy at 60 s.
  const std::string json = ReadFile(t.dir + "/watch.json");
  EXPECT_THAT(json, HasSubstr("\"verdict\": \"fail\""));
  EXPECT_THAT(json, HasSubstr("\"tripped_at\": \"2025-11-27T08:00:15Z\""));
  EXPECT_THAT(json, HasSubstr("\"resolved_at\": \"2025-11-27T08:01:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"name\": \"error-rate\""));
  EXPECT_THAT(json, HasSubstr("\"value\": 0.07"));
  EXPECT_THAT(json, HasSubstr("\"incident_key\": \"" + rollback_key + "\""));
  EXPECT_THAT(json, HasSubstr("\"outcome\": \"delivered\""));
  EXPECT_THAT(json, HasSubstr("\"transition\": \"resolved\""));
  const std::string junit = ReadFile(t.dir + "/watch.xml");
  EXPECT_THAT(junit, HasSubstr("failures=\"1\""));
  EXPECT_THAT(junit, HasSubstr("<failure type=\"tripped\" message=\"stop condition tripped "
                               "(fail) at 2025-11-27T08:00:15Z (value 0.07), resolved at "
                               "2025-11-27T08:01:00Z, after 45s\""));
  const std::string md = ReadFile(t.dir + "/watch.md");
  EXPECT_THAT(md, HasSubstr("### Incidents during the watch"));
  EXPECT_THAT(md, HasSubstr("| ❌ watch / live/error-rate | tripped (fail) at 2025-11-27T08:00:15Z | 0.07 |"));
  EXPECT_THAT(md, HasSubstr(rollback_key));
  const std::string html = ReadFile(t.dir + "/watch.html");
  EXPECT_THAT(html, HasSubstr("data-verdict=\"FAIL\""));  // watch: PASS/FAIL (11.11)
  EXPECT_THAT(html, HasSubstr("<tr class=\"incident resolved\" id=\"incident-0\""));
  EXPECT_THAT(html, HasSubstr("<h2>Last cycle</h2>"));
  EXPECT_THAT(t.f.out.str(), HasSubstr("Incidents during the watch:"));
  EXPECT_THAT(t.f.out.str(), HasSubstr("Verdict: FAIL — last cycle: 1 pass"));
}

// A --keep-running watch tripped by errors still rolls back on a real
// failure: the trip escalates error=>fail, the fail incident supersedes the
// error one (no `resolved` for it), and the watch exits 1, not 3.
TEST(WatchActionsTest, AnErrorTripEscalatesToFailAndRollsBack) {
  Fixture f;
  const std::string dir =
      ::testing::TempDir() + "/watch-escalate-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  f.files.Add("watch.yaml", absl::StrCat(
      "sources:\n  prom: { type: prometheus, url: \"", kUrl, "\" }\n"
      "groups:\n  - name: live\n    rules:\n", kStop,
      "actions:\n"
      "  - { on: error, webhook: { url: \"http://hooks.test/error\" } }\n"
      "  - { on: fail, webhook: { url: \"http://hooks.test/rollback\" } }\n"
      "  - { on: resolved, webhook: { url: \"http://hooks.test/resolved\" } }\n"));
  // Queries 1-5 are refused (422: no retry), 6-7 fail (0.07), then healthy.
  auto query = std::make_shared<int>(0);
  f.prom->script = [query](int, const HttpRequest& r) {
    if (r.url.find("hooks.test") != std::string::npos) return MakeHttpResponse(200, "ok");
    if (!absl::EndsWith(r.url, "/api/v1/query")) return MakeHttpResponse(404, "not found");
    ++*query;
    if (*query <= 5) {
      return MakeHttpResponse(
          422, R"({"status":"error","errorType":"execution","error":"query timed out"})");
    }
    return MakeHttpResponse(200, Vector(*query <= 7 ? 0.07 : 0.01));
  };
  WatchOptions o = Every(15, 150);
  o.keep_running = true;
  o.spool_dir = dir + "/spool";
  o.json_path = dir + "/watch.json";
  o.markdown_path = dir + "/watch.md";
  o.html_path = dir + "/watch.html";
  const int code = f.Run(o);
  EXPECT_EQ(code, 1) << f.err.str();
  std::map<std::string, int> hooks;
  for (const auto& r : f.prom->requests) {
    if (r.url.find("hooks.test") != std::string::npos) ++hooks[r.url];
  }
  EXPECT_EQ(*query, 10);
  EXPECT_EQ(hooks["http://hooks.test/error"], 1);
  EXPECT_EQ(hooks["http://hooks.test/rollback"], 1);  // the failure rolls back
  EXPECT_EQ(hooks["http://hooks.test/resolved"], 1);  // only the fail incident's
  const std::string log = f.err.str();
  EXPECT_THAT(log, HasSubstr("could not be evaluated 5 times in a row"));
  EXPECT_THAT(log, HasSubstr("error incident escalated to fail gate=watch "
                             "tripped_at=2025-11-27T08:01:00Z"));
  EXPECT_THAT(log, HasSubstr("stop condition tripped verdict=fail gate=watch "
                             "rules=live/error-rate value=0.07 why=\"watch/live/error-rate "
                             "failed 1 time (failure_limit 0)"));
  // Cycles at 0, 15, ... s: errors trip at 60 s, the failure at 75 s,
  // healthy at 105 s.
  rapidjson::Document doc;
  const std::string json = ReadFile(o.json_path);
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  EXPECT_STREQ(doc["verdict"].GetString(), "fail");
  const auto& incidents = doc["watch"]["incidents"];
  ASSERT_EQ(incidents.Size(), 2u) << json;
  EXPECT_STREQ(incidents[0]["transition"].GetString(), "error");
  EXPECT_STREQ(incidents[0]["tripped_at"].GetString(), "2025-11-27T08:01:00Z");
  EXPECT_TRUE(incidents[0]["resolved_at"].IsNull());
  EXPECT_STREQ(incidents[0]["escalated_at"].GetString(), "2025-11-27T08:01:15Z");
  EXPECT_STREQ(incidents[1]["transition"].GetString(), "fail");
  EXPECT_STREQ(incidents[1]["tripped_at"].GetString(), "2025-11-27T08:01:15Z");
  EXPECT_STREQ(incidents[1]["resolved_at"].GetString(), "2025-11-27T08:01:45Z");
  EXPECT_TRUE(incidents[1]["escalated_at"].IsNull());
  const std::string md = ReadFile(o.markdown_path);
  EXPECT_THAT(md, HasSubstr("❌ escalated to fail at 2025-11-27T08:01:15Z"));
  EXPECT_THAT(md, HasSubstr("✅ 2025-11-27T08:01:45Z"));
  EXPECT_THAT(md, HasSubstr("an error incident escalated to fail; resolved before the "
                            "watch ended"));
  const std::string html = ReadFile(o.html_path);
  EXPECT_THAT(html, HasSubstr("<tr class=\"incident escalated\" id=\"incident-0\""));
  EXPECT_THAT(html, HasSubstr("<tr class=\"incident resolved\" id=\"incident-1\""));
  EXPECT_THAT(f.out.str(), HasSubstr("escalated to fail, after 15s"));
  EXPECT_THAT(f.out.str(), HasSubstr("Verdict: FAIL"));
  std::filesystem::remove_all(dir);
}

// A watcher restarted on an open fail incident, tripped by errors first
// (Prometheus down) and then by the failure again, continues that incident:
// no rollback under another key. Restarted on an open error incident, a
// failure escalates it, and the report says so.
TEST(WatchActionsTest, ARestartedWatcherNeverRollsBackTwiceForOneIncident) {
  const std::string spool =
      ::testing::TempDir() + "/watch-restart-escalate-" + std::to_string(::getpid());
  const std::string gate = absl::StrCat(
      "sources:\n  prom: { type: prometheus, url: \"", kUrl, "\" }\n"
      "groups:\n  - name: live\n    rules:\n", kStop,
      "actions:\n"
      "  - { on: fail, webhook: { url: \"http://hooks.test/rollback\" } }\n"
      "  - { on: error, webhook: { url: \"http://hooks.test/error\" } }\n");
  // One watcher run: its queries answer `answers[k]` in turn (the last one
  // after that; NaN: refused with 422); the keys sent, by URL, and stdout.
  auto run = [&](std::vector<double> answers, int start_offset_s, int duration_s) {
    Fixture f;
    f.clock.Advance(absl::Seconds(start_offset_s));
    f.files.Add("watch.yaml", gate);
    auto query = std::make_shared<size_t>(0);
    f.prom->script = [answers, query](int, const HttpRequest& r) {
      if (r.url.find("hooks.test") != std::string::npos) return MakeHttpResponse(200, "ok");
      if (!absl::EndsWith(r.url, "/api/v1/query")) return MakeHttpResponse(404, "not found");
      const double v = answers[std::min(*query, answers.size() - 1)];
      ++*query;
      if (std::isnan(v)) {
        return MakeHttpResponse(
            422, R"({"status":"error","errorType":"execution","error":"query timed out"})");
      }
      return MakeHttpResponse(200, Vector(v));
    };
    WatchOptions o = Every(15, duration_s);
    o.keep_running = true;
    o.spool_dir = spool;
    const int code = f.Run(o);
    std::map<std::string, std::vector<std::string>> keys;
    for (const auto& r : f.prom->requests) {
      for (const auto& h : r.headers) {
        if (h.name == "Idempotency-Key") keys[r.url].push_back(h.value);
      }
    }
    return std::make_tuple(code, keys, f.err.str(), f.out.str());
  };
  const double down = std::nan("");
  auto [code1, first, log1, out1] = run({0.07}, 0, 30);
  EXPECT_EQ(code1, 1) << log1;
  ASSERT_EQ(first["http://hooks.test/rollback"].size(), 1u) << log1;
  const std::string key = first["http://hooks.test/rollback"][0];
  // Restarted: 5 refused queries trip on errors, then the failure again.
  auto [code2, second, log2, out2] = run({down, down, down, down, down, 0.07}, 120, 120);
  EXPECT_EQ(code2, 1) << log2;
  for (const std::string& k : second["http://hooks.test/rollback"]) EXPECT_EQ(k, key) << log2;
  EXPECT_TRUE(second["http://hooks.test/error"].empty()) << log2;
  testing::RemoveDir(spool);

  // Restarted on an open error incident: the failure escalates it.
  auto [code3, third, log3, out3] = run({down}, 0, 90);
  EXPECT_EQ(code3, 3) << log3;
  EXPECT_EQ(third["http://hooks.test/error"].size(), 1u) << log3;
  auto [code4, fourth, log4, out4] = run({0.07}, 120, 30);
  EXPECT_EQ(code4, 1) << log4;
  EXPECT_EQ(fourth["http://hooks.test/rollback"].size(), 1u) << log4;
  EXPECT_THAT(out4, HasSubstr("escalated to fail")) << out4;
  testing::RemoveDir(spool);
}

TEST(WatchActionsTest, ARestartedWatcherContinuesTheOpenIncidentWithTheSameKey) {
  std::string spool = ::testing::TempDir() + "/watch-incident-" + std::to_string(::getpid());
  std::string gate = absl::StrCat(
      "sources:\n  prom: { type: prometheus, url: \"", kUrl, "\" }\n"
      "groups:\n  - name: live\n    rules:\n", kStop,
      "actions:\n"
      "  - { on: fail, webhook: { url: \"http://hooks.test/rollback\" } }\n"
      "  - { on: resolved, webhook: { url: \"http://hooks.test/resolved\" } }\n");
  // One watcher run (a new process: new clock time, no memory but the
  // spool) against a Prometheus answering `value`; the Idempotency-Keys of
  // the webhooks it sent, by URL.
  auto run = [&](double value, int start_offset_s) {
    Fixture f;
    f.clock.Advance(absl::Seconds(start_offset_s));
    f.files.Add("watch.yaml", gate);
    f.prom->script = [value](int, const HttpRequest& r) {
      if (r.url.find("hooks.test") != std::string::npos) return MakeHttpResponse(200, "ok");
      return MakeHttpResponse(200, Vector(value));
    };
    WatchOptions o = Every(15, 30);
    o.spool_dir = spool;
    f.Run(o);
    std::map<std::string, std::vector<std::string>> keys;
    for (const auto& r : f.prom->requests) {
      for (const auto& h : r.headers) {
        if (h.name == "Idempotency-Key") keys[r.url].push_back(h.value);
      }
    }
    return std::make_pair(keys, f.err.str());
  };
  auto [first, log1] = run(0.07, 0);
  ASSERT_EQ(first["http://hooks.test/rollback"].size(), 1u) << log1;
  const std::string key = first["http://hooks.test/rollback"][0];
  // Restarted while the gate still fails: the same incident, the same key.
  auto [second, log2] = run(0.07, 120);
  EXPECT_THAT(log2, HasSubstr("continuing the incident an earlier run opened gate=watch on=fail"));
  EXPECT_EQ(second["http://hooks.test/rollback"], std::vector<std::string>{key});
  // Restarted when healthy: the incident is resolved once, then closed.
  auto [third, log3] = run(0.01, 240);
  EXPECT_EQ(third["http://hooks.test/resolved"].size(), 1u) << log3;
  EXPECT_TRUE(third["http://hooks.test/rollback"].empty());
  // A later failure is another incident: another key.
  auto [fourth, log4] = run(0.07, 360);
  EXPECT_THAT(log4, ::testing::Not(HasSubstr("continuing the incident")));
  ASSERT_EQ(fourth["http://hooks.test/rollback"].size(), 1u);
  EXPECT_NE(fourth["http://hooks.test/rollback"][0], key);
  testing::RemoveDir(spool);
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

constexpr char kStartHook[] =
    "actions:\n  - { on: start, webhook: { url: \"http://hooks.test/start\" } }\n";

std::string GateWithStartHook() {
  return absl::StrCat("sources:\n  prom: { type: prometheus, url: \"", kUrl,
                      "\" }\ngroups:\n  - name: live\n    rules:\n", kStop,
                      kStartHook);
}

// Issue 10, item 7: a watch whose spool cannot be used refuses to start
// unless --allow-no-spool, and then still delivers (from memory).
TEST(WatchSpoolTest, AnUnusableSpoolIsRefusedUnlessAllowed) {
  const std::string root = testing::MakeTempDir();
  const std::string file = root + "/not-a-dir";
  std::ofstream(file) << "x";
  Fixture f;
  f.files.Add("watch.yaml", GateWithStartHook());
  f.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.01)); };
  WatchOptions o = Every(15, 30);
  o.spool_dir = file;
  EXPECT_EQ(f.Run(o), 2);
  EXPECT_THAT(f.err.str(), HasSubstr("is not a directory"));
  EXPECT_THAT(f.err.str(), HasSubstr("--allow-no-spool"));
  EXPECT_THAT(f.err.str(), HasSubstr("nothing was evaluated"));
  EXPECT_TRUE(f.prom->requests.empty());

  Fixture g;
  g.files.Add("watch.yaml", GateWithStartHook());
  g.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.01)); };
  o.allow_no_spool = true;
  EXPECT_EQ(g.Run(o), 0) << g.err.str();
  EXPECT_THAT(g.err.str(), HasSubstr("spool unusable: actions are delivered without spooling"));
  int hooks = 0;
  for (const auto& r : g.prom->requests) hooks += r.url == "http://hooks.test/start";
  EXPECT_EQ(hooks, 1);
  std::filesystem::remove_all(root);
}

// Issue 10, item 10: one owner per spool.
TEST(WatchSpoolTest, ASecondWatcherOnTheSameSpoolRefuses) {
  const std::string root = testing::MakeTempDir();
  absl::StatusOr<Spool> owner = Spool::Open(root + "/spool");
  ASSERT_TRUE(owner.ok()) << owner.status();
  Fixture f;
  f.files.Add("watch.yaml", GateWithStartHook());
  f.prom->script = [](int, const HttpRequest&) { return MakeHttpResponse(200, Vector(0.01)); };
  WatchOptions o = Every(15, 30);
  o.spool_dir = root + "/spool";
  o.allow_no_spool = true;  // no way around the lock
  EXPECT_EQ(f.Run(o), 2);
  EXPECT_THAT(f.err.str(), HasSubstr("is in use by another aurora-gate (pid"));
  EXPECT_TRUE(f.prom->requests.empty());
  std::filesystem::remove_all(root);
}

// Issue 10, item 9: delivery runs beside evaluation, never in front of it.
TEST(WatchSpoolTest, EvaluationGoesOnWhileADeliveryHangs) {
  const std::string root = testing::MakeTempDir();
  Fixture f;
  f.files.Add("watch.yaml", GateWithStartHook());
  std::atomic<int> queries{0};
  std::atomic<bool> evaluated_while_hanging{false};
  f.prom->unlocked = [](const HttpRequest& r) {
    return r.url.find("hooks.test") != std::string::npos;
  };
  f.prom->script = [&](int, const HttpRequest& r) {
    if (r.url.find("hooks.test") == std::string::npos) {
      ++queries;
      return MakeHttpResponse(200, Vector(0.01));
    }
    // The receiver hangs until the watcher has evaluated twice (at most 5 s).
    const absl::Time limit = absl::Now() + absl::Seconds(5);
    while (queries.load() < 2 && absl::Now() < limit) absl::SleepFor(absl::Milliseconds(5));
    evaluated_while_hanging = queries.load() >= 2;
    return MakeHttpResponse(200, "ok");
  };
  WatchOptions o = Every(15, 60);
  o.spool_dir = root + "/spool";
  EXPECT_EQ(f.Run(o), 0) << f.err.str();
  EXPECT_TRUE(evaluated_while_hanging.load());
  EXPECT_EQ(queries.load(), 4);
  EXPECT_THAT(f.err.str(), HasSubstr("result=delivered"));
  std::filesystem::remove_all(root);
}

// Issue 11.11: the JSON log's numbers are JSON numbers (and flags booleans),
// so a log shipper can compare them; every line is one JSON object.
TEST(WatchLogTest, JsonLogNumbersAreJsonNumbers) {
  Fixture f;
  f.Gate(kStop);
  f.prom->script = [](int call, const HttpRequest&) {
    return MakeHttpResponse(200, Vector(call >= 2 ? 0.07 : 0.01));
  };
  WatchOptions o = Every(15, 600);
  o.json_log = true;
  EXPECT_EQ(f.Run(o), 1) << f.err.str();
  std::istringstream lines(f.err.str());
  std::string line;
  int transitions = 0, finished = 0;
  while (std::getline(lines, line)) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    ASSERT_TRUE(d.IsObject()) << line;
    const std::string msg = d["msg"].GetString();
    if (msg == "rule transition") {
      ++transitions;
      ASSERT_TRUE(d["value"].IsNumber()) << line;
      EXPECT_DOUBLE_EQ(d["value"].GetDouble(), transitions == 1 ? 0.01 : 0.07) << line;
      EXPECT_TRUE(d["rule"].IsString()) << line;
    }
    if (msg == "watch finished") {
      ++finished;
      ASSERT_TRUE(d["cycles"].IsInt()) << line;
      EXPECT_EQ(d["cycles"].GetInt(), 2) << line;
      ASSERT_TRUE(d["exit_code"].IsInt()) << line;
      EXPECT_EQ(d["exit_code"].GetInt(), 1) << line;
      if (d.HasMember("interrupted")) {
        EXPECT_TRUE(d["interrupted"].IsBool()) << line;
      }
    }
  }
  EXPECT_EQ(transitions, 2) << f.err.str();
  EXPECT_EQ(finished, 1) << f.err.str();
}

}  // namespace
}  // namespace aurora
