#include "queries/source_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace aurora {

absl::StatusOr<std::vector<HttpHeader>> SourceHeaders(const SourceSpec& s,
                                                      FileReader& files) {
  std::vector<HttpHeader> out;
  for (const auto& [k, v] : s.headers) out.push_back({k, v});
  if (!s.bearer_token_file.empty()) {
    absl::StatusOr<std::string> token = files.ReadFile(s.bearer_token_file);
    if (!token.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("bearer_token_file: ", token.status().message()));
    }
    out.push_back({"Authorization",
                   absl::StrCat("Bearer ", absl::StripAsciiWhitespace(*token))});
  }
  if (!s.basic_auth_username.empty()) {
    absl::StatusOr<std::string> pw = files.ReadFile(s.basic_auth_password_file);
    if (!pw.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("basic_auth password_file: ", pw.status().message()));
    }
    std::string raw = absl::StrCat(s.basic_auth_username, ":",
                                   absl::StripTrailingAsciiWhitespace(*pw));
    out.push_back({"Authorization", "Basic " + absl::Base64Escape(raw)});
  }
  return out;
}

HttpClientOptions SourceClientOptions(const SourceSpec& s, int max_concurrency) {
  HttpClientOptions o;
  o.ca_file = s.ca_file;
  o.client_cert_file = s.cert_file;
  o.client_key_file = s.key_file;
  o.insecure_skip_verify = s.insecure_skip_verify;
  o.max_concurrency = max_concurrency;
  return o;
}

}  // namespace aurora
