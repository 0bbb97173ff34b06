#include "gates/app/self_metrics.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <atomic>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "CivetServer.h"
#include "civetweb.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/collectable.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace aurora {
namespace {

// The per-rule gauges of the last cycle, for the rules evaluated in it only
// (a rule a reload removed disappears). One compact row per rule; the
// exposition structures exist only while a scrape is being answered, where
// prometheus-cpp's families would keep a metric and a label map per rule
// and per family for the life of the process.
class RuleMetrics final : public prometheus::Collectable {
 public:
  void Update(const RunResult& run) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const GateResult& g : run.gates) n += g.rules.size();
    rows_.resize(n);  // kept rows keep their strings' storage
    size_t i = 0;
    for (const GateResult& g : run.gates) {
      for (const RuleResult& r : g.rules) {
        Row& row = rows_[i++];
        row.gate.assign(g.name);
        row.group.assign(r.group);
        row.rule.assign(r.name);
        row.outcome = static_cast<double>(r.outcome);
        row.has_value = !r.series.empty();
        row.value = row.has_value ? r.series.front().value : 0;
      }
    }
    // One series per {gate, group, rule} (rule names need not be unique in
    // a group, gate names are file base names): the last such rule wins, as
    // when one gauge is set twice.
    auto key = [](const Row& r) { return std::tie(r.gate, r.group, r.rule); };
    std::stable_sort(rows_.begin(), rows_.end(),
                     [&key](const Row& a, const Row& b) { return key(a) < key(b); });
    size_t kept = 0;
    for (size_t k = 0; k < rows_.size(); ++k) {
      if (k + 1 < rows_.size() && key(rows_[k]) == key(rows_[k + 1])) continue;
      if (kept != k) rows_[kept] = std::move(rows_[k]);
      ++kept;
    }
    rows_.resize(kept);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out(3);
    out[0].name = "aurora_gate_rule_outcome";
    out[0].help = "Outcome of the rule's last evaluation: 0 pass, 1 warn, 2 pending, 3 inconclusive, 4 error, 5 fail";
    out[1].name = "aurora_gate_rule_value";
    out[1].help = "Observed value of the rule's first series at its last evaluation";
    out[2].name = "aurora_gate_rule_no_data";
    out[2].help = "1 when the rule's query matched no series at its last evaluation";
    for (auto& f : out) f.type = prometheus::MetricType::Gauge;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& f : out) f.metric.reserve(rows_.size());
    for (const Row& row : rows_) {
      auto add = [&row](prometheus::MetricFamily& f, double value) {
        prometheus::ClientMetric& m = f.metric.emplace_back();
        m.label = {{"gate", row.gate}, {"group", row.group}, {"rule", row.rule}};
        m.gauge.value = value;
      };
      add(out[0], row.outcome);
      if (row.has_value) add(out[1], row.value);
      add(out[2], row.has_value ? 0 : 1);
    }
    return out;
  }

 private:
  struct Row {
    std::string gate, group, rule;
    double outcome = 0;
    double value = 0;
    bool has_value = false;
  };
  mutable std::mutex mu_;
  std::vector<Row> rows_;
};

// The evaluation loop's heartbeat, read by /healthz on a server thread.
struct Health {
  std::atomic<int64_t> last_ns{0};
  std::atomic<int64_t> threshold_ns{absl::ToInt64Nanoseconds(absl::Minutes(1))};
};
Health g_health;

