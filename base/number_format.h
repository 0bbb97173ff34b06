// File: base/number_format.h
// How numbers are written in every report: the shortest text that reads back
// to the same double, with Prometheus' spellings of NaN and the infinities.
#ifndef AURORA_BASE_NUMBER_FORMAT_H_
#define AURORA_BASE_NUMBER_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

namespace aurora {

// "NaN", "+Inf", "-Inf", or the shortest round-trip decimal ("0.1", "1e-05").
std::string FormatNumber(double v);

// For people: at most 6 significant digits ("93.4915", "0.431862"), exact
// when shorter; never rounds a fraction to a whole number (89.9999999 is not
// shown as "90"). NaN and infinities as FormatNumber. Machine-readable
// reports use FormatNumber.
std::string FormatNumberShort(double v);

// Parses a number as Prometheus writes it: decimal or scientific, "NaN",
// "+Inf"/"Inf"/"-Inf" (case-insensitive). nullopt for anything else,
// including trailing garbage and an empty string.
std::optional<double> ParseNumber(std::string_view text);

}  // namespace aurora

#endif  // AURORA_BASE_NUMBER_FORMAT_H_
