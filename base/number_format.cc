#include "base/number_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "base/strings.h"

namespace aurora {

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

namespace {

// printf's "%.<precision>g" (std::to_chars in general format is specified
// to print what printf prints), without printf's locale and parsing costs.
std::string_view FormatGeneral(double v, int precision, char (&buf)[64]) {
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
  return std::string_view(buf, static_cast<size_t>(res.ptr - buf));
}

}  // namespace

std::string FormatNumberShort(double v) {
  std::string full = FormatNumber(v);
  if (!std::isfinite(v) || full.size() <= 8) return full;
  char buf[64];
  std::string_view six = FormatGeneral(v, 6, buf);
  double back = 0;
  std::from_chars(six.data(), six.data() + six.size(), back);
  if (back == v) return full.size() < six.size() ? full : std::string(six);
  if (std::floor(back) == back && std::floor(v) != v) {
    return std::string(FormatGeneral(v, 12, buf));
  }
  return std::string(six);
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string_view t = Sv(absl::StripAsciiWhitespace(Sv(text)));
  if (t.empty()) return std::nullopt;
  std::string_view body = t;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (absl::EqualsIgnoreCase(Sv(body), "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (absl::EqualsIgnoreCase(Sv(body), "inf") ||
      absl::EqualsIgnoreCase(Sv(body), "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity()
               : std::numeric_limits<double>::infinity();
  }
  if (body.empty()) return std::nullopt;
  // strtod accepts hex floats and "nan(...)"; we only want decimals.
  for (char c : body) {
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  // Fast path: std::from_chars (correctly rounded, as glibc's strtod) for a
  // plain in-range decimal; anything else (overflow to ±Inf, underflow, a
  // second sign) goes to strtod as before.
  if (absl::ascii_isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.') {
    double v = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                     std::chars_format::general);
    if (ec == std::errc() && ptr == body.data() + body.size()) return neg ? -v : v;
  }
  std::string s(t);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace aurora
