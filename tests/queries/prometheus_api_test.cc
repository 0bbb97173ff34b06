// Tests of queries/prometheus_api.h: the exact requests Build*Query() make,
// and ParseQueryResponse() on real responses (tests/testdata/prometheus, and
// the AGPL-3.0 Grafana/Mimir samples read from AURORA_SHARED_DIR), hand-made
// edge cases and every error path with its full message.
#include "queries/prometheus_api.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TestData(const std::string& name) {
  return ReadFile(absl::StrCat(AURORA_TESTDATA_DIR, "/prometheus/", name));
}

// Files under AGPL-3.0: read from the shared fixtures, never copied.
std::string SharedFixture(const std::string& name) {
  return ReadFile(
      absl::StrCat(AURORA_SHARED_DIR, "/fixtures/real/prometheus-api/", name));
}

absl::Time Ms(int64_t unix_millis) { return absl::FromUnixMillis(unix_millis); }

std::string Header(const HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

// ------------------------------------------------------------- requests

TEST(BuildInstantQueryTest, PostsFormToQueryEndpointWithTimeAndTimeout) {
  PromEndpoint ep{"http://127.0.0.1:9090", {}, absl::Seconds(30)};
  HttpRequest r = BuildInstantQuery(ep, "up", Ms(1435781451781));
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9090/api/v1/query");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "Content-Type");
  EXPECT_EQ(r.headers[0].value, "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body, "query=up&time=1435781451.781&timeout=30");
  // The HTTP timeout outlasts the server's, so its clear error arrives first.
  EXPECT_EQ(r.timeout, absl::Seconds(35));
}

TEST(BuildInstantQueryTest, EncodesPlusAmpersandEqualsSpacesAndUtf8) {
  PromEndpoint ep{"http://prom:9090", {}, absl::Seconds(10)};
  HttpRequest r = BuildInstantQuery(
      ep,
      "sum(rate(http_requests_total{code=~\"5..\",path=\"/a&b=c\"}[5m])) / 2 "
      "+ 1 > bool 0.5 # größe",
      Ms(1700000000000));
  EXPECT_EQ(r.body,
            "query=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%2Cpath"
            "%3D%22%2Fa%26b%3Dc%22%7D%5B5m%5D%29%29+%2F+2+%2B+1+%3E+bool+0.5+"
            "%23+gr%C3%B6%C3%9Fe&time=1700000000&timeout=10");
}

TEST(BuildInstantQueryTest, LongQueryGoesInTheBodyNotTheUrl) {
  std::string promql = "up";
  for (int i = 0; i < 2000; ++i)
    promql += " or up{job=\"j" + std::to_string(i) + "\"}";
  ASSERT_GT(promql.size(), 30000u);
  PromEndpoint ep{"http://prom:9090", {}, absl::Seconds(30)};
  HttpRequest r = BuildInstantQuery(ep, promql, Ms(0));
  EXPECT_EQ(r.url, "http://prom:9090/api/v1/query");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.body,
            FormEncode({{"query", promql}, {"time", "0"}, {"timeout", "30"}}));
  EXPECT_EQ(r.body.rfind("query=up+or+up%7Bjob%3D%22j0%22%7D+or+", 0), 0u);
}

TEST(BuildInstantQueryTest, KeepsPathPrefixAndDropsTrailingSlashes) {
  PromEndpoint ep;
  ep.base_url = "http://127.0.0.1:9090/";
  EXPECT_EQ(BuildInstantQuery(ep, "up", Ms(0)).url,
            "http://127.0.0.1:9090/api/v1/query");
  ep.base_url = "https://grafana.example.com/api/prom";
  EXPECT_EQ(BuildInstantQuery(ep, "up", Ms(0)).url,
            "https://grafana.example.com/api/prom/api/v1/query");
  ep.base_url = "https://mimir.example.com/prometheus//";
  EXPECT_EQ(BuildRangeQuery(ep, "up", Ms(0), Ms(60000), absl::Seconds(15)).url,
            "https://mimir.example.com/prometheus/api/v1/query_range");
}

TEST(BuildInstantQueryTest, EndpointHeadersFollowContentType) {
  PromEndpoint ep{
      "http://prom:9090",
      {{"Authorization", "Bearer s3cr3t"}, {"X-Scope-OrgID", "team-a"}},
      absl::Seconds(30)};
  HttpRequest r = BuildInstantQuery(ep, "up", Ms(0));
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].name, "Content-Type");
  EXPECT_EQ(r.headers[1].name, "Authorization");
  EXPECT_EQ(r.headers[1].value, "Bearer s3cr3t");
  EXPECT_EQ(r.headers[2].name, "X-Scope-OrgID");
  EXPECT_EQ(Header(r, "X-Scope-OrgID"), "team-a");
}

