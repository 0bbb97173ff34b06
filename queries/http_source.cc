#include "queries/http_source.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "queries/json_values_reader.h"
#include "rules/source_types.h"

namespace aurora {
namespace {

bool HasHeader(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (absl::EqualsIgnoreCase(h.name, Sv(name))) return true;
  }
  return false;
}

Sample Metric(const char* name, double value) {
  Sample s;
  s.labels = Labels({{"__name__", name}});
  s.value = value;
  return s;
}

}  // namespace

HttpRequest HttpSourceRequest(const SourceSpec& s,
                              std::vector<HttpHeader> auth_headers) {
  HttpRequest r;
  r.method = s.method;
  r.url = s.url;
  r.timeout = s.timeout;
  r.connect_timeout = std::min(r.connect_timeout, s.timeout);
  for (const auto& [k, v] : s.headers) r.headers.push_back({k, v});
  for (auto& h : auth_headers) r.headers.push_back(std::move(h));
  if (!HasHeader(r.headers, "Accept")) {
    r.headers.push_back({"Accept", "application/json"});
  }
  if (s.method == "POST") {
    r.body = s.body;
    if (!HasHeader(r.headers, "Content-Type")) {
      r.headers.push_back({"Content-Type", "application/json"});
    }
  }
  return r;
}

absl::StatusOr<ArtifactData> HttpSourceSamples(
    const SourceSpec& s, const absl::StatusOr<HttpResponse>& response) {
  if (!response.ok()) return response.status();
  const std::string where = absl::StrCat(s.method, " ", RedactUrl(s.url));
  ArtifactData out;
  out.format = absl::StrCat("HTTP ", response->status);
  out.samples.samples.push_back(Metric(kHttpStatusMetric, response->status));
  out.samples.samples.push_back(
      Metric(kHttpLatencyMetric, absl::ToDoubleSeconds(response->elapsed)));
  if (s.values.empty()) return out;
  auto all_values_fail = [&](const std::string& why) {
    for (const auto& v : s.values) out.metric_errors[v.metric] = why;
  };
  if (response->status < 200 || response->status > 299) {
    all_values_fail(absl::StrCat(where, ": HTTP ", response->status,
                                 ": values are read from 2xx responses only"));
    return out;
  }
  std::string_view type = response->Header("content-type");
  const std::string lower_type = absl::AsciiStrToLower(Sv(type));
  bool lines = absl::StrContains(lower_type, "ndjson") ||
               absl::StrContains(lower_type, "jsonl");
  absl::StatusOr<ArtifactData> picked =
      ParseJsonValues(response->body, absl::StrCat(where, " response"),
                      s.values, lines);
  if (!picked.ok()) {
    all_values_fail(absl::StrCat(picked.status().message(),
                                 type.empty() ? ""
                                              : absl::StrCat(" (Content-Type: ",
                                                             Sv(type), ")")));
    return out;
  }
  out.format = absl::StrCat("HTTP ", response->status, ", ", picked->format);
  for (auto& smp : picked->samples.samples) {
    out.samples.samples.push_back(std::move(smp));
  }
  out.metric_errors = std::move(picked->metric_errors);
  return out;
}

}  // namespace aurora
