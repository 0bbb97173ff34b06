// File: base/curl_http_client.cc
// HttpClient over libcurl's multi interface. The only file that includes
// <curl/curl.h>: every curl handle is owned by a unique_ptr with its cleanup
// function, and no curl type escapes this file.
#include "base/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/byte_size.h"
#include "base/strings.h"
#include "base/trace.h"

namespace aurora {
namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MultiDeleter {
  void operator()(CURLM* h) const { curl_multi_cleanup(h); }
};
struct ShareDeleter {
  void operator()(CURLSH* h) const { curl_share_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SharePtr = std::unique_ptr<CURLSH, ShareDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not thread-safe before the first call on some builds;
// a function-local static runs it exactly once. Never cleaned up: the
// process may hold clients until exit.
bool GlobalInit() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

absl::Status CheckReadable(std::string_view what, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(what), " ", path, ": cannot be read: ", std::strerror(errno)));
  }
  std::fclose(f);
  return absl::OkStatus();
}

// A duration as curl's milliseconds: 0 (curl: no limit) when infinite, at
// least 1 otherwise.
long ToCurlMillis(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return 0;
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
  return static_cast<long>(std::max<int64_t>(ms, 1));
}

// One request in flight. Owned by SendEach; curl holds raw pointers to it
// (WRITEDATA, HEADERDATA, ERRORBUFFER) until the easy handle is removed.
struct Transfer {
  size_t index = 0;
  const HttpRequest* request = nullptr;
  std::string what;  // "GET http://host/path", redacted
  EasyPtr easy;
  SlistPtr headers;
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {};
  size_t max_body = 0;     // HttpClientOptions::max_response_bytes
  bool too_large = false;  // the body passed max_body: transfer aborted
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->response.body.empty() && TraceEnabled()) {
    TraceEvent(absl::StrCat("first-body-byte ", t->index));
  }
  if (size * n > t->max_body - t->response.body.size()) {
    t->too_large = true;
    return 0;  // curl aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->response.body.append(data, size * n);
  return size * n;
}

// Called once per header line, status lines included. A new status line
// (after "100 Continue" or a proxy's CONNECT reply) starts a new header set.
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  std::vector<HttpHeader>& headers = t->response.headers;
  if (line.substr(0, 5) == "HTTP/") {
    headers.clear();
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    if (!headers.empty()) {  // obsolete line folding
      absl::StrAppend(&headers.back().value, " ",
                      absl::StripAsciiWhitespace(Sv(line)));
    }
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers.push_back(
        {absl::AsciiStrToLower(Sv(line.substr(0, colon))),
         std::string(absl::StripAsciiWhitespace(Sv(line.substr(colon + 1))))});
  }
  return size * n;
}

absl::Status ValidateRequest(const HttpRequest& r, const std::string& what) {
  auto bad = [&what](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", Sv(why)));
  };
  if (r.method != "GET" && r.method != "POST" && r.method != "PUT") {
    return bad("unsupported method (GET, POST or PUT)");
  }
  if (r.url.empty()) return bad("empty URL");
  if (r.method == "GET" && !r.body.empty()) return bad("GET with a body");
  if (r.timeout <= absl::ZeroDuration()) return bad("timeout must be > 0");
  if (r.connect_timeout <= absl::ZeroDuration()) {
    return bad("connect_timeout must be > 0");
  }
  for (const HttpHeader& h : r.headers) {
    if (h.name.empty() ||
        h.name.find_first_of(":\r\n \t") != std::string::npos ||
        h.value.find_first_of("\r\n") != std::string::npos) {
      return bad(absl::StrCat("invalid header name or value (header \"",
                              absl::CHexEscape(h.name), "\")"));
    }
  }
  return absl::OkStatus();
}

absl::Status TransportError(const Transfer& t, CURLcode code) {
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    std::string_view length = t.response.Header("content-length");
    return absl::OutOfRangeError(absl::StrCat(
        t.what, ": response body ",
        length.empty() ? std::string()
                       : absl::StrCat("of ", Sv(length), " bytes "),
        "exceeds the limit of ", FormatByteSize(static_cast<int64_t>(t.max_body)),
        " (--max-response-size)"));
  }
  std::string detail =
      t.error[0] != '\0' ? std::string(t.error) : curl_easy_strerror(code);
  std::string message =
      absl::StrCat(t.what, ": ", RedactUrlIn(detail, t.request->url));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(HttpClientOptions options, SharePtr share, MultiPtr multi)
      : options_(std::move(options)),
        share_(std::move(share)),
        multi_(std::move(multi)) {}
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  std::vector<absl::StatusOr<HttpResponse>> SendAll(
      const std::vector<HttpRequest>& requests) override {
    std::vector<absl::StatusOr<HttpResponse>> results(
        requests.size(), absl::InternalError("request not sent"));
    SendEach(requests, [&results](size_t i, absl::StatusOr<HttpResponse>&& r) {
      results[i] = std::move(r);
    });
    return results;
  }
  void SendEach(const std::vector<HttpRequest>& requests,
                const DoneCallback& on_done) override;

 private:
  absl::StatusOr<std::unique_ptr<Transfer>> Start(size_t index,
                                                  const HttpRequest& r);

  const HttpClientOptions options_;
  // Declared before multi_ so it outlives it (and every easy handle).
  SharePtr share_;  // DNS cache and TLS sessions across easy handles
  MultiPtr multi_;  // owns the kept-alive connections between calls
};