TEST(BuildInstantQueryTest, ZeroTimeoutSendsNoTimeoutParameter) {
  PromEndpoint ep{"http://prom:9090", {}, absl::ZeroDuration()};
  HttpRequest r = BuildInstantQuery(ep, "up", Ms(1500));
  EXPECT_EQ(r.body, "query=up&time=1.5");
  EXPECT_EQ(r.timeout, HttpRequest().timeout);
}

TEST(BuildInstantQueryTest, WritesTimesAsDecimalSecondsWithoutTrailingZeros) {
  PromEndpoint ep{"http://p", {}, absl::Milliseconds(2500)};
  EXPECT_EQ(BuildInstantQuery(ep, "up", Ms(1700000000100)).body,
            "query=up&time=1700000000.1&timeout=2.5");
  EXPECT_EQ(BuildInstantQuery(ep, "up", Ms(-1500)).body,
            "query=up&time=-1.5&timeout=2.5");
  EXPECT_EQ(
      BuildInstantQuery(ep, "up", absl::FromUnixNanos(1700000000000000001))
          .body,
      "query=up&time=1700000000.000000001&timeout=2.5");
}

TEST(BuildRangeQueryTest, PostsStartEndAndFractionalStep) {
  PromEndpoint ep{"http://127.0.0.1:9090", {}, absl::Seconds(30)};
  HttpRequest r = BuildRangeQuery(ep, "rate(x[5m])", Ms(1435781430781),
                                  Ms(1435781460781), absl::Seconds(15));
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9090/api/v1/query_range");
  EXPECT_EQ(Header(r, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.body,
            "query=rate%28x%5B5m%5D%29&start=1435781430.781&end=1435781460.781"
            "&step=15&timeout=30");
  EXPECT_EQ(
      BuildRangeQuery(ep, "up", Ms(0), Ms(3000), absl::Milliseconds(1500)).body,
      "query=up&start=0&end=3&step=1.5&timeout=30");
  EXPECT_EQ(
      BuildRangeQuery(ep, "up", Ms(0), Ms(1000), absl::Milliseconds(250)).body,
      "query=up&start=0&end=1&step=0.25&timeout=30");
}

// ------------------------------------------------------------- real responses

TEST(ParseQueryResponseTest, PrometheusDocsInstantVector) {
  auto r = ParseQueryResponse(
      200, TestData("prometheus-docs-instant-query-vector.json"));
  ASSERT_OK(r);
  EXPECT_EQ(r->type, PromResult::Type::kVector);
  ASSERT_EQ(r->vector.size(), 2u);
  EXPECT_EQ(r->vector[0].labels, (Labels{{"__name__", "up"},
                                         {"job", "prometheus"},
                                         {"instance", "localhost:9090"}}));
  EXPECT_EQ(r->vector[0].value, 1);
  EXPECT_EQ(r->vector[0].timestamp, Ms(1435781451781));
  EXPECT_EQ(r->vector[1].labels, (Labels{{"__name__", "up"},
                                         {"job", "node"},
                                         {"instance", "localhost:9100"}}));
  EXPECT_EQ(r->vector[1].value, 0);
  EXPECT_EQ(r->vector[1].timestamp, Ms(1435781451781));
  EXPECT_THAT(r->warnings, IsEmpty());
  EXPECT_THAT(r->infos, IsEmpty());
  EXPECT_THAT(r->matrix, IsEmpty());
}

TEST(ParseQueryResponseTest, PrometheusDocsRangeMatrix) {
  auto r = ParseQueryResponse(
      200, TestData("prometheus-docs-range-query-matrix.json"));
  ASSERT_OK(r);
  EXPECT_EQ(r->type, PromResult::Type::kMatrix);
  ASSERT_EQ(r->matrix.size(), 2u);
  const Series& a = r->matrix[0];
  EXPECT_EQ(a.labels, (Labels{{"__name__", "up"},
                              {"job", "prometheus"},
                              {"instance", "localhost:9090"}}));
  ASSERT_EQ(a.points.size(), 3u);
  EXPECT_EQ(a.points[0].timestamp, Ms(1435781430781));
  EXPECT_EQ(a.points[1].timestamp, Ms(1435781445781));
  EXPECT_EQ(a.points[2].timestamp, Ms(1435781460781));
  EXPECT_EQ(a.points[0].value, 1);
  EXPECT_EQ(a.points[1].value, 1);
  EXPECT_EQ(a.points[2].value, 1);
  const Series& b = r->matrix[1];
  EXPECT_EQ(b.labels, (Labels{{"__name__", "up"},
                              {"job", "node"},
                              {"instance", "localhost:9091"}}));
  ASSERT_EQ(b.points.size(), 3u);
  EXPECT_EQ(b.points[0].value, 0);
  EXPECT_EQ(b.points[1].value, 0);
  EXPECT_EQ(b.points[2].value, 1);
  EXPECT_EQ(b.points[2].timestamp, Ms(1435781460781));
}

TEST(ParseQueryResponseTest, VictoriaMetricsMatrixWithSplitValuePairs) {
  auto r =
      ParseQueryResponse(200, TestData("victoriametrics-apptest-matrix.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->matrix.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const Series& s = r->matrix[i];
    EXPECT_EQ(s.labels,
              (Labels{{"__name__", "vm_log_messages_total"},
                      {"job", "victoriametrics"},
                      {"instance", "victoriametrics:8428"},
                      {"app_version",
                       "victoria-metrics-20250523-133235-tags-v1.118.0-0-"
                       "gaa3171cf4b"},
                      {"level", "info"},
                      {"location",
                       i == 0 ? "VictoriaMetrics/lib/ingestserver/opentsdb/"
                                "server.go:48"
                              : "VictoriaMetrics/lib/ingestserver/opentsdb/"
                                "server.go:59"}}));
    ASSERT_EQ(s.points.size(), 1u);
    EXPECT_EQ(s.points[0].timestamp, Ms(1748897918112));
    EXPECT_EQ(s.points[0].value, 1);
  }
}

TEST(ParseQueryResponseTest, RustClientScalarWithEmptyWarnings) {
  auto r = ParseQueryResponse(
      200, TestData("rust-client-fixture-scalar-with-empty-warnings.json"));
  ASSERT_OK(r);
  EXPECT_EQ(r->type, PromResult::Type::kScalar);
  EXPECT_EQ(r->scalar, 0.0);
  EXPECT_EQ(r->scalar_time, absl::UnixEpoch());
  EXPECT_THAT(r->warnings, IsEmpty());
}

TEST(ParseQueryResponseTest, RustClientBadDataErrorIsInvalidArgument) {
  auto r = ParseQueryResponse(
      400, TestData("rust-client-fixture-error-bad_data.json"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          "Prometheus rejected the query: bad_data: 1:14: "
                          "parse error: unexpected end of input in "
                          "aggregation"));
  EXPECT_FALSE(IsRetryable(r.status()));
}

// AGPL-3.0: read from the shared fixtures folder, not copied into the repo.
TEST(ParseQueryResponseTest, SharedGrafanaRangeMatrixWithFractionalSeconds) {
  auto r = ParseQueryResponse(
      200, SharedFixture("grafana-range-simple-matrix.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->matrix.size(), 2u);
  Labels base{{"__name__", "prometheus_http_requests_total"},
              {"handler", "/api/v1/query_range"},
              {"job", "prometheus"}};
  Labels a = base, b = base;
  a.Set("code", "200");
  b.Set("code", "400");
  EXPECT_EQ(r->matrix[0].labels, a);
  ASSERT_EQ(r->matrix[0].points.size(), 3u);
  EXPECT_EQ(r->matrix[0].points[0].timestamp, Ms(1641889530123));
  EXPECT_EQ(r->matrix[0].points[0].value, 21);
  EXPECT_EQ(r->matrix[0].points[1].timestamp, Ms(1641889531123));
  EXPECT_EQ(r->matrix[0].points[1].value, 32);
  EXPECT_EQ(r->matrix[0].points[2].timestamp, Ms(1641889532123));
  EXPECT_EQ(r->matrix[0].points[2].value, 43);
  EXPECT_EQ(r->matrix[1].labels, b);
  ASSERT_EQ(r->matrix[1].points.size(), 2u);
  EXPECT_EQ(r->matrix[1].points[0].timestamp, Ms(1641889529123));
  EXPECT_EQ(r->matrix[1].points[0].value, 54);
  EXPECT_EQ(r->matrix[1].points[1].timestamp, Ms(1641889532123));
  EXPECT_EQ(r->matrix[1].points[1].value, 76);
}

// AGPL-3.0: read from the shared fixtures folder, not copied into the repo.
TEST(ParseQueryResponseTest, SharedMimirScalarAndVectorWithoutMetricName) {
  auto s =
      ParseQueryResponse(200, SharedFixture("mimir-scalar-single-value.json"));
  ASSERT_OK(s);
  EXPECT_EQ(s->type, PromResult::Type::kScalar);
  EXPECT_EQ(s->scalar, 190);
  EXPECT_EQ(s->scalar_time, absl::FromUnixSeconds(1672790400));

  auto v =
      ParseQueryResponse(200, SharedFixture("mimir-vector-single-series.json"));
  ASSERT_OK(v);
  EXPECT_EQ(v->type, PromResult::Type::kVector);
  ASSERT_EQ(v->vector.size(), 1u);
  EXPECT_EQ(v->vector[0].labels, (Labels{{"cluster", "my-test-cluster"},
                                         {"namespace", "my-test-namespace"}}));
  EXPECT_EQ(v->vector[0].labels.MetricName(), "");
  EXPECT_EQ(v->vector[0].value, 0);
  EXPECT_EQ(v->vector[0].timestamp, absl::FromUnixSeconds(1672790400));
}

// ------------------------------------------------------------- hand-made

TEST(ParseQueryResponseTest, NanInfinitiesAndDecimalsSurviveExactly) {
  auto r =
      ParseQueryResponse(200, TestData("handmade-vector-special-values.json"));
  ASSERT_OK(r);
  ASSERT_EQ(r->vector.size(), 10u);
  auto value = [&](std::string_view c) {
    for (const Sample& s : r->vector) {
      if (s.labels.Get("case") == c) return s.value;
    }
    ADD_FAILURE() << "no case " << c;
    return 0.0;
  };
  EXPECT_TRUE(std::isnan(value("nan")));
  EXPECT_EQ(value("pos_inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(value("neg_inf"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(value("tenth"), 0.1);
  EXPECT_EQ(value("tiny"), 1e-300);
  EXPECT_EQ(value("max"), std::numeric_limits<double>::max());
  EXPECT_EQ(value("neg_zero"), 0.0);
  EXPECT_TRUE(std::signbit(value("neg_zero")));
  EXPECT_EQ(value("long_decimal"), 0.1 + 0.2);
  EXPECT_EQ(r->vector[3].timestamp, Ms(1700000000001));
  EXPECT_EQ(r->vector[4].timestamp, Ms(1700000000999));
}

TEST(ParseQueryResponseTest, LabelsKeepJsonEscapesAndUtf8) {
  auto r =
      ParseQueryResponse(200, TestData("handmade-vector-special-values.json"));
  ASSERT_OK(r);
  const Labels& esc = r->vector[8].labels;
  EXPECT_EQ(esc.Get("path"), "C:\\temp\\\"x\"\n\ttab");
  EXPECT_EQ(esc.Get("unicode_escape"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(esc.MetricName(), "");
  const Labels& utf8 = r->vector[9].labels;
  EXPECT_EQ(utf8.Get("city"), "Zürich");
  EXPECT_EQ(utf8.Get("greeting"), "こんにちは");
  EXPECT_EQ(utf8.Get("ключ"), "значение");
  EXPECT_EQ(r->vector[9].value, 2);
}

TEST(ParseQueryResponseTest, ReturnsWarningsAndInfosWithTheResult) {
  auto r =
      ParseQueryResponse(200, TestData("handmade-matrix-warnings-infos.json"));
  ASSERT_OK(r);
  EXPECT_THAT(r->warnings,
              ElementsAre("PromQL warning: encountered a mix of histograms "
                          "and floats for metric name "
                          "\"http_requests_total\""));
  EXPECT_THAT(r->infos,
              ElementsAre("PromQL info: metric might not be a counter, name "
                          "does not end in _total/_sum/_count/_bucket: "
                          "\"foo\"",
                          "second info"));
  ASSERT_EQ(r->matrix.size(), 1u);
  const auto& p = r->matrix[0].points;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].timestamp, absl::FromUnixSeconds(1700000000));
  EXPECT_EQ(p[0].value, 10);
  EXPECT_EQ(p[1].timestamp, absl::FromUnixSeconds(1700000015));
  EXPECT_EQ(p[1].value, 12.5);
  EXPECT_TRUE(std::isnan(p[2].value));
}

TEST(ParseQueryResponseTest, StringResult) {
  auto r = ParseQueryResponse(200, TestData("handmade-string-result.json"));
  ASSERT_OK(r);
  EXPECT_EQ(r->type, PromResult::Type::kString);
  EXPECT_EQ(r->string_value, "hello \"world\"");
  EXPECT_EQ(r->scalar_time, Ms(1700000000500));
}

TEST(ParseQueryResponseTest, EmptyVectorAndMatrixAreResultsNotErrors) {
  auto v = ParseQueryResponse(
      200,
      R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  ASSERT_OK(v);
  EXPECT_EQ(v->type, PromResult::Type::kVector);
  EXPECT_THAT(v->vector, IsEmpty());
  auto m = ParseQueryResponse(
      200,
      R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  ASSERT_OK(m);
  EXPECT_EQ(m->type, PromResult::Type::kMatrix);
  EXPECT_THAT(m->matrix, IsEmpty());
}

TEST(ParseQueryResponseTest, ScalarNanAndNegativeInfinity) {
  auto r = ParseQueryResponse(
      200, R"({"status":"success","data":{"resultType":"scalar",)"
           R"("result":[1700000000.25,"NaN"]}})");
  ASSERT_OK(r);
  EXPECT_TRUE(std::isnan(r->scalar));
  EXPECT_EQ(r->scalar_time, Ms(1700000000250));
  r = ParseQueryResponse(200,
                         R"({"status":"success","data":{"resultType":"scalar",)"
                         R"("result":[1,"-Inf"]}})");
  ASSERT_OK(r);
  EXPECT_EQ(r->scalar, -std::numeric_limits<double>::infinity());
}

TEST(ParseQueryResponseTest, HundredThousandSeriesParseToExactValues) {
  constexpr int kSeries = 100000;
  std::string body =
      R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (int i = 0; i < kSeries; ++i) {
    if (i > 0) body += ',';
    absl::StrAppend(
        &body, R"({"metric":{"__name__":"node_load1","instance":"host-)", i,
        R"(:9100","job":"node","zone":"z)", i % 7, R"("},"value":[1700000000.)",
        i % 1000 / 100, i % 100 / 10, i % 10, R"(,")", i, R"(.5"]})");
  }
  body += "]}}";
  auto r = ParseQueryResponse(200, body);
  ASSERT_OK(r);
  ASSERT_EQ(r->vector.size(), static_cast<size_t>(kSeries));
  int wrong = 0;
  for (int i = 0; i < kSeries; ++i) {
    const Sample& s = r->vector[i];
    bool ok = s.value == i + 0.5 &&
              s.timestamp == Ms(1700000000000 + i % 1000) &&
              s.labels.size() == 4 && s.labels.MetricName() == "node_load1" &&
              s.labels.Get("instance") == absl::StrCat("host-", i, ":9100") &&
              s.labels.Get("zone") == absl::StrCat("z", i % 7);
    if (!ok && ++wrong <= 3) ADD_FAILURE() << "series " << i << " wrong";
  }
  EXPECT_EQ(wrong, 0);
}

TEST(ParseQueryResponseTest, NativeHistogramsAreRejectedClearly) {
  EXPECT_THAT(
      ParseQueryResponse(200,
                         TestData("handmade-vector-native-histogram.json")),
      StatusIs(absl::StatusCode::kUnimplemented,
               "Prometheus returned a native histogram at data.result[0] "
               "(request_duration_seconds{job=\"api\"}); native histograms "
               "are not supported yet: query a float such as "
               "histogram_quantile(), histogram_count() or histogram_sum()"));
  EXPECT_THAT(
      ParseQueryResponse(200,
                         TestData("handmade-matrix-native-histograms.json")),
      StatusIs(absl::StatusCode::kUnimplemented,
               "Prometheus returned a native histogram at data.result[0] "
               "(request_duration_seconds{job=\"api\"}); native histograms "
               "are not supported yet: query a float such as "
               "histogram_quantile(), histogram_count() or histogram_sum()"));
}

// ------------------------------------------------------------- error envelopes

TEST(ParseQueryResponseErrorTest, TimeoutErrorTypeIsDeadlineExceeded) {
  auto r = ParseQueryResponse(503, TestData("handmade-error-timeout-503.json"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kDeadlineExceeded,
                          "Prometheus query timed out (HTTP 503): timeout: "
                          "query timed out in expression evaluation"));
  EXPECT_TRUE(IsRetryable(r.status()));
}

TEST(ParseQueryResponseErrorTest, ExecutionErrorAppendsWarningsAndInfos) {
  auto r =
      ParseQueryResponse(422, TestData("handmade-error-execution-422.json"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          "Prometheus rejected the query: execution: "
                          "expanding series: too many samples; warnings: "
                          "partial response: store gateway 3 unreachable; "
                          "infos: first info"));
  EXPECT_FALSE(IsRetryable(r.status()));
}

TEST(ParseQueryResponseErrorTest, ServerErrorsAreUnavailable) {
  auto r =
      ParseQueryResponse(503, R"({"status":"error","errorType":"unavailable",)"
                              R"("error":"too many concurrent queries"})");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable,
                          "HTTP 503 from Prometheus: unavailable: too many "
                          "concurrent queries"));
  EXPECT_TRUE(IsRetryable(r.status()));
  EXPECT_THAT(
      ParseQueryResponse(500, R"({"status":"error","errorType":"internal",)"
                              R"("error":"boom","warnings":["w1","w2"]})"),
      StatusIs(absl::StatusCode::kUnavailable,
               "HTTP 500 from Prometheus: internal: boom; warnings: w1; w2"));
}

TEST(ParseQueryResponseErrorTest, TooManyRequestsIsResourceExhausted) {
  auto r = ParseQueryResponse(
      429, R"({"status":"error","errorType":"too_many_requests",)"
           R"("error":"the query hit the max number of series limit"})");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kResourceExhausted,
                          "HTTP 429 from Prometheus: too_many_requests: the "
                          "query hit the max number of series limit"));
  EXPECT_TRUE(IsRetryable(r.status()));
  r = ParseQueryResponse(429, "Too Many Requests\n");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kResourceExhausted,
                          "HTTP 429 from Prometheus: Too Many Requests\\n"));
  EXPECT_TRUE(IsRetryable(r.status()));
}

