// File: queries/env_source.h
// The samples of an `env` source (runbook 1.3, "environment variables are
// set"): for every required name, env_present{name} (1 when set and
// non-empty) and env_valid{name} (1 when present and, if the source gives a
// pattern for it, the value matches it in full). Values are never kept,
// returned or shown: only names. Pure: the environment is a function.
#ifndef AURORA_QUERIES_ENV_SOURCE_H_
#define AURORA_QUERIES_ENV_SOURCE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv).
EnvLookup ProcessEnvironment();

// InvalidArgument when a pattern is not a valid RE2 expression (the loader
// refuses such files first). A pattern mismatch is a sample, not an error,
// and a warning names the variable (never its value).
absl::StatusOr<ArtifactData> ReadEnvSource(const SourceSpec& source,
                                           const EnvLookup& lookup);

}  // namespace aurora

#endif  // AURORA_QUERIES_ENV_SOURCE_H_
