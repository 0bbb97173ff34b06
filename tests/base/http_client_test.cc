// Tests of the HttpClient seam: the pure helpers, the libcurl client against
// a real loopback server (tests/testing/http_test_server.h), HTTPS with a
// throw-away self-signed certificate, and the test doubles.
#include "base/http_client.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/curl_http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_http_client.h"
#include "tests/testing/http_test_server.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::FakeHttpClient;
using ::aurora::testing::FlakyHttpClient;
using ::aurora::testing::HttpTestServer;
using ::aurora::testing::HttpTestServerOptions;
using ::aurora::testing::MakeHttpResponse;
using ::aurora::testing::StatusIs;
using ::aurora::testing::TestHttpRequest;
using ::aurora::testing::TestHttpResponse;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(RedactUrlTest, DropsUserinfoAndFragmentAndMasksQueryValues) {
  EXPECT_EQ(RedactUrl("https://user:p4ss@host:9090/api/v1/query?token=x#frag"),
            "https://host:9090/api/v1/query?token=***");
  EXPECT_EQ(RedactUrl("http://user@host/a/b"), "http://host/a/b");
  EXPECT_EQ(RedactUrl("http://u:p@[::1]:9090?q=1"), "http://[::1]:9090?q=***");
  EXPECT_EQ(RedactUrl("user:pw@host/x?y"), "host/x?***");
  EXPECT_EQ(RedactUrl("https://chat.example/v1/spaces/AAA/messages?key=k1&token=t2"),
            "https://chat.example/v1/spaces/AAA/messages?key=***&token=***");
}

TEST(RedactUrlTest, KeepsUrlsWithoutSecretsAndAtSignsInThePath) {
  EXPECT_EQ(RedactUrl("http://127.0.0.1:9090/api/v1/query"),
            "http://127.0.0.1:9090/api/v1/query");
  EXPECT_EQ(RedactUrl("http://prometheus.monitoring.svc:9090/api/v1/query_range"),
            "http://prometheus.monitoring.svc:9090/api/v1/query_range");
  EXPECT_EQ(RedactUrl("http://am:9093/api/v2/alerts"), "http://am:9093/api/v2/alerts");
  EXPECT_EQ(RedactUrl("https://thanos.example/prometheus-alertmanager-webhook/"),
            "https://thanos.example/prometheus-alertmanager-webhook/");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080/hook");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/hooks/"), "http://127.0.0.1:8080/hooks/");
  EXPECT_EQ(RedactUrl("http://host/users/@me"), "http://host/users/@me");
  EXPECT_EQ(RedactUrl("http://host"), "http://host");
  EXPECT_EQ(RedactUrl(""), "");
}

TEST(RedactUrlTest, MasksWebhookTokensInThePath) {
  // Slack: everything after /services/, however short.
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/services/***/***/***");
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/"
                      "aBcDeFgHiJkLmNoPqRsTuVwX"),
            "https://hooks.slack.com/services/***/***/***");
  // Discord: id and token after /webhooks/.
  EXPECT_EQ(RedactUrl("https://discord.com/api/webhooks/123456789012345678/"
                      "abcdefABCDEF_-123456"),
            "https://discord.com/api/webhooks/***/***");
  // Any host: long random-looking segments (Mattermost, Teams, a UUID) and
  // the segment after one named token/key/secret.
  EXPECT_EQ(RedactUrl("https://chat.example/hooks/xf4kq9z8t3bmu7rj1d6e2pwyoc"),
            "https://chat.example/hooks/***");
  EXPECT_EQ(RedactUrl("https://ops.example/hooks/T000/B000/secret-token"),
            "https://ops.example/hooks/***/***/***");
  EXPECT_EQ(RedactUrl("https://ops.example/api/3f2a9c1e-8b7d-4e6f-a5c4-0123456789ab/run"),
            "https://ops.example/api/***/run");
  EXPECT_EQ(RedactUrl("https://ops.example/notify/secret-token/x"),
            "https://ops.example/notify/***/x");
  EXPECT_EQ(RedactUrl("http://relay:8080/token/hunter2/notify"),
            "http://relay:8080/token/***/notify");
}

