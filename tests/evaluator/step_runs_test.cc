#include "evaluator/step_runs.h"

#include <string>

#include <gtest/gtest.h>

namespace aurora {
namespace {

TEST(StepRunsTest, ReadsBackEveryStepAsPushed) {
  StepRuns<std::string> r;
  const std::vector<std::string> pushed = {"", "", "a", "a", "", "b", "b", "b", ""};
  for (const std::string& s : pushed) r.push_back(s);
  ASSERT_EQ(r.size(), pushed.size());
  for (size_t i = 0; i < pushed.size(); ++i) EXPECT_EQ(r[i], pushed[i]) << i;
  EXPECT_EQ(r.runs(), 5u);
}

TEST(StepRunsTest, AThousandEqualStepsAreOneRun) {
  StepRuns<std::string> r;
  for (int i = 0; i < 1000; ++i) r.push_back("");
  EXPECT_EQ(r.size(), 1000u);
  EXPECT_EQ(r.runs(), 1u);
  r.assign(5000, "same");
  EXPECT_EQ(r.size(), 5000u);
  EXPECT_EQ(r.runs(), 1u);
  EXPECT_EQ(r[4999], "same");
}

TEST(StepRunsTest, ResizeGrowsWithDefaultsAndShrinksFromTheEnd) {
  StepRuns<std::string> r = {"x", "y", "y"};
  r.resize(5);
  EXPECT_EQ(r[2], "y");
  EXPECT_EQ(r[3], "");
  EXPECT_EQ(r[4], "");
  r.resize(2);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1], "y");
  r.push_back("y");  // joins the last run
  EXPECT_EQ(r.runs(), 2u);
  r.resize(0);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.runs(), 0u);
}

}  // namespace
}  // namespace aurora
