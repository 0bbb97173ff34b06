#include "rules/duration.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {
namespace {

struct Unit {
  std::string_view name;
  int64_t millis;
};
// Decreasing order, as Prometheus requires.
constexpr Unit kUnits[] = {
    {"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},       {"h", 3600LL * 1000},
    {"m", 60LL * 1000},              {"s", 1000},
    {"ms", 1},
};

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid duration \"", Sv(text), "\": ", Sv(why)));
}

}  // namespace

absl::StatusOr<absl::Duration> ParsePromDuration(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty, expected e.g. 5m or 1h30m");
  if (text == "0") return absl::ZeroDuration();
  size_t i = 0;
  int next_unit = 0;  // index into kUnits of the smallest allowed next unit
  int64_t total = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return Invalid(text, "expected a number followed by a unit (ms, s, m, h, d, w, y)");
    }
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        return Invalid(text, "number too large");
      }
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    size_t start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(start, i - start);
    if (unit.empty()) {
      return Invalid(text, "missing unit, expected one of ms, s, m, h, d, w, y");
    }
    int found = -1;
    for (int u = 0; u < static_cast<int>(std::size(kUnits)); ++u) {
      if (kUnits[u].name == unit) found = u;
    }
    if (found < 0) {
      return Invalid(text, absl::StrCat("unknown unit \"", Sv(unit),
                                        "\", expected one of ms, s, m, h, d, w, y"));
    }
    if (found < next_unit) {
      return Invalid(text, "units must appear once each, largest first (e.g. 1h30m)");
    }
    next_unit = found + 1;
    if (n > std::numeric_limits<int64_t>::max() / kUnits[found].millis ||
        total > std::numeric_limits<int64_t>::max() - n * kUnits[found].millis) {
      return Invalid(text, "duration too large");
    }
    total += n * kUnits[found].millis;
  }
  return absl::Milliseconds(total);
}

std::string FormatPromDuration(absl::Duration d) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const Unit& u : kUnits) {
    if (ms >= u.millis) {
      int64_t n = ms / u.millis;
      // Prometheus prints weeks and years only when they divide evenly.
      if ((u.name == "y" || u.name == "w") && ms % u.millis != 0) continue;
      absl::StrAppend(&out, n, Sv(u.name));
      ms -= n * u.millis;
    }
  }
  return out;
}

}  // namespace aurora
