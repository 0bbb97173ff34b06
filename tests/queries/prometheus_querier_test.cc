// RunPromQueriesEach reports every query's final result exactly once, the
// same as RunPromQueries returns, and never a retried attempt.
#include "queries/prometheus_querier.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_http_client.h"

namespace aurora {
namespace {

using ::aurora::testing::FakeHttpClient;
using ::aurora::testing::FlakyHttpClient;
using ::aurora::testing::MakeHttpResponse;
using ::testing::HasSubstr;

constexpr char kUrl[] = "http://prom:9090/api/v1/query";

std::string Vector(const std::string& value) {
  return R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1764230400,")" +
         value + R"("]}]}})";
}

PromQuery Instant(const std::string& promql) {
  PromQuery q;
  q.endpoint.base_url = "http://prom:9090";
  q.promql = promql;
  q.at = absl::FromUnixSeconds(1764230400);
  return q;
}

TEST(RunPromQueriesTest, ReportsEachFinalResultOnceAfterRetries) {
  FakeHttpClient fake;
  fake.On(kUrl, HasSubstr("query=up"), MakeHttpResponse(200, Vector("1")));
  fake.On(kUrl, HasSubstr("query=bad"),
          MakeHttpResponse(400, R"({"status":"error","errorType":"bad_data","error":"parse error"})"));
  fake.On(kUrl, HasSubstr("query=two"), MakeHttpResponse(200, Vector("2")));
  FlakyHttpClient flaky(fake);
  flaky.FailFirst(1, absl::UnavailableError("connection reset"));  // the first request, once
  testing::FakeClock clock;
  std::map<size_t, int> calls;
  std::map<size_t, absl::StatusOr<PromResult>> seen;
  RunPromQueriesEach(
      {Instant("up"), Instant("bad"), Instant("two")}, flaky, clock, RetryPolicy{},
      [&](size_t i, absl::StatusOr<PromResult>&& r) {
        ++calls[i];
        seen.emplace(i, std::move(r));
      });
  EXPECT_EQ(calls, (std::map<size_t, int>{{0, 1}, {1, 1}, {2, 1}}));
  EXPECT_EQ(flaky.intercepted(), 1);
  ASSERT_TRUE(seen.at(0).ok()) << seen.at(0).status();
  EXPECT_EQ(seen.at(0)->vector.at(0).value, 1);
  EXPECT_FALSE(seen.at(1).ok());
  ASSERT_TRUE(seen.at(2).ok());
  EXPECT_EQ(seen.at(2)->vector.at(0).value, 2);

  // RunPromQueries returns the same, in order.
  FlakyHttpClient flaky_again(fake);
  flaky_again.FailFirst(1, absl::UnavailableError("connection reset"));
  std::vector<absl::StatusOr<PromResult>> results = RunPromQueries(
      {Instant("up"), Instant("bad"), Instant("two")}, flaky_again, clock,
      RetryPolicy{});
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_EQ(results[0]->vector.at(0).value, 1);
  EXPECT_EQ(results[1].status(), seen.at(1).status());
  ASSERT_TRUE(results[2].ok());
  EXPECT_EQ(results[2]->vector.at(0).value, 2);
}

TEST(RunPromQueriesTest, AQueryThatNeverSucceedsIsReportedOnceWithItsAttempts) {
  FakeHttpClient fake;
  fake.On(kUrl, HasSubstr("query=up"), MakeHttpResponse(200, Vector("1")));
  FlakyHttpClient flaky(fake);
  flaky.FailFirst(3, absl::UnavailableError("connection refused"));
  testing::FakeClock clock;
  std::map<size_t, int> calls;
  std::map<size_t, absl::StatusOr<PromResult>> seen;
  RunPromQueriesEach({Instant("up")}, flaky, clock, RetryPolicy{},
                     [&](size_t i, absl::StatusOr<PromResult>&& r) {
                       ++calls[i];
                       seen.emplace(i, std::move(r));
                     });
  EXPECT_EQ(calls, (std::map<size_t, int>{{0, 1}}));
  EXPECT_EQ(flaky.intercepted(), 3);
  EXPECT_EQ(seen.at(0).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(seen.at(0).status().message(), HasSubstr("(after 3 attempts)"));
}

TEST(RunPromQueriesTest, ReturnsOneResultPerQuery) {
  FakeHttpClient fake;
  fake.On(kUrl, HasSubstr("query=up"), MakeHttpResponse(200, Vector("1")));
  testing::FakeClock clock;
  std::vector<absl::StatusOr<PromResult>> results =
      RunPromQueries({Instant("up")}, fake, clock, RetryPolicy{});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_EQ(results[0]->vector.at(0).value, 1);
}

// Issue 10, item 15: every answer the client refuses names the request and
// its URL, redacted ("HTTP 302 from Prometheus: " named nothing before).
TEST(RunPromQueriesTest, EveryRefusedAnswerNamesTheRedactedUrl) {
  const std::string url = "http://user:pw-secret@prom:9090/api/v1/query";
  FakeHttpClient fake;
  fake.On(url, HasSubstr("query=moved"),
          MakeHttpResponse(302, "", {{"location", "http://elsewhere/"}}));
  fake.On(url, HasSubstr("query=html"),
          MakeHttpResponse(200, "<html>login</html>"));
  fake.On(url, HasSubstr("query=bad"),
          MakeHttpResponse(422, R"({"status":"error","errorType":"execution","error":"boom"})"));
  testing::FakeClock clock;
  std::vector<PromQuery> queries = {Instant("moved"), Instant("html"),
                                    Instant("bad")};
  for (PromQuery& q : queries) {
    q.endpoint.base_url = "http://user:pw-secret@prom:9090";
  }
  RetryPolicy once;
  once.max_attempts = 1;
  std::vector<absl::StatusOr<PromResult>> r =
      RunPromQueries(queries, fake, clock, once);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status().message(),
            "POST http://prom:9090/api/v1/query: HTTP 302 from Prometheus: ");
  EXPECT_THAT(std::string(r[1].status().message()),
              ::testing::StartsWith("POST http://prom:9090/api/v1/query: "
                                    "invalid JSON from Prometheus (HTTP 200)"));
  EXPECT_EQ(r[2].status().message(),
            "POST http://prom:9090/api/v1/query: Prometheus rejected the "
            "query: execution: boom");
  EXPECT_EQ(r[2].status().code(), absl::StatusCode::kInvalidArgument);
  for (const auto& one : r) {
    EXPECT_THAT(std::string(one.status().message()),
                ::testing::Not(HasSubstr("pw-secret")));
  }
}

}  // namespace
}  // namespace aurora
