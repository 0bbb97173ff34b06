#include "queries/prometheus_rules_api.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
          alert.annotations = StrMap(a, "annotations");
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

namespace {

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == ':';
}

// A Prometheus duration at s[*i] (`5m`, `1h30m`, `300ms`) in milliseconds,
// advancing *i past it; nullopt (and *i unchanged) when it is not one.
std::optional<int64_t> ReadDuration(const std::string& s, size_t* i) {
  size_t j = *i;
  int64_t total = 0;
  bool any = false;
  while (j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[j]))) {
    int64_t n = 0;
    size_t digits = 0;
    for (; j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[j])); ++j) {
      if (++digits > 15) return std::nullopt;
      n = n * 10 + (s[j] - '0');
    }
    int64_t unit_ms = 0;
    if (s.compare(j, 2, "ms") == 0) {
      unit_ms = 1;
      j += 2;
    } else if (j < s.size()) {
      switch (s[j]) {
        case 's': unit_ms = 1000; break;
        case 'm': unit_ms = 60 * 1000; break;
        case 'h': unit_ms = 3600 * 1000; break;
        case 'd': unit_ms = 24 * 3600 * 1000LL; break;
        case 'w': unit_ms = 7 * 24 * 3600 * 1000LL; break;
        case 'y': unit_ms = 365 * 24 * 3600 * 1000LL; break;
        default: break;
      }
      if (unit_ms != 0) ++j;
    }
    int64_t part = 0;
    if (unit_ms == 0 || __builtin_mul_overflow(n, unit_ms, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
    any = true;
  }
  // `5mx` is no duration; the next part of the expression must follow.
  if (!any || (j < s.size() && IsNameChar(s[j]) &&
               !absl::ascii_isdigit(static_cast<unsigned char>(s[j])))) {
    return std::nullopt;
  }
  *i = j;
  return total;
}

// The shortest %g text that reads back as `v`.
std::string ShortestNumber(double v) {
  for (int p = 1; p <= 17; ++p) {
    std::string t = absl::StrFormat("%.*g", p, v);
    if (std::strtod(t.c_str(), nullptr) == v) return t;
  }
  return absl::StrFormat("%.17g", v);
}

}  // namespace

std::string ComparableExpr(std::string_view expr) {
  const std::string s = ExprWithoutSpaces(expr);
  std::string out;
  char quote = 0;
  bool in_range = false;  // inside [...]: `[5m:1m]`
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == '\\' && quote != '`' && i + 1 < s.size()) out.push_back(s[++i]);
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') quote = c;
    if (c == '[') in_range = true;
    if (c == ']') in_range = false;
    const bool digit_start =
        absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < s.size() &&
         absl::ascii_isdigit(static_cast<unsigned char>(s[i + 1])));
    const char prev = out.empty() ? 0 : out.back();
    // Digits inside a name are not a number, but `offset5m` (the spaces are
    // gone) and the step of `[5m:1m]` are.
    const bool after_name =
        (IsNameChar(prev) || prev == '.') && !(prev == ':' && in_range) &&
        !(out.size() >= 6 && out.compare(out.size() - 6, 6, "offset") == 0);
    if (quote != 0 || !digit_start || after_name) {
      out.push_back(c);
      continue;
    }
    size_t j = i;
    if (std::optional<int64_t> ms = ReadDuration(s, &j)) {
      absl::StrAppend(&out, *ms, "ms");
      i = j - 1;
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(s.c_str() + i, &end);
    const size_t len = static_cast<size_t>(end - (s.c_str() + i));
    if (len == 0) {
      out.push_back(c);
      continue;
    }
    out += ShortestNumber(v);
    i += len - 1;
  }
  return out;
}

}  // namespace aurora
