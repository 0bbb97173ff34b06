// Issue 12, "Done when": the live differential. A real Prometheus evaluates
// real public rule files (tests/testdata/rule-corpus: awesome-prometheus-
// alerts' node-exporter.yml and blackbox-exporter.yml, unchanged) plus the
// issue's probe rules every second, over two exporters whose values the test
// moves through phases (normal, trouble, recovered, target down; each phase
// ends on a condition seen in Prometheus, never after a fixed sleep).
// Afterwards `aurora-gate check --replay --at T` (history replayed, the
// server's own state NOT taken) decides the same files at the server's own
// evaluation moments T of each group, and every rule's alert states (pending
// or firing per label set, or error) are compared with Prometheus' ALERTS
// series at T. Allowed: the state of the server's next evaluation (one
// interval later) — a scrape that lands just before an evaluation may be
// seen by the replay (all of history is written by then) but not yet by
// that evaluation. Anything else is a disagreement and fails the test.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

const std::string kCorpus = std::string(AURORA_TESTDATA_DIR) + "/rule-corpus";
const std::string kNodeFile =
    kCorpus + "/awesome-prometheus-alerts/host-and-hardware/node-exporter.yml";
const std::string kBlackboxFile =
    kCorpus + "/awesome-prometheus-alerts/blackbox/blackbox-exporter.yml";

// The issue's probes, each an edge case of issue 12 that a live server
// decides: short `for` at the server's step, keep_firing_for, no series,
// NaN, `and` with no data, templated labels (a new alert every evaluation;
// a stable one), `@ end()` / `@ start()` in a range, a runtime error
// (duplicate series), a group `limit`, a target that goes down.
constexpr char kProbes[] = R"(groups:
  - name: probes
    rules:
      - alert: ProbeShortFor
        expr: probe_level > 0
        for: 3s
        labels: { severity: critical }
      - alert: ProbeKeepFiring
        expr: probe_level > 0
        for: 1s
        keep_firing_for: 3s
        labels: { severity: critical }
      - alert: ProbeNoSeries
        expr: probe_never_exported > 0
        for: 1s
      - alert: ProbeNaN
        expr: probe_zero / probe_zero > 0
      - alert: ProbeAndNoData
        expr: probe_level > 0 and on() probe_never_exported > 0
      - alert: ProbeValueLabelChanges
        expr: vector(time()) > 0
        for: 2s
        labels: { v: "{{ $value }}" }
      - alert: ProbeValueLabelStable
        expr: probe_level > 0
        for: 2s
        labels: { level: "{{ $value }}", at: "{{ $labels.instance }}" }
      - alert: ProbeAtEnd
        expr: max_over_time(probe_level[3s] @ end()) > 0
        for: 1s
      - alert: ProbeAtStart
        expr: min_over_time(probe_level[2s] @ start()) > 0
      - alert: ProbeDuplicateSeries
        expr: probe_dup_left * on(k) probe_dup_right > 0
      - alert: ProbeTargetDown
        expr: up{job="node"} == 0
        for: 2s
        labels: { severity: critical }
  - name: probes-limited
    limit: 1
    rules:
      - alert: ProbeLimit
        expr: probe_multi > 0
)";

// The "node" exporter: node_exporter / blackbox_exporter / probe metrics
// by phase; it answers 500 once the target is down.
enum Phase { kNormal = 0, kTrouble = 1, kRecovered = 2, kDown = 3 };

