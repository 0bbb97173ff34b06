#include "gates/source_cache.h"

#include "queries/artifact_source.h"

namespace aurora {

const absl::StatusOr<ArtifactData>& SourceCache::Read(const std::string& type,
                                                      const std::string& path) {
  auto key = std::make_pair(type, path);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    it = cache_.emplace(key, ReadArtifact(type, path, reader_)).first;
  }
  return it->second;
}

const absl::StatusOr<ArtifactData>& SourceCache::Artifact(
    const SourceSpec& source) {
  return Read(source.type, source.path);
}

const absl::StatusOr<ArtifactData>& SourceCache::Baseline(
    const SourceSpec& source) {
  return Read(source.type, source.baseline);
}

}  // namespace aurora
