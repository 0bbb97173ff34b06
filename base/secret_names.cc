#include "base/secret_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "base/http_client.h"
#include "base/strings.h"

namespace aurora {
namespace {

constexpr std::string_view kHidden = "(hidden)";

// scheme "://" per RFC 3986: a letter, then letters, digits, + - .
bool LooksLikeUrl(std::string_view v) {
  const size_t colon = v.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(v[0]))) return false;
  for (char c : v.substr(0, colon)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' &&
        c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool LooksSecretName(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(Sv(name));
  for (const char* part :
       {"token", "secret", "password", "passwd", "credential", "cookie",
        "bearer", "private", "signing", "signature", "session", "webhook",
        "apikey", "auth", "key"}) {
    if (absl::StrContains(lower, part)) return true;
  }
  const std::vector<std::string> words =
      absl::StrSplit(lower, absl::ByAnyChar("_-. "), absl::SkipEmpty());
  for (const std::string& w : words) {
    for (const char* secret :
         {"pass", "pw", "pwd", "pat", "sig", "hook", "dsn", "salt", "otp"}) {
      if (w == secret) return true;
    }
  }
  return false;
}

std::string ShownSettingValue(std::string_view name, std::string_view value,
                              bool always_hidden) {
  if (always_hidden || LooksSecretName(name)) return std::string(kHidden);
  if (LooksLikeUrl(value)) return RedactUrl(value);
  return std::string(value);
}

}  // namespace aurora
