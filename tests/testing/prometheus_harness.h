// File: tests/testing/prometheus_harness.h
// Real Prometheus and VictoriaMetrics for tests (issue 3): history is
// backfilled (promtool create-blocks-from openmetrics) or imported, the server
// runs on 127.0.0.1:<free port> with a throw-away data dir, and is stopped by
// PID. Errors fail the running gtest (ADD_FAILURE) with the server's log.
#ifndef AURORA_TESTS_TESTING_PROMETHEUS_HARNESS_H_
#define AURORA_TESTS_TESTING_PROMETHEUS_HARNESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/server_process.h"

namespace aurora::testing {

// One sample of OpenMetrics history. `series` is PromQL/promtool series
// notation: name{label="value",...} (double-quoted values, \\ \" \n escapes).
struct OmSample {
  std::string series;  // e.g. http_requests_total{status="500",instance="a"}
  double value;
  int64_t unix_seconds;
};

// Prometheus' stale marker (value.StaleNaN). ExpandSeries emits it for the
// `stale` keyword. OpenMetrics has no stale marker, so ToOpenMetrics and
// VictoriaMetricsServer::Start leave such samples out: in a backfilled
// Prometheus the series then just ends and vanishes once the 5m lookback has
// passed its last sample (promtool ends it at once). Place assertions so that
// both agree, or assert the backfilled behaviour explicitly.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
double StaleMarker();
bool IsStaleMarker(double v);

// OpenMetrics text of `samples`: one "# TYPE" per family (names ending
// _total are counters of family name-without-_total, others gauges), series
// grouped by family, samples of each series in time order, NaN/+Inf/-Inf
// spelled as OpenMetrics does, "# EOF" at the end. Bad series notation fails
// the test and yields "".
std::string ToOpenMetrics(const std::vector<OmSample>& samples);

// The samples of an OpenMetrics file as promtool backfills it (the recorded
// incidents under examples/incidents): "#" lines skipped, every other line
// "series value unix_seconds". A bad line fails the test and yields {}.
std::vector<OmSample> ParseOpenMetrics(const std::string& text);

// promtool input_series notation: space-separated items, each one of
//   N            one value (decimal, NaN, Inf, +Inf, -Inf)
//   NxK          K+1 copies of N
//   A+BxK, A-BxK K+1 values A, A+B, ... (repeated addition, as promtool)
//   _            one step without a sample;  _xK  K steps without samples
//   stale        a stale marker (see kStaleNaNBits)
// Item i (after expansion) is at start_unix + i*interval_seconds. Bad
// notation fails the test and yields {}.
std::vector<OmSample> ExpandSeries(const std::string& series,
                                   const std::string& values,
                                   int64_t start_unix,
                                   int64_t interval_seconds);

// ExpandSeries of each (series, values), one after another.
std::vector<OmSample> ExpandAllSeries(
    const std::vector<std::pair<std::string, std::string>>& series_values,
    int64_t start_unix, int64_t interval_seconds);

// Prometheus 2.x from /usr/bin/prometheus with backfilled history.
class PrometheusServer {
 public:
  // Backfills `history` into a fresh temp data dir, starts prometheus on
  // 127.0.0.1:<free port> (retention 100y, default lookback 5m, no scraping
  // unless extra config says so) and waits, polling with a deadline, until
  // /-/ready answers and every backfilled sample is queryable. On error:
  // ADD_FAILURE with the server's log, returns nullptr. `extra_config_yaml`
  // is appended to the top level of prometheus.yml (scrape_configs,
  // rule_files, ...); if it has its own "global:" block ours is left out.
  static std::unique_ptr<PrometheusServer> Start(
      const std::vector<OmSample>& history,
      const std::string& extra_config_yaml = "");
  ~PrometheusServer();  // SIGTERM, wait up to 10 s, SIGKILL; removes temp dir
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }  // data/, prometheus.log
  std::string Log() const;                         // the server's output

 private:
  PrometheusServer() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// Single-node VictoriaMetrics from /usr/bin/victoria-metrics, loaded through
// /api/v1/import/prometheus (millisecond timestamps). Started with
// -retentionPeriod=100y -search.disableCache -search.latencyOffset=0.
// VictoriaMetrics 1.79 keeps +Inf/-Inf exactly but DROPS NaN samples at
// ingestion (both import APIs; the JSON one also rejects a whole line with a
// quoted "NaN"): a query at a NaN sample's time sees the previous value.
// Its lookback is not a fixed 5m: it derives it from the sample interval.
class VictoriaMetricsServer {
 public:
  // Starts the server, imports `history` (stale markers left out), forces a
  // flush and waits until the exported sample count equals the number of
  // non-NaN samples sent. On error: ADD_FAILURE with the log, nullptr.
  static std::unique_ptr<VictoriaMetricsServer> Start(
      const std::vector<OmSample>& history);
  ~VictoriaMetricsServer();  // SIGTERM, wait up to 10 s, SIGKILL; rm temp dir
  VictoriaMetricsServer(const VictoriaMetricsServer&) = delete;
  VictoriaMetricsServer& operator=(const VictoriaMetricsServer&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  std::string Log() const;

 private:
  VictoriaMetricsServer() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// `promtool test rules FILE` / `promtool check rules FILE`.
ToolResult PromtoolTestRules(const std::string& test_file_path);
ToolResult PromtoolCheckRules(const std::string& rules_file_path);


}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_PROMETHEUS_HARNESS_H_
