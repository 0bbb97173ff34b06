// File: base/http_client.h
// The HTTP seam: the Prometheus source and the webhook sender take an
// HttpClient&, so tests can pass a fake (tests/testing/fake_http_client.h).
// Transport failures are Statuses; an HTTP 4xx/5xx is a response. The libcurl
// implementation is base/curl_http_client.h.
#ifndef AURORA_BASE_HTTP_CLIENT_H_
#define AURORA_BASE_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aurora {

struct HttpHeader {
  std::string name, value;
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST or PUT (else: InvalidArgument)
  std::string url;             // http:// or https://
  std::vector<HttpHeader> headers;
  std::string body;  // sent as is (e.g. form-encoded, JSON); POST/PUT only
  absl::Duration timeout = absl::Seconds(30);  // total, connect included
  absl::Duration connect_timeout = absl::Seconds(5);
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;  // names lower-cased, values trimmed
  std::string body;                 // decoded (gzip/deflate handled)
  absl::Duration elapsed;
  // The value of the first header named `lower_name`; "" when absent.
  std::string_view Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  std::string ca_file;  // extra CA bundle (PEM); default: system store
  std::string client_cert_file, client_key_file;  // mutual TLS (PEM)
  bool insecure_skip_verify = false;              // explicit opt-in only
  int max_concurrency = 8;  // requests in flight at once in SendAll
  // The largest response body accepted (decoded), >= 1. A larger one fails
  // the request with kOutOfRange as soon as the limit is passed (or at once
  // when Content-Length announces it), never read whole.
  int64_t max_response_bytes = int64_t{256} << 20;
  std::string user_agent = "aurora-gate";
  // Proxy: libcurl's usual environment (http_proxy, https_proxy, no_proxy)
  // is honoured. Redirects are not followed: a 3xx is a response.
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends every request, at most max_concurrency at once over kept-alive
  // connections, and returns one result per request in the same order.
  // Transport failures are statuses: kUnavailable (refused, reset, DNS, TLS,
  // truncated transfer), kDeadlineExceeded (timeout), kOutOfRange (body
  // larger than max_response_bytes, not worth retrying); a malformed request
  // (method, URL, timeout, GET with a body) is kInvalidArgument. An HTTP
  // error status (4xx/5xx) is NOT a failure: it is a response. Messages name
  // the method and the URL as RedactUrl shows it (never log secrets), e.g.
  // "GET http://host:9090/api/v1/query: ...".
  // Blocks until every request has finished or failed.
  // Thread-compatible: one SendAll at a time per client.
  virtual std::vector<absl::StatusOr<HttpResponse>> SendAll(
      const std::vector<HttpRequest>& requests) = 0;

  // Called once per request with its result (what SendAll returns for it);
  // the callee owns the result (it may move from it).
  using DoneCallback = std::function<void(
      size_t index, absl::StatusOr<HttpResponse>&& result)>;
  // Sends like SendAll but hands each result to `on_done` as soon as it is
  // known (in completion order, on the calling thread, before returning)
  // and keeps none of them: a caller works on early answers while slower
  // ones are in flight, and memory is bounded by what is in flight, not by
  // the number of requests. `on_done` is required. The default calls
  // SendAll, then `on_done` for each result in request order.
  virtual void SendEach(const std::vector<HttpRequest>& requests,
                        const DoneCallback& on_done);

  // SendAll({r})[0].
  absl::StatusOr<HttpResponse> Send(const HttpRequest& r);
};

// The one way a URL is shown in a log line, report, metric label or error
// message. Userinfo and fragment are dropped, every query value is masked
// ("?token=***&a=***"), and so is each path segment that carries a secret:
// every segment after one named services, webhooks, webhook, hooks or hook
// (Slack's /services/T/B/token, Discord's /api/webhooks/id/token,
// Mattermost's /hooks/key: the token is in the path) and after the first on
// hooks.slack.com; a segment after one named token, key, secret, apikey or
// password; a segment whose name says secret/token/password
// ("secret-token"); and any long random-looking segment (>= 16 characters of
// letters and digits mixed, or >= 32 of upper and lower case). Ordinary URLs
// stay readable: "http://host:9090/api/v1/query" is returned as is.
//   "https://u:pw@hooks.slack.com/services/T0/B0/XXXX?x=1#f"
//     -> "https://hooks.slack.com/services/***/***/***?x=***"
std::string RedactUrl(std::string_view url);

// The pieces of `url` that RedactUrl masks (userinfo, password, query string
// and values, fragment, secret path segments), longest first; pieces shorter
// than 3 bytes are left out (hiding them would mangle a message).
std::vector<std::string> UrlSecrets(std::string_view url);

// `text` (an error message that may quote `url` or pieces of it, as curl's
// error buffer does) with `url` replaced by RedactUrl(url) and then every
// UrlSecrets(url) piece by "***".
std::string RedactUrlIn(std::string_view text, std::string_view url);

// Whether `url`'s host is the loopback interface: localhost, 127.0.0.0/8 or
// [::1] (userinfo and port ignored; case-insensitive).
bool IsLoopbackUrl(std::string_view url);

// application/x-www-form-urlencoded encoding of key/value pairs in the given
// order: "k=v&k2=v2". Bytes other than A-Z a-z 0-9 - . _ ~ become %XX
// (upper-case hex) and a space '+', as Go's url.QueryEscape (Prometheus).
std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields);

// Makes a client for one TLS / timeout setting (live sources and actions
// each ask for the settings they need). Production: NewCurlHttpClient.
using HttpClientFactory =
    std::function<absl::StatusOr<std::unique_ptr<HttpClient>>(
        const HttpClientOptions&)>;

}  // namespace aurora

#endif  // AURORA_BASE_HTTP_CLIENT_H_
