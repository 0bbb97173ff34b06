// File: base/http_client.cc
// The transport-independent parts of the HTTP seam: Send, header lookup, URL
// redaction and form encoding.
#include "base/http_client.h"

#include <string>
#include <string_view>

namespace aurora {

std::string_view HttpResponse::Header(std::string_view lower_name) const {
  for (const HttpHeader& h : headers) {
    if (h.name == lower_name) return h.value;
  }
  return {};
}

std::vector<absl::StatusOr<HttpResponse>> HttpClient::SendAllReporting(
    const std::vector<HttpRequest>& requests, const DoneCallback& on_done) {
  std::vector<absl::StatusOr<HttpResponse>> results = SendAll(requests);
  if (on_done) {
    for (size_t i = 0; i < results.size(); ++i) on_done(i, results[i]);
  }
  return results;
}

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& r) {
  std::vector<absl::StatusOr<HttpResponse>> results = SendAll({r});
  return std::move(results[0]);
}

std::string RedactUrl(std::string_view url) {
  // RFC 3986: scheme "://" [userinfo "@"] host [":" port] path ["?" query]
  // ["#" fragment]; the authority ends at the first '/', '?' or '#'.
  size_t authority = url.find("://");
  authority = authority == std::string_view::npos ? 0 : authority + 3;
  size_t path = url.find_first_of("/?#", authority);
  if (path == std::string_view::npos) path = url.size();
  size_t at = url.substr(0, path).rfind('@');
  size_t host =
      (at == std::string_view::npos || at < authority) ? authority : at + 1;
  size_t end = url.find_first_of("?#", path);
  if (end == std::string_view::npos) end = url.size();
  std::string out(url.substr(0, authority));
  out.append(url.substr(host, end - host));
  return out;
}

std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  auto append = [&out](std::string_view s) {
    for (unsigned char c : s) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
          c == '~') {
        out.push_back(static_cast<char>(c));
      } else if (c == ' ') {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  };
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back('&');
    append(fields[i].first);
    out.push_back('=');
    append(fields[i].second);
  }
  return out;
}

}  // namespace aurora
