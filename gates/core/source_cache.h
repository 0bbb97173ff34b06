// File: gates/core/source_cache.h
// Reads each source of a run once, however many rules use it: artifact
// files (and baselines), json files, and http endpoints (fetched together,
// at most once per run; `watch` makes a new cache every cycle). Not
// thread-safe; one per run.
#ifndef AURORA_GATES_CORE_SOURCE_CACHE_H_
#define AURORA_GATES_CORE_SOURCE_CACHE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/file_reader.h"
#include "gates/core/live_rules.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

class SourceCache {
 public:
  // `reader` and `http` must outlive the cache. Without `http`, http sources
  // are errors ("no HTTP client in this run").
  explicit SourceCache(FileReader& reader, const LiveContext* http = nullptr)
      : reader_(reader), http_(http) {}

  // The samples of `source` (any non-prometheus source), read on first use.
  const absl::StatusOr<ArtifactData>& Artifact(const SourceSpec& source);
  // Its baseline; only for sources with a baseline path.
  const absl::StatusOr<ArtifactData>& Baseline(const SourceSpec& source);

  // Fetches every http source in `sources` not fetched yet, all requests in
  // flight together (one client per TLS setting). Artifact() fetches a
  // source that was not prefetched on its own.
  void PrefetchHttp(const std::vector<const SourceSpec*>& sources);

 private:
  const absl::StatusOr<ArtifactData>& Read(const SourceSpec& source,
                                           const std::string& path);
  FileReader& reader_;
  const LiveContext* http_;
  // Keyed by type, path and (json/http) the request and `values:`.
  std::map<std::string, absl::StatusOr<ArtifactData>> cache_;
};

}  // namespace aurora

#endif  // AURORA_GATES_CORE_SOURCE_CACHE_H_