TEST(ParseQueryResponseErrorTest, ErrorEnvelopeWithSuccessStatusCode) {
  EXPECT_THAT(
      ParseQueryResponse(200, R"({"status":"error","errorType":"bad_data",)"
                              R"("error":"invalid parameter \"query\""})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "Prometheus rejected the query: bad_data: invalid parameter "
               "\"query\""));
  EXPECT_THAT(
      ParseQueryResponse(200, R"({"status":"error"})"),
      StatusIs(absl::StatusCode::kUnavailable,
               "HTTP 200 from Prometheus: unknown: (no error message)"));
}

TEST(ParseQueryResponseErrorTest, ClientErrorsByHttpStatus) {
  EXPECT_THAT(
      ParseQueryResponse(404, R"({"status":"error","errorType":"not_found",)"
                              R"("error":"unknown API endpoint"})"),
      StatusIs(absl::StatusCode::kNotFound,
               "HTTP 404 from Prometheus: not_found: unknown API endpoint"));
  EXPECT_THAT(ParseQueryResponse(401, "Unauthorized"),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       "HTTP 401 from Prometheus: Unauthorized"));
  EXPECT_THAT(ParseQueryResponse(403, "no org id"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "HTTP 403 from Prometheus: no org id"));
  EXPECT_THAT(ParseQueryResponse(302, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "HTTP 302 from Prometheus: "));
  for (int code : {401, 403, 404, 302}) {
    EXPECT_FALSE(IsRetryable(ParseQueryResponse(code, "x").status())) << code;
  }
}

