#include "rules/source_types.h"

#include <algorithm>

namespace aurora {

const std::vector<std::string>& SupportedSourceTypes() {
  static const auto* kTypes = [] {
    auto* names = new std::vector<std::string>;
    for (SourceType t : kSourceTypes) names->emplace_back(SourceTypeName(t));
    return names;
  }();
  return *kTypes;
}

bool IsPlannedSourceType(std::string_view) { return false; }

namespace {
std::vector<std::string> CoverageMetrics() {
  std::vector<std::string> out;
  for (const char* unit : {"line", "branch", "function", "instruction",
                           "method", "class", "complexity"}) {
    std::string u = unit;
    std::string plural = u == "branch" ? "branches"
                         : u == "class" ? "classes"
                         : u == "complexity" ? "complexity"
                                              : u + "s";
    out.push_back("coverage_" + u + "_percent");
    out.push_back("coverage_" + plural + "_covered");
    out.push_back("coverage_" + plural + "_valid");
  }
  out.push_back("coverage_combined_percent");
  return out;
}
}  // namespace

const std::vector<std::string>& ArtifactMetrics(SourceType type) {
  static const auto* kCoverage = new std::vector<std::string>(CoverageMetrics());
  static const auto* kBenchmark = new std::vector<std::string>{
      "benchmark_min_seconds",    "benchmark_max_seconds",
      "benchmark_mean_seconds",   "benchmark_median_seconds",
      "benchmark_stddev_seconds", "benchmark_iqr_seconds",
      "benchmark_q1_seconds",     "benchmark_q3_seconds",
      "benchmark_total_seconds",  "benchmark_ops",
      "benchmark_rounds",         "benchmark_iterations"};
  static const auto* kJunit = new std::vector<std::string>{
      "tests", "tests_flaky", "tests_duration_seconds"};
  static const auto* kMutation = new std::vector<std::string>{
      "mutation_score_percent", "mutation_score_covered_percent", "mutants",
      "mutation_report_partial"};
  static const auto* kSecurity = new std::vector<std::string>{
      "security_findings", "security_findings_ignored",
      "security_ignores_expired"};
  static const auto* kEnv = new std::vector<std::string>{"env_present",
                                                          "env_valid"};
  static const auto* kCommand = new std::vector<std::string>{
      "command_exit_code", "command_duration_seconds"};
  static const auto* kNone = new std::vector<std::string>{};
  switch (type) {
    case SourceType::kCoverage: return *kCoverage;
    case SourceType::kPytestBenchmark: return *kBenchmark;
    case SourceType::kJunit: return *kJunit;
    case SourceType::kMutation: return *kMutation;
    case SourceType::kSecurity: return *kSecurity;
    case SourceType::kEnv: return *kEnv;
    case SourceType::kCommand: return *kCommand;
    case SourceType::kJson:
    case SourceType::kHttp:
    case SourceType::kPrometheus: return *kNone;
  }
  return *kNone;
}

std::vector<std::string> SourceMetrics(const SourceSpec& source) {
  std::vector<std::string> out = ArtifactMetrics(source.type);
  if (source.is_http()) {
    out.push_back(kHttpStatusMetric);
    out.push_back(kHttpLatencyMetric);
  }
  for (const auto& v : source.values) out.push_back(v.metric);
  return out;
}

}  // namespace aurora
