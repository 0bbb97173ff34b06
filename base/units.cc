#include "base/units.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "base/number_format.h"

namespace aurora {
namespace {

struct UnitEntry {
  Unit unit;
  const char* name;
};
constexpr UnitEntry kUnits[] = {
    {Unit::kSeconds, "seconds"}, {Unit::kMilliseconds, "milliseconds"},
    {Unit::kRatio, "ratio"},     {Unit::kPercent, "percent"},
    {Unit::kBytes, "bytes"},     {Unit::kCount, "count"},
    {Unit::kOpsPerSecond, "ops_per_second"}, {Unit::kNone, "none"},
};

// At most 4 significant digits, never an exponent, never a fraction shown
// as a whole number (89.996 is not "90"): FormatNumberShort then.
std::string Short4(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  if (std::strchr(buf, 'e') != nullptr) return FormatNumberShort(v);
  const double back = std::strtod(buf, nullptr);
  if (back != v && std::floor(back) == back && std::floor(v) != v) {
    return FormatNumberShort(v);
  }
  if (std::strcmp(buf, "-0") == 0) return "0";
  return buf;
}

std::string Duration(double seconds) {
  const double a = std::fabs(seconds);
  if (a == 0 || a >= 1) return Short4(seconds) + " s";
  if (a >= 1e-3) return Short4(seconds * 1e3) + " ms";
  if (a >= 1e-6) return Short4(seconds * 1e6) + " \xC2\xB5s";  // µs
  return Short4(seconds * 1e9) + " ns";
}

std::string Bytes(double v) {
  static const char* const kSuffixes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t i = 0;
  double scaled = v;
  while (std::fabs(scaled) >= 1024 && i + 1 < std::size(kSuffixes)) {
    scaled /= 1024;
    ++i;
  }
  return Short4(scaled) + " " + kSuffixes[i];
}

}  // namespace

const std::vector<std::string>& UnitNames() {
  static const std::vector<std::string>* names = [] {
    auto* out = new std::vector<std::string>();
    for (const UnitEntry& e : kUnits) out->push_back(e.name);
    return out;
  }();
  return *names;
}

std::optional<Unit> ParseUnit(std::string_view name) {
  for (const UnitEntry& e : kUnits) {
    if (name == e.name) return e.unit;
  }
  return std::nullopt;
}

std::string_view UnitName(Unit u) {
  if (u == Unit::kNone) return "";
  for (const UnitEntry& e : kUnits) {
    if (e.unit == u) return e.name;
  }
  return "";
}

std::string FormatValue(double v, Unit u) {
  if (!std::isfinite(v)) return FormatNumber(v);
  switch (u) {
    case Unit::kNone:
    case Unit::kCount:
      return FormatNumberShort(v);
    case Unit::kSeconds:
      return Duration(v);
    case Unit::kMilliseconds:
      return Duration(v / 1e3);
    case Unit::kRatio:
      return Short4(v * 100) + " %";
    case Unit::kPercent:
      return Short4(v) + " %";
    case Unit::kBytes:
      return Bytes(v);
    case Unit::kOpsPerSecond:
      return Short4(v) + " ops/s";
  }
  return FormatNumberShort(v);
}

std::string FormatDelta(double delta, Unit u) {
  const std::string sign = delta > 0 ? "+" : "";
  if (!std::isfinite(delta)) return FormatNumber(delta);
  switch (u) {
    case Unit::kRatio:
      return sign + Short4(delta * 100) + " pp";
    case Unit::kPercent:
      return sign + Short4(delta) + " pp";
    default:
      return sign + FormatValue(delta, u);
  }
}

std::optional<double> ChangePercent(double value, double baseline) {
  if (!std::isfinite(value) || !std::isfinite(baseline) || baseline == 0) {
    return std::nullopt;
  }
  return (value - baseline) / std::fabs(baseline) * 100;
}

std::string FormatChangePercent(double percent) {
  return (percent > 0 ? "+" : "") + Short4(percent) + " %";
}

}  // namespace aurora
