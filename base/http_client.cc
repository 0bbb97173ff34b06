// File: base/http_client.cc
// The transport-independent parts of the HTTP seam: Send, header lookup, URL
// redaction (RedactUrl, UrlSecrets, RedactUrlIn) and form encoding.
#include "base/http_client.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_replace.h"
#include "base/strings.h"

namespace aurora {

std::string_view HttpResponse::Header(std::string_view lower_name) const {
  for (const HttpHeader& h : headers) {
    if (h.name == lower_name) return h.value;
  }
  return {};
}

void HttpClient::SendEach(const std::vector<HttpRequest>& requests,
                          const DoneCallback& on_done) {
  std::vector<absl::StatusOr<HttpResponse>> results = SendAll(requests);
  for (size_t i = 0; i < results.size(); ++i) on_done(i, std::move(results[i]));
}

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& r) {
  std::vector<absl::StatusOr<HttpResponse>> results = SendAll({r});
  return std::move(results[0]);
}

namespace {

// Offsets of the parts of a URL (RFC 3986: scheme "://" [userinfo "@"] host
// [":" port] path ["?" query] ["#" fragment]; the authority ends at the
// first '/', '?' or '#').
struct UrlParts {
  size_t authority = 0;  // just after "://" (0 without a scheme)
  size_t host = 0;       // after "userinfo@" when there is one
  size_t path = 0;       // '/' or the end of the authority
  size_t query = 0;      // '?' or the end of the path
  size_t fragment = 0;   // '#' or url.size()
};

UrlParts Split(std::string_view url) {
  UrlParts p;
  size_t scheme = url.find("://");
  p.authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  p.path = url.find_first_of("/?#", p.authority);
  if (p.path == std::string_view::npos) p.path = url.size();
  size_t at = url.substr(0, p.path).rfind('@');
  p.host = (at == std::string_view::npos || at < p.authority) ? p.authority
                                                              : at + 1;
  p.fragment = url.find('#', p.path);
  if (p.fragment == std::string_view::npos) p.fragment = url.size();
  p.query = url.substr(0, p.fragment).find('?', p.path);
  if (p.query == std::string_view::npos) p.query = p.fragment;
  return p;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HostIs(std::string_view host, std::string_view domain) {
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (EqualsIgnoreCase(host, domain)) return true;
  return host.size() > domain.size() &&
         host[host.size() - domain.size() - 1] == '.' &&
         EqualsIgnoreCase(host.substr(host.size() - domain.size()), domain);
}

// A long random-looking token: letters and digits mixed over >= 16
// characters, or upper and lower case over >= 32 (base64 without digits).
// Words, version numbers and ports do not qualify.
bool LooksRandom(std::string_view s) {
  bool digit = false, lower = false, upper = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (std::string_view("-_.~+=%:").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return (s.size() >= 16 && digit && (lower || upper)) ||
         (s.size() >= 32 && lower && upper);
}

// A segment that says it is a secret ("secret-token", "apiKey=...").
bool NamesASecret(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"secret", "token", "passw", "apikey", "api_key"}) {
    if (lower.find(word) != std::string::npos && lower != word) return true;
  }
  return false;
}

// The path segments of `url` (between '/'), each with whether it is secret.
std::vector<std::pair<std::string_view, bool>> PathSegments(
    std::string_view url, const UrlParts& p) {
  std::vector<std::pair<std::string_view, bool>> out;
  std::string_view host = url.substr(p.host, p.path - p.host);
  std::string_view path = url.substr(p.path, p.query - p.path);
  bool rest_secret = false;  // every later segment is secret
  bool next_secret = false;  // the next segment is secret
  size_t i = path.empty() || path[0] != '/' ? 0 : 1;
  while (i <= path.size() && !path.empty()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(i, slash - i);
    bool secret = !seg.empty() && (rest_secret || next_secret ||
                                   LooksRandom(seg) || NamesASecret(seg));
    out.emplace_back(seg, secret);
    next_secret = false;
    // Slack (/services/T/B/token, any path on hooks.slack.com), Discord
    // (/api/webhooks/id/token), Mattermost and most receivers (/hooks/key)
    // put the token in the path after such a segment, also behind proxies.
    for (std::string_view word : {"services", "webhooks", "webhook", "hooks", "hook"}) {
      if (EqualsIgnoreCase(seg, word)) rest_secret = true;
    }
    if (HostIs(host, "hooks.slack.com")) rest_secret = true;
    for (std::string_view key : {"token", "key", "secret", "apikey", "password"}) {
      if (EqualsIgnoreCase(seg, key)) next_secret = true;
    }
    i = slash + 1;
  }
  return out;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  UrlParts p = Split(url);
  std::string out(url.substr(0, p.authority));
  out.append(url.substr(p.host, p.path - p.host));
  std::string_view path = url.substr(p.path, p.query - p.path);
  if (!path.empty() && path[0] == '/') out.push_back('/');
  bool first = true;
  for (const auto& [seg, secret] : PathSegments(url, p)) {
    if (!first) out.push_back('/');
    first = false;
    out.append(secret ? std::string_view("***") : seg);
  }
  if (p.query < p.fragment) {
    std::string_view query = url.substr(p.query + 1, p.fragment - p.query - 1);
    out.push_back('?');
    size_t i = 0;
    while (i <= query.size()) {
      size_t amp = query.find('&', i);
      if (amp == std::string_view::npos) amp = query.size();
      std::string_view field = query.substr(i, amp - i);
      size_t eq = field.find('=');
      if (i > 0) out.push_back('&');
      // A bare field ("?XXXX") may itself be the token.
      if (eq != std::string_view::npos) out.append(field.substr(0, eq + 1));
      out.append("***");
      i = amp + 1;
    }
  }
  return out;
}

bool IsLoopbackUrl(std::string_view url) {
  UrlParts p = Split(url);
  std::string_view host = url.substr(p.host, p.path - p.host);
  if (!host.empty() && host[0] == '[') {
    return host.substr(0, host.find(']') + 1) == "[::1]";
  }
  host = host.substr(0, host.find(':'));
  if (EqualsIgnoreCase(host, "localhost")) return true;
  // 127.a.b.c, each a decimal byte
  if (host.substr(0, 4) != "127.") return false;
  int dots = 0, digits = 0, value = 0;
  for (char c : host.substr(4)) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = value = 0;
    } else if (c >= '0' && c <= '9' && digits < 3) {
      value = value * 10 + (c - '0');
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return dots == 2 && digits > 0;
}

std::vector<std::string> UrlSecrets(std::string_view url) {
  UrlParts p = Split(url);
  std::vector<std::string> secrets;
  if (p.host > p.authority) {
    std::string_view userinfo = url.substr(p.authority, p.host - 1 - p.authority);
    secrets.emplace_back(userinfo);
    size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
      secrets.emplace_back(userinfo.substr(colon + 1));
    }
  }
  for (const auto& [seg, secret] : PathSegments(url, p)) {
    if (secret) secrets.emplace_back(seg);
  }
  if (p.query < p.fragment) {
    std::string_view query = url.substr(p.query + 1, p.fragment - p.query - 1);
    secrets.emplace_back(query);
    size_t i = 0;
    while (i < query.size()) {
      size_t amp = query.find('&', i);
      if (amp == std::string_view::npos) amp = query.size();
      std::string_view field = query.substr(i, amp - i);
      size_t eq = field.find('=');
      secrets.emplace_back(eq == std::string_view::npos ? field
                                                        : field.substr(eq + 1));
      i = amp + 1;
    }
  }
  if (p.fragment < url.size()) secrets.emplace_back(url.substr(p.fragment + 1));
  secrets.erase(
      std::remove_if(secrets.begin(), secrets.end(),
                     [](const std::string& s) { return s.size() < 3; }),
      secrets.end());
  std::stable_sort(secrets.begin(), secrets.end(),
                   [](const std::string& a, const std::string& b) {
                     return a.size() > b.size();
                   });
  return secrets;
}

std::string RedactUrlIn(std::string_view text, std::string_view url) {
  std::string out(text);
  if (url.empty()) return out;
  out = absl::StrReplaceAll(out, {{Sv(url), RedactUrl(url)}});
  for (const std::string& s : UrlSecrets(url)) {
    out = absl::StrReplaceAll(out, {{s, "***"}});
  }
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