absl::StatusOr<std::unique_ptr<Transfer>> CurlHttpClient::Start(
    size_t index, const HttpRequest& r) {
  auto t = std::make_unique<Transfer>();
  t->index = index;
  t->request = &r;
  t->max_body = static_cast<size_t>(options_.max_response_bytes);
  t->what = absl::StrCat(r.method, " ",
                         r.url.empty() ? "(empty URL)" : RedactUrl(r.url));
  if (absl::Status s = ValidateRequest(r, t->what); !s.ok()) return s;

  t->easy.reset(curl_easy_init());
  if (t->easy == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(t->what, ": curl_easy_init failed"));
  }
  CURL* e = t->easy.get();
  CURLcode rc = CURLE_OK;
  auto set = [&rc, e](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(e, option, value);
  };
  set(CURLOPT_ERRORBUFFER, t->error);
  set(CURLOPT_URL, r.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_SHARE, share_.get());
  set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  set(CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  set(CURLOPT_TIMEOUT_MS, ToCurlMillis(r.timeout));
  set(CURLOPT_CONNECTTIMEOUT_MS, ToCurlMillis(r.connect_timeout));
  set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, t.get());
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, t.get());
  // Refuses at once a body whose Content-Length is over the limit (OnBody
  // catches the others, decoded, as they arrive).
  set(CURLOPT_MAXFILESIZE_LARGE,
      static_cast<curl_off_t>(options_.max_response_bytes));
  if (r.method == "POST" || r.method == "PUT") {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDS, r.body.data());
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    // PUT with an in-memory body: the POST machinery under another verb.
    if (r.method == "PUT") set(CURLOPT_CUSTOMREQUEST, "PUT");
  } else {
    set(CURLOPT_HTTPGET, 1L);
  }
  if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.client_cert_file.empty()) {
    set(CURLOPT_SSLCERT, options_.client_cert_file.c_str());
    set(CURLOPT_SSLKEY, options_.client_key_file.c_str());
  }
  if (options_.insecure_skip_verify) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }

  bool has_expect = false, has_accept_encoding = false;
  curl_slist* list = nullptr;
  for (const HttpHeader& h : r.headers) {
    has_expect |= absl::EqualsIgnoreCase(h.name, "expect");
    has_accept_encoding |= absl::EqualsIgnoreCase(h.name, "accept-encoding");
    // "Name;" is curl's way to send a header with an empty value.
    std::string line = h.value.empty() ? absl::StrCat(h.name, ";")
                                       : absl::StrCat(h.name, ": ", h.value);
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      return absl::ResourceExhaustedError(
          absl::StrCat(t->what, ": curl_slist_append failed"));
    }
    list = next;
  }
  // No "Expect: 100-continue" round trip before a POST body.
  if (r.method != "GET" && !has_expect) {
    curl_slist* next = curl_slist_append(list, "Expect:");
    if (next != nullptr) list = next;
  }
  // On loopback, compression costs the server (Prometheus: ~40 % of its CPU
  // on a large range read) and us CPU and saves no time: ask for none. A
  // compressed answer is still decoded (CURLOPT_ACCEPT_ENCODING above).
  if (!has_accept_encoding && IsLoopbackUrl(r.url)) {
    curl_slist* next = curl_slist_append(list, "Accept-Encoding: identity");
    if (next != nullptr) list = next;
  }
  t->headers.reset(list);
  if (list != nullptr) set(CURLOPT_HTTPHEADER, list);
  if (rc != CURLE_OK) {
    return absl::InternalError(absl::StrCat(
        t->what, ": curl_easy_setopt failed: ", curl_easy_strerror(rc)));
  }
  return t;
}

