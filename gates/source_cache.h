// File: gates/source_cache.h
// Reads each artifact (and its baseline) of a run once, however many rules
// use it. Not thread-safe; one per run.
#ifndef AURORA_GATES_SOURCE_CACHE_H_
#define AURORA_GATES_SOURCE_CACHE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "base/file_reader.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

class SourceCache {
 public:
  // `reader` must outlive the cache.
  explicit SourceCache(FileReader& reader) : reader_(reader) {}

  // The artifact of `source` (an artifact source), read on first use.
  const absl::StatusOr<ArtifactData>& Artifact(const SourceSpec& source);
  // Its baseline; only for sources with a baseline path.
  const absl::StatusOr<ArtifactData>& Baseline(const SourceSpec& source);

 private:
  const absl::StatusOr<ArtifactData>& Read(const std::string& type,
                                           const std::string& path);
  FileReader& reader_;
  std::map<std::pair<std::string, std::string>, absl::StatusOr<ArtifactData>>
      cache_;
};

}  // namespace aurora

#endif  // AURORA_GATES_SOURCE_CACHE_H_
