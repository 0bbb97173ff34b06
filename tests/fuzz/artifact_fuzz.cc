// libFuzzer entry point for the artifact readers (queries/artifact_source.h).
// The first byte picks the type ('3' mutation, '4' security, otherwise
// byte % 3: 0 coverage, 1 junit, 2 pytest-benchmark; seeds start with '0' to
// '4'), the rest is the file.
// Any input must parse or fail with a message that starts with the file's
// name; on success every count sample is >= 0 or NaN, every percent is in
// [0, 100] or NaN. An input that parses is also cut at a few points (issue
// 10): each cut must fail, or read exactly as the whole input, or (lcov
// only) end between two records. Violations abort, which libFuzzer reports.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "queries/artifact_source.h"

namespace {

constexpr std::string_view kFileName = "fuzz/artifact.dat";
const char* const kTypes[] = {"coverage", "junit", "pytest-benchmark"};

[[noreturn]] void Die(const char* what, std::string_view input,
                      const std::string& detail) {
  std::fprintf(stderr, "%s\ninput (%zu bytes): %.*s\ndetail: %s\n", what,
               input.size(), static_cast<int>(input.size()), input.data(),
               detail.c_str());
  std::abort();
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Metrics whose value counts something (docs/DESIGN.md's artifact metrics).
bool IsCountMetric(std::string_view m) {
  return m == "tests" || m == "tests_flaky" || m == "benchmark_rounds" ||
         m == "benchmark_iterations" || m == "mutants" ||
         m == "mutation_report_partial" || m == "security_findings" ||
         m == "security_findings_ignored" || m == "security_ignores_expired" ||
         (StartsWith(m, "coverage_") &&
          (EndsWith(m, "_covered") || EndsWith(m, "_valid")));
}

bool IsPercentMetric(std::string_view m) {
  return (StartsWith(m, "coverage_") || StartsWith(m, "mutation_score")) &&
         EndsWith(m, "_percent");
}

// The samples of `d` as text, in order (values bit for bit).
std::string SamplesText(const aurora::ArtifactData& d) {
  std::string out;
  for (const aurora::Sample& s : d.samples.samples) {
    char v[40];
    std::snprintf(v, sizeof v, "%a", s.value);
    out += s.labels.ToString() + "=" + v + "\n";
  }
  return out;
}

// lcov: no SF: line after the last end_of_record of `prefix`, i.e. the cut
// falls between whole records (the format has no end-of-file marker).
bool LcovBetweenRecords(std::string_view prefix) {
  size_t last = prefix.rfind("end_of_record");
  std::string_view tail =
      last == std::string_view::npos ? prefix : prefix.substr(last);
  return tail.find("SF:") == std::string_view::npos;
}

// A cut of an accepted input never reads as a different report.
void CheckTruncations(const std::string& type, std::string_view content,
                      const aurora::ArtifactData& whole) {
  const std::string expected = SamplesText(whole);
  const bool lcov = whole.format == "lcov tracefile";
  for (size_t i = 1; i <= 8; ++i) {
    const size_t k = i == 8 ? content.size() - 1 : content.size() * i / 8;
    if (k == 0 || k >= content.size()) continue;
    std::string_view prefix = content.substr(0, k);
    absl::StatusOr<aurora::ArtifactData> cut =
        aurora::ParseArtifact(*aurora::ParseSourceType(type), prefix, kFileName);
    if (!cut.ok()) continue;
    if (SamplesText(*cut) == expected) continue;
    if (lcov && LcovBetweenRecords(prefix)) continue;
    Die("a truncated input reads as a different report", prefix,
        type + " cut at " + std::to_string(k) + " of " +
            std::to_string(content.size()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string type = data[0] == '3'   ? "mutation"
                           : data[0] == '4' ? "security"
                                            : kTypes[data[0] % 3];
  std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<aurora::ArtifactData> parsed =
      aurora::ParseArtifact(*aurora::ParseSourceType(type), content, kFileName);
  if (!parsed.ok()) {
    const std::string message(parsed.status().message());
    const std::string detail = type + ": " + message;
    if (message.empty()) Die("empty error message", content, detail);
    if (!StartsWith(message, std::string(kFileName) + ":")) {
      Die("error does not start with the file name", content, detail);
    }
    return 0;
  }
  if (parsed->format.empty()) Die("no format described", content, type);
  for (const aurora::Sample& s : parsed->samples.samples) {
    std::string_view metric = s.labels.MetricName();
    const std::string detail = type + ": " + s.labels.ToString() + " = " +
                               std::to_string(s.value);
    if (metric.empty()) Die("sample without a metric name", content, detail);
    if (IsCountMetric(metric) && !std::isnan(s.value) && !(s.value >= 0)) {
      Die("negative count", content, detail);
    }
    if (IsPercentMetric(metric) && !std::isnan(s.value) &&
        !(s.value >= 0 && s.value <= 100)) {
      Die("percent outside [0, 100]", content, detail);
    }
  }
  CheckTruncations(type, content, *parsed);
  return 0;
}
