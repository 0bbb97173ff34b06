// File: queries/http_source.h
// An `http` source: the request its gate-file entry describes, and the
// samples of the response (status code, latency, and the `values:` picked
// from a JSON body). Pure: the fetch itself goes through HttpClient in
// gates/core/source_cache.cc.
#ifndef AURORA_QUERIES_HTTP_SOURCE_H_
#define AURORA_QUERIES_HTTP_SOURCE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "base/http_client.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

// The request of http source `s`: its method, url, body, timeout and
// headers, then `auth_headers` (bearer/basic, read from files by the
// caller). A POST body without a Content-Type header is sent as
// application/json; Accept defaults to application/json.
HttpRequest HttpSourceRequest(const SourceSpec& s,
                              std::vector<HttpHeader> auth_headers);

// The samples of `response` to source `s`:
//   http_status_code       the HTTP status (a 503 is a value, not an error)
//   http_response_seconds  time to the whole response
//   each `values:` metric  picked from the body of a 2xx response (JSON, or
//                          JSON lines by Content-Type or content); for any
//                          other status, or a body that is not JSON, they
//                          are metric_errors naming the URL (redacted).
// A transport failure (refused, timeout, TLS) is returned as is: the
// client's message names the method and the redacted URL.
absl::StatusOr<ArtifactData> HttpSourceSamples(
    const SourceSpec& s, const absl::StatusOr<HttpResponse>& response);

}  // namespace aurora

#endif  // AURORA_QUERIES_HTTP_SOURCE_H_
