// File: rules/interpolate.h
// ${VAR} and ${VAR:-default} in gate-file strings. `$$` is a literal `$`; a
// `$` not followed by `{` or `$` stays as written (PromQL regexes, `{{ $value }}`
// templates). A variable that is unset (and has no default) is an error:
// no silent empty string.
#ifndef AURORA_RULES_INTERPOLATE_H_
#define AURORA_RULES_INTERPOLATE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aurora {

// Looks a variable up (--set values first, then the environment).
using VarLookup =
    std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
VarLookup EnvironmentLookup();

// Expands `text`. On error returns InvalidArgument and sets *error_offset to
// the position of the offending `$` in `text`. `*used_vars` (optional) gets
// the names that were looked up, so callers can tell a string holds a value
// from the environment.
absl::StatusOr<std::string> ExpandVars(std::string_view text,
                                       const VarLookup& lookup,
                                       size_t* error_offset,
                                       std::vector<std::string>* used_vars =
                                           nullptr);

// ExpandVars for a PromQL expression, where a value is data, never code: a
// variable inside a PromQL string ("…" or '…') is escaped as that string's
// content (so `--set PKG='"} * 0 + 100'` stays a label value); inside a raw
// `…` string it may not hold a backtick; anywhere else its value must be a
// number, a duration (5m) or a name (a metric, label or function name:
// [a-zA-Z_:][a-zA-Z0-9_:]*), else InvalidArgument naming the variable at
// the `$`. A `${VAR:-default}` default is gate-file text and is used as
// written.
absl::StatusOr<std::string> ExpandVarsInPromql(
    std::string_view text, const VarLookup& lookup, size_t* error_offset,
    std::vector<std::string>* used_vars = nullptr);

}  // namespace aurora

#endif  // AURORA_RULES_INTERPOLATE_H_
