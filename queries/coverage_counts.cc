#include "queries/coverage_counts.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/number_format.h"
#include "base/strings.h"

namespace aurora {

double CoverageCount::Percent() const {
  if (valid == 0) return std::numeric_limits<double>::quiet_NaN();
  return 100.0 * covered / valid;
}

void AppendCoverageSamples(const CoverageUnit& unit, const CoverageCount& count,
                           const Labels& labels, std::vector<Sample>* out) {
  out->push_back(
      MakeSample(absl::StrCat("coverage_", Sv(unit.plural), "_covered"), labels,
                 count.covered));
  out->push_back(
      MakeSample(absl::StrCat("coverage_", Sv(unit.plural), "_valid"), labels,
                 count.valid));
  out->push_back(
      MakeSample(absl::StrCat("coverage_", Sv(unit.singular), "_percent"),
                 labels, count.Percent()));
}

Labels PackageLabels(std::string_view package) {
  Labels l;
  l.Set("package", package);
  return l;
}

Labels FileLabels(std::string_view file) {
  Labels l;
  l.Set("file", file);
  return l;
}

std::vector<std::string> CoverageDetailLabels() { return {"package", "file"}; }

bool IsCount(double v) {
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  return std::isfinite(v) && v >= 0 && v <= kMaxExact && std::floor(v) == v;
}

std::optional<double> ParseCount(std::string_view text) {
  std::optional<double> v = ParseNumber(text);
  // ParseNumber also accepts the NaN/Inf spellings; IsCount rejects them.
  if (!v.has_value() || !IsCount(*v)) return std::nullopt;
  return v;
}

std::optional<double> ParseHits(std::string_view text) {
  std::optional<double> v = ParseNumber(text);
  if (!v.has_value() || !std::isfinite(*v) || *v < 0) return std::nullopt;
  return v;
}

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F) {
      out += absl::StrFormat("\\x%02X", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace aurora
