#include "rules/json_value_spec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

JsonPointerToken Key(std::string k) { return {std::move(k), false}; }
JsonPointerToken Star() { return {"", true}; }

TEST(JsonPointerTest, EmptyIsTheWholeDocument) {
  auto p = ParseJsonPointer("");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->tokens.empty());
  EXPECT_FALSE(p->has_wildcard());
}

TEST(JsonPointerTest, TokensEscapesAndWildcards) {
  auto p = ParseJsonPointer("/a~1b/*/m~0n/0//x*");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->tokens, ElementsAre(Key("a/b"), Star(), Key("m~n"), Key("0"),
                                     Key(""), Key("x*")));
  EXPECT_TRUE(p->has_wildcard());
  EXPECT_EQ(p->text, "/a~1b/*/m~0n/0//x*");
  // RFC 6901: "~01" is "~1" ('~0' decodes to '~', the '1' stays).
  auto q = ParseJsonPointer("/~01");
  ASSERT_TRUE(q.ok());
  EXPECT_THAT(q->tokens, ElementsAre(Key("~1")));
  // "/" is the member named "".
  auto r = ParseJsonPointer("/");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->tokens, ElementsAre(Key("")));
}

TEST(JsonPointerTest, ErrorsCarryTheOffset) {
  size_t off = 99;
  auto p = ParseJsonPointer("a/b", &off);
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(off, 0u);
  auto q = ParseJsonPointer("/ab/c~", &off);
  EXPECT_FALSE(q.ok());
  EXPECT_EQ(off, 5u);
  EXPECT_EQ(q.status().message(),
            "\"~\" in a JSON pointer must be followed by 0 (for \"~\") or 1 "
            "(for \"/\")");
  auto r = ParseJsonPointer("/~2", &off);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(off, 1u);
}

TEST(JsonReduceTest, NamesRoundTrip) {
  for (const std::string& n : JsonReduceNames()) {
    auto r = ParseJsonReduce(n);
    ASSERT_TRUE(r.has_value()) << n;
    EXPECT_EQ(JsonReduceName(*r), n);
  }
  EXPECT_FALSE(ParseJsonReduce("value").has_value());
  EXPECT_FALSE(ParseJsonReduce("Count").has_value());
}

}  // namespace
}  // namespace aurora