TEST(RedactUrlTest, SecretsListsWhatIsMaskedLongestFirst) {
  std::vector<std::string> s =
      UrlSecrets("https://bob:pw123@hooks.slack.com/services/T000/B000/XXXX?a=zzz");
  EXPECT_THAT(s, ::testing::UnorderedElementsAre("bob:pw123", "pw123", "T000",
                                                 "B000", "XXXX", "a=zzz", "zzz"));
  for (size_t i = 1; i < s.size(); ++i) EXPECT_GE(s[i - 1].size(), s[i].size());
}

TEST(RedactUrlTest, RedactUrlInScrubsTheUrlAndItsPiecesFromAMessage) {
  const std::string url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";
  EXPECT_EQ(RedactUrlIn(absl::StrCat("POST ", url, ": Could not resolve host"), url),
            "POST https://hooks.slack.com/services/***/***/***: Could not resolve host");
  EXPECT_EQ(RedactUrlIn("curl: (6) path /services/T000/B000/XXXXSECRET failed", url),
            "curl: (6) path /services/***/***/*** failed");
  EXPECT_EQ(RedactUrlIn("no url here", url), "no url here");
}

TEST(FormEncodeTest, EscapesLikeGoQueryEscape) {
  EXPECT_EQ(FormEncode({{"query", "sum(up{job=\"a b\"}) > 0.5"},
                        {"time", "1435781451.781"},
                        {"x~y", "caf\xC3\xA9&=+/"},
                        {"empty", ""}}),
            "query=sum%28up%7Bjob%3D%22a+b%22%7D%29+%3E+0.5"
            "&time=1435781451.781&x~y=caf%C3%A9%26%3D%2B%2F&empty=");
  EXPECT_EQ(FormEncode({}), "");
}

TEST(HttpResponseTest, HeaderReturnsFirstMatchOrEmpty) {
  HttpResponse r = MakeHttpResponse(
      200, "",
      {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}});
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("retry-after"), "");
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Loopback tests must not go through a proxy from the environment.
    for (const char* v : {"http_proxy", "https_proxy", "HTTP_PROXY",
                          "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
      ::unsetenv(v);
    }
  }

  static std::unique_ptr<HttpTestServer> StartServer(
      aurora::testing::TestHttpHandler handler,
      HttpTestServerOptions options = {}) {
    auto server = HttpTestServer::Start(std::move(handler), std::move(options));
    EXPECT_OK(server);
    return server.ok() ? *std::move(server) : nullptr;
  }
  static std::unique_ptr<HttpClient> NewClient(HttpClientOptions options = {}) {
    auto client = NewCurlHttpClient(options);
    EXPECT_OK(client);
    return client.ok() ? *std::move(client) : nullptr;
  }
  static HttpRequest Get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
  }
  // A handler answering 200 with the request target as the body.
  static TestHttpResponse EchoTarget(const TestHttpRequest& req) {
    TestHttpResponse resp;
    resp.body = req.target;
    return resp;
  }
};

TEST_F(CurlHttpClientTest, GetSendsHeadersAndReturnsStatusHeadersAndBody) {
  auto server = StartServer([](const TestHttpRequest&) {
    TestHttpResponse resp;
    resp.headers = {{"Content-Type", "text/plain"}, {"X-Reply", "  yes  "}};
    resp.body = "hello";
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest req = Get(server->url("/api/v1/query?query=up"));
  req.headers = {{"Authorization", "Bearer t0k"}, {"X-Scope-OrgID", "team-a"}};

  absl::StatusOr<HttpResponse> resp = client->Send(req);

  ASSERT_OK(resp);
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "hello");
  EXPECT_EQ(resp->Header("content-type"), "text/plain");
  EXPECT_EQ(resp->Header("x-reply"), "yes");
  EXPECT_EQ(resp->Header("content-length"), "5");
  EXPECT_GT(resp->elapsed, absl::ZeroDuration());
  std::vector<TestHttpRequest> seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/api/v1/query?query=up");
  EXPECT_EQ(seen[0].Header("authorization"), "Bearer t0k");
  EXPECT_EQ(seen[0].Header("x-scope-orgid"), "team-a");
  EXPECT_EQ(seen[0].Header("user-agent"), "aurora-gate");
  // Loopback: no compression asked for (it costs both ends CPU, saves no time).
  EXPECT_EQ(seen[0].Header("accept-encoding"), "identity");
  EXPECT_EQ(seen[0].body, "");
}

TEST_F(CurlHttpClientTest, CallersAcceptEncodingHeaderIsKeptOnLoopback) {
  auto server = StartServer(EchoTarget);
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest req = Get(server->url("/x"));
  req.headers = {{"Accept-Encoding", "gzip"}};

  ASSERT_OK(client->Send(req));

  std::vector<TestHttpRequest> seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Header("accept-encoding"), "gzip");
}

