#include "queries/prometheus_api.h"

#include <algorithm>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace aurora {
namespace {

constexpr size_t kSnippetBytes = 200;

// ---------------------------------------------------------------- requests

// Decimal seconds, nanosecond precision, trailing zeros dropped: "30",
// "0.25", "1435781451.781", "-1.5".
std::string DecimalSeconds(absl::Duration d) {
  absl::Duration rem;
  int64_t secs = absl::IDivDuration(d, absl::Seconds(1), &rem);
  int64_t ns = absl::ToInt64Nanoseconds(rem);  // same sign as d, |ns| < 1e9
  std::string out = d < absl::ZeroDuration() ? "-" : "";
  absl::StrAppend(&out, secs < 0 ? -secs : secs);
  if (ns != 0) {
    std::string frac = absl::StrFormat("%09d", ns < 0 ? -ns : ns);
    frac.erase(frac.find_last_not_of('0') + 1);
    absl::StrAppend(&out, ".", frac);
  }
  return out;
}

std::string UnixSeconds(absl::Time t) {
  return DecimalSeconds(t - absl::UnixEpoch());
}

HttpRequest BuildPost(const PromEndpoint& endpoint, std::string_view path,
                      std::vector<std::pair<std::string, std::string>> form) {
  HttpRequest req;
  req.method = "POST";
  std::string_view base = endpoint.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  req.url = absl::StrCat(Sv(base), Sv(path));
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.headers.insert(req.headers.end(), endpoint.headers.begin(),
                     endpoint.headers.end());
  if (endpoint.timeout > absl::ZeroDuration() &&
      endpoint.timeout != absl::InfiniteDuration()) {
    form.emplace_back("timeout", DecimalSeconds(endpoint.timeout));
    req.timeout = endpoint.timeout + std::min(endpoint.timeout, kPromHttpTimeoutGrace);
  }
  req.body = FormEncode(form);
  return req;
}

// ---------------------------------------------------------------- errors

// The first 200 bytes of `body`, C-escaped ("..." appended when cut), so a
// message stays one line whatever the server sent.
std::string Snippet(std::string_view body) {
  std::string out = absl::CHexEscape(
      Sv(body.substr(0, std::min(body.size(), kSnippetBytes))));
  if (body.size() > kSnippetBytes) out += "...";
  return out;
}

absl::StatusCode CodeForHttpStatus(int status) {
  if (status == 429) return absl::StatusCode::kResourceExhausted;
  if (status == 400 || status == 422) return absl::StatusCode::kInvalidArgument;
  if (status == 401) return absl::StatusCode::kUnauthenticated;
  if (status == 403) return absl::StatusCode::kPermissionDenied;
  if (status == 404) return absl::StatusCode::kNotFound;
  if (status == 408) return absl::StatusCode::kDeadlineExceeded;
  if (status >= 500 || status < 100) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kFailedPrecondition;  // 1xx, 3xx, other 4xx
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

std::string_view StringView(const rapidjson::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

const rapidjson::Value* Member(const rapidjson::Value& obj,
                               std::string_view name) {
  auto it = obj.FindMember(
      rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Describes a wrongly shaped document as an Unavailable status:
// "unexpected Prometheus response (HTTP 200): PATH WHAT; body: \"...\"".
class ShapeError {
 public:
  ShapeError(int http_status, std::string_view body)
      : http_status_(http_status), body_(body) {}
  absl::Status operator()(std::string_view path, std::string_view what) const {
    return absl::UnavailableError(absl::StrCat(
        "unexpected Prometheus response (HTTP ", http_status_, "): ", Sv(path),
        " ", Sv(what), "; body: \"", Snippet(body_), "\""));
  }

 private:
  int http_status_;
  std::string_view body_;
};

// Reads "warnings" or "infos" (absent: empty) into `out`.
absl::Status ReadMessages(const rapidjson::Value& doc, std::string_view name,
                          const ShapeError& shape,
                          std::vector<std::string>* out) {
  const rapidjson::Value* v = Member(doc, name);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  if (!v->IsArray()) return shape(name, "is not an array");
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    if (!(*v)[i].IsString()) {
      return shape(absl::StrCat(Sv(name), "[", i, "]"), "is not a string");
    }
    out->emplace_back(StringView((*v)[i]));
  }
  return absl::OkStatus();
}

std::string MessagesSuffix(const std::vector<std::string>& warnings,
                           const std::vector<std::string>& infos) {
  std::string out;
  if (!warnings.empty()) {
    absl::StrAppend(&out, "; warnings: ", absl::StrJoin(warnings, "; "));
  }
  if (!infos.empty()) {
    absl::StrAppend(&out, "; infos: ", absl::StrJoin(infos, "; "));
  }
  return out;
}

// The "status":"error" envelope as a Status (see the header for the codes).
absl::Status EnvelopeError(int http_status, const rapidjson::Value& doc,
                           const ShapeError& shape) {
  auto text = [&](std::string_view name) -> std::string {
    const rapidjson::Value* v = Member(doc, name);
    return v != nullptr && v->IsString() ? std::string(StringView(*v))
                                         : std::string();
  };
  std::string type = text("errorType");
  std::string error = text("error");
  if (type.empty()) type = "unknown";
  if (error.empty()) error = "(no error message)";
  std::vector<std::string> warnings, infos;
  absl::Status s = ReadMessages(doc, "warnings", shape, &warnings);
  if (s.ok()) s = ReadMessages(doc, "infos", shape, &infos);
  // A malformed warnings list must not hide the real error: drop it.
  std::string suffix = s.ok() ? MessagesSuffix(warnings, infos) : "";

  if (type == "timeout") {
    return absl::DeadlineExceededError(
        absl::StrCat("Prometheus query timed out (HTTP ", http_status,
                     "): ", type, ": ", error, suffix));
  }
  absl::StatusCode code = CodeForHttpStatus(http_status);
  if (Is2xx(http_status)) {
    code = type == "bad_data" || type == "execution"
               ? absl::StatusCode::kInvalidArgument
               : absl::StatusCode::kUnavailable;
  }
  if (code == absl::StatusCode::kInvalidArgument) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Prometheus rejected the query: ", type, ": ", error, suffix));
  }
  return absl::Status(
      code, absl::StrCat("HTTP ", http_status, " from Prometheus: ", type, ": ",
                         error, suffix));
}

// ---------------------------------------------------------------- results

// A "[<unix seconds>, \"<value>\"]" pair. Timestamps are rounded to the
// millisecond (Prometheus' resolution), which also undoes the binary
// rounding of decimal fractions such as 1641889530.123.
struct ValueParser {
  const ShapeError& shape;

  // `path` is built only on error.
  template <typename PathFn>
  absl::Status Time(const rapidjson::Value& v, const PathFn& path,
                    absl::Time* out) const {
    if (!v.IsNumber()) return shape(path(), "is not a number (timestamp)");
    double secs = v.GetDouble();
    if (!std::isfinite(secs) || std::fabs(secs) > 1e14) {
      return shape(path(), "is not a Unix timestamp in seconds");
    }
    *out = absl::FromUnixMillis(std::llround(secs * 1000.0));
    return absl::OkStatus();
  }

  template <typename PathFn>
  absl::Status Pair(const rapidjson::Value& v, const PathFn& path,
                    absl::Time* t, const rapidjson::Value** value) const {
    if (!v.IsArray() || v.Size() != 2) {
      return shape(path(), "is not a [timestamp, \"value\"] pair");
    }
    absl::Status s = Time(
        v[0], [&] { return absl::StrCat(path(), "[0]"); }, t);
    if (!s.ok()) return s;
    if (!v[1].IsString()) {
      return shape(absl::StrCat(path(), "[1]"), "is not a string");
    }
    *value = &v[1];
    return absl::OkStatus();
  }

  template <typename PathFn>
  absl::Status Number(const rapidjson::Value& v, const PathFn& path,
                      absl::Time* t, double* out) const {
    const rapidjson::Value* text = nullptr;
    absl::Status s = Pair(v, path, t, &text);
    if (!s.ok()) return s;
    std::optional<double> d = ParseNumber(StringView(*text));
    if (!d.has_value()) {
      return shape(absl::StrCat(path(), "[1]"),
                   absl::StrCat("is not a number: \"",
                                absl::CHexEscape(Sv(StringView(*text))), "\""));
    }
    *out = *d;
    return absl::OkStatus();
  }

  template <typename PathFn>
  absl::Status Metric(const rapidjson::Value& series, const PathFn& path,
                      Labels* out) const {
    const rapidjson::Value* metric = Member(series, "metric");
    if (metric == nullptr || !metric->IsObject()) {
      return shape(path(), "has no \"metric\" object");
    }
    for (auto it = metric->MemberBegin(); it != metric->MemberEnd(); ++it) {
      std::string_view name = StringView(it->name);
      if (!it->value.IsString()) {
        return shape(absl::StrCat(path(), ".metric.", Sv(name)),
                     "is not a string");
      }
      std::string_view value = StringView(it->value);
      if (!out->Get(name).empty()) {
        return shape(absl::StrCat(path(), ".metric"),
                     absl::StrCat("has label \"", Sv(name), "\" twice"));
      }
      out->Set(name, value);
    }
    return absl::OkStatus();
  }
};

absl::Status NativeHistogram(std::string_view path, const Labels& labels) {
  return absl::UnimplementedError(absl::StrCat(
      "Prometheus returned a native histogram at ", Sv(path), " (",
      labels.ToString(),
      "); native histograms are not supported yet: query a float such as "
      "histogram_quantile(), histogram_count() or histogram_sum()"));
}

absl::Status ParseVector(const rapidjson::Value& result, const ValueParser& p,
                         PromResult* out) {
  out->vector.reserve(result.Size());
  for (rapidjson::SizeType i = 0; i < result.Size(); ++i) {
    auto path = [i] { return absl::StrCat("data.result[", i, "]"); };
    const rapidjson::Value& el = result[i];
    if (!el.IsObject()) return p.shape(path(), "is not an object");
    Sample sample;
    absl::Status s = p.Metric(el, path, &sample.labels);
    if (!s.ok()) return s;
    if (Member(el, "histogram") != nullptr) {
      return NativeHistogram(path(), sample.labels);
    }
    const rapidjson::Value* value = Member(el, "value");
    if (value == nullptr) return p.shape(path(), "has no \"value\"");
    s = p.Number(
        *value, [&] { return absl::StrCat(path(), ".value"); },
        &sample.timestamp, &sample.value);
    if (!s.ok()) return s;
    out->vector.push_back(std::move(sample));
  }
  return absl::OkStatus();
}

absl::Status ParseMatrix(const rapidjson::Value& result, const ValueParser& p,
                         PromResult* out) {
  out->matrix.reserve(result.Size());
  for (rapidjson::SizeType i = 0; i < result.Size(); ++i) {
    auto path = [i] { return absl::StrCat("data.result[", i, "]"); };
    const rapidjson::Value& el = result[i];
    if (!el.IsObject()) return p.shape(path(), "is not an object");
    Series series;
    absl::Status s = p.Metric(el, path, &series.labels);
    if (!s.ok()) return s;
    if (Member(el, "histograms") != nullptr) {
      return NativeHistogram(path(), series.labels);
    }
    const rapidjson::Value* values = Member(el, "values");
    if (values == nullptr || !values->IsArray()) {
      return p.shape(path(), "has no \"values\" array");
    }
    series.points.resize(values->Size());
    for (rapidjson::SizeType j = 0; j < values->Size(); ++j) {
      auto point_path = [&] {
        return absl::StrCat(path(), ".values[", j, "]");
      };
      Point& point = series.points[j];
      s = p.Number((*values)[j], point_path, &point.timestamp, &point.value);
      if (!s.ok()) return s;
      if (j > 0 && point.timestamp <= series.points[j - 1].timestamp) {
        return p.shape(point_path(), "is not later than the point before it");
      }
    }
    out->matrix.push_back(std::move(series));
  }
  return absl::OkStatus();
}

absl::StatusOr<PromResult> ParseSuccess(const rapidjson::Value& doc,
                                        const ShapeError& shape) {
  PromResult out;
  absl::Status s = ReadMessages(doc, "warnings", shape, &out.warnings);
  if (!s.ok()) return s;
  s = ReadMessages(doc, "infos", shape, &out.infos);
  if (!s.ok()) return s;

  const rapidjson::Value* data = Member(doc, "data");
  if (data == nullptr || !data->IsObject()) {
    return shape("data", "is missing or not an object");
  }
  const rapidjson::Value* type = Member(*data, "resultType");
  if (type == nullptr || !type->IsString()) {
    return shape("data.resultType", "is missing or not a string");
  }
  const rapidjson::Value* result = Member(*data, "result");
  if (result == nullptr) return shape("data.result", "is missing");
  std::string_view type_name = StringView(*type);
  ValueParser p{shape};
  auto result_path = [] { return std::string("data.result"); };

  if (type_name == "vector" || type_name == "matrix") {
    if (!result->IsArray()) return shape("data.result", "is not an array");
    if (type_name == "vector") {
      out.type = PromResult::Type::kVector;
      s = ParseVector(*result, p, &out);
    } else {
      out.type = PromResult::Type::kMatrix;
      s = ParseMatrix(*result, p, &out);
    }
  } else if (type_name == "scalar") {
    out.type = PromResult::Type::kScalar;
    s = p.Number(*result, result_path, &out.scalar_time, &out.scalar);
  } else if (type_name == "string") {
    out.type = PromResult::Type::kString;
    const rapidjson::Value* text = nullptr;
    s = p.Pair(*result, result_path, &out.scalar_time, &text);
    if (s.ok()) out.string_value = std::string(StringView(*text));
  } else {
    return shape("data.resultType",
                 absl::StrCat("is \"", absl::CHexEscape(Sv(type_name)),
                              "\", expected vector, matrix, scalar or string"));
  }
  if (!s.ok()) return s;
  return out;
}

}  // namespace

HttpRequest BuildInstantQuery(const PromEndpoint& endpoint,
                              std::string_view promql, absl::Time at) {
  return BuildPost(endpoint, "/api/v1/query",
                   {{"query", std::string(promql)}, {"time", UnixSeconds(at)}});
}

HttpRequest BuildRangeQuery(const PromEndpoint& endpoint,
                            std::string_view promql, absl::Time start,
                            absl::Time end, absl::Duration step) {
  return BuildPost(endpoint, "/api/v1/query_range",
                   {{"query", std::string(promql)},
                    {"start", UnixSeconds(start)},
                    {"end", UnixSeconds(end)},
                    {"step", DecimalSeconds(step)}});
}

absl::StatusOr<PromResult> ParseQueryResponse(int http_status,
                                              std::string_view body) {
  ShapeError shape(http_status, body);
  rapidjson::Document doc;
  // Iterative: no recursion, so hostile nesting cannot exhaust the stack.
  // (In-situ parsing of a copy measured no faster on 100 000 series.)
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseFullPrecisionFlag |
                              rapidjson::kParseIterativeFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  const bool is_json = !doc.HasParseError();

  if (is_json && doc.IsObject()) {
    const rapidjson::Value* status = Member(doc, "status");
    if (status != nullptr && status->IsString() &&
        StringView(*status) == "error") {
      return EnvelopeError(http_status, doc, shape);
    }
  }
  if (!Is2xx(http_status)) {
    return absl::Status(CodeForHttpStatus(http_status),
                        absl::StrCat("HTTP ", http_status,
                                     " from Prometheus: ", Snippet(body)));
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return absl::UnavailableError(absl::StrCat(
        "empty response body from Prometheus (HTTP ", http_status, ")"));
  }
  if (!is_json) {
    std::string why = rapidjson::GetParseError_En(doc.GetParseError());
    if (!why.empty() && why.back() == '.') why.pop_back();
    return absl::UnavailableError(absl::StrCat(
        "invalid JSON from Prometheus (HTTP ", http_status, ") at offset ",
        doc.GetErrorOffset(), ": ", why, "; body: \"", Snippet(body), "\""));
  }
  if (!doc.IsObject()) return shape("the document", "is not a JSON object");
  const rapidjson::Value* status = Member(doc, "status");
  if (status == nullptr || !status->IsString() ||
      StringView(*status) != "success") {
    return shape("status", "is not \"success\" or \"error\"");
  }
  return ParseSuccess(doc, shape);
}

bool IsQueryExecutionError(const absl::Status& status) {
  // "POST URL: Prometheus rejected the query: execution: ..." (the
  // querier names the request first).
  return absl::IsInvalidArgument(status) &&
         absl::StrContains(status.message(),
                           "Prometheus rejected the query: execution: ");
}

bool IsRetryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

}  // namespace aurora
