#include "rules/source_type.h"

namespace aurora {

std::string_view SourceTypeName(SourceType t) {
  switch (t) {
    case SourceType::kCoverage: return "coverage";
    case SourceType::kPytestBenchmark: return "pytest-benchmark";
    case SourceType::kJunit: return "junit";
    case SourceType::kMutation: return "mutation";
    case SourceType::kSecurity: return "security";
    case SourceType::kJson: return "json";
    case SourceType::kHttp: return "http";
    case SourceType::kPrometheus: return "prometheus";
    case SourceType::kEnv: return "env";
    case SourceType::kCommand: return "command";
  }
  return "";
}

std::optional<SourceType> ParseSourceType(std::string_view name) {
  for (SourceType t : kSourceTypes) {
    if (SourceTypeName(t) == name) return t;
  }
  return std::nullopt;
}

bool AcceptsPathGlob(SourceType t) {
  return t == SourceType::kJunit || t == SourceType::kMutation ||
         t == SourceType::kSecurity;
}

}  // namespace aurora
