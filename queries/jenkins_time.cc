#include "queries/jenkins_time.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace aurora {
namespace {

// CaseResult.clampDuration: at most 365 days.
constexpr double kMaxDurationSeconds = 365.0 * 24 * 60 * 60;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Runs strtod on text already validated to be a plain decimal or hex float.
double StrToD(std::string_view text) {
  std::string s(text);
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

// JenkinsTimeSeconds for the common plain decimal ("0.677", "12", "3."),
// without strtod: `s` is [digits][.digits] with at least one digit, the
// digits read as an integer N <= 2^53 with k <= 22 of them after the '.'.
// Then N and 10^k are exact doubles and their IEEE quotient is the
// correctly rounded value of N / 10^k, which is what strtod returns (glibc
// rounds correctly; Clinger's fast path). nullopt for anything else.
std::optional<double> PlainDecimalSeconds(std::string_view s) {
  static constexpr double kPow10[] = {
      1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  uint64_t n = 0;
  size_t digits = 0;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i, ++digits) {
    if (digits == 19) return std::nullopt;  // N could overflow
    n = n * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && IsDigit(s[i]); ++i, ++digits, ++fraction) {
      if (digits == 19) return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(s[i] - '0');
    }
  }
  if (i != s.size() || digits == 0 || fraction > 22 ||
      n > (uint64_t{1} << 53)) {
    return std::nullopt;
  }
  const double v = static_cast<double>(n) / kPow10[fraction];
  return std::min(kMaxDurationSeconds, v);  // v >= 0: no lower clamp
}

namespace {

// Java's Float.parseFloat grammar (FloatingDecimal.readJavaFormatString):
// trimmed of chars <= ' ', optional sign, then NaN, Infinity, a decimal with
// optional exponent, or a hex float with a binary exponent; an optional
// f/F/d/D suffix. nullopt when Java would throw NumberFormatException.
std::optional<double> ParseJavaFloat(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') {
    s.remove_suffix(1);
  }
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (!body.empty() && (body.back() == 'f' || body.back() == 'F' ||
                        body.back() == 'd' || body.back() == 'D')) {
    body.remove_suffix(1);
  }
  const bool hex =
      body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  size_t i = hex ? 2 : 0;
  size_t digits = 0;
  auto digit = [hex](char c) { return hex ? IsHexDigit(c) : IsDigit(c); };
  while (i < body.size() && digit(body[i])) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && digit(body[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  const bool has_exponent =
      i < body.size() && (hex ? (body[i] == 'p' || body[i] == 'P')
                              : (body[i] == 'e' || body[i] == 'E'));
  if (hex && !has_exponent) return std::nullopt;  // Java requires 'p'.
  if (has_exponent) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < body.size() && IsDigit(body[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  double v = StrToD(body);
  return negative ? -v : v;
}

// `new DecimalFormat().parse(text)` in the ROOT/en locale: the longest
// leading number ("12.5s" -> 12.5, "-3 sec" -> -3), no leading whitespace,
// no '+'; nullopt when nothing at the start is a number (ParseException).
std::optional<double> ParseDecimalFormatPrefix(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t start = i;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  // An exponent "E" is consumed only when digits follow it.
  if (i < s.size() && s[i] == 'E') {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exponent_digits = 0;
    while (j < s.size() && IsDigit(s[j])) ++j, ++exponent_digits;
    if (exponent_digits > 0) i = j;
  }
  double v = StrToD(s.substr(start, i - start));
  return start > 0 ? -v : v;
}

}  // namespace

double JenkinsTimeSeconds(const char* text) {
  if (text == nullptr) return 0;
  if (std::optional<double> fast = PlainDecimalSeconds(text)) return *fast;
  std::string s;
  for (const char* p = text; *p; ++p) {
    if (*p != ',') s += *p;
  }
  std::optional<double> v = ParseJavaFloat(s);
  if (!v) v = ParseDecimalFormatPrefix(s);
  if (!v) return 0;
  if (std::isnan(*v)) return *v;
  return std::min(kMaxDurationSeconds, std::max(0.0, *v));
}

}  // namespace aurora
