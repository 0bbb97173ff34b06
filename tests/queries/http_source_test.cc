// An http source's request and the samples of its response (pure; the
// real-server behaviour is tests/e2e/http_source_e2e_test.cc).
#include "queries/http_source.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

SourceSpec Events() {
  SourceSpec s;
  s.name = "events";
  s.type = SourceType::kHttp;
  s.url = "https://user:pw@api.example:8443/events/recent?token=abc";
  JsonValueSpec v;
  v.metric = "trace_ids";
  v.pointer = *ParseJsonPointer("/events/*/trace_id");
  v.reduce = JsonReduce::kCountDistinct;
  s.values.push_back(v);
  return s;
}

std::map<std::string, double> ByMetric(const ArtifactData& d) {
  std::map<std::string, double> out;
  for (const auto& s : d.samples.samples) {
    out[std::string(s.labels.MetricName())] = s.value;
  }
  return out;
}

HttpResponse Response(int status, std::string body, std::string type = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.elapsed = absl::Milliseconds(250);
  if (!type.empty()) r.headers.push_back({"content-type", type});
  return r;
}

TEST(HttpSourceTest, RequestCarriesMethodBodyAndHeaders) {
  SourceSpec s = Events();
  s.method = "POST";
  s.body = "{\"limit\": 10}";
  s.timeout = absl::Seconds(3);
  s.headers["X-Api-Key"] = "k";
  HttpRequest r = HttpSourceRequest(s, {{"Authorization", "Bearer t"}});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, s.url);
  EXPECT_EQ(r.body, s.body);
  EXPECT_EQ(r.timeout, absl::Seconds(3));
  EXPECT_EQ(r.connect_timeout, absl::Seconds(3));
  std::map<std::string, std::string> h;
  for (const auto& x : r.headers) h[x.name] = x.value;
  EXPECT_EQ(h, (std::map<std::string, std::string>{
                   {"X-Api-Key", "k"},
                   {"Authorization", "Bearer t"},
                   {"Accept", "application/json"},
                   {"Content-Type", "application/json"}}));
  // GET sends no body, whatever the spec holds.
  s.method = "GET";
  EXPECT_EQ(HttpSourceRequest(s, {}).body, "");
}

TEST(HttpSourceTest, StatusLatencyAndValuesOf2xx) {
  auto d = HttpSourceSamples(
      Events(), Response(200, R"({"events": [{"trace_id": "a"}, {"trace_id": "b"}]})"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d), (std::map<std::string, double>{
                              {"http_status_code", 200},
                              {"http_response_seconds", 0.25},
                              {"trace_ids", 2}}));
  EXPECT_EQ(d->format, "HTTP 200, JSON");
}

TEST(HttpSourceTest, NdjsonByContentType) {
  auto d = HttpSourceSamples(
      Events(), Response(200, "{\"events\": [{\"trace_id\": \"a\"}]}\n"
                              "{\"events\": [{\"trace_id\": \"b\"}]}",
                         "application/x-ndjson"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d).at("trace_ids"), 2);
}

TEST(HttpSourceTest, Non2xxIsAValueButItsValuesAreErrors) {
  auto d = HttpSourceSamples(Events(), Response(503, "{\"events\": []}"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d),
            (std::map<std::string, double>{{"http_status_code", 503},
                                           {"http_response_seconds", 0.25}}));
  EXPECT_EQ(d->metric_errors.at("trace_ids"),
            "GET https://api.example:8443/events/recent?token=***: HTTP 503: "
            "values are "
            "read from 2xx responses only");
}

TEST(HttpSourceTest, BodyThatIsNotJsonNamesTheRedactedUrl) {
  auto d = HttpSourceSamples(Events(),
                             Response(200, "<html>ok</html>", "text/html"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d).at("http_status_code"), 200);
  EXPECT_EQ(d->metric_errors.at("trace_ids"),
            "GET https://api.example:8443/events/recent?token=*** response: "
            "invalid "
            "JSON at line 1, column 1: Invalid value. (Content-Type: "
            "text/html)");
  EXPECT_THAT(d->metric_errors.at("trace_ids"), ::testing::Not(HasSubstr("abc")));
}

TEST(HttpSourceTest, WithoutValuesTheBodyIsNotRead) {
  SourceSpec s = Events();
  s.values.clear();
  auto d = HttpSourceSamples(s, Response(200, "not json"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->metric_errors.empty());
  EXPECT_EQ(d->format, "HTTP 200");
}

TEST(HttpSourceTest, TransportFailureIsReturnedAsIs) {
  auto d = HttpSourceSamples(
      Events(), absl::DeadlineExceededError("GET https://api.example:8443/"
                                            "events/recent: timed out"));
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(d.status()));
}

}  // namespace
}  // namespace aurora
