#include "gates/app/serve/serve_metrics.h"

#include "absl/strings/str_cat.h"
#include "base/number_format.h"
#include "base/prometheus_text.h"

namespace aurora {
namespace {

void Head(std::string* out, const char* name, const char* type, const char* help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

void ServeMetrics::RecordRequest(const std::string& endpoint, int status,
                                 double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{endpoint, status}];
  Latency& l = latency_[endpoint];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++l.buckets[i];
  }
  ++l.count;
  l.sum += seconds;
}

void ServeMetrics::RecordRun(const RunResult& run) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const GateResult& g : run.gates) {
    gate_verdicts_[g.name] = static_cast<double>(g.verdict);
    for (const RuleResult& r : g.rules) {
      RuleRow& row = rules_[{g.name, r.group, r.name}];
      row.outcome = static_cast<double>(r.outcome);
      row.has_value = !r.series.empty();
      row.value = row.has_value ? r.series.front().value : 0;
    }
  }
}

void ServeMetrics::RecordEvaluation(bool shared) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(shared ? shared_ : evaluations_);
}

void ServeMetrics::RecordRefused() {
  std::lock_guard<std::mutex> lock(mu_);
  ++refused_;
}

void ServeMetrics::RecordTimeout() {
  std::lock_guard<std::mutex> lock(mu_);
  ++timeouts_;
}

void ServeMetrics::RecordReload(bool ok, size_t gates_loaded) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(ok ? reloads_ok_ : reloads_failed_);
  gates_loaded_ = gates_loaded;
}

void ServeMetrics::RecordAlertActions(size_t fired, size_t duplicates) {
  std::lock_guard<std::mutex> lock(mu_);
  alert_actions_ += fired;
  alert_duplicates_ += duplicates;
}

std::string ServeMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  Head(&out, "aurora_gate_verdict", "gauge",
       "Verdict of the gate's last evaluation: 0 pass, 1 warn, 2 pending, 3 "
       "inconclusive, 4 error, 5 fail");
  for (const auto& [gate, v] : gate_verdicts_) {
    absl::StrAppend(&out, "aurora_gate_verdict{gate=\"", EscapeLabelValue(gate), "\"} ",
                    FormatNumber(v), "\n");
  }
  Head(&out, "aurora_gate_rule_outcome", "gauge",
       "Outcome of the rule's last evaluation: 0 pass, 1 warn, 2 pending, 3 "
       "inconclusive, 4 error, 5 fail");
  for (const auto& [key, row] : rules_) {
    absl::StrAppend(&out, "aurora_gate_rule_outcome{gate=\"", EscapeLabelValue(std::get<0>(key)),
                    "\",group=\"", EscapeLabelValue(std::get<1>(key)), "\",rule=\"",
                    EscapeLabelValue(std::get<2>(key)), "\"} ", FormatNumber(row.outcome), "\n");
  }
  Head(&out, "aurora_gate_rule_value", "gauge",
       "Observed value of the rule's first series at its last evaluation");
  for (const auto& [key, row] : rules_) {
    if (!row.has_value) continue;
    absl::StrAppend(&out, "aurora_gate_rule_value{gate=\"", EscapeLabelValue(std::get<0>(key)),
                    "\",group=\"", EscapeLabelValue(std::get<1>(key)), "\",rule=\"",
                    EscapeLabelValue(std::get<2>(key)), "\"} ", FormatNumber(row.value), "\n");
  }
  Head(&out, "aurora_gate_serve_requests_total", "counter",
       "Requests answered, by endpoint and HTTP status");
  for (const auto& [key, n] : requests_) {
    absl::StrAppend(&out, "aurora_gate_serve_requests_total{endpoint=\"",
                    EscapeLabelValue(key.first), "\",code=\"", key.second, "\"} ", n, "\n");
  }
  Head(&out, "aurora_gate_serve_request_duration_seconds", "histogram",
       "Time from a request's headers to its answer, by endpoint");
  for (const auto& [endpoint, l] : latency_) {
    const std::string e = EscapeLabelValue(endpoint);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      absl::StrAppend(&out, "aurora_gate_serve_request_duration_seconds_bucket{endpoint=\"",
                      e, "\",le=\"", FormatNumber(kBuckets[i]), "\"} ", l.buckets[i], "\n");
    }
    absl::StrAppend(&out, "aurora_gate_serve_request_duration_seconds_bucket{endpoint=\"",
                    e, "\",le=\"+Inf\"} ", l.count, "\n");
    absl::StrAppend(&out, "aurora_gate_serve_request_duration_seconds_sum{endpoint=\"",
                    e, "\"} ", FormatNumber(l.sum), "\n");
    absl::StrAppend(&out, "aurora_gate_serve_request_duration_seconds_count{endpoint=\"",
                    e, "\"} ", l.count, "\n");
  }
  Head(&out, "aurora_gate_serve_evaluations_total", "counter",
       "Evaluations run, and requests that shared one already in flight");
  absl::StrAppend(&out, "aurora_gate_serve_evaluations_total{shared=\"false\"} ",
                  evaluations_, "\naurora_gate_serve_evaluations_total{shared=\"true\"} ",
                  shared_, "\n");
  Head(&out, "aurora_gate_serve_rejected_total", "counter",
       "Requests refused with 503 because the evaluation queue was full");
  absl::StrAppend(&out, "aurora_gate_serve_rejected_total ", refused_, "\n");
  Head(&out, "aurora_gate_serve_timeouts_total", "counter",
       "Requests answered undecided at their deadline (--request-timeout)");
  absl::StrAppend(&out, "aurora_gate_serve_timeouts_total ", timeouts_, "\n");
  Head(&out, "aurora_gate_serve_reloads_total", "counter",
       "Reloads of the gate files, by result (failed: a file was rejected)");
  absl::StrAppend(&out, "aurora_gate_serve_reloads_total{result=\"ok\"} ", reloads_ok_,
                  "\naurora_gate_serve_reloads_total{result=\"failed\"} ",
                  reloads_failed_, "\n");
  Head(&out, "aurora_gate_serve_gates_loaded", "gauge", "Gates being served");
  absl::StrAppend(&out, "aurora_gate_serve_gates_loaded ", gates_loaded_, "\n");
  Head(&out, "aurora_gate_serve_alert_actions_total", "counter",
       "Alertmanager alerts that fired a gate's actions, and repeats ignored");
  absl::StrAppend(&out, "aurora_gate_serve_alert_actions_total{result=\"fired\"} ",
                  alert_actions_,
                  "\naurora_gate_serve_alert_actions_total{result=\"duplicate\"} ",
                  alert_duplicates_, "\n");
  return out;
}

}  // namespace aurora
