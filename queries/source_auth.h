// File: queries/source_auth.h
// The HTTP settings of a prometheus or http source: its client options
// (TLS) and its request headers, with bearer tokens and basic-auth
// passwords read from their files at run time. Errors name the file, never
// its content.
#ifndef AURORA_QUERIES_SOURCE_AUTH_H_
#define AURORA_QUERIES_SOURCE_AUTH_H_

#include <vector>

#include "absl/status/statusor.h"
#include "base/file_reader.h"
#include "base/http_client.h"
#include "rules/gate.h"

namespace aurora {

// `headers:` of `s`, then Authorization from bearer_token_file or
// basic_auth. FailedPrecondition when a secret file cannot be read.
absl::StatusOr<std::vector<HttpHeader>> SourceHeaders(const SourceSpec& s,
                                                      FileReader& files);

// TLS settings of `s`, and `max_concurrency`.
HttpClientOptions SourceClientOptions(const SourceSpec& s, int max_concurrency);

}  // namespace aurora

#endif  // AURORA_QUERIES_SOURCE_AUTH_H_
