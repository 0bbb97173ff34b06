// File: rules/source_type.h
// The source types a gate file may declare (`type:` of a source), parsed
// once by the loader; code switches on the enum, reports and logs print
// SourceTypeName.
#ifndef AURORA_RULES_SOURCE_TYPE_H_
#define AURORA_RULES_SOURCE_TYPE_H_

#include <optional>
#include <string_view>

namespace aurora {

// In the order error messages list them ("expected one of: ...").
enum class SourceType {
  kCoverage,
  kPytestBenchmark,
  kJunit,
  kMutation,
  kSecurity,
  kJson,
  kHttp,
  kPrometheus,
  kEnv,
  kCommand,
};
inline constexpr SourceType kSourceTypes[] = {
    SourceType::kCoverage, SourceType::kPytestBenchmark, SourceType::kJunit,
    SourceType::kMutation, SourceType::kSecurity,        SourceType::kJson,
    SourceType::kHttp,     SourceType::kPrometheus,      SourceType::kEnv,
    SourceType::kCommand};

// The name written in gate files: "coverage", "pytest-benchmark", ...
std::string_view SourceTypeName(SourceType t);
// The inverse; nullopt for a name that is no source type.
std::optional<SourceType> ParseSourceType(std::string_view name);

// Whether a glob in `path` may name several files (junit, mutation,
// security).
bool AcceptsPathGlob(SourceType t);

}  // namespace aurora

#endif  // AURORA_RULES_SOURCE_TYPE_H_
