#include "gates/app/push_metrics.h"

#include <memory>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/file_reader.h"
#include "base/strings.h"
#include "evaluator/expr_eval.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace aurora {
namespace {

// A Prometheus metric name from any sample name: invalid characters become
// '_', a leading digit gets a '_' before it.
std::string MetricName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == ':';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(0, "_");
  return out;
}

std::string LabelName(std::string_view name) {
  std::string out = MetricName(name);
  for (char& c : out) {
    if (c == ':') c = '_';
  }
  return out;
}

// Gauges by name, each series once (the first value written wins).
class Gauges {
 public:
  explicit Gauges(prometheus::Registry& registry) : registry_(registry) {}
  void Set(const std::string& name, const std::string& help,
           prometheus::Labels labels, double value) {
    auto [it, added] = families_.try_emplace(name, nullptr);
    if (added) {
      it->second = &prometheus::BuildGauge().Name(name).Help(help).Register(registry_);
    }
    std::string key = name;
    for (const auto& [k, v] : labels) absl::StrAppend(&key, "\x1f", k, "=", v);
    if (!seen_.insert(key).second) return;
    it->second->Add(labels).Set(value);
  }

 private:
  prometheus::Registry& registry_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> families_;
  std::set<std::string> seen_;
};

prometheus::Labels FromSample(const Labels& labels) {
  prometheus::Labels out;
  for (const auto& [k, v] : labels.pairs()) {
    if (k == kMetricNameLabel) continue;
    out[LabelName(k)] = v;
  }
  return out;
}

std::string SegmentValue(const std::string& v) {
  if (v.empty()) return "=";  // the Pushgateway's spelling of ""
  return absl::WebSafeBase64Escape(v);
}

}  // namespace

std::string PushPath(const PushTarget& target) {
  std::string path = "/metrics";
  auto add = [&path](const std::string& k, const std::string& v) {
    const bool plain = !v.empty() && v.find('/') == std::string::npos &&
                       v.find('%') == std::string::npos && v.find('?') == std::string::npos &&
                       v.find('#') == std::string::npos && v.find(' ') == std::string::npos;
    absl::StrAppend(&path, "/", k, plain ? "" : "@base64", "/",
                    plain ? v : SegmentValue(v));
  };
  add("job", target.job);
  for (const auto& [k, v] : target.grouping) add(k, v);
  return path;
}

std::string PushExposition(const std::vector<GateFile>& gates,
                           const RunResult& run, SourceCache& cache) {
  auto registry = std::make_shared<prometheus::Registry>();
  Gauges gauges(*registry);
  for (const GateFile& gate : gates) {
    for (const auto& [name, source] : gate.sources) {
      if (!source.is_artifact()) continue;
      const absl::StatusOr<ArtifactData>& data = cache.Artifact(source);
      if (!data.ok()) continue;
      for (const Sample& s : data->samples.samples) {
        std::string metric = MetricName(s.labels.MetricName());
        double value = s.value;
        if (absl::EndsWith(metric, "_percent")) {
          metric = absl::StrCat(absl::StripSuffix(metric, "_percent"), "_ratio");
          value /= 100;
        }
        prometheus::Labels labels = FromSample(s.labels);
        labels["source"] = source.name;
        gauges.Set("aurora_gate_" + metric,
                   absl::StrCat("aurora-gate artifact sample ",
                                Sv(s.labels.MetricName()), " (", Sv(SourceTypeName(source.type)), ")"),
                   std::move(labels), value);
      }
    }
    for (const PublishSpec& p : gate.publish) {
      const SourceSpec& source = gate.sources.at(p.source);
      const absl::StatusOr<ArtifactData>& data = cache.Artifact(source);
      if (!data.ok()) continue;
      absl::StatusOr<ExprValue> v = EvaluateExpr(*p.parsed.root, data->samples);
      if (!v.ok()) continue;
      const std::string help = absl::StrCat("published by gate ", gate.name, ": ", p.expr);
      if (v->is_scalar) {
        gauges.Set(p.metric, help, {}, v->scalar);
      } else {
        for (const Sample& s : v->vector) gauges.Set(p.metric, help, FromSample(s.labels), s.value);
      }
    }
  }
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      gauges.Set("aurora_gate_rule_passed", "1 when the rule passed (or warned) in the last run",
                 {{"gate", g.name}, {"rule", r.name}},
                 r.outcome == Outcome::kPass || r.outcome == Outcome::kWarn ? 1 : 0);
    }
    gauges.Set("aurora_gate_passed", "1 when the gate passed in the last run",
               {{"gate", g.name}}, g.verdict == Outcome::kPass || g.verdict == Outcome::kWarn);
    gauges.Set("aurora_gate_last_run_timestamp_seconds", "when the gate was evaluated",
               {{"gate", g.name}}, absl::ToDoubleSeconds(run.eval_time - absl::UnixEpoch()));
  }
  return prometheus::TextSerializer().Serialize(registry->Collect());
}

absl::Status PushToGateway(const PushTarget& target, const std::string& body,
                           HttpClient& client) {
  HttpRequest r;
  r.method = "PUT";
  r.url = std::string(absl::StripSuffix(target.url, "/")) + PushPath(target);
  r.body = body;
  r.timeout = target.timeout;
  r.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
  RealFileReader files;
  if (!target.bearer_token_file.empty()) {
    absl::StatusOr<std::string> token = files.ReadFile(target.bearer_token_file);
    if (!token.ok()) return token.status();
    r.headers.push_back(
        {"Authorization", absl::StrCat("Bearer ", absl::StripAsciiWhitespace(*token))});
  }
  if (!target.username.empty()) {
    std::string password;
    if (!target.password_file.empty()) {
      absl::StatusOr<std::string> p = files.ReadFile(target.password_file);
      if (!p.ok()) return p.status();
      password = std::string(absl::StripTrailingAsciiWhitespace(*p));
    }
    r.headers.push_back({"Authorization",
                         "Basic " + absl::Base64Escape(target.username + ":" + password)});
  }
  absl::StatusOr<HttpResponse> resp = client.Send(r);
  if (!resp.ok()) return resp.status();
  if (resp->status < 200 || resp->status > 299) {
    std::string why(absl::StripAsciiWhitespace(resp->body.substr(0, 300)));
    return absl::UnavailableError(absl::StrCat("PUT ", RedactUrl(r.url), ": HTTP ",
                                               resp->status, why.empty() ? "" : ": ", why));
  }
  return absl::OkStatus();
}

}  // namespace aurora
