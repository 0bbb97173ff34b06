// Issue 12.6: `@ start()` / `@ end()` in a replayed (range) read.
#include "rules/promql_at_modifier.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(PromqlAtModifierTest, RemovesRangeBoundModifiers) {
  EXPECT_EQ(WithoutRangeBoundAt("x @ end() > 1"), "x  > 1");
  EXPECT_EQ(WithoutRangeBoundAt("rate(x[5m] @ start())"), "rate(x[5m] )");
  EXPECT_EQ(WithoutRangeBoundAt("x offset 5m @end( )"), "x offset 5m ");
}

TEST(PromqlAtModifierTest, KeepsFixedTimesStringsAndComments) {
  EXPECT_EQ(WithoutRangeBoundAt("x @ 1700000000"), "x @ 1700000000");
  EXPECT_EQ(WithoutRangeBoundAt("x{a=\"@ end()\"}"), "x{a=\"@ end()\"}");
  EXPECT_EQ(WithoutRangeBoundAt("x # @ end()\n"), "x # @ end()\n");
  EXPECT_EQ(WithoutRangeBoundAt("x"), "x");
}

}  // namespace
}  // namespace aurora
