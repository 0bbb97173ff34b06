#include "evaluator/baseline_history.h"

#include <cmath>

#include "gtest/gtest.h"

namespace aurora {
namespace {

SampleSet Artifact(double order_submit, double other) {
  SampleSet s;
  s.samples.push_back(
      {Labels{{"__name__", "benchmark_mean_seconds"}, {"name", "submit"}}, order_submit});
  s.samples.push_back(
      {Labels{{"__name__", "benchmark_mean_seconds"}, {"name", "other"}}, other});
  return s;
}

double ValueOf(const SampleSet& set, std::string_view name) {
  for (const Sample& s : set.samples) {
    if (s.labels.Get("name") == name) return s.value;
  }
  return -1;
}

TEST(BaselineHistoryTest, PerSampleMedianMinMaxAndLast) {
  // A noisy history: one slow run (0.9) among 0.5s; the newest is the slow one.
  SampleSet a = Artifact(0.50, 2), b = Artifact(0.52, 4), c = Artifact(0.48, 3), d = Artifact(0.9, 1);
  std::vector<const SampleSet*> h = {&a, &b, &c, &d};
  using C = BaselineHistory::Compare;
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kMedian), "submit"), 0.51);
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kMedian), "other"), 2.5);
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kMin), "submit"), 0.48);
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kMax), "submit"), 0.9);
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kLast), "submit"), 0.9);
  EXPECT_DOUBLE_EQ(ValueOf(CombineHistory(h, C::kLast), "other"), 1);
}

TEST(BaselineHistoryTest, SamplesMissingFromSomeRunsAndNaN) {
  SampleSet a = Artifact(0.5, NAN), b = Artifact(0.7, NAN), c;
  c.samples.push_back({Labels{{"__name__", "benchmark_mean_seconds"}, {"name", "new"}}, 3});
  SampleSet med = CombineHistory({&a, &b, &c}, BaselineHistory::Compare::kMedian);
  EXPECT_DOUBLE_EQ(ValueOf(med, "submit"), 0.6);
  EXPECT_TRUE(std::isnan(ValueOf(med, "other")));
  EXPECT_DOUBLE_EQ(ValueOf(med, "new"), 3);
  SampleSet last = CombineHistory({&a, &b, &c}, BaselineHistory::Compare::kLast);
  EXPECT_EQ(last.samples.size(), 1u);
  EXPECT_TRUE(CombineHistory({}, BaselineHistory::Compare::kMedian).samples.empty());
}

TEST(BaselineHistoryTest, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(Median({})));
}

}  // namespace
}  // namespace aurora