TEST(IsLoopbackUrlTest, LoopbackHostsOnly) {
  EXPECT_TRUE(IsLoopbackUrl("http://127.0.0.1:9090/api/v1/query"));
  EXPECT_TRUE(IsLoopbackUrl("http://127.1.2.3"));
  EXPECT_TRUE(IsLoopbackUrl("http://localhost:9090"));
  EXPECT_TRUE(IsLoopbackUrl("https://LocalHost/"));
  EXPECT_TRUE(IsLoopbackUrl("http://[::1]:9090/x?y=1"));
  EXPECT_TRUE(IsLoopbackUrl("http://user:pw@127.0.0.1:9090/"));
  EXPECT_FALSE(IsLoopbackUrl("http://prometheus:9090/"));
  EXPECT_FALSE(IsLoopbackUrl("http://10.0.0.1:9090/"));
  EXPECT_FALSE(IsLoopbackUrl("http://localhost.example.com/"));
  EXPECT_FALSE(IsLoopbackUrl("http://127.0.0.1.example.com/"));
  EXPECT_FALSE(IsLoopbackUrl("http://127.0.0.1@example.com/"));
  EXPECT_FALSE(IsLoopbackUrl("http://[::2]:9090/"));
  EXPECT_FALSE(IsLoopbackUrl(""));
}

TEST_F(CurlHttpClientTest, PostSendsTheBodyAsIsWithoutExpectContinue) {
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp;
    resp.body = absl::StrCat("got ", req.body.size(), " bytes");
    return resp;
  });
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.user_agent = "aurora-gate/0.1 test";
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  HttpRequest req;
  req.method = "POST";
  req.url = server->url("/api/v1/query");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  // Large enough that curl would otherwise ask for 100-continue.
  req.body = FormEncode({{"query", std::string(5000, 'a')}, {"time", "1.5"}});

  absl::StatusOr<HttpResponse> resp = client->Send(req);

  ASSERT_OK(resp);
  EXPECT_EQ(resp->body, "got 5015 bytes");  // 6 + 5000 + 9
  std::vector<TestHttpRequest> seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, req.body);
  EXPECT_EQ(seen[0].Header("content-type"),
            "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].Header("content-length"), "5015");
  EXPECT_EQ(seen[0].Header("expect"), "");
  EXPECT_EQ(seen[0].Header("user-agent"), "aurora-gate/0.1 test");
}

TEST_F(CurlHttpClientTest, DecodesGzipBodies) {
  // Bytes >= 144 take the 9-bit fixed Huffman codes.
  const std::string body =
      absl::StrCat("{\"status\":\"success\",\"data\":{\"caf\xC3\xA9\":[",
                   std::string(300, '7'), "]}}");
  auto server = StartServer([&body](const TestHttpRequest&) {
    TestHttpResponse resp;
    resp.body = body;
    resp.gzip = true;
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/gz")));

  ASSERT_OK(resp);
  EXPECT_EQ(resp->Header("content-encoding"), "gzip");
  EXPECT_EQ(resp->body, body);
}

TEST_F(CurlHttpClientTest, HttpErrorStatusesAreResponsesNotFailures) {
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp;
    resp.status = req.target == "/404" ? 404 : req.target == "/429" ? 429 : 503;
    resp.body = absl::StrCat("status of ", req.target);
    if (resp.status == 429) resp.headers = {{"Retry-After", "7"}};
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  auto results =
      client->SendAll({Get(server->url("/404")), Get(server->url("/429")),
                       Get(server->url("/503"))});

  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) ASSERT_OK(r);
  EXPECT_EQ(results[0]->status, 404);
  EXPECT_EQ(results[0]->body, "status of /404");
  EXPECT_EQ(results[1]->status, 429);
  EXPECT_EQ(results[1]->Header("retry-after"), "7");
  EXPECT_EQ(results[2]->status, 503);
  EXPECT_EQ(results[2]->body, "status of /503");
}

TEST_F(CurlHttpClientTest, SequentialRequestsReuseOneKeptAliveConnection) {
  auto server = StartServer(EchoTarget);
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<HttpResponse> resp =
        client->Send(Get(server->url(absl::StrCat("/seq/", i))));
    ASSERT_OK(resp);
    EXPECT_EQ(resp->body, absl::StrCat("/seq/", i));
  }
  auto batch = client->SendAll({Get(server->url("/b/0"))});
  ASSERT_OK(batch[0]);

  EXPECT_EQ(server->connections_accepted(), 1);
  std::vector<TestHttpRequest> seen = server->requests();
  ASSERT_EQ(seen.size(), 6u);
  for (const TestHttpRequest& r : seen) EXPECT_EQ(r.connection, 1);
}

