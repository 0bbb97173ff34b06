// File: base/units.h
// The unit of a rule's values (a gate file's `unit:`, or inferred from the
// metric name) and how reports write a value in it: "238.9 ms", "0.48 %",
// "390.6 MiB". Numbers keep their raw value everywhere machines read them
// (JSON); only the text people read changes. Pure.
#ifndef AURORA_BASE_UNITS_H_
#define AURORA_BASE_UNITS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aurora {

enum class Unit {
  kNone,          // plain number
  kSeconds,       // shown as ns, µs, ms, s
  kMilliseconds,  // values in ms, shown as a duration like kSeconds
  kRatio,         // 0..1, shown as a percentage ("0.48 %" for 0.0048)
  kPercent,       // 0..100, shown with "%"
  kBytes,         // shown in IEC multiples (B, KiB, MiB, GiB, TiB, PiB)
  kCount,         // a plain number of things
  kOpsPerSecond,  // shown with "ops/s"
};

// The names a gate file may write after `unit:`, in documentation order:
// seconds, milliseconds, ratio, percent, bytes, count, ops_per_second, none.
const std::vector<std::string>& UnitNames();
// The unit named `name` (one of UnitNames()); nullopt otherwise.
std::optional<Unit> ParseUnit(std::string_view name);
// The name of `u` ("" for kNone, so results say "no unit" by an empty
// string).
std::string_view UnitName(Unit u);

// `v` in unit `u`, at most 4 significant digits (never rounding a fraction
// to a whole number), with the unit's symbol: "238.9 ms", "0.48 %",
// "390.6 MiB", "12 ops/s". kNone and kCount as FormatNumberShort. NaN and
// the infinities as FormatNumber, without a symbol.
std::string FormatValue(double v, Unit u);

// A signed difference of two values in unit `u`: "+20 ms", "-1.5 MiB";
// for kRatio and kPercent in percentage points ("+2 pp"), so it cannot be
// read as a relative change. kNone: "+0.02".
std::string FormatDelta(double delta, Unit u);

// The relative change from `baseline` to `value` as people read it:
// "+11.02 %", "-3.1 %", "0 %". nullopt when it has no meaning (a baseline
// of 0, or a value or baseline that is not finite).
std::optional<double> ChangePercent(double value, double baseline);
std::string FormatChangePercent(double percent);

}  // namespace aurora

#endif  // AURORA_BASE_UNITS_H_
