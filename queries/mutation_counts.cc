#include "queries/mutation_counts.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"

namespace aurora {

void MutationTally::Add(const std::string& status, MutantClass cls, double n) {
  by_status[status] += n;
  all += n;
  switch (cls) {
    case MutantClass::kDetected:
      detected += n;
      break;
    case MutantClass::kSurvived:
      survived += n;
      break;
    case MutantClass::kNoCoverage:
      no_coverage += n;
      break;
    case MutantClass::kExcluded:
      break;
  }
}

MutationTally& MutationTally::operator+=(const MutationTally& o) {
  for (const auto& [status, n] : o.by_status) by_status[status] += n;
  detected += o.detected;
  survived += o.survived;
  no_coverage += o.no_coverage;
  all += o.all;
  return *this;
}

double PitPercent(double total, double numerator) {
  if (total == 0) return 100;
  if (numerator == 0) return 0;
  if (numerator == total) return 100;
  const float f = (100.0f / static_cast<float>(total)) * static_cast<float>(numerator);
  // Java's Math.round(float): floor(f + 0.5), ties up.
  const double rounded = std::floor(static_cast<double>(f) + 0.5);
  return std::min(99.0, rounded);
}

double MutationTally::Score(MutationScoring scoring) const {
  if (scoring == MutationScoring::kPit) return PitPercent(all, detected);
  const double valid = detected + survived + no_coverage;
  if (valid == 0) return std::numeric_limits<double>::quiet_NaN();
  return 100 * detected / valid;
}

double MutationTally::CoveredScore(MutationScoring scoring) const {
  if (scoring == MutationScoring::kPit) {
    return PitPercent(all - no_coverage, detected);
  }
  const double valid = detected + survived + no_coverage;
  if (valid == 0) return std::numeric_limits<double>::quiet_NaN();
  const double covered = detected + survived;
  if (covered == 0) return 0;
  return 100 * detected / covered;
}

std::string SnakeCaseStatus(std::string_view status) {
  std::string out;
  for (size_t i = 0; i < status.size(); ++i) {
    const char c = status[i];
    if (c == ' ' || c == '-' || c == '_') {
      if (!out.empty() && out.back() != '_') out += '_';
      continue;
    }
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && i > 0 &&
        absl::ascii_islower(static_cast<unsigned char>(status[i - 1])) &&
        !out.empty() && out.back() != '_') {
      out += '_';
    }
    out += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string ModuleOf(std::string_view file, int depth) {
  std::string path(file);
  std::replace(path.begin(), path.end(), '\\', '/');
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  std::string dir = path.substr(0, slash);
  if (depth <= 0) return dir;
  size_t pos = 0;
  for (int i = 0; i < depth; ++i) {
    pos = dir.find('/', pos);
    if (pos == std::string::npos) return dir;
    if (i + 1 < depth) ++pos;
  }
  return dir.substr(0, pos);
}

namespace {

void Emit(const MutationCounts& counts, const MutationTally& tally,
          const Labels& labels, std::vector<Sample>& out) {
  std::set<std::string> statuses = counts.known_statuses;
  for (const auto& [status, n] : tally.by_status) statuses.insert(status);
  for (const std::string& status : statuses) {
    Labels l = labels;
    l.Set("status", status);
    auto it = tally.by_status.find(status);
    out.push_back(MakeSample("mutants", l,
                             it == tally.by_status.end() ? 0 : it->second));
  }
  out.push_back(MakeSample("mutation_score_percent", labels,
                           tally.Score(counts.scoring)));
  out.push_back(MakeSample("mutation_score_covered_percent", labels,
                           tally.CoveredScore(counts.scoring)));
}

}  // namespace

SampleSet MutationSamples(const MutationCounts& counts, int module_depth) {
  SampleSet set;
  set.detail_labels = {"module", "file"};
  MutationTally total;
  std::map<std::string, MutationTally> modules;
  std::vector<Sample> file_samples;
  for (const auto& [file, tally] : counts.files) {
    total += tally;
    const std::string module = ModuleOf(file, module_depth);
    // A top-level file's module is "." (an empty label would be absent).
    const std::string module_label = module.empty() ? "." : module;
    modules[module_label] += tally;
    Labels l;
    l.Set("module", module_label);
    l.Set("file", file);
    Emit(counts, tally, l, file_samples);
  }
  Emit(counts, total, Labels(), set.samples);
  for (const auto& [module, tally] : modules) {
    Labels l;
    l.Set("module", module);
    Emit(counts, tally, l, set.samples);
  }
  for (auto& s : file_samples) set.samples.push_back(std::move(s));
  return set;
}

}  // namespace aurora
