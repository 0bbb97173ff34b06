#include "queries/prometheus_status.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "rapidjson/document.h"
#include "rules/duration.h"
#include "yaml-cpp/yaml.h"

namespace aurora {

namespace {

HttpRequest BuildStatusGet(const PromEndpoint& endpoint, std::string_view path) {
  HttpRequest req;
  std::string_view base = endpoint.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  req.url = absl::StrCat(Sv(base), Sv(path));
  req.headers = endpoint.headers;
  if (endpoint.timeout > absl::ZeroDuration() &&
      endpoint.timeout != absl::InfiniteDuration()) {
    req.timeout = endpoint.timeout;
  }
  return req;
}

}  // namespace

HttpRequest BuildStatusConfigRequest(const PromEndpoint& endpoint) {
  return BuildStatusGet(endpoint, "/api/v1/status/config");
}

HttpRequest BuildRuntimeInfoRequest(const PromEndpoint& endpoint) {
  return BuildStatusGet(endpoint, "/api/v1/status/runtimeinfo");
}

std::optional<absl::Duration> ParseStorageRetention(int http_status,
                                                    std::string_view body) {
  if (http_status < 200 || http_status > 299) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") ||
      !doc["data"].IsObject() || !doc["data"].HasMember("storageRetention") ||
      !doc["data"]["storageRetention"].IsString()) {
    return std::nullopt;
  }
  std::string_view text = doc["data"]["storageRetention"].GetString();
  text = text.substr(0, text.find(' '));
  absl::StatusOr<absl::Duration> d = ParsePromDuration(text);
  if (!d.ok() || *d <= absl::ZeroDuration()) return std::nullopt;
  return *d;
}

absl::StatusOr<PromServerConfig> ParseStatusConfig(int http_status,
                                                   std::string_view body) {
  if (http_status < 200 || http_status > 299) {
    return absl::FailedPreconditionError(absl::StrCat(
        "GET /api/v1/status/config: HTTP ", http_status));
  }
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") ||
      !doc["data"].IsObject() || !doc["data"].HasMember("yaml") ||
      !doc["data"]["yaml"].IsString()) {
    return absl::FailedPreconditionError(
        "GET /api/v1/status/config: not a Prometheus status answer "
        "(no data.yaml)");
  }
  PromServerConfig out;
  try {
    YAML::Node root = YAML::Load(doc["data"]["yaml"].GetString());
    YAML::Node global = root["global"];
    if (global && global.IsMap()) {
      if (global["evaluation_interval"]) {
        absl::StatusOr<absl::Duration> d = ParsePromDuration(
            global["evaluation_interval"].as<std::string>());
        if (!d.ok() || *d <= absl::ZeroDuration()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "GET /api/v1/status/config: global.evaluation_interval: ",
              d.ok() ? "not positive" : d.status().message()));
        }
        out.evaluation_interval = *d;
      }
      YAML::Node ext = global["external_labels"];
      if (ext && ext.IsMap()) {
        for (auto it = ext.begin(); it != ext.end(); ++it) {
          out.external_labels[it->first.as<std::string>()] =
              it->second.as<std::string>();
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "GET /api/v1/status/config: data.yaml does not parse: ", e.what()));
  }
  return out;
}

}  // namespace aurora
