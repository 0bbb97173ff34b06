// File: tests/testing/prometheus_harness.cc
// Implementation of the real-server test harness: OpenMetrics writing,
// promtool series expansion, and the lifecycle (spawn, wait on conditions
// with deadlines, SIGTERM/SIGKILL by PID) of Prometheus and VictoriaMetrics.
#include "tests/testing/prometheus_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "base/number_format.h"
#include "base/prometheus_text.h"
#include "rapidjson/document.h"
#include "rules/series_notation.h"
#include "tests/testing/subprocess.h"

namespace aurora::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kDataDeadline = std::chrono::seconds(30);
constexpr size_t kLogTailBytes = 16384;

// ---- Series notation -------------------------------------------------------

struct ParsedSeries {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
};

// Parses name{label="value",...} with the library's parser (promtool's
// series notation); `error` says what is wrong where.
bool ParseSeries(const std::string& s, ParsedSeries* out, std::string* error) {
  absl::StatusOr<SeriesLabels> parsed = ParseSeriesLabels(s);
  if (!parsed.ok()) {
    *error = "bad series \"" + s + "\": " + std::string(parsed.status().message());
    return false;
  }
  if (parsed->name.empty()) {
    *error = "bad series \"" + s + "\": no metric name";
    return false;
  }
  out->name = parsed->name;
  out->labels.assign(parsed->labels.begin(), parsed->labels.end());
  return true;
}

// name{a="x",b="y"} with labels sorted: one spelling per series.
std::string RenderSeries(const ParsedSeries& p) {
  std::string out = p.name;
  if (p.labels.empty()) return out;
  out += '{';
  for (size_t i = 0; i < p.labels.size(); ++i) {
    if (i > 0) out += ',';
    out +=
        p.labels[i].first + "=\"" + EscapeLabelValue(p.labels[i].second) + "\"";
  }
  return out + '}';
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Row {
  std::string family;
  bool counter;
  std::string series;  // rendered
  int64_t ts;
  double value;
};

// Parses, drops stale markers, sorts by (family, series, time); checks that
// a family is not both counter and gauge and no series has two samples at one
// time (promtool would silently keep one).
bool SortedRows(const std::vector<OmSample>& samples, std::vector<Row>* rows,
                std::string* error) {
  for (const OmSample& s : samples) {
    if (IsStaleMarker(s.value)) continue;
    ParsedSeries p;
    if (!ParseSeries(s.series, &p, error)) return false;
    bool counter = EndsWith(p.name, "_total");
    std::string family = counter ? p.name.substr(0, p.name.size() - 6) : p.name;
    rows->push_back(
        {family, counter, RenderSeries(p), s.unix_seconds, s.value});
  }
  std::stable_sort(rows->begin(), rows->end(), [](const Row& a, const Row& b) {
    if (a.family != b.family) return a.family < b.family;
    if (a.series != b.series) return a.series < b.series;
    return a.ts < b.ts;
  });
  for (size_t i = 1; i < rows->size(); ++i) {
    const Row& a = (*rows)[i - 1];
    const Row& b = (*rows)[i];
    if (a.family == b.family && a.counter != b.counter) {
      *error = "family " + a.family + " is both a counter (" + a.family +
               "_total) and a gauge";
      return false;
    }
    if (a.series == b.series && a.ts == b.ts) {
      *error = "two samples for " + a.series + " at " + std::to_string(a.ts);
      return false;
    }
  }
  return true;
}

// ---- Processes -------------------------------------------------------------

std::string Tail(const std::string& s) {
  if (s.size() <= kLogTailBytes) return s;
  return "...\n" + s.substr(s.size() - kLogTailBytes);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

// data.result[0].value[1] of an instant-query answer as a number; 0 for an
// empty result; false if the answer is not a success.
bool ScalarResult(const std::string& body, double* out) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("status") ||
      std::string(d["status"].GetString()) != "success") {
    return false;
  }
  const auto& result = d["data"]["result"];
  if (!result.IsArray()) return false;
  if (result.Empty()) {
    *out = 0;
    return true;
  }
  *out = std::strtod(result[0]["value"][1].GetString(), nullptr);
  return true;
}

// Number of samples in /api/v1/export JSON lines (length of each
// "timestamps" array; values may be +Inf, which is not JSON).
int64_t CountExportedSamples(const std::string& body) {
  int64_t n = 0;
  const std::string key = "\"timestamps\":[";
  for (size_t pos = body.find(key); pos != std::string::npos;
       pos = body.find(key, pos)) {
    pos += key.size();
    size_t end = body.find(']', pos);
    if (end == std::string::npos) break;
    if (end > pos)
      n += 1 + std::count(body.begin() + pos, body.begin() + end, ',');
    pos = end;
  }
  return n;
}

}  // namespace

