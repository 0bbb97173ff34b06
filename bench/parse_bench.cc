// File: bench/parse_bench.cc
// Parse throughput of the artifact readers on one file: reads it as
// aurora-gate does (RealFileReader) and parses it with ParseCoverage or
// ParseJunit (or ParseSecurity / ParseMutation), then prints one line of key=value figures (bytes, seconds,
// MB/s with MB = 10^6 bytes, peak RSS) and the headline numbers, so the
// python side (bench/parse_etree.py) can be checked to agree. Exit 1 on error.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/file_reader.h"
#include "queries/artifact.h"
#include "queries/coverage_reader.h"
#include "queries/junit_reader.h"
#include "queries/mutation_reader.h"
#include "queries/security_reader.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

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
  const std::string kind = argc == 3 ? argv[1] : "";
  if (kind != "coverage" && kind != "junit" && kind != "security" &&
      kind != "mutation" && kind != "json-sax") {
    std::fprintf(stderr,
                 "usage: parse_bench coverage|junit|security|mutation|json-sax "
                 "FILE\n");
    return 2;
  }
  const bool coverage = kind == "coverage";
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
  if (kind == "json-sax") {
    // The floor of any RapidJSON reader: one SAX pass with the flags the
    // readers use, no DOM, nothing counted.
    rapidjson::BaseReaderHandler<> null_handler;
    rapidjson::MemoryStream stream(content->data(), content->size());
    rapidjson::Reader sax;
    const bool ok =
        sax.Parse<rapidjson::kParseValidateEncodingFlag |
                     rapidjson::kParseNanAndInfFlag |
                     rapidjson::kParseFullPrecisionFlag>(stream, null_handler);
    const double total_s =
        std::chrono::duration<double>(Clock::now() - t0).count();
    const long rss_kb = PeakRssKb();
    std::printf(
        "tool=rapidjson-sax format=json bytes=%zu seconds=%.4f mb_per_s=%.1f "
        "peak_rss_kb=%ld rss_ratio=%.2f ok=%d\n",
        bytes, total_s, bytes / 1e6 / total_s, rss_kb,
        rss_kb * 1024.0 / static_cast<double>(bytes), ok ? 1 : 0);
    return ok ? 0 : 1;
  }
  // Security and mutation sources are read as ReadSourceArtifact does: the
  // files' texts handed over, not copied.
  std::vector<std::pair<std::string, std::string>> files;
  if (kind == "security" || kind == "mutation") {
    files.emplace_back(path, std::move(*content));
  }
  absl::StatusOr<aurora::ArtifactData> data =
      coverage            ? aurora::ParseCoverage(*content, path)
      : kind == "junit"   ? aurora::ParseJunit(*content, path)
      : kind == "security" ? aurora::ParseSecurityFiles(files)
                          : aurora::ParseMutationFiles(files);
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
    auto [file_lines, file_count] = SumDetail(*data, "coverage_lines_valid", "file");
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
        Total(*data, "coverage_branches_valid"), file_count, file_covered,
        file_lines, file_branches);
  } else if (kind == "security") {
    for (const char* sev : {"critical", "high", "medium", "low", "unknown"}) {
      double n = 0;  // Σ over tools of the per-severity totals
      for (const aurora::Sample& s : data->samples.samples) {
        if (s.labels.MetricName() == "security_findings" &&
            s.labels.Get("severity") == sev && !s.labels.Has("category")) {
          n += s.value;
        }
      }
      std::printf(" %s=%.0f", sev, n);
    }
    std::printf("\n");
  } else if (kind == "mutation") {
    // Stryker's statuses, as the `status` label spells them.
    for (const char* st : {"killed", "survived", "timeout", "no_coverage",
                           "compile_error", "runtime_error", "ignored"}) {
      std::printf(" %s=%.0f", st, Total(*data, "mutants", "status", st));
    }
    std::printf(" score=%.6f\n", Total(*data, "mutation_score_percent"));
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