TEST(ParseQueryResponseErrorTest, ProxyHtmlPageIsUnavailableWithSnippet) {
  auto r = ParseQueryResponse(502, TestData("handmade-proxy-502.html"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable,
                          "HTTP 502 from Prometheus: <html>\\n<head><title>"
                          "502 Bad Gateway</title></head>\\n<body>\\n<center>"
                          "<h1>502 Bad Gateway</h1></center>\\n<hr><center>"
                          "nginx/1.25.3</center>\\n</body>\\n</html>\\n"));
  EXPECT_TRUE(IsRetryable(r.status()));
}

TEST(ParseQueryResponseErrorTest, SnippetIsCutAt200BytesAndEscaped) {
  std::string body = "\x01\xff\"'";  // 4 bytes: escaped as \x01\xff\"\'
  body += std::string(300, 'x');
  auto r = ParseQueryResponse(504, body);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable,
                          absl::StrCat("HTTP 504 from Prometheus: "
                                       "\\x01\\xff\\\"\\'",
                                       std::string(196, 'x'), "...")));
}

// ------------------------------------------------------------- broken 2xx
// bodies

TEST(ParseQueryResponseErrorTest, TruncatedJsonIsUnavailableWithOffset) {
  std::string full = TestData("prometheus-docs-instant-query-vector.json");
  auto r = ParseQueryResponse(200, full.substr(0, 57));
  EXPECT_THAT(r,
              StatusIs(absl::StatusCode::kUnavailable,
                       "invalid JSON from Prometheus (HTTP 200) at offset "
                       "57: Missing a closing quotation mark in string; "
                       "body: \"{\\n   \\\"status\\\" : \\\"success\\\",\\n   "
                       "\\\"data\\\" : {\\n      \\\"resultTyp\""));
  EXPECT_TRUE(IsRetryable(r.status()));
}

