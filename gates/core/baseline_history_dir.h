// File: gates/core/baseline_history_dir.h
// The directory of a baseline history (`baseline: { dir, keep, compare }`):
// one promoted artifact per entry, named "<UTC time>-<sha256 prefix><ext>"
// so that name order is promotion order, each with its sidecar
// "<entry>.meta.json". `baseline update` adds and prunes entries; `check`
// reads the newest `keep`.
#ifndef AURORA_GATES_CORE_BASELINE_HISTORY_DIR_H_
#define AURORA_GATES_CORE_BASELINE_HISTORY_DIR_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/file_reader.h"

namespace aurora {

// The path of a new entry in `dir` for an artifact promoted at `when` with
// content digest `sha256_hex`, keeping the artifact's extension (from
// `artifact_path`, e.g. ".json", ".xml") so its format is detected as the
// artifact's: "dir/20261203T154900.123Z-0123456789ab.json".
std::string HistoryEntryPath(const std::string& dir, absl::Time when,
                             std::string_view sha256_hex,
                             std::string_view artifact_path);

// The entries of `dir`, oldest first (sidecars and temporary files left
// out). NotFound, saying so, when the directory is missing or has none.
absl::StatusOr<std::vector<std::string>> ListHistory(FileReader& files,
                                                     const std::string& dir);

}  // namespace aurora

#endif  // AURORA_GATES_CORE_BASELINE_HISTORY_DIR_H_
