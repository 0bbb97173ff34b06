// File: tests/testing/gauge_exporter.h
// An exporter serving one gauge whose value the test moves, for e2e tests
// that drive a real Prometheus scraping it (watch, backtest agreement).
#ifndef AURORA_TESTS_TESTING_GAUGE_EXPORTER_H_
#define AURORA_TESTS_TESTING_GAUGE_EXPORTER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/http_test_server.h"

namespace aurora::testing {

// Serves `# TYPE NAME gauge` and `NAME <*value>` in Prometheus' text format;
// `value` must outlive the server.
inline absl::StatusOr<std::unique_ptr<HttpTestServer>> StartGaugeExporter(
    const std::atomic<int>* value, const std::string& name = "test_errors") {
  return HttpTestServer::Start([value, name](const TestHttpRequest&) {
    TestHttpResponse r;
    r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
    r.body = absl::StrCat("# TYPE ", name, " gauge\n", name, " ", value->load(), "\n");
    return r;
  });
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_GAUGE_EXPORTER_H_
