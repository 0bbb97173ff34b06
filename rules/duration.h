// File: rules/duration.h
// Prometheus durations: "90s", "5m", "1h30m", "1d", "2w", "1y", "250ms", "0".
// Units must appear in decreasing order, each at most once (as Prometheus'
// model.ParseDuration); absl::ParseDuration lacks d, w and y.
#ifndef AURORA_RULES_DURATION_H_
#define AURORA_RULES_DURATION_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aurora {

// InvalidArgument with "invalid duration \"TEXT\": WHY" on failure.
absl::StatusOr<absl::Duration> ParsePromDuration(std::string_view text);

// The shortest Prometheus spelling: 90s -> "1m30s", 36h -> "1d12h", 0 -> "0s".
std::string FormatPromDuration(absl::Duration d);

}  // namespace aurora

#endif  // AURORA_RULES_DURATION_H_
