// File: queries/prometheus_status.h
// The server's own configuration (GET /api/v1/status/config): what a rule
// file means depends on the server that evaluates it (its
// global.evaluation_interval and external_labels). Pure halves, as
// prometheus_api.h: build the request, parse the answer.
#ifndef AURORA_QUERIES_PROMETHEUS_STATUS_H_
#define AURORA_QUERIES_PROMETHEUS_STATUS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/http_client.h"
#include "queries/prometheus_api.h"

namespace aurora {

// GET {base}/api/v1/status/config with the endpoint's headers.
HttpRequest BuildStatusConfigRequest(const PromEndpoint& endpoint);

struct PromServerConfig {
  // global.evaluation_interval (Prometheus' default 1m when not written).
  absl::Duration evaluation_interval = absl::Minutes(1);
  std::map<std::string, std::string> external_labels;  // global.external_labels
};

// Parses the answer: {"status":"success","data":{"yaml":"global: ..."}}.
// A non-2xx answer or another shape (a server without this endpoint, such as
// VictoriaMetrics) is FailedPrecondition naming the problem.
absl::StatusOr<PromServerConfig> ParseStatusConfig(int http_status,
                                                   std::string_view body);

// GET {base}/api/v1/status/runtimeinfo with the endpoint's headers.
HttpRequest BuildRuntimeInfoRequest(const PromEndpoint& endpoint);

// The time-based retention of /api/v1/status/runtimeinfo's
// data.storageRetention ("15d", "15d or 512MiB"); nullopt when the server
// keeps by size only, or the answer has no such field.
std::optional<absl::Duration> ParseStorageRetention(int http_status,
                                                    std::string_view body);

}  // namespace aurora

#endif  // AURORA_QUERIES_PROMETHEUS_STATUS_H_
