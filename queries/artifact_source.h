// File: queries/artifact_source.h
// Reads an artifact source of a gate file: expands the path (a glob for
// junit), reads the file(s) through FileReader and hands the bytes to the
// reader of the source's type. I/O only through the FileReader seam.
#ifndef AURORA_QUERIES_ARTIFACT_SOURCE_H_
#define AURORA_QUERIES_ARTIFACT_SOURCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/file_reader.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

// Reads the artifact(s) at `path` as `type` (coverage, junit,
// pytest-benchmark, mutation, security). Returns NotFound when the file (or every glob match)
// is missing, InvalidArgument when a file is not of that type or is broken;
// messages name the file.
absl::StatusOr<ArtifactData> ReadArtifact(SourceType type,
                                          const std::string& path,
                                          FileReader& reader);

// Reads `path` (the source's path or its baseline) for `source`: as above,
// plus for mutation and security sources a glob or a list (`source.paths`,
// used when `path` is the source's path) summed into one, and their options
// (module_depth; ignore entries judged at `now`). NotFound when a listed file
// or every glob match is missing.
absl::StatusOr<ArtifactData> ReadSourceArtifact(const SourceSpec& source,
                                                const std::string& path,
                                                FileReader& reader,
                                                absl::Time now);

// Parses already-read bytes as `type` (one file).
absl::StatusOr<ArtifactData> ParseArtifact(SourceType type,
                                           std::string_view content,
                                           std::string_view name);

}  // namespace aurora

#endif  // AURORA_QUERIES_ARTIFACT_SOURCE_H_