void CurlHttpClient::SendEach(const std::vector<HttpRequest>& requests,
                              const DoneCallback& on_done) {
  // Each result goes to on_done and is not kept (nor is its body).
  std::deque<size_t> queue;
  for (size_t i = 0; i < requests.size(); ++i) queue.push_back(i);
  std::map<CURL*, std::unique_ptr<Transfer>> in_flight;
  const size_t limit = static_cast<size_t>(options_.max_concurrency);

  auto finish = [&](CURL* easy, absl::StatusOr<HttpResponse> result) {
    auto it = in_flight.find(easy);
    curl_multi_remove_handle(multi_.get(), easy);
    size_t index = it->second->index;
    in_flight.erase(it);
    on_done(index, std::move(result));
  };

  while (!queue.empty() || !in_flight.empty()) {
    while (in_flight.size() < limit && !queue.empty()) {
      size_t i = queue.front();
      queue.pop_front();
      absl::StatusOr<std::unique_ptr<Transfer>> t = Start(i, requests[i]);
      if (!t.ok()) {
        on_done(i, t.status());
        continue;
      }
      CURL* easy = (*t)->easy.get();
      if (CURLMcode mc = curl_multi_add_handle(multi_.get(), easy);
          mc != CURLM_OK) {
        on_done(i, absl::InternalError(absl::StrCat(
                        (*t)->what, ": curl_multi_add_handle: ",
                        curl_multi_strerror(mc))));
        continue;
      }
      if (TraceEnabled()) {
        TraceEvent(absl::StrCat("send ", i, " ", (*t)->what, " body ",
                                requests[i].body.size(), " bytes"));
      }
      in_flight.emplace(easy, *std::move(t));
    }
    if (in_flight.empty()) continue;

    int running = 0;
    if (CURLMcode mc = curl_multi_perform(multi_.get(), &running);
        mc != CURLM_OK) {
      while (!in_flight.empty()) {
        const Transfer& t = *in_flight.begin()->second;
        finish(t.easy.get(),
               absl::InternalError(absl::StrCat(
                   t.what, ": curl_multi_perform: ", curl_multi_strerror(mc))));
      }
      continue;
    }
    bool finished_any = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;  // msg dies with remove_handle
      Transfer& t = *in_flight.at(easy);
      absl::StatusOr<HttpResponse> result;
      if (code != CURLE_OK) {
        result = TransportError(t, code);
      } else {
        long status = 0;
        curl_off_t micros = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &micros);
        t.response.status = static_cast<int>(status);
        t.response.elapsed = absl::Microseconds(micros);
        if (TraceEnabled()) {
          curl_off_t connect = 0, pretransfer = 0, starttransfer = 0;
          curl_off_t download = 0;
          curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
          curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
          curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T,
                            &starttransfer);
          curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &download);
          TraceEvent(absl::StrCat(
              "done ", t.index, " status ", status, " connect_us ", connect,
              " pretransfer_us ", pretransfer, " starttransfer_us ",
              starttransfer, " total_us ", micros, " wire_bytes ", download,
              " body_bytes ", t.response.body.size()));
        }
        result = std::move(t.response);
      }
      finish(easy, std::move(result));
      finished_any = true;
    }
    // Nothing finished: wait for socket activity or curl's next timeout
    // (curl_multi_poll never waits longer than curl's own timers need).
    if (!finished_any && running > 0) {
      curl_multi_poll(multi_.get(), nullptr, 0, 1000, nullptr);
    }
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> NewCurlHttpClient(
    const HttpClientOptions& options) {
  if (options.max_concurrency < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_concurrency must be >= 1, got ", options.max_concurrency));
  }
  if (options.max_response_bytes < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_response_bytes must be >= 1, got ", options.max_response_bytes));
  }
  if (options.client_cert_file.empty() != options.client_key_file.empty()) {
    return absl::InvalidArgumentError(
        "client_cert_file and client_key_file go together");
  }
  if (!options.ca_file.empty()) {
    if (absl::Status s = CheckReadable("ca_file", options.ca_file); !s.ok()) {
      return s;
    }
  }
  if (!options.client_cert_file.empty()) {
    if (absl::Status s =
            CheckReadable("client_cert_file", options.client_cert_file);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            CheckReadable("client_key_file", options.client_key_file);
        !s.ok()) {
      return s;
    }
  }
  if (!GlobalInit()) return absl::InternalError("curl_global_init failed");

  SharePtr share(curl_share_init());
  MultiPtr multi(curl_multi_init());
  if (share == nullptr || multi == nullptr) {
    return absl::ResourceExhaustedError(
        "curl_share_init/curl_multi_init failed");
  }
  if (curl_share_setopt(share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
          CURLSHE_OK ||
      curl_share_setopt(share.get(), CURLSHOPT_SHARE,
                        CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
    return absl::InternalError("curl_share_setopt failed");
  }
  // Keep one idle connection per possible concurrent request.
  curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS,
                    static_cast<long>(options.max_concurrency));
  TraceEvent("http-client-ready");
  return std::unique_ptr<HttpClient>(
      new CurlHttpClient(options, std::move(share), std::move(multi)));
}

}  // namespace aurora
