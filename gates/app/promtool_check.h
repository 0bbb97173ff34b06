// File: gates/app/promtool_check.h
// Checks PromQL expressions with Prometheus' own grammar, offline: writes
// them to a temporary rule file and runs `promtool check rules` on it (the
// Debian package `prometheus` installs promtool). Used by `lint` when no
// server is named or none answers.
#ifndef AURORA_GATES_APP_PROMTOOL_CHECK_H_
#define AURORA_GATES_APP_PROMTOOL_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace aurora {

// For each expression, in order: empty when promtool accepts it, else
// promtool's message (e.g. "1:17: parse error: unexpected <by> in
// aggregation"; its line:col is relative to the expression). kNotFound
// when `promtool` (argv[0], looked up in PATH) is not installed; another
// error when it could not be run or its answer was not understood.
absl::StatusOr<std::vector<std::string>> CheckPromqlWithPromtool(
    const std::vector<std::string>& expressions, const std::string& promtool);

}  // namespace aurora

#endif  // AURORA_GATES_APP_PROMTOOL_CHECK_H_
