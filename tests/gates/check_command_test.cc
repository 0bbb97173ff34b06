#include "gates/app/check_command.h"

#include <memory>
#include <optional>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_file_reader.h"
#include "tests/testing/fake_http_client.h"

namespace aurora {
namespace {

TEST(ParseEvalTimeTest, UnixSecondsAndRfc3339) {
  EXPECT_EQ(ParseEvalTime("1795780620"), absl::FromUnixSeconds(1795780620));
  EXPECT_EQ(ParseEvalTime("1795780620.25"),
            absl::FromUnixSeconds(1795780620) + absl::Milliseconds(250));
  EXPECT_EQ(ParseEvalTime("2026-11-27T08:00:00+02:00"),
            absl::FromUnixSeconds(1795759200));
  EXPECT_EQ(ParseEvalTime("yesterday"), std::nullopt);
}

// Unix seconds past 2262 overflowed int64 nanoseconds and wrapped to 1677.
TEST(ParseEvalTimeTest, LateTimesAreKeptOrRefusedNeverWrapped) {
  EXPECT_EQ(ParseEvalTime("9999999999"), absl::FromUnixSeconds(9999999999));
  EXPECT_EQ(ParseEvalTime("253402300799"), absl::FromUnixSeconds(253402300799));
  EXPECT_EQ(ParseEvalTime("253402300800"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("99999999999999999999"), std::nullopt);
}

// Issue 10.16: the year 10000 was accepted written as RFC 3339 although the
// message says "up to the year 9999".
TEST(ParseEvalTimeTest, Rfc3339PastTheYear9999IsRefused) {
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59Z"),
            absl::FromUnixSeconds(253402300799));
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59.5Z"),
            absl::FromUnixSeconds(253402300799) + absl::Milliseconds(500));
  EXPECT_EQ(ParseEvalTime("10000-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("9999-12-31T23:59:59-01:00"), std::nullopt);
  EXPECT_EQ(ParseEvalTime("-0001-01-01T00:00:00Z"), std::nullopt);
}

// `check` over a fake Prometheus: the exit code a CI step sees.
struct CheckFixture {
  testing::FakeFileReader files;
  testing::FakeClock clock;
  std::shared_ptr<testing::FakeHttpClient> http =
      std::make_shared<testing::FakeHttpClient>();
  std::ostringstream out, err;

  int Run(const std::string& gate_text) {
    files.Add("g.yaml", gate_text);
    CheckOptions o;
    o.gate_files = {"g.yaml"};
    o.fire_actions = false;
    o.at = absl::FromUnixSeconds(1764230400);
    CommandEnv env{&files, &clock, &out, &err, testing::ForwardingTo(http)};
    return RunCheck(o, env);
  }
};

constexpr char kTwoLiveRules[] = R"(sources:
  prom: { type: prometheus, url: "http://prom.test:9090" }
groups:
  - name: live
    rules:
      - name: joined
        expr: errors * on(job) group_left build_info
        pass: "< 1"
      - name: errors
        expr: errors
        pass: "< 1"
)";

constexpr char kQueryUrl[] = "http://prom.test:9090/api/v1/query";

// Prometheus answers an evaluation-time failure with HTTP 200 and
// "status":"error" (some proxies and older servers) as well as 422.
constexpr char kDuplicateSeries[] =
    R"({"status":"error","errorType":"execution","error":"found duplicate )"
    R"(series for the match group {job=\"api\"} on the right hand-side of )"
    R"(the operation: [{__name__=\"build_info\", job=\"api\"}];many-to-many )"
    R"(matching not allowed: matching labels must be unique on one side"})";

// Issue 10, item 6: a query the server rejects while evaluating is that
// rule's error; the run still decides, and exit 2 (nothing was evaluated) is
// never the answer after rules were evaluated and reported.
TEST(RunCheckTest, QueryRejectedWithStatusErrorIsThatRulesErrorNotExitTwo) {
  using ::testing::HasSubstr;
  using ::testing::Not;
  CheckFixture f;
  f.http->On(kQueryUrl, HasSubstr("query=errors+%2A"),
             testing::MakeHttpResponse(200, kDuplicateSeries));
  f.http->On(kQueryUrl, HasSubstr("query=errors&"),
             testing::MakeHttpResponse(200, R"({"status":"success","data":{
      "resultType":"vector","result":[{"metric":{},"value":[1764230400,"5"]}]}})"));
  // Another rule fails: the run fails (exit 1), it does not become exit 2.
  EXPECT_EQ(f.Run(kTwoLiveRules), 1) << f.out.str() << f.err.str();
  EXPECT_THAT(f.out.str(), HasSubstr("found duplicate series"));
  EXPECT_THAT(f.out.str(), HasSubstr("exit 1 (fail)"));
  EXPECT_THAT(f.out.str(), Not(HasSubstr("exit 2")));
  EXPECT_THAT(f.err.str(), Not(HasSubstr("nothing was evaluated")));
}

TEST(RunCheckTest, QueryRejectedAtEvaluationAloneIsAnErrorExitThree) {
  using ::testing::HasSubstr;
  using ::testing::Not;
  CheckFixture f;
  f.http->On(kQueryUrl, HasSubstr("query=errors+%2A"),
             testing::MakeHttpResponse(200, kDuplicateSeries));
  f.http->On(kQueryUrl, HasSubstr("query=errors&"),
             testing::MakeHttpResponse(200, R"({"status":"success","data":{
      "resultType":"vector","result":[{"metric":{},"value":[1764230400,"0"]}]}})"));
  EXPECT_EQ(f.Run(kTwoLiveRules), 3) << f.out.str() << f.err.str();
  EXPECT_THAT(f.out.str(), HasSubstr("exit 3 (inconclusive or error)"));
  EXPECT_THAT(f.out.str(), Not(HasSubstr("exit 2")));
  // A runtime error of the data (issue 12.3): the rule's error in the
  // report, never shown as a problem of the gate file (FILE:LINE:COL).
  EXPECT_THAT(f.out.str(), HasSubstr("found duplicate series"));
  EXPECT_THAT(f.out.str(), HasSubstr("found duplicate series"));
  EXPECT_THAT(f.err.str(), Not(HasSubstr("g.yaml:7:15")));
}

}  // namespace
}  // namespace aurora