double StaleMarker() {
  double v;
  uint64_t bits = kStaleNaNBits;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

bool IsStaleMarker(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(v));
  return bits == kStaleNaNBits;
}

std::vector<OmSample> ParseOpenMetrics(const std::string& text) {
  std::vector<OmSample> out;
  size_t at = 0;
  int line_no = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    // The series may hold spaces inside quoted label values: split at the
    // last two spaces.
    const size_t ts_space = line.rfind(' ');
    const size_t value_space =
        ts_space == std::string::npos || ts_space == 0 ? std::string::npos
                                                       : line.rfind(' ', ts_space - 1);
    if (value_space == std::string::npos) {
      ADD_FAILURE() << "OpenMetrics line " << line_no << ": expected "
                    << "\"series value unix_seconds\", got: " << line;
      return {};
    }
    OmSample s;
    s.series = line.substr(0, value_space);
    try {
      s.value = std::stod(line.substr(value_space + 1, ts_space - value_space - 1));
      s.unix_seconds = std::stoll(line.substr(ts_space + 1));
    } catch (const std::exception&) {
      ADD_FAILURE() << "OpenMetrics line " << line_no << ": bad value or time: " << line;
      return {};
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string ToOpenMetrics(const std::vector<OmSample>& samples) {
  std::vector<Row> rows;
  std::string error;
  if (!SortedRows(samples, &rows, &error)) {
    ADD_FAILURE() << "ToOpenMetrics: " << error;
    return "";
  }
  std::string out;
  const std::string* family = nullptr;
  for (const Row& r : rows) {
    if (family == nullptr || *family != r.family) {
      out += "# TYPE " + r.family + (r.counter ? " counter\n" : " gauge\n");
      family = &r.family;
    }
    out += r.series + " " + FormatNumber(r.value) + " " + std::to_string(r.ts) +
           "\n";
  }
  return out + "# EOF\n";
}

namespace {

bool ParseNumber(const std::string& t, double* out) {
  if (t == "NaN" || t == "nan") {
    *out = std::nan("");
    return true;
  }
  if (t == "Inf" || t == "+Inf" || t == "inf" || t == "+inf") {
    *out = HUGE_VAL;
    return true;
  }
  if (t == "-Inf" || t == "-inf") {
    *out = -HUGE_VAL;
    return true;
  }
  if (t.empty() ||
      t.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return false;
  }
  char* end = nullptr;
  *out = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

bool ParseCount(const std::string& t, int64_t* out) {
  if (t.empty() || t.size() > 7 ||
      t.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::stoll(t);
  return true;
}

}  // namespace

std::vector<OmSample> ExpandSeries(const std::string& series,
                                   const std::string& values,
                                   int64_t start_unix,
                                   int64_t interval_seconds) {
  std::vector<OmSample> out;
  int64_t step = 0;
  auto add = [&](double v) {
    out.push_back({series, v, start_unix + step * interval_seconds});
    ++step;
  };
  auto fail = [&](const std::string& item, const std::string& why) {
    ADD_FAILURE() << "ExpandSeries(\"" << series << "\", \"" << values
                  << "\"): item \"" << item << "\": " << why;
    return std::vector<OmSample>{};
  };
  ParsedSeries parsed;
  std::string error;
  if (!ParseSeries(series, &parsed, &error)) return fail(series, error);
  size_t i = 0;
  while (i < values.size()) {
    if (values[i] == ' ' || values[i] == '\t' || values[i] == '\n') {
      ++i;
      continue;
    }
    size_t j = values.find_first_of(" \t\n", i);
    if (j == std::string::npos) j = values.size();
    std::string item = values.substr(i, j - i);
    i = j;
    if (item == "_") {
      ++step;
      continue;
    }
    if (item == "stale") {
      add(StaleMarker());
      continue;
    }
    size_t x = item.rfind('x');
    if (x == std::string::npos) {
      double v;
      if (!ParseNumber(item, &v)) return fail(item, "not a number");
      add(v);
      continue;
    }
    int64_t times;
    if (!ParseCount(item.substr(x + 1), &times)) {
      return fail(item, "expected a count after 'x'");
    }
    std::string head = item.substr(0, x);
    if (head == "_") {
      step += times;
      continue;
    }
    size_t op = std::string::npos;
    for (size_t k = 1; k < head.size(); ++k) {
      if ((head[k] == '+' || head[k] == '-') && head[k - 1] != 'e' &&
          head[k - 1] != 'E') {
        op = k;
        break;
      }
    }
    double first, delta = 0;
    if (op == std::string::npos) {
      if (!ParseNumber(head, &first)) return fail(item, "not a number");
    } else {
      if (!ParseNumber(head.substr(0, op), &first) ||
          !ParseNumber(head.substr(op), &delta)) {
        return fail(item, "expected A+BxN or A-BxN");
      }
    }
    // promtool: K+1 values, the first one for the start time.
    for (int64_t k = 0; k <= times; ++k) {
      add(first);
      first += delta;
    }
  }
  return out;
}

std::vector<OmSample> ExpandAllSeries(
    const std::vector<std::pair<std::string, std::string>>& series_values,
    int64_t start_unix, int64_t interval_seconds) {
  std::vector<OmSample> out;
  for (const auto& [series, values] : series_values) {
    std::vector<OmSample> s =
        ExpandSeries(series, values, start_unix, interval_seconds);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

// ---- Prometheus ------------------------------------------------------------

std::string PrometheusServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string PrometheusServer::Log() const {
  return ReadWholeFile(dir_ + "/prometheus.log");
}

PrometheusServer::~PrometheusServer() {
  Stop(&pid_);
  RemoveDir(dir_);
}

std::unique_ptr<PrometheusServer> PrometheusServer::Start(
    const std::vector<OmSample>& history,
    const std::string& extra_config_yaml) {
  std::unique_ptr<PrometheusServer> s(new PrometheusServer);
  s->dir_ = MakeTempDir("aurora-prom");
  if (s->dir_.empty()) {
    ADD_FAILURE() << "PrometheusServer: cannot create a temp dir";
    return nullptr;
  }
  const std::string data = s->dir_ + "/data";
  std::filesystem::create_directory(data);

  // Backfill.
  std::vector<Row> rows;
  std::string error;
  if (!SortedRows(history, &rows, &error)) {
    ADD_FAILURE() << "PrometheusServer history: " << error;
    return nullptr;
  }
  int64_t min_ts = 0, max_ts = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || rows[i].ts < min_ts) min_ts = rows[i].ts;
    if (i == 0 || rows[i].ts > max_ts) max_ts = rows[i].ts;
  }
  if (!rows.empty()) {
    const std::string om = s->dir_ + "/history.om";
    if (!WriteFile(om, ToOpenMetrics(history))) {
      ADD_FAILURE() << "PrometheusServer: cannot write " << om;
      return nullptr;
    }
    ProcessResult r = RunProcess({"promtool", "tsdb", "create-blocks-from",
                                  "openmetrics", "-q", om, data});
    if (r.exit_code != 0) {
      ADD_FAILURE() << "promtool tsdb create-blocks-from openmetrics " << om
                    << " failed (exit " << r.exit_code << "):\n"
                    << r.out << r.err;
      return nullptr;
    }
  }

  // Config.
  std::string config;
  if (extra_config_yaml.find("global:") != 0 &&
      extra_config_yaml.find("\nglobal:") == std::string::npos) {
    config = "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n";
  }
  config += extra_config_yaml;
  const std::string config_path = s->dir_ + "/prometheus.yml";
  if (!WriteFile(config_path, config)) {
    ADD_FAILURE() << "PrometheusServer: cannot write " << config_path;
    return nullptr;
  }

  // Start.
  const std::string log_path = s->dir_ + "/prometheus.log";
  auto argv = [&](int port) {
    return std::vector<std::string>{
        "prometheus",
        "--config.file=" + config_path,
        "--storage.tsdb.path=" + data,
        "--storage.tsdb.retention.time=100y",
        "--web.listen-address=127.0.0.1:" + std::to_string(port),
        "--log.level=info"};
  };
  std::string why;
  if (LaunchOnFreePort(argv, "/-/ready", log_path, &s->pid_, &s->port_, &why) !=
      Launch::kReady) {
    ADD_FAILURE() << "prometheus did not start: " << why << "\n"
                  << Tail(s->Log());
    return nullptr;
  }

  // Wait until every backfilled sample is queryable (counts NaN too). One
  // count per metric name: count_over_time drops __name__, so counting all
  // names at once collides when two metrics share their other labels.
  if (!rows.empty()) {
    std::set<std::string> names;
    for (const Row& r : rows) names.insert(r.series.substr(0, r.series.find('{')));
    const std::string span = std::to_string(max_ts - min_ts + 1) + "s";
    auto deadline = Clock::now() + kDataDeadline;
    std::string last, query;
    while (true) {
      double total = 0;
      bool ok = true;
      for (const std::string& name : names) {
        query = "sum(count_over_time(" + name + "[" + span + "]))";
        ToolResult r =
            HttpGet(s->url() + "/api/v1/query",
                    {{"query", query}, {"time", std::to_string(max_ts)}});
        last = r.output;
        double n = -1;
        if (r.exit_code != 0 || !ScalarResult(r.output, &n)) {
          ok = false;
          break;
        }
        total += n;
      }
      if (ok && total == static_cast<double>(rows.size())) break;
      if (Clock::now() > deadline || Exited(&s->pid_)) {
        ADD_FAILURE() << "prometheus: backfilled data not queryable: expected "
                      << rows.size() << " samples (last query " << query
                      << "), last answer: " << last << "\n"
                      << Tail(s->Log());
        return nullptr;
      }
      std::this_thread::sleep_for(kServerPollInterval);
    }
  }
  return s;
}

// ---- VictoriaMetrics -------------------------------------------------------

std::string VictoriaMetricsServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string VictoriaMetricsServer::Log() const {
  return ReadWholeFile(dir_ + "/victoria-metrics.log");
}

VictoriaMetricsServer::~VictoriaMetricsServer() {
  Stop(&pid_);
  RemoveDir(dir_);
}

std::unique_ptr<VictoriaMetricsServer> VictoriaMetricsServer::Start(
    const std::vector<OmSample>& history) {
  std::unique_ptr<VictoriaMetricsServer> s(new VictoriaMetricsServer);
  s->dir_ = MakeTempDir("aurora-vm");
  if (s->dir_.empty()) {
    ADD_FAILURE() << "VictoriaMetricsServer: cannot create a temp dir";
    return nullptr;
  }
  std::vector<Row> rows;
  std::string error;
  if (!SortedRows(history, &rows, &error)) {
    ADD_FAILURE() << "VictoriaMetricsServer history: " << error;
    return nullptr;
  }

  const std::string data = s->dir_ + "/data";
  const std::string log_path = s->dir_ + "/victoria-metrics.log";
  auto argv = [&](int port) {
    return std::vector<std::string>{
        "victoria-metrics",
        "-storageDataPath=" + data,
        "-retentionPeriod=100y",
        "-httpListenAddr=127.0.0.1:" + std::to_string(port),
        "-search.disableCache",
        "-search.latencyOffset=0"};
  };
  std::string why;
  if (LaunchOnFreePort(argv, "/health", log_path, &s->pid_, &s->port_, &why) !=
      Launch::kReady) {
    ADD_FAILURE() << "victoria-metrics did not start: " << why << "\n"
                  << Tail(s->Log());
    return nullptr;
  }
  if (rows.empty()) return s;

  // Import: Prometheus text format, millisecond timestamps.
  std::string text;
  int64_t expected = 0;
  for (const Row& r : rows) {
    text += r.series + " " + FormatNumber(r.value) + " " +
            std::to_string(r.ts * 1000) + "\n";
    if (!std::isnan(r.value)) ++expected;  // VictoriaMetrics drops NaN
  }
  const std::string import_path = s->dir_ + "/import.prom";
  if (!WriteFile(import_path, text)) {
    ADD_FAILURE() << "VictoriaMetricsServer: cannot write " << import_path;
    return nullptr;
  }
  ProcessResult imp = RunProcess(
      {"curl", "-sS", "--fail-with-body", "--max-time", "30", "--data-binary",
       "@" + import_path, s->url() + "/api/v1/import/prometheus"});
  if (imp.exit_code != 0) {
    ADD_FAILURE() << "victoria-metrics import failed (curl exit "
                  << imp.exit_code << "): " << imp.out << imp.err << "\n"
                  << Tail(s->Log());
    return nullptr;
  }

  // Wait until every imported sample is stored and searchable.
  auto deadline = Clock::now() + kDataDeadline;
  int64_t got = -1;
  while (true) {
    HttpGet(s->url() + "/internal/force_flush");
    ToolResult r = HttpGet(s->url() + "/api/v1/export",
                           {{"match[]", "{__name__=~\".+\"}"}});
    got = r.exit_code == 0 ? CountExportedSamples(r.output) : -1;
    if (got == expected) break;
    if (Clock::now() > deadline || Exited(&s->pid_)) {
      ADD_FAILURE() << "victoria-metrics: imported data not searchable: "
                    << "expected " << expected
                    << " non-NaN samples, export has " << got << "\n"
                    << Tail(s->Log());
      return nullptr;
    }
    std::this_thread::sleep_for(kServerPollInterval);
  }
  return s;
}

// ---- Tools -----------------------------------------------------------------

ToolResult PromtoolTestRules(const std::string& test_file_path) {
  ProcessResult r = RunProcess({"promtool", "test", "rules", test_file_path});
  return {r.exit_code, r.out + r.err};
}

ToolResult PromtoolCheckRules(const std::string& rules_file_path) {
  ProcessResult r = RunProcess({"promtool", "check", "rules", rules_file_path});
  return {r.exit_code, r.out + r.err};
}

}  // namespace aurora::testing