TEST_F(CurlHttpClientTest, TwoHundredRequestsThroughEightConnectionsInOrder) {
  auto server = StartServer(EchoTarget);
  ASSERT_NE(server, nullptr);
  auto client = NewClient();  // max_concurrency 8 by default
  ASSERT_NE(client, nullptr);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 200; ++i) {
    requests.push_back(Get(server->url(absl::StrCat("/r/", i))));
  }

  auto results = client->SendAll(requests);
  // A second batch reuses the connections kept from the first.
  auto again = client->SendAll(requests);

  ASSERT_EQ(results.size(), 200u);
  ASSERT_EQ(again.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK(results[i]);
    EXPECT_EQ(results[i]->body, absl::StrCat("/r/", i));
    ASSERT_OK(again[i]);
    EXPECT_EQ(again[i]->body, absl::StrCat("/r/", i));
  }
  EXPECT_LE(server->connections_accepted(), 8);
  EXPECT_LE(server->max_in_flight(), 8);
  EXPECT_EQ(server->requests().size(), 400u);
}

TEST_F(CurlHttpClientTest, NeverHasMoreThanMaxConcurrencyInFlight) {
  // The first three requests wait for each other, so three must be in flight
  // together; the server records the most it ever saw.
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  auto server = StartServer([&](const TestHttpRequest& req) {
    std::unique_lock<std::mutex> lock(mu);
    if (++arrived <= 3) {
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(20), [&] { return arrived >= 3; });
    }
    return EchoTarget(req);
  });
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.max_concurrency = 3;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 30; ++i) {
    requests.push_back(Get(server->url(absl::StrCat("/c/", i))));
  }

  auto results = client->SendAll(requests);

  for (int i = 0; i < 30; ++i) {
    ASSERT_OK(results[i]);
    EXPECT_EQ(results[i]->body, absl::StrCat("/c/", i));
  }
  EXPECT_EQ(server->max_in_flight(), 3);
  EXPECT_LE(server->connections_accepted(), 3);
}

TEST_F(CurlHttpClientTest, ResultsFollowRequestOrderNotCompletionOrder) {
  // Earlier requests answer later; a bad request and a refused one sit in
  // between and keep their places.
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp = EchoTarget(req);
    int delay_ms = 0;
    if (req.target == "/slow") delay_ms = 300;
    if (req.target == "/medium") delay_ms = 100;
    resp.delay = absl::Milliseconds(delay_ms);
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest put = Get(server->url("/put"));
  put.method = "DELETE";  // not a method the client sends
  const int refused_port = ::aurora::testing::FreeLoopbackPort();

  auto results = client->SendAll(
      {Get(server->url("/slow")), put, Get(server->url("/medium")),
       Get(absl::StrCat("http://127.0.0.1:", refused_port, "/refused")),
       Get(server->url("/fast"))});

  ASSERT_EQ(results.size(), 5u);
  ASSERT_OK(results[0]);
  EXPECT_EQ(results[0]->body, "/slow");
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(results[2]);
  EXPECT_EQ(results[2]->body, "/medium");
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK(results[4]);
  EXPECT_EQ(results[4]->body, "/fast");
}

