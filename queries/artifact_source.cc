#include "queries/artifact_source.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/benchmark_reader.h"
#include "queries/coverage_reader.h"
#include "queries/junit_reader.h"

namespace aurora {

absl::StatusOr<ArtifactData> ParseArtifact(const std::string& type,
                                           std::string_view content,
                                           std::string_view name) {
  if (type == "coverage") return ParseCoverage(content, name);
  if (type == "pytest-benchmark") return ParsePytestBenchmark(content, name);
  if (type == "junit") return ParseJunit(content, name);
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported artifact type \"", type, "\""));
}

absl::StatusOr<ArtifactData> ReadArtifact(const std::string& type,
                                          const std::string& path,
                                          FileReader& reader) {
  if (type == "junit" && HasGlobChars(path)) {
    ASSIGN_OR_RETURN(std::vector<std::string> paths, reader.Glob(path));
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& p : paths) {
      ASSIGN_OR_RETURN(std::string content, reader.ReadFile(p));
      files.emplace_back(p, std::move(content));
    }
    return ParseJunitFiles(files);
  }
  ASSIGN_OR_RETURN(std::string content, reader.ReadFile(path));
  return ParseArtifact(type, content, path);
}

}  // namespace aurora
