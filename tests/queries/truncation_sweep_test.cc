// Issue 10 ("bad input never passes"): every artifact reader, fed a real
// file cut at (almost) every byte, either returns an error or returns
// exactly what the whole file gives. A truncated file must never read as a
// shorter report that passes where the whole one fails.
//
// The one shape no reader can detect is a cut exactly between two complete
// records of a format without an end marker: an lcov tracefile cut after an
// `end_of_record` line, a JSON-lines file cut after a newline. Those are
// complete files of fewer records; the sweeps check that every accepted cut
// is such a boundary (never a record read in half).
//
// Files up to kEveryByteLimit are cut at every byte; bigger ones at every
// byte of their first and last quarter of a cut budget (about kByteBudget
// bytes parsed per file) and at evenly spread points between, so that each
// test stays well under 10 s. Files come from tests/testdata only (the
// shared fixtures folder is not there in every checkout).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/strings.h"
#include "gtest/gtest.h"
#include "queries/benchmark_reader.h"
#include "queries/coverage_counts.h"
#include "queries/coverage_reader.h"
#include "queries/json_values_reader.h"
#include "queries/junit_reader.h"
#include "queries/junit_reader_internal.h"
#include "tests/queries/coverage_test_util.h"

namespace aurora {
namespace {

using ::aurora::testing::ReadFileOrFail;

constexpr size_t kEveryByteLimit = 8 * 1024;
constexpr size_t kByteBudget = 48 * 1024 * 1024;

using Parser = std::function<absl::StatusOr<ArtifactData>(std::string_view,
                                                          std::string_view)>;
// Whether a cut of `content` at byte k that parsed is allowed (a record
// boundary of the format).
using Boundary = std::function<bool(std::string_view content, size_t k)>;

std::string Testdata(const std::string& rel) {
  return ReadFileOrFail(std::string(AURORA_TESTDATA_DIR) + "/" + rel);
}

// The samples as sorted text, NaN spelled out, so two reads compare equal
// exactly when they would evaluate the same.
std::vector<std::string> SampleTexts(const ArtifactData& d) {
  std::vector<std::string> out;
  for (const Sample& s : d.samples.samples) {
    char v[64];
    std::snprintf(v, sizeof v, "%.17g", s.value);
    out.push_back(absl::StrCat(s.labels.ToString(), " = ",
                               std::isnan(s.value) ? "NaN" : v));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<size_t> CutPoints(size_t size) {
  std::vector<size_t> cuts;
  if (size <= kEveryByteLimit) {
    for (size_t k = 0; k < size; ++k) cuts.push_back(k);
    return cuts;
  }
  const size_t n = std::clamp<size_t>(kByteBudget / size, 64, 4096);
  const size_t edge = n / 4, spread = n / 2;
  for (size_t k = 0; k < edge; ++k) cuts.push_back(k);
  for (size_t i = 1; i < spread; ++i) {
    cuts.push_back(edge + (size - 2 * edge) * i / spread);
  }
  for (size_t k = size - edge; k < size; ++k) cuts.push_back(k);
  return cuts;
}

bool NoBoundary(std::string_view, size_t) { return false; }

// The lines of `text` that are neither blank nor `#` comments.
std::vector<std::string_view> RecordLines(std::string_view text) {
  std::vector<std::string_view> out;
  for (absl::string_view line : absl::StrSplit(Sv(text), '\n')) {
    absl::string_view t = absl::StripAsciiWhitespace(line);
    if (!t.empty() && t[0] != '#') out.push_back(Sv(t));
  }
  return out;
}

// lcov: the prefix holds whole records only: nothing but TN:/VER: lines
// after its last end_of_record (or no SF at all).
bool LcovRecordBoundary(std::string_view content, size_t k) {
  std::vector<std::string_view> lines = RecordLines(content.substr(0, k));
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (*it == "end_of_record") return true;
    if (!absl::StartsWith(Sv(*it), "TN:") &&
        !absl::StartsWith(Sv(*it), "VER:")) {
      return false;
    }
  }
  return true;
}

// JSON lines: the prefix ends with whole lines (the cut is at a line end).
bool JsonLinesBoundary(std::string_view content, size_t k) {
  return k == 0 || content[k - 1] == '\n' || content[k] == '\n' ||
         content.substr(k).starts_with("\r\n");
}

// Cuts `content` at every cut point and checks the contract above.
void Sweep(const std::string& name, const std::string& content,
           const Parser& parse, const Boundary& boundary = NoBoundary) {
  ASSERT_FALSE(content.empty()) << name;
  absl::StatusOr<ArtifactData> whole = parse(content, name);
  ASSERT_TRUE(whole.ok()) << whole.status();
  const std::vector<std::string> expected = SampleTexts(*whole);
  int failures = 0;
  for (size_t k : CutPoints(content.size())) {
    std::string_view prefix = std::string_view(content).substr(0, k);
    absl::StatusOr<ArtifactData> got = parse(prefix, name);
    if (!got.ok()) {
      // The error names the file (and where, for the formats that can).
      EXPECT_TRUE(absl::StartsWith(got.status().message(), name))
          << name << " cut at " << k << ": " << got.status();
      continue;
    }
    const bool only_trailing_space =
        std::string_view(content).substr(k).find_first_not_of(" \t\r\n") ==
        std::string_view::npos;
    if (only_trailing_space || boundary(content, k)) {
      if (only_trailing_space) {
        EXPECT_EQ(SampleTexts(*got), expected) << name << " cut at " << k;
      }
      continue;
    }
    if (++failures <= 5) {
      ADD_FAILURE() << name << " cut at byte " << k << " of "
                    << content.size() << " parsed as a report (format \""
                    << got->format << "\"), expected an error; the cut ends: "
                    << Excerpt(prefix.substr(prefix.size() > 60
                                                 ? prefix.size() - 60
                                                 : 0));
    }
  }
  EXPECT_EQ(failures, 0) << name << ": truncated reads that parsed";
}

TEST(TruncationSweepTest, LcovCutInsideARecordIsAnError) {
  for (const char* f :
       {"diff-cover-coveragepy-lcov.info", "gcovr-8.6-nested-gcc5.info",
        "grandlinex-core-istanbul-jest.info",
        "freertos-coremqtt-geninfo-large.info"}) {
    Sweep(f, Testdata(absl::StrCat("coverage/", f)), ParseCoverage,
          LcovRecordBoundary);
  }
}

TEST(TruncationSweepTest, CoberturaCutAnywhereIsAnError) {
  for (const char* f :
       {"coveragepy-4.3.4-codeclimate-example.xml",
        "coveragepy-gold-y_xml_branch.xml", "gcovr-8.6-nested-gcc5.xml",
        "grandlinex-core-istanbul-jest.xml"}) {
    Sweep(f, Testdata(absl::StrCat("coverage/", f)), ParseCoverage);
  }
}

TEST(TruncationSweepTest, JacocoCutAnywhereIsAnError) {
  for (const char* f :
       {"codeclimate-jacoco-dtd1.0-basic.xml",
        "coveralls-jacoco-multiple-packages.xml"}) {
    Sweep(f, Testdata(absl::StrCat("coverage/", f)), ParseCoverage);
  }
}

TEST(TruncationSweepTest, CoveragePyJsonCutAnywhereIsAnError) {
  Sweep("brainsmith-cov7.10.7-branch.json",
        Testdata("coverage/brainsmith-cov7.10.7-branch.json"), ParseCoverage);
}

TEST(TruncationSweepTest, PytestBenchmarkCutAnywhereIsAnError) {
  for (const char* f : {"github-action-benchmark-pytest_output.json",
                        "lagom-linux-cpython311-v4.0.0.json",
                        "pytest-benchmark-selftest-v2.5.0-legacy.json",
                        "asebytes-darwin-cpython311-v5.2.1-52benchmarks.json"}) {
    Sweep(f, Testdata(absl::StrCat("pytest-benchmark/", f)),
          ParsePytestBenchmark);
  }
}

TEST(TruncationSweepTest, JunitCutAnywhereIsAnError) {
  for (const char* f :
       {"bazel-suite-logs.xml", "cargo-nextest-basic.xml", "catch2-report.xml",
        "go-junit-report-001.xml", "gradle-ast-SourceCodeLocationTest-skipped.xml",
        "jest-junit-basic.xml", "maven-surefire-StringUtilsTest.xml",
        "mocha-junit-reporter-latex-utensils.xml", "pytest-2025-properties.xml",
        "pytest-horovod-fail.xml", "scalatest-sbt-DiffOptionsSuite.xml",
        "tst-cpp-disabled.xml", "gradle-FixupFontDeclarationsTest-67KB.xml",
        "maven-surefire-apache-pulsar-aggregated.xml"}) {
    Sweep(f, Testdata(absl::StrCat("junit/", f)), ParseJunit);
  }
}

TEST(TruncationSweepTest, JunitDomPathCutAnywhereIsAnError) {
  for (const char* f : {"pytest-horovod-fail.xml", "tst-cpp-disabled.xml",
                        "maven-surefire-StringUtilsTest.xml"}) {
    Sweep(f, Testdata(absl::StrCat("junit/", f)), ParseJunitDom);
  }
}

JsonValueSpec Pick(std::string metric, std::string_view pointer,
                   JsonReduce reduce) {
  JsonValueSpec s;
  s.metric = std::move(metric);
  s.pointer = *ParseJsonPointer(pointer);
  s.reduce = reduce;
  return s;
}

TEST(TruncationSweepTest, JsonValuesCutAnywhereIsAnError) {
  const std::vector<JsonValueSpec> values = {
      Pick("benchmarks", "/benchmarks/*", JsonReduce::kCount),
      Pick("worst_mean", "/benchmarks/*/stats/mean", JsonReduce::kMax)};
  Parser parse = [&values](std::string_view c, std::string_view n) {
    return ParseJsonValues(c, n, values);
  };
  Sweep("lagom.json",
        Testdata("pytest-benchmark/lagom-linux-cpython311-v4.0.0.json"), parse);
}

TEST(TruncationSweepTest, JsonLinesCutInsideALineIsAnError) {
  // One benchmark-like object per line.
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    absl::StrAppend(&lines, "{\"name\": \"bench", i, "\", \"stats\": {\"mean\": ",
                    0.001 * (i + 1), ", \"rounds\": ", 100 + i, "}}\n");
  }
  const std::vector<JsonValueSpec> values = {
      Pick("records", "", JsonReduce::kCount),
      Pick("worst_mean", "/stats/mean", JsonReduce::kMax)};
  Parser parse = [&values](std::string_view c, std::string_view n) {
    return ParseJsonValues(c, n, values);
  };
  Sweep("bench.jsonl", lines, parse, JsonLinesBoundary);
}

}  // namespace
}  // namespace aurora
