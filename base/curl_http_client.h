// File: base/curl_http_client.h
// The production HttpClient: libcurl's multi interface, with connections kept
// alive between calls and DNS/TLS sessions shared. base/curl_http_client.cc is
// the only file in the project that includes <curl/curl.h>.
#ifndef AURORA_BASE_CURL_HTTP_CLIENT_H_
#define AURORA_BASE_CURL_HTTP_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "base/http_client.h"

namespace aurora {

// Returns a libcurl client (Accept-Encoding: gzip, deflate, but identity to a
// loopback host unless the request sets it; gzip answers decoded; HTTP and HTTPS
// only; redirects not followed). kInvalidArgument when max_concurrency < 1,
// a client key is given without a certificate (or the reverse), or a named
// ca/cert/key file cannot be read (the message names the file). The client
// is thread-compatible; distinct clients may be used from distinct threads.
absl::StatusOr<std::unique_ptr<HttpClient>> NewCurlHttpClient(
    const HttpClientOptions& options);

}  // namespace aurora

#endif  // AURORA_BASE_CURL_HTTP_CLIENT_H_