TEST_F(CurlHttpClientTest, SendEachReportsEachResultOnceAsItFinishes) {
  // The slow answer is reported last, after the fast one and the request
  // that fails before it is sent; each report carries what SendAll returns.
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp = EchoTarget(req);
    if (req.target == "/slow") resp.delay = absl::Milliseconds(300);
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest put = Get(server->url("/put"));
  put.method = "DELETE";  // not a method the client sends
  const std::vector<HttpRequest> requests = {Get(server->url("/slow")),
                                             Get(server->url("/fast")), put};
  std::vector<size_t> order;
  std::vector<std::string> reported(3);
  client->SendEach(requests, [&](size_t i, const absl::StatusOr<HttpResponse>& r) {
    order.push_back(i);
    reported[i] = r.ok() ? r->body : r.status().ToString();
  });
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order.back(), 0u);  // the slow one
  EXPECT_THAT(order, ::testing::UnorderedElementsAre(0u, 1u, 2u));
  EXPECT_EQ(reported[0], "/slow");
  EXPECT_EQ(reported[1], "/fast");
  auto results = client->SendAll(requests);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_OK(results[0]);
  EXPECT_EQ(results[0]->body, "/slow");
  ASSERT_OK(results[1]);
  EXPECT_EQ(results[1]->body, "/fast");
  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(reported[2], results[2].status().ToString());
}

TEST_F(CurlHttpClientTest, ConnectionRefusedIsUnavailable) {
  const int port = ::aurora::testing::FreeLoopbackPort();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp =
      client->Send(Get(absl::StrCat("http://127.0.0.1:", port, "/x")));

  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kUnavailable,
                             AllOf(StartsWith(absl::StrCat(
                                       "GET http://127.0.0.1:", port,
                                       "/x: Failed to connect to 127.0.0.1 "
                                       "port ",
                                       port)),
                                   HasSubstr("Couldn't connect to server"))));
}

TEST_F(CurlHttpClientTest, SlowServerIsDeadlineExceededWithinTheTimeout) {
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp = EchoTarget(req);
    resp.delay = absl::Seconds(60);  // cut short when the server stops
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest req = Get(server->url("/slow"));
  req.timeout = absl::Milliseconds(300);

  absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> resp = client->Send(req);
  absl::Duration took = absl::Now() - start;

  EXPECT_THAT(
      resp,
      StatusIs(absl::StatusCode::kDeadlineExceeded,
               AllOf(StartsWith(absl::StrCat("GET ", server->url("/slow"),
                                             ": Operation timed out after ")),
                     HasSubstr("with 0 bytes received"))));
  // curl checks its deadline against its own millisecond clock when poll()
  // wakes, so it may fire a fraction of a millisecond "early" by ours.
  EXPECT_GE(took, absl::Milliseconds(290));
  EXPECT_LT(took, absl::Seconds(5));
}

TEST_F(CurlHttpClientTest, ConnectionClosedMidChunkedBodyIsUnavailable) {
  auto server = StartServer([](const TestHttpRequest&) {
    TestHttpResponse resp;
    resp.body = std::string(1000, 'x');
    resp.fault = TestHttpResponse::Fault::kCloseMidBody;
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/t")));

  EXPECT_THAT(
      resp,
      StatusIs(absl::StatusCode::kUnavailable,
               StartsWith(absl::StrCat("GET ", server->url("/t"), ": "))));
}

TEST_F(CurlHttpClientTest, ContentLengthLargerThanBodyIsUnavailable) {
  auto server = StartServer([](const TestHttpRequest&) {
    TestHttpResponse resp;
    resp.body = std::string(1000, 'x');
    resp.fault = TestHttpResponse::Fault::kContentLengthTooLarge;
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/t")));

  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kUnavailable,
                             absl::StrCat("GET ", server->url("/t"),
                                          ": transfer closed with 100 bytes "
                                          "remaining to read")));
}

// Issue 10, item 13: a response body over max_response_bytes is refused,
// naming the URL and the limit, and never read whole.
TEST_F(CurlHttpClientTest, BodyOverTheLimitWithContentLengthIsOutOfRange) {
  auto server = StartServer([](const TestHttpRequest&) {
    TestHttpResponse resp;
    resp.body = std::string(5000, 'x');
    return resp;
  });
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp =
      client->Send(Get(server->url("/big?token=s3cret")));

  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kOutOfRange,
                             absl::StrCat("GET ", server->url("/big?token=***"),
                                          ": response body of 5000 bytes "
                                          "exceeds the limit of 1000 bytes "
                                          "(--max-response-size)")));
  // At the limit exactly is fine.
  options.max_response_bytes = 5000;
  auto exact = NewClient(options);
  ASSERT_NE(exact, nullptr);
  EXPECT_OK(exact->Send(Get(server->url("/big"))));
}