std::string NodeMetrics(int phase, int64_t now_unix) {
  const bool trouble = phase == kTrouble;
  const char* fs = "device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"";
  // Certificate: 30 days left; 10 days in trouble; expired once recovered.
  const int64_t expiry =
      now_unix + (trouble ? 10 : phase == kRecovered ? -1 : 30) * 86400;
  return absl::StrCat(
      "node_memory_MemAvailable_bytes ", trouble ? "1e9" : "8e9", "\n",
      "node_memory_MemTotal_bytes 16e9\n",
      "node_systemd_unit_state{name=\"aurora.service\",state=\"failed\"} ",
      trouble ? 1 : 0, "\n",
      "node_edac_uncorrectable_errors_total{controller=\"0\"} ", trouble ? 1 : 0,
      "\n",
      // 0/0: NaN, never firing (issue 12.1's NodeNetwork*Errs).
      "node_network_receive_errs_total{device=\"eth0\"} 0\n",
      "node_network_receive_packets_total{device=\"eth0\"} 0\n",
      "node_filesystem_avail_bytes{", fs, "} ", trouble ? "5e9" : "50e9", "\n",
      "node_filesystem_size_bytes{", fs, "} 100e9\n",
      "node_filesystem_readonly{", fs, "} 0\n",
      "node_hwmon_temp_crit_alarm_celsius{chip=\"c0\",sensor=\"temp1\"} ",
      trouble ? 1 : 0, "\n",
      "probe_success{target=\"a\"} 1\n",
      "probe_success{target=\"b\"} ", trouble ? 0 : 1, "\n",
      "probe_http_status_code{target=\"a\"} ", trouble ? 503 : 200, "\n",
      "probe_ssl_earliest_cert_expiry{target=\"a\"} ", expiry, "\n",
      "probe_level ", trouble ? 1 : 0, "\n");
}

// The "steady" exporter never changes: the runtime-error and limit probes
// err throughout, and a 0/0.
constexpr char kSteadyMetrics[] =
    "probe_zero 0\n"
    "probe_multi{i=\"1\"} 1\nprobe_multi{i=\"2\"} 1\nprobe_multi{i=\"3\"} 1\n"
    "probe_dup_left{k=\"x\"} 1\n"
    "probe_dup_right{k=\"x\",n=\"1\"} 1\nprobe_dup_right{k=\"x\",n=\"2\"} 1\n";

// An alert state per label set; "error" for a rule that errs.
using States = std::map<std::string, std::string>;
const std::string kError = "<rule error>";

std::string Format(const States& s) {
  if (s.empty()) return "{}";
  std::vector<std::string> parts;
  for (const auto& [k, v] : s) parts.push_back(k + "=" + v);
  return absl::StrJoin(parts, "; ");
}

// A label set without the keys in `drop`, as "{a="1",b="2"}".
std::string Key(const rapidjson::Value& labels, const std::set<std::string>& drop) {
  std::vector<std::string> parts;
  for (auto it = labels.MemberBegin(); it != labels.MemberEnd(); ++it) {
    std::string name = it->name.GetString();
    if (drop.count(name) > 0 || !it->value.IsString()) continue;
    parts.push_back(absl::StrCat(name, "=\"", it->value.GetString(), "\""));
  }
  return "{" + absl::StrJoin(parts, ",") + "}";
}

// Prometheus's JSON answer to `path` with `params` (empty document on error).
std::unique_ptr<rapidjson::Document> GetJson(
    const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& params = {}) {
  auto doc = std::make_unique<rapidjson::Document>();
  testing::ToolResult r = testing::HttpGet(url, params);
  if (r.exit_code != 0) return doc;
  doc->Parse(r.output.c_str());
  return doc;
}

std::string Millis(absl::Time t) {
  return absl::StrFormat("%.3f", static_cast<double>(absl::ToUnixMillis(t)) / 1000);
}

// Result vector of an instant query at `t` (now when absent).
std::vector<const rapidjson::Value*> Query(const std::string& prom,
                                           const std::string& promql,
                                           std::optional<absl::Time> t,
                                           rapidjson::Document* doc) {
  std::vector<std::pair<std::string, std::string>> params = {{"query", promql}};
  if (t) params.push_back({"time", Millis(*t)});
  *doc = std::move(*GetJson(prom + "/api/v1/query", params));
  std::vector<const rapidjson::Value*> out;
  if (!doc->IsObject() || !doc->HasMember("data")) return out;
  const rapidjson::Value& result = (*doc)["data"]["result"];
  for (const auto& v : result.GetArray()) out.push_back(&v);
  return out;
}

size_t Count(const std::string& prom, const std::string& promql) {
  rapidjson::Document doc;
  std::vector<const rapidjson::Value*> r = Query(prom, promql, std::nullopt, &doc);
  if (r.size() != 1) return 0;
  return static_cast<size_t>(std::atof((*r[0])["value"][1].GetString()));
}