TEST(ParseQueryResponseErrorTest, HtmlWithStatus200IsInvalidJson) {
  EXPECT_THAT(ParseQueryResponse(200, "<!doctype html><title>Grafana</title>"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "invalid JSON from Prometheus (HTTP 200) at offset 0: "
                       "Invalid value; body: \"<!doctype html><title>Grafana"
                       "</title>\""));
}

TEST(ParseQueryResponseErrorTest, EmptyBodyAndInvalidUtf8) {
  EXPECT_THAT(ParseQueryResponse(200, " \n"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "empty response body from Prometheus (HTTP 200)"));
  EXPECT_THAT(ParseQueryResponse(200, "{\"status\":\"succ\xff\"}"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "invalid JSON from Prometheus (HTTP 200) at offset 15: "
                       "Invalid encoding in string; body: "
                       "\"{\\\"status\\\":\\\"succ\\xff\\\"}\""));
}

TEST(ParseQueryResponseErrorTest, DeepNestingIsAnErrorNotACrash) {
  std::string body(100000, '[');
  auto r = ParseQueryResponse(200, body);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable,
                          ::testing::StartsWith(
                              "invalid JSON from Prometheus (HTTP 200) at "
                              "offset 100000: Invalid value; body: \"[[[[")));
  // Well-formed but deep: parsed without recursion, then rejected by shape.
  body += std::string(100000, ']');
  EXPECT_THAT(ParseQueryResponse(200, body),
              StatusIs(absl::StatusCode::kUnavailable,
                       ::testing::StartsWith(
                           "unexpected Prometheus response (HTTP 200): the "
                           "document is not a JSON object; body: \"[[[[")));
}