TEST_F(CurlHttpClientTest, ChunkedBodyOverTheLimitIsAbortedAsItArrives) {
  auto server = StartServer([](const TestHttpRequest&) {
    TestHttpResponse resp;
    // Chunked, no Content-Length: the first 5000 bytes as one chunk.
    resp.body = std::string(10000, 'x');
    resp.fault = TestHttpResponse::Fault::kCloseMidBody;
    return resp;
  });
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/t")));

  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kOutOfRange,
                             absl::StrCat("GET ", server->url("/t"),
                                          ": response body exceeds the limit "
                                          "of 1000 bytes (--max-response-size)")));
}

TEST_F(CurlHttpClientTest, ErrorMessagesNeverContainUserinfoOrQueryValues) {
  auto server = StartServer([](const TestHttpRequest& req) {
    TestHttpResponse resp;
    resp.body = std::string(100, 'x');
    if (req.target.find("/slow") == 0) resp.delay = absl::Seconds(60);
    if (req.target.find("/cut") == 0) {
      resp.fault = TestHttpResponse::Fault::kContentLengthTooLarge;
    }
    return resp;
  });
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  const std::string secret_query = "?token=tok-SECRET-123&query=up";
  auto url = [&](int port, std::string_view path) {
    return absl::StrCat("http://alice:pw-SECRET-456@127.0.0.1:", port, Sv(path),
                        secret_query);
  };
  const int refused = ::aurora::testing::FreeLoopbackPort();
  HttpRequest slow = Get(url(server->port(), "/slow"));
  slow.timeout = absl::Milliseconds(200);
  HttpRequest put = Get(url(server->port(), "/put"));
  put.method = "DELETE";  // not a method the client sends
  HttpRequest ftp =
      Get(absl::StrCat("ftp://alice:pw-SECRET-456@127.0.0.1/f", secret_query));
  HttpRequest get_with_body = Get(url(server->port(), "/body"));
  get_with_body.body = "x";

  // (No DNS failure here: the test must not depend on a resolver.)
  auto results = client->SendAll({Get(url(refused, "/refused")), slow,
                                  Get(url(server->port(), "/cut")), put, ftp,
                                  get_with_body});

  ASSERT_EQ(results.size(), 6u);
  for (const auto& r : results) {
    ASSERT_FALSE(r.ok());
    // Query keys stay (they say what was sent), values are masked.
    EXPECT_THAT(std::string(r.status().message()),
                AllOf(Not(HasSubstr("SECRET")), Not(HasSubstr("alice")),
                      Not(HasSubstr("tok-")), Not(HasSubstr("query=up")),
                      HasSubstr("?token=***&query=***")))
        << r.status();
  }
  const std::string base = absl::StrCat("http://127.0.0.1:", server->port());
  const std::string q = "?token=***&query=***";
  EXPECT_THAT(results[0],
              StatusIs(absl::StatusCode::kUnavailable,
                       StartsWith(absl::StrCat("GET http://127.0.0.1:", refused,
                                               "/refused", q, ": "))));
  EXPECT_THAT(results[1],
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       StartsWith(absl::StrCat("GET ", base, "/slow", q, ": "))));
  EXPECT_THAT(results[2],
              StatusIs(absl::StatusCode::kUnavailable,
                       StartsWith(absl::StrCat("GET ", base, "/cut", q, ": "))));
  EXPECT_THAT(results[3],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("DELETE ", base, "/put", q,
                                    ": unsupported method (GET, POST or PUT)")));
  EXPECT_THAT(results[4], StatusIs(absl::StatusCode::kInvalidArgument,
                                   StartsWith(absl::StrCat("GET ftp://127.0.0.1/f", q, ": "))));
  EXPECT_THAT(results[5],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("GET ", base, "/body", q, ": GET with a body")));
  // The credentials did reach the server, as HTTP Basic authentication.
  std::vector<TestHttpRequest> seen = server->requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen[0].Header("authorization"),
            "Basic YWxpY2U6cHctU0VDUkVULTQ1Ng==");  // alice:pw-SECRET-456
}

