// File: gates/app/serve/serve_metrics.h
// `serve`'s /metrics: the last verdict of each gate and outcome and value of
// each rule it evaluated, requests by endpoint and status, their latency,
// evaluations (run, shared, refused, timed out) and reloads, in Prometheus'
// text format. Thread-safe.
#ifndef AURORA_GATES_APP_SERVE_SERVE_METRICS_H_
#define AURORA_GATES_APP_SERVE_SERVE_METRICS_H_

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "evaluator/result.h"

namespace aurora {

class ServeMetrics {
 public:
  // `endpoint` is the route ("/argo/v1/{gate}"), never the raw path.
  void RecordRequest(const std::string& endpoint, int status, double seconds);
  void RecordRun(const RunResult& run);
  void RecordEvaluation(bool shared);
  void RecordRefused();   // queue full: 503
  void RecordTimeout();   // answered undecided at the request deadline
  void RecordReload(bool ok, size_t gates_loaded);
  void RecordAlertActions(size_t fired, size_t duplicates);

  // The exposition (text format 0.0.4).
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct RuleRow {
    double outcome = 0;
    bool has_value = false;
    double value = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::map<std::string, double> gate_verdicts_;
  std::map<std::tuple<std::string, std::string, std::string>, RuleRow> rules_;
  uint64_t evaluations_ = 0, shared_ = 0, refused_ = 0, timeouts_ = 0;
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
  size_t gates_loaded_ = 0;
  uint64_t alert_actions_ = 0, alert_duplicates_ = 0;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_METRICS_H_
