// File: tests/testing/fake_http_client.h
// Test doubles for the HttpClient seam: FakeHttpClient answers from canned
// responses and records every request; FlakyHttpClient wraps another client
// and fails (or answers) the first requests as scripted, for error paths.
#ifndef AURORA_TESTS_TESTING_FAKE_HTTP_CLIENT_H_
#define AURORA_TESTS_TESTING_FAKE_HTTP_CLIENT_H_

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/http_client.h"
#include "gmock/gmock.h"

namespace aurora::testing {

// A response with `status`, `body` and optional headers (names lower-case).
inline HttpResponse MakeHttpResponse(int status, std::string body,
                                     std::vector<HttpHeader> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// Answers each request with the first canned result (in the order added)
// whose URL equals the request's and whose body matcher accepts its body.
// A request nothing matches gets kUnimplemented naming it. Thread-safe.
class FakeHttpClient : public HttpClient {
 public:
  // Any body.
  void On(std::string url, absl::StatusOr<HttpResponse> result) {
    On(std::move(url), ::testing::A<const std::string&>(), std::move(result));
  }
  // e.g. On(url, HasSubstr("query=up"), MakeHttpResponse(200, json)).
  void On(std::string url, ::testing::Matcher<const std::string&> body,
          absl::StatusOr<HttpResponse> result) {
    std::lock_guard<std::mutex> lock(mu_);
    canned_.push_back({std::move(url), std::move(body), std::move(result)});
  }

  // Every request received, in order.
  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // How many SendAll calls (batches) were made.
  int batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }

  std::vector<absl::StatusOr<HttpResponse>> SendAll(
      const std::vector<HttpRequest>& requests) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++batches_;
    std::vector<absl::StatusOr<HttpResponse>> out;
    for (const HttpRequest& r : requests) {
      requests_.push_back(r);
      out.push_back(Answer(r));
    }
    return out;
  }

 private:
  struct Canned {
    std::string url;
    ::testing::Matcher<const std::string&> body;
    absl::StatusOr<HttpResponse> result;
  };

  absl::StatusOr<HttpResponse> Answer(const HttpRequest& r) const {
    for (const Canned& c : canned_) {
      if (c.url == r.url && c.body.Matches(r.body)) return c.result;
    }
    return absl::UnimplementedError(
        absl::StrCat("FakeHttpClient: no canned response for ", r.method, " ",
                     r.url, " with body \"", absl::CHexEscape(r.body), "\""));
  }

  mutable std::mutex mu_;
  std::vector<Canned> canned_;
  std::vector<HttpRequest> requests_;
  int batches_ = 0;
};

// Decorator (leveldb's EnvWrapper/ErrorEnv): the next scripted outcomes
// answer the first requests (counted across SendAll calls, in request order)
// without reaching `base`; the rest are forwarded to `base` in one SendAll.
// `base` must outlive this. Thread-compatible, like HttpClient.
class FlakyHttpClient : public HttpClient {
 public:
  explicit FlakyHttpClient(HttpClient& base) : base_(base) {}

  // The next `n` requests fail with `status` (e.g. UnavailableError(...)).
  void FailFirst(int n, absl::Status status) {
    for (int i = 0; i < n; ++i) script_.push_back(status);
  }
  // The next `n` requests get `response` (e.g. a 503).
  void RespondFirst(int n, HttpResponse response) {
    for (int i = 0; i < n; ++i) script_.push_back(response);
  }

  int intercepted() const { return intercepted_; }
  int forwarded() const { return forwarded_; }

  std::vector<absl::StatusOr<HttpResponse>> SendAll(
      const std::vector<HttpRequest>& requests) override {
    std::vector<absl::StatusOr<HttpResponse>> out(requests.size(),
                                                  absl::InternalError("unset"));
    std::vector<HttpRequest> pass;
    std::vector<size_t> pass_index;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!script_.empty()) {
        out[i] = std::move(script_.front());
        script_.pop_front();
        ++intercepted_;
      } else {
        pass.push_back(requests[i]);
        pass_index.push_back(i);
      }
    }
    if (!pass.empty()) {
      std::vector<absl::StatusOr<HttpResponse>> got = base_.SendAll(pass);
      for (size_t j = 0; j < got.size(); ++j) {
        out[pass_index[j]] = std::move(got[j]);
      }
      forwarded_ += static_cast<int>(pass.size());
    }
    return out;
  }

 private:
  HttpClient& base_;
  std::deque<absl::StatusOr<HttpResponse>> script_;
  int intercepted_ = 0, forwarded_ = 0;
};

// A factory whose every client forwards to `to`, so a fixture keeps the
// fake (its canned answers and recorded requests) whatever the settings.
inline HttpClientFactory ForwardingTo(std::shared_ptr<FakeHttpClient> to) {
  return [to](const HttpClientOptions&)
             -> absl::StatusOr<std::unique_ptr<HttpClient>> {
    struct Forward : HttpClient {
      std::shared_ptr<FakeHttpClient> to;
      std::vector<absl::StatusOr<HttpResponse>> SendAll(
          const std::vector<HttpRequest>& r) override {
        return to->SendAll(r);
      }
    };
    auto f = std::make_unique<Forward>();
    f->to = to;
    return std::unique_ptr<HttpClient>(std::move(f));
  };
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_FAKE_HTTP_CLIENT_H_
