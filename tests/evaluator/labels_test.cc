// Labels as a value: sorted unique names, empty values absent, copies that
// share storage yet never see each other's changes.
#include <map>
#include <string>
#include <vector>

#include "evaluator/sample.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using Pair = Labels::Pair;
using ::testing::ElementsAre;

TEST(LabelsTest, KeepsPairsSortedByNameWithUniqueNames) {
  Labels l;
  l.Set("job", "api");
  l.Set("instance", "a:1");
  l.Set("__name__", "up");
  l.Set("job", "web");
  EXPECT_THAT(l.pairs(), ElementsAre(Pair("__name__", "up"), Pair("instance", "a:1"),
                                     Pair("job", "web")));
  EXPECT_EQ(l.Get("job"), "web");
  EXPECT_EQ(l.Get("zone"), "");
  EXPECT_EQ(l.MetricName(), "up");
  EXPECT_EQ(l.size(), 3u);
}

TEST(LabelsTest, AnEmptyValueIsAnAbsentLabel) {
  Labels l{{"job", ""}, {"a", "1"}};
  EXPECT_THAT(l.pairs(), ElementsAre(Pair("a", "1")));
  l.Set("a", "");
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l, Labels());
  EXPECT_EQ(l.ToString(), "{}");
  l.Remove("missing");
  EXPECT_TRUE(l.empty());
}

TEST(LabelsTest, ChangingACopyLeavesTheOriginalAlone) {
  Labels original{{"__name__", "http_requests_total"}, {"job", "api"}, {"status", "500"}};
  Labels copy = original;
  EXPECT_EQ(copy, original);
  copy.Set("status", "503");
  copy.Remove("job");
  EXPECT_EQ(original.Get("status"), "500");
  EXPECT_EQ(original.Get("job"), "api");
  EXPECT_EQ(copy.Get("status"), "503");
  EXPECT_FALSE(copy.Has("job"));
  EXPECT_NE(copy, original);

  Labels stripped = original.WithoutMetricName();
  EXPECT_EQ(original.MetricName(), "http_requests_total");
  EXPECT_EQ(stripped.ToString(), "{job=\"api\", status=\"500\"}");
  Labels again = stripped.WithoutMetricName();  // nothing to remove
  EXPECT_EQ(again, stripped);
}

TEST(LabelsTest, ChangingTheOriginalLeavesItsCopiesAlone) {
  Labels original{{"job", "api"}, {"i", "1"}};
  Labels copy = original;
  original.Set("i", std::string(copy.Get("job")));  // a value read from the shared vector
  original.Set("zone", "eu");
  EXPECT_EQ(copy, (Labels{{"job", "api"}, {"i", "1"}}));
  EXPECT_EQ(original, (Labels{{"job", "api"}, {"i", "api"}, {"zone", "eu"}}));
  Labels alone{{"a", "x"}, {"b", "y"}};
  alone.Set("a", alone.Get("b"));  // not shared: changed in place
  EXPECT_EQ(alone, (Labels{{"a", "y"}, {"b", "y"}}));
}

TEST(LabelsTest, AMovedFromLabelsIsEmptyAndUsable) {
  Labels from{{"job", "api"}};
  Labels to = std::move(from);
  EXPECT_EQ(to.Get("job"), "api");
  EXPECT_TRUE(from.empty());  // NOLINT(bugprone-use-after-move): documented state
  from.Set("job", "web");
  EXPECT_EQ(from.Get("job"), "web");
  EXPECT_EQ(to.Get("job"), "api");
}

TEST(LabelsTest, EqualityAndOrderDependOnContentOnly) {
  Labels a{{"job", "api"}, {"i", "1"}};
  Labels b{{"i", "1"}, {"job", "api"}};  // built apart, same content
  Labels c = a;                          // shares a's storage
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_FALSE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < c);
  Labels d{{"i", "2"}, {"job", "api"}};
  EXPECT_TRUE(a < d);
  EXPECT_FALSE(d < a);
  EXPECT_TRUE(Labels() < a);

  std::map<Labels, int> by_labels;
  by_labels[a] = 1;
  by_labels[b] = 2;  // the same key
  by_labels[d] = 3;
  EXPECT_EQ(by_labels.size(), 2u);
  EXPECT_EQ(by_labels[c], 2);
}

TEST(LabelsTest, KeepAndDropSelectByName) {
  Labels l{{"__name__", "up"}, {"instance", "a:1"}, {"job", "api"}};
  EXPECT_EQ(l.Keep({"job", "zone"}), (Labels{{"job", "api"}}));
  EXPECT_EQ(l.Drop({"__name__", "job"}), (Labels{{"instance", "a:1"}}));
  EXPECT_TRUE(l.Keep({}).empty());
  EXPECT_EQ(l.size(), 3u);
  EXPECT_TRUE(Labels().Keep({"job"}).empty());
  EXPECT_TRUE(Labels().Drop({"job"}).empty());
}

TEST(LabelsTest, ToStringEscapesValuesAsPromQL) {
  Labels l{{"__name__", "up"}, {"msg", "say \"hi\"\\\n"}};
  EXPECT_EQ(l.ToString(), "up{msg=\"say \\\"hi\\\"\\\\\\n\"}");
  EXPECT_EQ((Labels{{"__name__", "up"}}.ToString()), "up");
}

}  // namespace
}  // namespace aurora