TEST_F(CurlHttpClientTest, RejectsMalformedRequestsWithoutSending) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  HttpRequest no_url;
  HttpRequest zero_timeout = Get("http://127.0.0.1:1/x");
  zero_timeout.timeout = absl::ZeroDuration();
  HttpRequest bad_header = Get("http://127.0.0.1:1/x");
  bad_header.headers = {{"X-Evil", "a\r\nInjected: yes"}};

  auto results = client->SendAll({no_url, zero_timeout, bad_header});

  EXPECT_THAT(results[0], StatusIs(absl::StatusCode::kInvalidArgument,
                                   "GET (empty URL): empty URL"));
  EXPECT_THAT(results[1],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "GET http://127.0.0.1:1/x: timeout must be > 0"));
  EXPECT_THAT(results[2],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "GET http://127.0.0.1:1/x: invalid header name or "
                       "value (header \"X-Evil\")"));
  EXPECT_TRUE(client->SendAll({}).empty());
}

TEST(NewCurlHttpClientTest, RejectsANonPositiveResponseLimit) {
  HttpClientOptions o;
  o.max_response_bytes = 0;
  EXPECT_THAT(NewCurlHttpClient(o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_response_bytes must be >= 1, got 0"));
}

TEST(NewCurlHttpClientTest, RejectsBadOptions) {
  HttpClientOptions zero;
  zero.max_concurrency = 0;
  EXPECT_THAT(NewCurlHttpClient(zero),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_concurrency must be >= 1, got 0"));
  HttpClientOptions missing_ca;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(NewCurlHttpClient(missing_ca),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "ca_file /nonexistent/ca.pem: cannot be read: No such "
                       "file or directory"));
  HttpClientOptions cert_only;
  cert_only.client_cert_file = "/nonexistent/cert.pem";
  EXPECT_THAT(NewCurlHttpClient(cert_only),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "client_cert_file and client_key_file go together"));
}

// HTTPS against a throw-away self-signed certificate made at test time.
class CurlHttpsTest : public CurlHttpClientTest {
 protected:
  void SetUp() override {
    CurlHttpClientTest::SetUp();
    auto cert = ::aurora::testing::MakeSelfSignedCert();
    ASSERT_OK(cert);
    cert_ = *cert;
    dir_ = absl::StrCat(::testing::TempDir(), "/http_client_test_", ::getpid());
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700) == 0 || errno == EEXIST, true);
    ca_file_ = Write("server-ca.pem", cert_.cert_pem);
  }
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path) << content;
    return path;
  }
  HttpTestServerOptions TlsOptions() const {
    HttpTestServerOptions o;
    o.tls_cert_pem = cert_.cert_pem;
    o.tls_key_pem = cert_.key_pem;
    return o;
  }

  ::aurora::testing::TestCert cert_;
  std::string dir_, ca_file_;
};

TEST_F(CurlHttpsTest, SelfSignedCertificateFailsVerificationByDefault) {
  auto server = StartServer(EchoTarget, TlsOptions());
  ASSERT_NE(server, nullptr);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/tls")));

  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kUnavailable,
                             absl::StrCat("GET ", server->url("/tls"),
                                          ": SSL certificate problem: "
                                          "self-signed certificate")));
}

TEST_F(CurlHttpsTest, CaFileMakesTheCertificateTrusted) {
  auto server = StartServer(EchoTarget, TlsOptions());
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.ca_file = ca_file_;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);

  auto results = client->SendAll(
      {Get(server->url("/a")), Get(server->url("/b")), Get(server->url("/c"))});

  for (const auto& r : results) ASSERT_OK(r);
  EXPECT_EQ(results[0]->body, "/a");
  EXPECT_EQ(results[2]->body, "/c");
  EXPECT_EQ(results[2]->status, 200);
}

TEST_F(CurlHttpsTest, InsecureSkipVerifyAcceptsAnyCertificate) {
  auto server = StartServer(EchoTarget, TlsOptions());
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.insecure_skip_verify = true;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> resp = client->Send(Get(server->url("/tls")));

  ASSERT_OK(resp);
  EXPECT_EQ(resp->body, "/tls");
}

