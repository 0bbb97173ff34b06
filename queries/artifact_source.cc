#include "queries/artifact_source.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/benchmark_reader.h"
#include "queries/coverage_reader.h"
#include "queries/junit_reader.h"
#include "queries/mutation_reader.h"
#include "queries/security_reader.h"

namespace aurora {

absl::StatusOr<ArtifactData> ParseArtifact(SourceType type,
                                           std::string_view content,
                                           std::string_view name) {
  switch (type) {
    case SourceType::kCoverage: return ParseCoverage(content, name);
    case SourceType::kPytestBenchmark: return ParsePytestBenchmark(content, name);
    case SourceType::kJunit: return ParseJunit(content, name);
    case SourceType::kMutation: return ParseMutation(content, name);
    case SourceType::kSecurity: return ParseSecurity(content, name);
    case SourceType::kJson:
    case SourceType::kHttp:
    case SourceType::kPrometheus:
    case SourceType::kEnv:
    case SourceType::kCommand: break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported artifact type \"", Sv(SourceTypeName(type)), "\""));
}

absl::StatusOr<ArtifactData> ReadArtifact(SourceType type,
                                          const std::string& path,
                                          FileReader& reader) {
  if (AcceptsPathGlob(type) && HasGlobChars(path)) {
    ASSIGN_OR_RETURN(std::vector<std::string> paths, reader.Glob(path));
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& p : paths) {
      ASSIGN_OR_RETURN(std::string content, reader.ReadFile(p));
      files.emplace_back(p, std::move(content));
    }
    if (type == SourceType::kMutation) return ParseMutationFiles(files);
    if (type == SourceType::kSecurity) return ParseSecurityFiles(files);
    return ParseJunitFiles(files);
  }
  ASSIGN_OR_RETURN(std::string content, reader.ReadFile(path));
  return ParseArtifact(type, content, path);
}

namespace {

// The (name, content) of every file `patterns` name; globs expanded.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadAll(
    const std::vector<std::string>& patterns, FileReader& reader) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& pattern : patterns) {
    std::vector<std::string> paths = {pattern};
    if (HasGlobChars(pattern)) {
      ASSIGN_OR_RETURN(paths, reader.Glob(pattern));
    }
    for (const auto& p : paths) {
      ASSIGN_OR_RETURN(std::string content, reader.ReadFile(p));
      files.emplace_back(p, std::move(content));
    }
  }
  return files;
}

}  // namespace

absl::StatusOr<ArtifactData> ReadSourceArtifact(const SourceSpec& source,
                                                const std::string& path,
                                                FileReader& reader,
                                                absl::Time now) {
  if (source.type != SourceType::kMutation &&
      source.type != SourceType::kSecurity) {
    return ReadArtifact(source.type, path, reader);
  }
  const bool listed = path == source.path && !source.paths.empty();
  ASSIGN_OR_RETURN(auto files,
                   ReadAll(listed ? source.paths : std::vector<std::string>{path},
                           reader));
  if (source.type == SourceType::kSecurity) {
    SecurityOptions options;
    options.ignore = source.ignore;
    options.today = absl::ToCivilDay(now, absl::UTCTimeZone());
    return ParseSecurityFiles(files, options);
  }
  MutationOptions options;
  options.module_depth = source.module_depth;
  return ParseMutationFiles(files, options);
}

}  // namespace aurora
