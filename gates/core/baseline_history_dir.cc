#include "gates/core/baseline_history_dir.h"

#include <sys/stat.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {
namespace {

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "20261203T154900.123Z-…": written by HistoryEntryPath.
bool IsEntry(std::string_view name) {
  if (name.size() < 21 || name[8] != 'T' || name[19] != 'Z' || name[20] != '-') {
    return false;
  }
  for (size_t i = 0; i < 8; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return !absl::EndsWith(Sv(name), ".meta.json") &&
         name.find(".tmp.") == std::string_view::npos;
}

}  // namespace

std::string HistoryEntryPath(const std::string& dir, absl::Time when,
                             std::string_view sha256_hex,
                             std::string_view artifact_path) {
  std::string_view base = BaseName(artifact_path);
  size_t dot = base.rfind('.');
  std::string_view ext = dot == std::string_view::npos || dot == 0
                             ? std::string_view()
                             : base.substr(dot);
  return absl::StrCat(dir, "/",
                      absl::FormatTime("%Y%m%dT%H%M%E3SZ", when, absl::UTCTimeZone()),
                      "-", Sv(sha256_hex.substr(0, 12)), Sv(ext));
}

absl::StatusOr<std::vector<std::string>> ListHistory(FileReader& files,
                                                     const std::string& dir) {
  const std::string empty = absl::StrCat(
      "the baseline history ", dir,
      " is empty: no artifact promoted yet (aurora-gate baseline update "
      "adds one)");
  absl::StatusOr<std::vector<std::string>> all = files.Glob(dir + "/*");
  struct stat st;
  if (absl::IsNotFound(all.status()) ||
      (!all.ok() && ::stat(dir.c_str(), &st) != 0 && errno == ENOENT)) {
    return absl::NotFoundError(empty);
  }
  if (!all.ok()) {
    return absl::UnavailableError(absl::StrCat("the baseline history ", dir,
                                               ": cannot list it (",
                                               all.status().message(), ")"));
  }
  std::vector<std::string> out;
  for (const std::string& path : *all) {
    if (IsEntry(BaseName(path))) out.push_back(path);
  }
  if (out.empty()) return absl::NotFoundError(empty);
  return out;  // Glob sorts: name order is promotion order.
}

}  // namespace aurora