// civetweb's begin_request: answers /healthz itself (prometheus-cpp's
// endpoints always answer 200); everything else goes on to the exposer.
int AnswerHealthz(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  if (ri == nullptr || ri->local_uri == nullptr ||
      std::strcmp(ri->local_uri, "/healthz") != 0) {
    return 0;
  }
  const absl::Duration since =
      absl::Now() - absl::FromUnixNanos(g_health.last_ns.load());
  const absl::Duration threshold = absl::Nanoseconds(g_health.threshold_ns.load());
  const bool stalled = since > threshold;
  // A health check, not metrics: "ok", or what is unhealthy.
  std::string body =
      stalled ? absl::StrCat("unhealthy: evaluation loop stalled: no cycle "
                             "completed for ",
                             absl::FormatDuration(absl::Trunc(since, absl::Milliseconds(1))),
                             " (threshold ", absl::FormatDuration(threshold), ")\n")
              : std::string("ok\n");
  std::string head = absl::StrCat(
      "HTTP/1.1 ", stalled ? "503 Service Unavailable" : "200 OK",
      "\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store"
      "\r\nContent-Length: ",
      body.size(), "\r\nConnection: close\r\n\r\n");
  mg_write(conn, head.data(), head.size());
  mg_write(conn, body.data(), body.size());
  return 1;
}

}  // namespace

struct SelfMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry =
      std::make_shared<prometheus::Registry>();
  std::shared_ptr<RuleMetrics> rules = std::make_shared<RuleMetrics>();
  prometheus::Counter* evaluations = nullptr;
  prometheus::Counter* evaluation_errors = nullptr;
  prometheus::Counter* missed_cycles = nullptr;
  prometheus::Gauge* last_cycle_seconds = nullptr;
  prometheus::Histogram* cycle_seconds = nullptr;
  prometheus::Histogram* query_latency = nullptr;
  prometheus::Gauge* reload_ok = nullptr;
  prometheus::Gauge* reload_time = nullptr;
  prometheus::Counter* reloads_failed = nullptr;
  prometheus::Family<prometheus::Counter>* deliveries = nullptr;
  prometheus::Gauge* up = nullptr;
  prometheus::Gauge* spool_durable = nullptr;
  prometheus::Gauge* failed_actions = nullptr;
  // Declared last, so destroyed first: its server threads are joined before
  // the registry they read goes away.
  std::unique_ptr<prometheus::Exposer> exposer;
};