// Each rule group's last evaluation timestamp (the `rule_group` label of
// prometheus_rule_group_last_evaluation_timestamp_seconds: "file;group").
std::map<std::string, absl::Time> LastEvaluations(const std::string& prom) {
  std::map<std::string, absl::Time> out;
  testing::ToolResult r = testing::HttpGet(prom + "/metrics");
  std::istringstream lines(r.output);
  std::string line;
  const std::string metric = "prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group=\"";
  while (std::getline(lines, line)) {
    if (line.rfind(metric, 0) != 0) continue;
    size_t end = line.find("\"}", metric.size());
    if (end == std::string::npos) continue;
    std::string group = line.substr(metric.size(), end - metric.size());
    double seconds = std::atof(line.substr(end + 2).c_str());
    if (seconds <= 0) continue;
    // The evaluation's query time: its timestamp truncated to milliseconds.
    const int64_t micros = std::llround(seconds * 1e6);
    out[group] = absl::FromUnixMillis(micros / 1000);
  }
  return out;
}

bool WaitFor(const std::function<bool()>& condition, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return condition();
}

// Until `group` (suffix of "file;group") has been evaluated at or after `t`.
bool WaitEvaluated(const std::string& prom, const std::string& group, absl::Time t) {
  return WaitFor(
      [&] {
        for (const auto& [g, last] : LastEvaluations(prom)) {
          if (absl::EndsWith(g, ";" + group) && last >= t) return true;
        }
        return false;
      },
      absl::Seconds(20));
}

// Prometheus' state of each alerting rule of `names` at `t` (its last
// evaluation at or before t): ALERTS, keyed without its name, alertname, alertstate and
// the rule's own label names.
std::map<std::string, States> PromStates(
    const std::string& prom, absl::Time t,
    const std::map<std::string, std::set<std::string>>& rule_labels,
    const std::set<std::string>& erring) {
  std::map<std::string, States> out;
  for (const auto& [name, labels] : rule_labels) {
    out[name] = erring.count(name) ? States{{"", kError}} : States{};
  }
  rapidjson::Document doc;
  for (const rapidjson::Value* v : Query(prom, "ALERTS", t, &doc)) {
    const rapidjson::Value& metric = (*v)["metric"];
    std::string name = metric["alertname"].GetString();
    auto it = rule_labels.find(name);
    if (it == rule_labels.end()) continue;
    std::set<std::string> drop = it->second;
    drop.insert("__name__");
    drop.insert("alertname");
    drop.insert("alertstate");
    out[name][Key(metric, drop)] = metric["alertstate"].GetString();
  }
  return out;
}

// ALERTS_FOR_STATE at `t` for `name` (the activeAt of each active alert), to
// explain a disagreement.
std::string ForState(const std::string& prom, const std::string& name, absl::Time t) {
  rapidjson::Document doc;
  std::vector<std::string> parts;
  for (const rapidjson::Value* v :
       Query(prom, "ALERTS_FOR_STATE{alertname=\"" + name + "\"}", t, &doc)) {
    parts.push_back(absl::StrCat(Key((*v)["metric"], {"__name__", "alertname"}), " activeAt ",
                                 (*v)["value"][1].GetString()));
  }
  return absl::StrJoin(parts, "; ");
}

struct Replayed {
  std::map<std::string, States> states;           // rule -> states
  std::map<std::string, std::string> reasons;     // rule -> reason
  std::map<std::string, std::set<std::string>> labels;  // rule -> its label names
};

