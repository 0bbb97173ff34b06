// `aurora-gate backtest` end to end against a real Prometheus: history
// backfilled with promtool (the recorded incident shipped under
// examples/incidents, and series written in promtool's notation); `for`
// settled from the history before the span; a span over Prometheus' 11,000
// points read in chunks; --deploys; bad input. And the agreement test: a
// `watch --keep-running` in real time against a Prometheus scraping an
// exporter the test drives, then `backtest` over the span it watched: the
// same incidents, tripped and resolved at the same evaluation times within
// one step.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/background_process.h"
#include "tests/testing/gauge_exporter.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::Time ParseTime(const std::string& s) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, s, &t, &err)) << s << ": " << err;
  return t;
}

void WriteText(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

testing::ProcessResult Backtest(std::vector<std::string> args) {
  args.insert(args.begin(), {AURORA_GATE_BIN, "backtest"});
  return testing::RunProcess(args, {{"PROMETHEUS_URL", "\x01unset"},
                                    {"AURORA_JOB", "\x01unset"}});
}

// An incident of a JSON report (backtest or watch): when it tripped and
// resolved (InfiniteFuture: still open).
struct Seen {
  absl::Time tripped, resolved;
};

std::vector<Seen> IncidentsOf(const rapidjson::Value& list) {
  std::vector<Seen> out;
  for (const auto& i : list.GetArray()) {
    Seen s;
    s.tripped = ParseTime(i["tripped_at"].GetString());
    s.resolved = i["resolved_at"].IsString() && i["resolved_at"].GetStringLength() > 0
                     ? ParseTime(i["resolved_at"].GetString())
                     : absl::InfiniteFuture();
    out.push_back(s);
  }
  return out;
}

const absl::Time kIncidentDay =
    absl::FromCivil(absl::CivilSecond(2026, 11, 24, 14, 0, 0), absl::UTCTimeZone());

TEST(BacktestE2ETest, ShippedStopConditionsOverTheRecordedIncident) {
  auto prom = testing::PrometheusServer::Start(testing::ParseOpenMetrics(
      testing::ReadWholeFile("examples/incidents/error-spike-2026-11-24.om")));
  ASSERT_NE(prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  testing::ProcessResult r = Backtest(
      {"gates/runbook/stop-conditions.yaml", "--prometheus", prom->url(), "--from",
       "2026-11-24T14:10:00Z", "--to", "2026-11-24T14:40:00Z", "--step", "30s",
       "--json", dir + "/b.json", "--markdown", dir + "/b.md", "--html", dir + "/b.html"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("gate stop-conditions: failing "));
  EXPECT_THAT(r.out, HasSubstr("incident (fail) tripped at 2026-11-24T14:2"));
  EXPECT_THAT(r.out, HasSubstr("by performance/error-rate-over-5pct = 0.0"));
  EXPECT_THAT(r.out, HasSubstr("At least one incident would have opened (nothing fired)."));
  rapidjson::Document d;
  const std::string json = testing::ReadWholeFile(dir + "/b.json");
  ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
  ASSERT_EQ(d["incidents"].Size(), 1u) << json;
  const auto& inc = d["incidents"][0];
  EXPECT_STREQ(inc["rules"][0]["name"].GetString(), "error-rate-over-5pct");
  // 12 % errors from 14:20 to 14:28: the 5m rate passes 5 % a few minutes
  // in, and falls back under it a few minutes after the rollback.
  const std::vector<Seen> seen = IncidentsOf(d["incidents"]);
  EXPECT_GT(seen[0].tripped, kIncidentDay + absl::Minutes(21));
  EXPECT_LT(seen[0].tripped, kIncidentDay + absl::Minutes(25));
  EXPECT_GT(seen[0].resolved, kIncidentDay + absl::Minutes(28));
  EXPECT_LT(seen[0].resolved, kIncidentDay + absl::Minutes(35));
  // Every other stop condition passed at every step.
  for (const auto& rule : d["span"]["gates"][0]["rules"].GetArray()) {
    if (std::string(rule["name"].GetString()) == "error-rate-over-5pct") continue;
    ASSERT_EQ(rule["intervals"].Size(), 1u) << rule["name"].GetString();
    EXPECT_STREQ(rule["intervals"][0]["outcome"].GetString(), "pass");
  }
  EXPECT_THAT(testing::ReadWholeFile(dir + "/b.md"),
              HasSubstr("### Incidents that would have opened"));
  const std::string html = testing::ReadWholeFile(dir + "/b.html");
  EXPECT_THAT(html, HasSubstr("<svg class=\"timeline\" data-gate=\"stop-conditions\""));
  EXPECT_THAT(html, HasSubstr("<rect class=\"incident\""));
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\""));  // the rules' values, charted

  // Before the bad deploy: clean.
  testing::ProcessResult clean =
      Backtest({"gates/runbook/stop-conditions.yaml", "--prometheus", prom->url(),
                "--from", "2026-11-24T14:06:00Z", "--to", "2026-11-24T14:19:00Z"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("no incident"));
  std::filesystem::remove_all(dir);
}

// History at one sample a minute from S: 0 for an hour, 10 for ten minutes
// (S+60m .. S+69m), then 0 for two hours.
struct Spike {
  absl::Time start;
  std::unique_ptr<testing::PrometheusServer> prom;
};

Spike StartSpike() {
  Spike s;
  s.start = kIncidentDay - absl::Hours(48);
  s.prom = testing::PrometheusServer::Start(testing::ExpandSeries(
      "test_errors{job=\"x\"}", "0x59 10x9 0x120", absl::ToUnixSeconds(s.start), 60));
  return s;
}

constexpr char kForGate[] =
    "gate: spike\n"
    "groups:\n  - name: live\n    rules:\n"
    "      - alert: TestErrors\n"
    "        expr: test_errors > 5\n"
    "        for: 5m\n"
    "        labels: { severity: critical }\n"
    "actions:\n"
    "  - { on: fail, webhook: { url: \"http://127.0.0.1:9/rollback\" } }\n";

TEST(BacktestE2ETest, ForIsSettledFromHistoryBeforeTheSpanAndLongSpansAreChunked) {
  Spike spike = StartSpike();
  ASSERT_NE(spike.prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  WriteText(dir + "/spike.yaml", kForGate);
  // The span starts 3 minutes into the spike: the alert is pending then
  // (history read from before), fires at S+65m, resolves at S+70m. 4 hours
  // at 1 s is 14,401 points: more than one range read.
  const absl::Time from = spike.start + absl::Minutes(63);
  testing::ProcessResult r = Backtest(
      {dir + "/spike.yaml", "--prometheus", spike.prom->url(), "--from", Rfc3339(from),
       "--to", Rfc3339(from + absl::Hours(4)), "--step", "1s", "--json", dir + "/b.json"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  rapidjson::Document d;
  const std::string json = testing::ReadWholeFile(dir + "/b.json");
  ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
  const std::vector<Seen> seen = IncidentsOf(d["incidents"]);
  ASSERT_EQ(seen.size(), 1u) << json;
  EXPECT_EQ(seen[0].tripped, spike.start + absl::Minutes(65));
  EXPECT_EQ(seen[0].resolved, spike.start + absl::Minutes(70));
  EXPECT_EQ(d["span"]["steps"].GetUint64(), 14401u);
  const auto& rule = d["span"]["gates"][0]["rules"][0];
  ASSERT_EQ(rule["intervals"].Size(), 3u) << json;  // pending, fail, pass
  EXPECT_STREQ(rule["intervals"][0]["outcome"].GetString(), "pending");
  EXPECT_STREQ(rule["intervals"][1]["outcome"].GetString(), "fail");
  // The webhook is listed as what would have fired; nothing was sent.
  EXPECT_STREQ(d["incidents"][0]["would_fire"][0]["on"].GetString(), "fail");
  EXPECT_THAT(r.out, HasSubstr("would have fired: spike action 1 (webhook on fail)"));
  std::filesystem::remove_all(dir);
}

TEST(BacktestE2ETest, DeploysTableSaysWhichDeployWouldHaveTripped) {
  Spike spike = StartSpike();
  ASSERT_NE(spike.prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  WriteText(dir + "/spike.yaml", kForGate);
  WriteText(dir + "/deploys.txt",
            absl::StrCat("# from git log\n", Rfc3339(spike.start + absl::Minutes(58)),
                         " v1.4.2 bad\n", Rfc3339(spike.start + absl::Minutes(100)),
                         " v1.4.3\n"));
  testing::ProcessResult r =
      Backtest({dir + "/spike.yaml", "--prometheus", spike.prom->url(), "--deploys",
                dir + "/deploys.txt", "--window", "30m", "--markdown", dir + "/d.md"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(
                         Rfc3339(spike.start + absl::Minutes(58)),
                         " v1.4.2 bad +30m: would have tripped at ",
                         Rfc3339(spike.start + absl::Minutes(65)), " (live/TestErrors)")));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(Rfc3339(spike.start + absl::Minutes(100)),
                                            " v1.4.3 +30m: clean")));
  EXPECT_THAT(testing::ReadWholeFile(dir + "/d.md"), HasSubstr("v1.4.3 | clean |"));
  std::filesystem::remove_all(dir);
}

TEST(BacktestE2ETest, BadInputIsAUsageErrorAndAnUnreadableServerIsUndecided) {
  const std::string dir = testing::MakeTempDir();
  WriteText(dir + "/spike.yaml", kForGate);
  testing::ProcessResult r = Backtest({dir + "/spike.yaml", "--from", "2026-11-24T15:00:00Z",
                                       "--to", "2026-11-24T14:00:00Z"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--to must be after --from"));
  r = Backtest({dir + "/spike.yaml", "--to", "2026-11-24T14:00:00Z"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give --from and --to (or --deploys FILE)"));
  WriteText(dir + "/deploys.txt", "last tuesday\n");
  r = Backtest({dir + "/spike.yaml", "--deploys", dir + "/deploys.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(dir + "/deploys.txt:1: expected a deploy time"));
  r = Backtest({dir + "/spike.yaml", "--prometheus",
                absl::StrCat("http://127.0.0.1:", testing::FreeLoopbackPort()), "--from",
                "2026-11-24T14:00:00Z", "--to", "2026-11-24T14:05:00Z"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("error: history not read: spike/live/TestErrors"));
  std::filesystem::remove_all(dir);
}

// As for check, a failure outranks what could not be decided: an incident
// that would have opened is exit 1 even when another gate's history could
// not be read, and that history is still named.
TEST(BacktestE2ETest, AnIncidentOutranksHistoryNotRead) {
  Spike spike = StartSpike();
  ASSERT_NE(spike.prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  WriteText(dir + "/spike.yaml", kForGate);
  WriteText(dir + "/far.yaml",
            absl::StrCat("gate: far\n"
                         "sources:\n  far: { type: prometheus, url: \"http://127.0.0.1:",
                         testing::FreeLoopbackPort(), "\" }\n",
                         "groups:\n  - name: live\n    rules:\n"
                         "      - name: far-errors\n"
                         "        expr: test_errors\n"
                         "        fail: \"> 5\"\n"));
  // The span starts while TestErrors fires (since S+65m): the watch trips
  // on the failure at the first step, before the unread history's errors
  // reach their limit.
  const absl::Time from = spike.start + absl::Minutes(66);
  testing::ProcessResult r = Backtest(
      {dir + "/spike.yaml", dir + "/far.yaml", "--prometheus", spike.prom->url(),
       "--from", Rfc3339(from), "--to", Rfc3339(from + absl::Minutes(40)),
       "--markdown", dir + "/b.md"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("error: history not read: far/live/far-errors"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("incident (fail) tripped at ", Rfc3339(from))));
  EXPECT_THAT(r.out, HasSubstr("At least one incident would have opened"));
  const std::string md = testing::ReadWholeFile(dir + "/b.md");
  EXPECT_THAT(md, HasSubstr("**FAIL** (exit 1)"));
  EXPECT_THAT(md, HasSubstr("1 history not read"));
  std::filesystem::remove_all(dir);
}

// Alert expressions are read as written (comparison included, as vmalert
// -replay reads them): only the steps where the condition holds come back.
// That decides exactly as reading them without the comparison
// (--all-values): the same incidents and outcome intervals, over the
// runbook's alert file on the recorded incident (whose error ratio is NaN
// before the first 5xx: a comparison drops it, an unfiltered read judges it
// inactive), with fewer points read.
TEST(BacktestE2ETest, AlertExpressionsReadAsWrittenDecideAsReadUnfiltered) {
  auto prom = testing::PrometheusServer::Start(testing::ParseOpenMetrics(
      testing::ReadWholeFile("examples/incidents/error-spike-2026-11-24.om")));
  ASSERT_NE(prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  // The decisions of a JSON report: incidents and every rule's intervals.
  auto decisions = [](const rapidjson::Document& d) {
    std::string out;
    for (const auto& i : d["incidents"].GetArray()) {
      absl::StrAppend(&out, i["on"].GetString(), "@", i["tripped_at"].GetString(), "..",
                      i["resolved_at"].IsString() ? i["resolved_at"].GetString() : "open",
                      " ", i["rules"][0]["name"].GetString(), "=",
                      i["rules"][0]["value"].IsNumber() ? i["rules"][0]["value"].GetDouble() : -1,
                      "\n");
    }
    for (const auto& g : d["span"]["gates"].GetArray()) {
      for (const auto& r : g["rules"].GetArray()) {
        absl::StrAppend(&out, r["name"].GetString(), ":");
        for (const auto& iv : r["intervals"].GetArray()) {
          absl::StrAppend(&out, " ", iv["outcome"].GetString(), "[", iv["from"].GetString(),
                          ",", iv["to"].GetString(), "]");
        }
        absl::StrAppend(&out, "\n");
      }
    }
    return out;
  };
  auto points_read = [](const std::string& err) {
    const size_t at = err.find(" points=");
    return at == std::string::npos ? -1L : std::atol(err.c_str() + at + 8);
  };
  std::vector<std::string> seen;
  std::vector<long> points;
  for (bool all_values : {false, true}) {
    std::vector<std::string> args = {
        AURORA_GATE_BIN, "backtest", "gates/runbook/runbook-alerts.yml", "--prometheus",
        prom->url(), "--from", "2026-11-24T14:05:00Z", "--to", "2026-11-24T14:45:00Z",
        "--step", "15s", "--json", dir + "/b.json", "--html", dir + "/b.html"};
    if (all_values) args.push_back("--all-values");
    testing::ProcessResult r = testing::RunProcess(
        args, {{"PROMETHEUS_URL", "\x01unset"}, {"AURORA_GATE_TRACE", "1"}});
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // HighErrorRate would have fired
    rapidjson::Document d;
    const std::string json = testing::ReadWholeFile(dir + "/b.json");
    ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
    ASSERT_GE(d["incidents"].Size(), 1u) << json;
    seen.push_back(decisions(d));
    points.push_back(points_read(r.err));
    const std::string html = testing::ReadWholeFile(dir + "/b.html");
    if (all_values) {
      EXPECT_THAT(html, Not(HasSubstr("read as written")));
    } else {
      EXPECT_THAT(html, HasSubstr("charted where the condition held (the expression is "
                                  "read as written; --all-values charts every step"));
    }
  }
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_THAT(seen[0], HasSubstr("HighErrorRate"));
  ASSERT_GT(points[0], 0) << "no backtest-read trace line";
  EXPECT_LT(points[0], points[1]);
  std::filesystem::remove_all(dir);
}

TEST(BacktestE2ETest, AgreesWithAWatchOverTheSameSpan) {
  std::atomic<int> value{0};
  auto exporter = testing::StartGaugeExporter(&value);
  ASSERT_TRUE(exporter.ok());
  auto prom = testing::PrometheusServer::Start(
      {}, absl::StrCat("scrape_configs:\n"
                       "  - job_name: exporter\n    scrape_interval: 1s\n"
                       "    static_configs: [{targets: ['127.0.0.1:",
                       (*exporter)->port(), "']}]\n"));
  ASSERT_NE(prom, nullptr);
  const std::string dir = testing::MakeTempDir();
  // A stop condition with `for`, stepped every second.
  WriteText(dir + "/stop.yaml",
            "gate: stop\nevaluation_interval: 1s\n"
            "groups:\n  - name: live\n    rules:\n"
            "      - alert: TestErrors\n"
            "        expr: test_errors{job=\"exporter\"} > 5\n"
            "        for: 2s\n"
            "        labels: { severity: critical }\n");
  // Wait until 0 has been scraped, so the watch starts on data.
  const auto kWait = std::chrono::seconds(20);
  bool seen_zero = false;
  for (auto deadline = std::chrono::steady_clock::now() + kWait;
       !seen_zero && std::chrono::steady_clock::now() < deadline;) {
    testing::ToolResult q = testing::HttpGet(
        prom->url() + "/api/v1/query", {{"query", "test_errors{job=\"exporter\"} == 0"}});
    seen_zero = q.exit_code == 0 && q.output.find("\"result\":[{") != std::string::npos;
    if (!seen_zero) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(seen_zero);
  testing::BackgroundProcess watch({AURORA_GATE_BIN, "watch", dir + "/stop.yaml", "--prometheus",
                    prom->url(), "--interval", "1s", "--duration", "30s", "--keep-running",
                    "--spool-dir", dir + "/spool", "--json", dir + "/watch.json"},
                   dir + "/watch.log");
  ASSERT_TRUE(watch.WaitForLog("to=pass", kWait)) << watch.Log();
  // Two incidents: each failure holds longer than `for` and is followed by
  // a healthy stretch; the watch's log says when each step was taken.
  for (int round = 0; round < 2; ++round) {
    value = 10;
    ASSERT_TRUE(watch.WaitForLog(round == 0 ? "stop condition tripped"
                                            : "the gate fails again after an earlier trip",
                                 kWait))
        << watch.Log();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // a stretch, not a sync
    value = 0;
    auto deadline = std::chrono::steady_clock::now() + kWait;
    size_t resolved = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = watch.Log();
      resolved = 0;
      for (size_t at = log.find("stop condition resolved"); at != std::string::npos;
           at = log.find("stop condition resolved", at + 1)) {
        ++resolved;
      }
      if (resolved > static_cast<size_t>(round)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GT(resolved, static_cast<size_t>(round)) << watch.Log();
  }
  // The watch ends by itself at its duration: exit 1, it tripped.
  ASSERT_EQ(watch.Wait(std::chrono::seconds(40)), 1) << watch.Log();
  rapidjson::Document w;
  const std::string wjson = testing::ReadWholeFile(dir + "/watch.json");
  ASSERT_FALSE(w.Parse(wjson.c_str()).HasParseError()) << wjson;
  const std::vector<Seen> watched = IncidentsOf(w["watch"]["incidents"]);
  ASSERT_EQ(watched.size(), 2u) << wjson;
  // The backtest over the same span, on the watch's grid (its start), at
  // its interval.
  const absl::Time started = ParseTime(w["watch"]["started"].GetString());
  const absl::Time ended = ParseTime(w["watch"]["ended"].GetString());
  testing::ProcessResult b =
      Backtest({dir + "/stop.yaml", "--prometheus", prom->url(), "--from",
                absl::FormatTime(absl::RFC3339_full, started, absl::UTCTimeZone()), "--to",
                absl::FormatTime(absl::RFC3339_full, ended, absl::UTCTimeZone()), "--step",
                "1s", "--json", dir + "/backtest.json"});
  ASSERT_EQ(b.exit_code, 1) << b.out << b.err;
  rapidjson::Document bt;
  const std::string bjson = testing::ReadWholeFile(dir + "/backtest.json");
  ASSERT_FALSE(bt.Parse(bjson.c_str()).HasParseError()) << bjson;
  const std::vector<Seen> backtested = IncidentsOf(bt["incidents"]);
  ASSERT_EQ(backtested.size(), watched.size()) << wjson << "\n" << bjson;
  // Both evaluate on the grid started + k s: the watch a little after each
  // tick (it wakes, then reads the clock), the backtest on it. Compared by
  // grid slot: within one step, plus any slot the watch logged as missed.
  const std::string log = watch.Log();
  int64_t missed = 0;
  for (size_t at = log.find("missed_cycles="); at != std::string::npos;
       at = log.find("missed_cycles=", at + 1)) {
    missed += std::stoll(log.substr(at + std::string("missed_cycles=").size()));
  }
  // The backtest's grid starts at the watch's start, to the millisecond.
  const absl::Time grid = ParseTime(bt["span"]["from"].GetString());
  auto slot = [grid](absl::Time t) {
    absl::Duration rest;  // Debian's abseil writes the remainder unconditionally
    return absl::IDivDuration(t - grid, absl::Seconds(1), &rest);
  };
  for (size_t i = 0; i < watched.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("incident ", i));
    EXPECT_LE(std::abs(slot(watched[i].tripped) - slot(backtested[i].tripped)), 1 + missed)
        << Rfc3339(watched[i].tripped) << " vs " << Rfc3339(backtested[i].tripped);
    EXPECT_LE(std::abs(slot(watched[i].resolved) - slot(backtested[i].resolved)), 1 + missed)
        << Rfc3339(watched[i].resolved) << " vs " << Rfc3339(backtested[i].resolved);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aurora