TEST_F(CurlHttpsTest, ClientCertificateIsPresentedWhenConfigured) {
  auto client_cert = ::aurora::testing::MakeSelfSignedCert("aurora-client");
  ASSERT_OK(client_cert);
  HttpTestServerOptions tls = TlsOptions();
  tls.tls_client_ca_pem = client_cert->cert_pem;
  auto server = StartServer(EchoTarget, tls);
  ASSERT_NE(server, nullptr);
  HttpClientOptions without;
  without.ca_file = ca_file_;
  HttpClientOptions with = without;
  with.client_cert_file = Write("client.pem", client_cert->cert_pem);
  with.client_key_file = Write("client.key", client_cert->key_pem);
  auto anonymous = NewClient(without);
  auto authenticated = NewClient(with);
  ASSERT_NE(anonymous, nullptr);
  ASSERT_NE(authenticated, nullptr);

  absl::StatusOr<HttpResponse> refused =
      anonymous->Send(Get(server->url("/m")));
  absl::StatusOr<HttpResponse> ok = authenticated->Send(Get(server->url("/m")));

  EXPECT_THAT(
      refused,
      StatusIs(absl::StatusCode::kUnavailable,
               StartsWith(absl::StrCat("GET ", server->url("/m"), ": "))));
  ASSERT_OK(ok);
  EXPECT_EQ(ok->body, "/m");
}

TEST(FakeHttpClientTest, AnswersByUrlAndBodyAndRecordsRequests) {
  FakeHttpClient fake;
  fake.On("http://prom/api/v1/query", HasSubstr("query=up"),
          MakeHttpResponse(200, "up"));
  fake.On("http://prom/api/v1/query", MakeHttpResponse(200, "other"));
  fake.On("http://down/", absl::UnavailableError("down"));
  HttpRequest up;
  up.method = "POST";
  up.url = "http://prom/api/v1/query";
  up.body = "query=up&time=1";
  HttpRequest other = up;
  other.body = "query=down";
  HttpRequest down;
  down.url = "http://down/";
  HttpRequest unknown;
  unknown.url = "http://nowhere/x";

  auto results = fake.SendAll({up, other, down, unknown});

  ASSERT_OK(results[0]);
  EXPECT_EQ(results[0]->body, "up");
  ASSERT_OK(results[1]);
  EXPECT_EQ(results[1]->body, "other");
  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kUnavailable, "down"));
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kUnimplemented,
                                   "FakeHttpClient: no canned response for GET "
                                   "http://nowhere/x with body \"\""));
  EXPECT_EQ(fake.batches(), 1);
  ASSERT_EQ(fake.requests().size(), 4u);
  EXPECT_EQ(fake.requests()[1].body, "query=down");
  EXPECT_THAT(fake.Send(up), aurora::testing::IsOk());
  EXPECT_EQ(fake.batches(), 2);
}

TEST(FlakyHttpClientTest, FailsThenAnswersThenForwardsInRequestOrder) {
  FakeHttpClient fake;
  fake.On("http://prom/", MakeHttpResponse(200, "real"));
  FlakyHttpClient flaky(fake);
  flaky.FailFirst(2, absl::UnavailableError("injected"));
  flaky.RespondFirst(1, MakeHttpResponse(503, "busy"));
  HttpRequest r;
  r.url = "http://prom/";

  auto first = flaky.SendAll({r, r, r, r});
  absl::StatusOr<HttpResponse> later = flaky.Send(r);

  EXPECT_THAT(first[0], StatusIs(absl::StatusCode::kUnavailable, "injected"));
  EXPECT_THAT(first[1], StatusIs(absl::StatusCode::kUnavailable, "injected"));
  ASSERT_OK(first[2]);
  EXPECT_EQ(first[2]->status, 503);
  ASSERT_OK(first[3]);
  EXPECT_EQ(first[3]->body, "real");
  ASSERT_OK(later);
  EXPECT_EQ(later->body, "real");
  EXPECT_EQ(flaky.intercepted(), 3);
  EXPECT_EQ(flaky.forwarded(), 2);
  EXPECT_EQ(fake.requests().size(), 2u);
}

}  // namespace
}  // namespace aurora
