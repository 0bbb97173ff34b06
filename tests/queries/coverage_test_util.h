// File: tests/queries/coverage_test_util.h
// Helpers for the coverage reader tests: read fixture files and look up one
// sample of an ArtifactData by metric name and exact label set.
#ifndef AURORA_TESTS_QUERIES_COVERAGE_TEST_UTIL_H_
#define AURORA_TESTS_QUERIES_COVERAGE_TEST_UTIL_H_

#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>

#include "evaluator/sample.h"
#include "gtest/gtest.h"
#include "queries/artifact.h"

namespace aurora::testing {

// Contents of a file; fails the test when it cannot be read.
inline std::string ReadFileOrFail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file under tests/testdata/coverage (licence allows redistribution).
inline std::string CoverageTestdata(const std::string& file) {
  return ReadFileOrFail(std::string(AURORA_TESTDATA_DIR) + "/coverage/" + file);
}

// A file under ../shared/fixtures/real (for files whose licence keeps them
// out of the repository, or other formats' fixtures).
inline std::string SharedFixture(const std::string& rel) {
  return ReadFileOrFail(std::string(AURORA_SHARED_DIR) + "/fixtures/real/" +
                        rel);
}

// Number of samples named `metric` with exactly `labels` (besides __name__).
inline int CountSamples(const ArtifactData& data, std::string_view metric,
                        const Labels& labels = Labels()) {
  int n = 0;
  for (const Sample& s : data.samples.samples) {
    if (s.labels.MetricName() == metric &&
        s.labels.WithoutMetricName() == labels) {
      ++n;
    }
  }
  return n;
}

// The value of the one sample named `metric` with exactly `labels`; fails
// the test (and returns -1) when there is none or more than one.
inline double Value(const ArtifactData& data, std::string_view metric,
                    const Labels& labels = Labels()) {
  double value = -1;
  int n = 0;
  for (const Sample& s : data.samples.samples) {
    if (s.labels.MetricName() == metric &&
        s.labels.WithoutMetricName() == labels) {
      value = s.value;
      ++n;
    }
  }
  if (n != 1) {
    ADD_FAILURE() << n << " samples " << metric << labels.ToString();
    return -1;
  }
  return value;
}

// Label sets of per-package and per-file coverage samples.
inline Labels Package(const std::string& p) { return Labels{{"package", p}}; }
inline Labels File(const std::string& f) { return Labels{{"file", f}}; }

}  // namespace aurora::testing

#endif  // AURORA_TESTS_QUERIES_COVERAGE_TEST_UTIL_H_