struct ShapeCase {
  const char* name;
  const char* body;
  const char* message;  // after "unexpected Prometheus response (HTTP 200): "
};

class WrongShapeTest : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(WrongShapeTest, IsUnavailableNamingThePathAndShowingTheBody) {
  const ShapeCase& c = GetParam();
  auto r = ParseQueryResponse(200, c.body);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable,
                          absl::StrCat("unexpected Prometheus response (HTTP "
                                       "200): ",
                                       c.message, "; body: \"",
                                       absl::CHexEscape(c.body), "\"")));
}

INSTANTIATE_TEST_SUITE_P(
    ParseQueryResponseErrorTest, WrongShapeTest,
    ::testing::Values(
        ShapeCase{"NotAnObject", "[1]", "the document is not a JSON object"},
        ShapeCase{"NoStatus", R"({"data":{}})",
                  "status is not \"success\" or \"error\""},
        ShapeCase{"NoData", R"({"status":"success"})",
                  "data is missing or not an object"},
        ShapeCase{"NoResultType", R"({"status":"success","data":{}})",
                  "data.resultType is missing or not a string"},
        ShapeCase{
            "UnknownResultType",
            R"({"status":"success","data":{"resultType":"table","result":[]}})",
            "data.resultType is \"table\", expected vector, matrix, "
            "scalar or string"},
        ShapeCase{"NoResult",
                  R"({"status":"success","data":{"resultType":"vector"}})",
                  "data.result is missing"},
        ShapeCase{
            "ResultNotArray",
            R"({"status":"success","data":{"resultType":"matrix","result":{}}})",
            "data.result is not an array"},
        ShapeCase{
            "ElementNotObject",
            R"({"status":"success","data":{"resultType":"vector","result":[1]}})",
            "data.result[0] is not an object"},
        ShapeCase{
            "NoMetric",
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]}]}})",
            "data.result[0] has no \"metric\" object"},
        ShapeCase{
            "LabelNotString",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}})",
            "data.result[0].metric.a is not a string"},
        ShapeCase{
            "DuplicateLabel",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1","a":"2"},"value":[1,"1"]}]}})",
            "data.result[0].metric has label \"a\" twice"},
        ShapeCase{
            "NoValue",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})",
            "data.result[0] has no \"value\""},
        ShapeCase{
            "ValueNotPair",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}})",
            "data.result[0].value is not a [timestamp, \"value\"] pair"},
        ShapeCase{
            "ValueNotString",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,1]}]}})",
            "data.result[0].value[1] is not a string"},
        ShapeCase{
            "ValueNotNumber",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0x10"]}]}})",
            "data.result[0].value[1] is not a number: \"0x10\""},
        ShapeCase{
            "TimestampString",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["1","1"]}]}})",
            "data.result[0].value[0] is not a number (timestamp)"},
        ShapeCase{
            "TimestampHuge",
            R"({"status":"success","data":{"resultType":"scalar","result":[1e300,"1"]}})",
            "data.result[0] is not a Unix timestamp in seconds"},
        ShapeCase{
            "NoValues",
            R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}})",
            "data.result[0] has no \"values\" array"},
        ShapeCase{
            "PointNotPair",
            R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],"x"]}]}})",
            "data.result[0].values[1] is not a [timestamp, \"value\"] "
            "pair"},
        ShapeCase{
            "PointsOutOfOrder",
            R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[2,"1"],[1,"1"]]}]}})",
            "data.result[0].values[1] is not later than the point "
            "before it"},
        ShapeCase{
            "ScalarNotPair",
            R"({"status":"success","data":{"resultType":"scalar","result":[]}})",
            "data.result is not a [timestamp, \"value\"] pair"},
        ShapeCase{
            "WarningsNotArray",
            R"({"status":"success","data":{"resultType":"vector","result":[]},"warnings":"w"})",
            "warnings is not an array"},
        ShapeCase{
            "InfoNotString",
            R"({"status":"success","data":{"resultType":"vector","result":[]},"infos":[1]})",
            "infos[0] is not a string"}),
    [](const ::testing::TestParamInfo<ShapeCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(IsRetryableTest, OnlyTransientCodes) {
  EXPECT_TRUE(IsRetryable(absl::UnavailableError("x")));
  EXPECT_TRUE(IsRetryable(absl::DeadlineExceededError("x")));
  EXPECT_TRUE(IsRetryable(absl::ResourceExhaustedError("x")));
  EXPECT_FALSE(IsRetryable(absl::OkStatus()));
  EXPECT_FALSE(IsRetryable(absl::InvalidArgumentError("x")));
  EXPECT_FALSE(IsRetryable(absl::UnimplementedError("x")));
  EXPECT_FALSE(IsRetryable(absl::NotFoundError("x")));
}

}  // namespace
}  // namespace aurora
