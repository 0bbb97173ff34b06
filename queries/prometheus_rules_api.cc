#include "queries/prometheus_rules_api.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "rapidjson/document.h"

namespace aurora {
namespace {

std::string Str(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject() || !obj.HasMember(key) || !obj[key].IsString()) return "";
  return obj[key].GetString();
}

double Num(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject() || !obj.HasMember(key) || !obj[key].IsNumber()) return 0;
  return obj[key].GetDouble();
}

std::map<std::string, std::string> StrMap(const rapidjson::Value& obj, const char* key) {
  std::map<std::string, std::string> out;
  if (!obj.IsObject() || !obj.HasMember(key) || !obj[key].IsObject()) return out;
  for (auto it = obj[key].MemberBegin(); it != obj[key].MemberEnd(); ++it) {
    if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
  }
  return out;
}

// RFC 3339 with fractional seconds; InfinitePast when absent or unparsable
// (Prometheus writes 0001-01-01T00:00:00Z for "never").
absl::Time Rfc3339(const std::string& s) {
  absl::Time t;
  std::string err;
  if (s.empty() || !absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return absl::InfinitePast();
  }
  if (t < absl::FromUnixSeconds(0)) return absl::InfinitePast();
  return t;
}

absl::Duration Seconds(double s) {
  return std::isfinite(s) && s > 0 ? absl::Seconds(s) : absl::ZeroDuration();
}

}  // namespace

HttpRequest BuildAlertingRulesRequest(const PromEndpoint& endpoint) {
  HttpRequest req;
  std::string_view base = endpoint.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  req.url = absl::StrCat(Sv(base), "/api/v1/rules?type=alert");
  req.headers = endpoint.headers;
  if (endpoint.timeout > absl::ZeroDuration() &&
      endpoint.timeout != absl::InfiniteDuration()) {
    req.timeout = endpoint.timeout;
  }
  return req;
}

absl::StatusOr<std::vector<ServerAlertRule>> ParseAlertingRules(
    int http_status, std::string_view body) {
  if (http_status < 200 || http_status > 299) {
    return absl::FailedPreconditionError(
        absl::StrCat("GET /api/v1/rules: HTTP ", http_status));
  }
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") ||
      !doc["data"].IsObject() || !doc["data"].HasMember("groups") ||
      !doc["data"]["groups"].IsArray()) {
    return absl::FailedPreconditionError(
        "GET /api/v1/rules: not a Prometheus rules answer (no data.groups)");
  }
  std::vector<ServerAlertRule> out;
  for (const auto& g : doc["data"]["groups"].GetArray()) {
    if (!g.IsObject() || !g.HasMember("rules") || !g["rules"].IsArray()) continue;
    for (const auto& r : g["rules"].GetArray()) {
      if (Str(r, "type") != "alerting") continue;
      ServerAlertRule rule;
      rule.group = Str(g, "name");
      rule.group_interval = Seconds(Num(g, "interval"));
      rule.name = Str(r, "name");
      rule.query = Str(r, "query");
      rule.for_duration = Seconds(Num(r, "duration"));
      rule.keep_firing_for = Seconds(Num(r, "keepFiringFor"));
      rule.labels = StrMap(r, "labels");
      rule.health = Str(r, "health");
      rule.last_evaluation = Rfc3339(Str(r, "lastEvaluation"));
      if (r.HasMember("alerts") && r["alerts"].IsArray()) {
        for (const auto& a : r["alerts"].GetArray()) {
          ServerAlert alert;
          alert.labels = StrMap(a, "labels");
          alert.state = Str(a, "state");
          alert.active_at = Rfc3339(Str(a, "activeAt"));
          std::string v = Str(a, "value");
          char* end = nullptr;
          alert.value = std::strtod(v.c_str(), &end);
          rule.alerts.push_back(std::move(alert));
        }
      }
      out.push_back(std::move(rule));
    }
  }
  return out;
}

std::string ExprWithoutSpaces(std::string_view expr) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    char c = expr[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == '\\' && quote != '`' && i + 1 < expr.size()) out.push_back(expr[++i]);
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') quote = c;
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace aurora