// `aurora-gate check FILE --replay --at T --json`: the rules of `group`.
Replayed Check(const std::string& file, const std::string& group, absl::Time t,
               const std::string& prom, const std::string& dir) {
  Replayed out;
  const std::string json = dir + "/report.json";
  testing::ProcessResult r = testing::RunProcess(
      {AURORA_GATE_BIN, "check", file, "--replay", "--at",
       absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()),
       "--prometheus", prom, "--json", json, "--color", "never"},
      {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  EXPECT_TRUE(doc.IsObject() && doc.HasMember("gates"))
      << "exit " << r.exit_code << "\n" << r.out << r.err;
  if (!doc.IsObject() || !doc.HasMember("gates")) return out;
  for (const auto& rule : doc["gates"][0]["rules"].GetArray()) {
    if (std::string(rule["group"].GetString()) != group) continue;
    const std::string name = rule["name"].GetString();
    std::set<std::string> drop;
    for (auto it = rule["labels"].MemberBegin(); it != rule["labels"].MemberEnd(); ++it) {
      drop.insert(it->name.GetString());
    }
    out.labels[name] = drop;
    out.reasons[name] = rule["reason"].GetString();
    States& s = out.states[name];
    const std::string outcome = rule["outcome"].GetString();
    if (outcome == "error") {
      s[""] = kError;
      continue;
    }
    for (const auto& series : rule["series"].GetArray()) {
      const std::string o = series["outcome"].GetString();
      if (o == "pending") s[Key(series["labels"], drop)] = "pending";
      if (o == "fail" || o == "warn") s[Key(series["labels"], drop)] = "firing";
    }
  }
  return out;
}

TEST(LiveDifferentialTest, ReplayAgreesWithThePrometheusThatEvaluatesTheSameFiles) {
  std::atomic<int> phase{kNormal};
  auto node = testing::HttpTestServer::Start([&phase](const testing::TestHttpRequest&) {
    testing::TestHttpResponse r;
    if (phase.load() == kDown) {
      r.status = 500;
      r.body = "down\n";
      return r;
    }
    r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
    r.body = NodeMetrics(phase.load(), absl::ToUnixSeconds(absl::Now()));
    return r;
  });
  ASSERT_TRUE(node.ok()) << node.status();
  auto steady = testing::HttpTestServer::Start([](const testing::TestHttpRequest&) {
    testing::TestHttpResponse r;
    r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
    r.body = kSteadyMetrics;
    return r;
  });
  ASSERT_TRUE(steady.ok()) << steady.status();

  const std::string dir = testing::MakeTempDir();
  const std::string probes = dir + "/probes.yml";
  std::ofstream(probes) << kProbes;
  auto prom = testing::PrometheusServer::Start(
      {}, absl::StrCat("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                       "rule_files: ['", kNodeFile, "', '", kBlackboxFile, "', '",
                       probes, "']\n"
                       "scrape_configs:\n"
                       "  - job_name: node\n    static_configs: [{targets: ['127.0.0.1:",
                       (*node)->port(), "']}]\n"
                       "  - job_name: steady\n    static_configs: [{targets: ['127.0.0.1:",
                       (*steady)->port(), "']}]\n"));
  ASSERT_NE(prom, nullptr);
  const std::string url = prom->url();

  // Normal: both targets scraped a few times; the erring probes err.
  auto health = [&url](const std::string& name) {
    auto doc = GetJson(url + "/api/v1/rules");
    if (!doc->IsObject() || !doc->HasMember("data")) return std::string();
    for (const auto& g : (*doc)["data"]["groups"].GetArray()) {
      for (const auto& r : g["rules"].GetArray()) {
        if (name == r["name"].GetString()) {
          return absl::StrCat(r["health"].GetString(), ": ",
                              r.HasMember("lastError") ? r["lastError"].GetString() : "");
        }
      }
    }
    return std::string();
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(url, "count_over_time(probe_level[1m])") >= 3 &&
               Count(url, "count_over_time(probe_zero[1m])") >= 3 &&
               absl::StartsWith(health("ProbeLimit"), "err") &&
               absl::StartsWith(health("ProbeDuplicateSeries"), "err");
      },
      absl::Seconds(30)))
      << prom->Log();
  EXPECT_THAT(health("ProbeLimit"), ::testing::HasSubstr("exceeded limit of 1 with 3 alerts"));
  EXPECT_THAT(health("ProbeDuplicateSeries"), ::testing::HasSubstr("duplicate series"));
  const absl::Time first = absl::Now();

  // Trouble until the 3s `for` has fired twice.
  phase = kTrouble;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(url, "count_over_time(ALERTS{alertname=\"ProbeShortFor\","
                          "alertstate=\"firing\"}[1m])") >= 2;
      },
      absl::Seconds(20)))
      << prom->Log();
  // Recovered until keep_firing_for has run out, and two more evaluations.
  phase = kRecovered;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(url, "sum(count_over_time(ALERTS{alertname=\"ProbeKeepFiring\"}[1m]))") > 0 &&
               Count(url, "count(ALERTS{alertname=\"ProbeKeepFiring\"})") == 0;
      },
      absl::Seconds(20)))
      << testing::HttpGet(url + "/api/v1/query",
                          {{"query", "ALERTS{alertname=\"ProbeKeepFiring\"} or probe_level"}})
             .output
      << testing::HttpGet(url + "/api/v1/rules").output;
  ASSERT_TRUE(WaitEvaluated(url, "probes", absl::Now() + absl::Seconds(2)));
  // The target down until its `for: 2s` has fired.
  phase = kDown;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(url, "count_over_time(ALERTS{alertname=\"ProbeTargetDown\","
                          "alertstate=\"firing\"}[1m])") >= 2;
      },
      absl::Seconds(20)));
  // Every group evaluated once more after the last moment compared.
  const absl::Time last = absl::Now();
  for (const char* g : {"NodeExporter", "BlackboxExporter", "probes", "probes-limited"}) {
    ASSERT_TRUE(WaitEvaluated(url, g, last + absl::Seconds(1))) << g;
  }
  const std::map<std::string, absl::Time> evaluated = LastEvaluations(url);
  std::set<std::string> erring;
  for (const char* name : {"ProbeLimit", "ProbeDuplicateSeries"}) {
    if (absl::StartsWith(health(name), "err")) erring.insert(name);
  }
  EXPECT_EQ(erring.size(), 2u) << "the erring probes err throughout";

  struct File {
    std::string path, group;
    int every;  // compare every Nth evaluation
  };
  const std::vector<File> files = {{kNodeFile, "NodeExporter", 1},
                                   {kBlackboxFile, "BlackboxExporter", 1},
                                   {probes, "probes", 1},
                                   {probes, "probes-limited", 4}};
  std::vector<std::string> disagreements;
  int compared = 0, at_next = 0;
  std::set<std::string> seen;  // "rule state" Prometheus showed at some T
  for (const File& f : files) {
    absl::Time latest = absl::InfinitePast();
    for (const auto& [g, t] : evaluated) {
      if (absl::EndsWith(g, ";" + f.group)) latest = t;
    }
    ASSERT_NE(latest, absl::InfinitePast()) << f.group;
    // The server's own evaluation moments since `first`, each with the
    // evaluation after it.
    for (absl::Time t = latest - absl::Seconds(1); t >= first; t -= absl::Seconds(f.every)) {
      Replayed ours = Check(f.path, f.group, t, url, dir);
      ASSERT_FALSE(ours.states.empty()) << f.group;
      const auto at_t = PromStates(url, t, ours.labels, erring);
      const auto next = PromStates(url, t + absl::Seconds(1), ours.labels, erring);
      for (const auto& [name, states] : ours.states) {
        ++compared;
        for (const auto& [k, v] : at_t.at(name)) seen.insert(name + " " + v);
        if (states == at_t.at(name)) continue;
        if (states == next.at(name)) {
          ++at_next;
          continue;
        }
        disagreements.push_back(absl::StrCat(
            f.group, " ", name, " at ", Millis(t), ": aurora-gate ", Format(states),
            " (", ours.reasons[name], "); Prometheus ", Format(at_t.at(name)),
            ", next evaluation ", Format(next.at(name)), "; ALERTS_FOR_STATE ",
            ForState(url, name, t)));
      }
    }
  }
  std::cout << "live differential: " << compared << " rule states compared, "
            << at_next << " equal to the server's next evaluation, "
            << disagreements.size() << " disagreements\n";
  EXPECT_THAT(disagreements, ::testing::IsEmpty())
      << absl::StrJoin(disagreements, "\n");
  // The run did move through the states it claims to compare.
  for (const char* s :
       {"ProbeShortFor pending", "ProbeShortFor firing", "ProbeKeepFiring firing",
        "ProbeValueLabelChanges pending", "ProbeValueLabelStable firing",
        "ProbeAtEnd firing", "ProbeAtStart firing", "ProbeTargetDown pending",
        "ProbeTargetDown firing", "ProbeLimit <rule error>",
        "ProbeDuplicateSeries <rule error>", "HostOutOfMemory pending",
        "HostSystemdServiceCrashed firing", "HostEdacUncorrectableErrorsDetected firing",
        "HostNodeOvertemperatureAlarm firing", "HostOutOfDiskSpace pending",
        "BlackboxProbeFailed pending", "BlackboxProbeHttpFailure pending",
        "BlackboxSslCertificateWillExpireSoon firing",
        "BlackboxSslCertificateExpired firing"}) {
    EXPECT_TRUE(seen.count(s)) << "never seen: " << s;
  }
  EXPECT_GT(compared, 500);
}

}  // namespace
}  // namespace aurora
