// File: bench/parse_bench.cc
// Parse throughput of the artifact readers on one file: reads it as
// aurora-gate does (RealFileReader) and parses it with ParseCoverage or
// ParseJunit, then prints one line of key=value figures (bytes, seconds,
// MB/s with MB = 10^6 bytes, peak RSS) and the headline numbers, so the
// python side (bench/parse_etree.py) can be checked to agree. Exit 1 on error.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/file_reader.h"
#include "queries/artifact.h"
#include "queries/coverage_reader.h"
#include "queries/junit_reader.h"

namespace {

long PeakRssKb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // kilobytes on Linux
}

// Value of the unlabelled (total) sample `metric`, or of the one whose
// label `key` equals `value`; NaN when absent.
double Total(const aurora::ArtifactData& data, std::string_view metric,
             std::string_view key = "", std::string_view value = "") {
  for (const aurora::Sample& s : data.samples.samples) {
    if (s.labels.MetricName() != metric) continue;
    bool detail = false;
    for (const std::string& l : data.samples.detail_labels) {
      if (s.labels.Has(l)) detail = true;
    }
    if (detail) continue;
    if (!key.empty() && s.labels.Get(key) != value) continue;
    return s.value;
  }
  return NAN;
}

// Σ of the breakdown samples `metric` carrying label `key`, and how many.
std::pair<double, int> SumDetail(const aurora::ArtifactData& data,
                                 std::string_view metric,
                                 std::string_view key) {
  double sum = 0;
  int n = 0;
  for (const aurora::Sample& s : data.samples.samples) {
    if (s.labels.MetricName() == metric && s.labels.Has(key)) {
      sum += s.value;
      ++n;
    }
  }
  return {sum, n};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "coverage") != 0 &&
                    std::strcmp(argv[1], "junit") != 0)) {
    std::fprintf(stderr, "usage: parse_bench coverage|junit FILE\n");
    return 2;
  }
  const bool coverage = std::strcmp(argv[1], "coverage") == 0;
  const std::string path = argv[2];
  using Clock = std::chrono::steady_clock;

  const auto t0 = Clock::now();
  aurora::RealFileReader reader;
  absl::StatusOr<std::string> content = reader.ReadFile(path);
  if (!content.ok()) {
    std::fprintf(stderr, "%s\n", content.status().ToString().c_str());
    return 1;
  }
  const size_t bytes = content->size();
  const auto t1 = Clock::now();
  absl::StatusOr<aurora::ArtifactData> data =
      coverage ? aurora::ParseCoverage(*content, path)
               : aurora::ParseJunit(*content, path);
  const auto t2 = Clock::now();
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 1;
  }
  const double read_s = std::chrono::duration<double>(t1 - t0).count();
  const double parse_s = std::chrono::duration<double>(t2 - t1).count();
  const double total_s = read_s + parse_s;
  const long rss_kb = PeakRssKb();
  std::printf(
      "tool=aurora format=%s bytes=%zu read_s=%.4f parse_s=%.4f seconds=%.4f "
      "mb_per_s=%.1f peak_rss_kb=%ld rss_ratio=%.2f",
      argv[1], bytes, read_s, parse_s, total_s, bytes / 1e6 / total_s, rss_kb,
      rss_kb * 1024.0 / static_cast<double>(bytes));
  if (coverage) {
    auto [file_lines, files] = SumDetail(*data, "coverage_lines_valid", "file");
    auto [file_covered, unused] =
        SumDetail(*data, "coverage_lines_covered", "file");
    auto [file_branches, unused2] =
        SumDetail(*data, "coverage_branches_valid", "file");
    std::printf(
        " lines_covered=%.0f lines_valid=%.0f branches_covered=%.0f "
        "branches_valid=%.0f files=%d file_lines_covered=%.0f "
        "file_lines_valid=%.0f file_branches_valid=%.0f\n",
        Total(*data, "coverage_lines_covered"),
        Total(*data, "coverage_lines_valid"),
        Total(*data, "coverage_branches_covered"),
        Total(*data, "coverage_branches_valid"), files, file_covered,
        file_lines, file_branches);
  } else {
    std::printf(
        " passed=%.0f failed=%.0f error=%.0f skipped=%.0f flaky=%.0f "
        "duration_s=%.3f\n",
        Total(*data, "tests", "result", "passed"),
        Total(*data, "tests", "result", "failed"),
        Total(*data, "tests", "result", "error"),
        Total(*data, "tests", "result", "skipped"),
        Total(*data, "tests_flaky"), Total(*data, "tests_duration_seconds"));
  }
  return 0;
}