SelfMetrics::SelfMetrics(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SelfMetrics::~SelfMetrics() = default;

absl::StatusOr<std::unique_ptr<SelfMetrics>> SelfMetrics::Start(
    const std::string& listen) {
  auto impl = std::make_unique<Impl>();
  try {
    auto& r = *impl->registry;
    impl->evaluations = &prometheus::BuildCounter()
                             .Name("aurora_gate_evaluations_total")
                             .Help("Evaluation cycles run")
                             .Register(r)
                             .Add({});
    impl->evaluation_errors = &prometheus::BuildCounter()
                                   .Name("aurora_gate_evaluation_errors_total")
                                   .Help("Rule evaluations that ended in error")
                                   .Register(r)
                                   .Add({});
    impl->missed_cycles = &prometheus::BuildCounter()
                               .Name("aurora_gate_missed_cycles_total")
                               .Help("Evaluation slots skipped because a cycle overran the interval")
                               .Register(r)
                               .Add({});
    impl->last_cycle_seconds = &prometheus::BuildGauge()
                                    .Name("aurora_gate_last_cycle_duration_seconds")
                                    .Help("Duration of the last evaluation cycle")
                                    .Register(r)
                                    .Add({});
    impl->cycle_seconds =
        &prometheus::BuildHistogram()
             .Name("aurora_gate_cycle_duration_seconds")
             .Help("Duration of the evaluation cycles (queries, judging, actions excluded)")
             .Register(r)
             .Add({}, prometheus::Histogram::BucketBoundaries{
                          0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60});
    impl->query_latency =
        &prometheus::BuildHistogram()
             .Name("aurora_gate_query_duration_seconds")
             .Help("Latency of the queries of a cycle (sent together)")
             .Register(r)
             .Add({}, prometheus::Histogram::BucketBoundaries{
                          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    impl->reload_ok = &prometheus::BuildGauge()
                           .Name("aurora_gate_config_last_reload_successful")
                           .Help("1 when the last gate-file (re)load succeeded")
                           .Register(r)
                           .Add({});
    impl->reload_time = &prometheus::BuildGauge()
                             .Name("aurora_gate_config_last_reload_success_timestamp_seconds")
                             .Help("When the gate files were last loaded successfully")
                             .Register(r)
                             .Add({});
    impl->reloads_failed = &prometheus::BuildCounter()
                                .Name("aurora_gate_config_reloads_failed_total")
                                .Help("Gate-file reloads rejected (the old rules kept running)")
                                .Register(r)
                                .Add({});
    impl->deliveries = &prometheus::BuildCounter()
                            .Name("aurora_gate_action_deliveries_total")
                            .Help("Action delivery attempts by outcome")
                            .Register(r);
    impl->spool_durable = &prometheus::BuildGauge()
                               .Name("aurora_gate_spool_durable")
                               .Help("1 when actions are spooled to disk before delivery; 0 when the spool is unusable and they are delivered from memory only")
                               .Register(r)
                               .Add({});
    impl->spool_durable->Set(1);
    impl->failed_actions = &prometheus::BuildGauge()
                                .Name("aurora_gate_failed_actions")
                                .Help("Actions whose delivery gave up, kept in the spool as failed (aurora-gate spool list)")
                                .Register(r)
                                .Add({});
    impl->up = &prometheus::BuildGauge()
                    .Name("aurora_gate_up")
                    .Help("1 while the watcher runs")
                    .Register(r)
                    .Add({});
    impl->up->Set(1);
    g_health.last_ns.store(absl::ToUnixNanos(absl::Now()));
    static CivetCallbacks callbacks = [] {
      CivetCallbacks c;  // zeroed by its constructor
      c.begin_request = AnswerHealthz;
      return c;
    }();
    impl->exposer = std::make_unique<prometheus::Exposer>(listen, 1, &callbacks);
    impl->exposer->RegisterCollectable(impl->registry, "/metrics");
    impl->exposer->RegisterCollectable(impl->rules, "/metrics");
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  return std::unique_ptr<SelfMetrics>(new SelfMetrics(std::move(impl)));
}

int SelfMetrics::port() const {
  std::vector<int> ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void SelfMetrics::RecordCycle(const RunResult& run, double cycle_seconds) {
  impl_->evaluations->Increment();
  impl_->last_cycle_seconds->Set(cycle_seconds);
  impl_->cycle_seconds->Observe(cycle_seconds);
  impl_->rules->Update(run);
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      if (r.outcome == Outcome::kError) impl_->evaluation_errors->Increment();
    }
  }
}

void SelfMetrics::RecordQueryLatency(double seconds) {
  impl_->query_latency->Observe(seconds);
}

void SelfMetrics::RecordMissedCycles(int n) {
  if (n > 0) impl_->missed_cycles->Increment(n);
}

void SelfMetrics::RecordReload(bool ok, double unix_seconds) {
  impl_->reload_ok->Set(ok ? 1 : 0);
  if (ok) {
    impl_->reload_time->Set(unix_seconds);
  } else {
    impl_->reloads_failed->Increment();
  }
}

void SelfMetrics::RecordSpool(bool durable, size_t failed_actions) {
  impl_->spool_durable->Set(durable ? 1 : 0);
  impl_->failed_actions->Set(static_cast<double>(failed_actions));
}

void SelfMetrics::RecordHeartbeat() {
  g_health.last_ns.store(absl::ToUnixNanos(absl::Now()));
}

void SelfMetrics::SetStallThreshold(absl::Duration threshold) {
  g_health.threshold_ns.store(absl::ToInt64Nanoseconds(threshold));
}

void SelfMetrics::RecordDelivery(const std::string& outcome) {
  impl_->deliveries->Add({{"outcome", outcome}}).Increment();
}

}  // namespace aurora
