#include "rules/series_notation.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::HasSubstr;

// The expansion as text: numbers, "_" for no sample, "stale".
std::string Expand(std::string_view text) {
  absl::StatusOr<std::vector<SeriesStep>> steps = ExpandSeriesValues(text);
  if (!steps.ok()) return "error: " + std::string(steps.status().message());
  std::string out;
  for (const SeriesStep& s : *steps) {
    if (!out.empty()) out += ' ';
    switch (s.kind) {
      case SeriesStep::Kind::kOmitted: out += "_"; break;
      case SeriesStep::Kind::kStale: out += "stale"; break;
      case SeriesStep::Kind::kValue: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", s.value);
        out += buf;
      }
    }
  }
  return out;
}

TEST(SeriesNotationTest, ExpandsAsPromtoolDoes) {
  EXPECT_EQ(Expand("1+1x3"), "1 2 3 4");
  EXPECT_EQ(Expand("0x5"), "0 0 0 0 0 0");  // n+1 copies, not hexadecimal
  EXPECT_EQ(Expand("-2+4x3"), "-2 2 6 10");
  EXPECT_EQ(Expand("10-2x2"), "10 8 6");
  EXPECT_EQ(Expand("1 _ 3"), "1 _ 3");
  EXPECT_EQ(Expand("_x3 5"), "_ _ _ 5");  // _xn is n steps, not n+1
  EXPECT_EQ(Expand("0 stale 1"), "0 stale 1");
  EXPECT_EQ(Expand("NaN Inf -Inf +1.5e2"), "nan inf -inf 150");
  EXPECT_EQ(Expand("  1   2  "), "1 2");
  EXPECT_EQ(Expand(""), "");
  EXPECT_EQ(Expand("1x0"), "1");
}

TEST(SeriesNotationTest, BadItemsNameTheColumn) {
  EXPECT_EQ(Expand("1 2 foo"),
            "error: column 5: expected a number, \"_\" or \"stale\", got \"f\"");
  EXPECT_EQ(Expand("1+1"), "error: column 4: expected \"x\" and a count after \"a+b\"");
  EXPECT_EQ(Expand("1x"), "error: column 3: expected a repetition count after \"x\"");
  EXPECT_EQ(Expand("1,2"), "error: column 2: unexpected \",\" in series values");
  EXPECT_EQ(Expand("stalex3"),
            "error: column 1: expected a number, \"_\" or \"stale\", got \"s\"");
}

TEST(SeriesNotationTest, HugeRepetitionIsAnErrorNotAnAllocation) {
  EXPECT_THAT(ExpandSeriesValues("1x99999999999999999"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("steps")));
  EXPECT_THAT(ExpandSeriesValues("1x999999999999999999999999"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(ExpandSeriesValues("1x5 1x5", 10),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than 10")));
}

TEST(SeriesNotationTest, ParsesSeriesLabels) {
  absl::StatusOr<SeriesLabels> l =
      ParseSeriesLabels(R"(up{job="prometheus", instance='localhost:9090',})");
  ASSERT_OK(l);
  EXPECT_EQ(l->name, "up");
  EXPECT_EQ(l->labels, (std::map<std::string, std::string>{
                           {"instance", "localhost:9090"}, {"job", "prometheus"}}));
  l = ParseSeriesLabels(R"({__name__="x", a="q\"\n"})");
  ASSERT_OK(l);
  EXPECT_EQ(l->name, "x");
  EXPECT_EQ(l->labels.at("a"), "q\"\n");
  l = ParseSeriesLabels("job:rate5m");
  ASSERT_OK(l);
  EXPECT_EQ(l->name, "job:rate5m");
}

TEST(SeriesNotationTest, BadSeriesNameTheColumn) {
  EXPECT_THAT(ParseSeriesLabels(R"(up{job="prometheus", instance="x")"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column 34: expected \",\" or \"}\""));
  EXPECT_THAT(ParseSeriesLabels(R"(up{job="a",job="b"})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column 12: label \"job\" given twice"));
  EXPECT_THAT(ParseSeriesLabels(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SeriesNotationTest, LabelsPrintAsPrometheusDoes) {
  EXPECT_EQ(PromLabelsString({{"alertname", "X"}, {"instance", "a\"b"}}),
            R"({alertname="X", instance="a\"b"})");
  EXPECT_EQ(PromLabelsString({}), "{}");
}

}  // namespace
}  // namespace aurora
