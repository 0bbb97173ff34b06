// The JSON picker: pointers with `*`, RFC 6901 escapes, every reduction,
// NaN/Inf, nothing picked, and type errors that say what went wrong.
#include "queries/json_picker.h"

#include <cmath>
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/json_document.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

class JsonPickerTest : public ::testing::Test {
 protected:
  const rapidjson::Value& Doc(std::string_view text) {
    auto d = ParseJson(text, "t.json");
    EXPECT_TRUE(d.ok()) << d.status();
    docs_.push_back(*std::move(d));
    return *docs_.back();
  }

  static JsonValueSpec Spec(std::string_view pointer, JsonReduce reduce,
                            std::string match = "") {
    JsonValueSpec s;
    s.metric = "m";
    auto p = ParseJsonPointer(pointer);
    EXPECT_TRUE(p.ok()) << p.status();
    s.pointer = *p;
    s.reduce = reduce;
    s.match = std::move(match);
    return s;
  }

  absl::StatusOr<std::optional<double>> Reduce(std::string_view text,
                                               std::string_view pointer,
                                               JsonReduce reduce,
                                               std::string match = "") {
    return PickAndReduce({{&Doc(text), ""}}, Spec(pointer, reduce, match));
  }

  std::vector<std::string> Paths(std::string_view text, std::string_view pointer) {
    std::vector<std::string> out;
    for (const auto& p : PickJson(Doc(text), *ParseJsonPointer(pointer))) {
      out.push_back(p.path);
    }
    return out;
  }

  std::vector<std::unique_ptr<rapidjson::Document>> docs_;
};

constexpr char kEvents[] = R"({"events": [
  {"id": 1, "trace_id": "t1", "ms": 12.5, "ok": true},
  {"id": 2, "trace_id": "t2", "ms": "7.5", "ok": false},
  {"id": 3, "trace_id": "t1", "ms": 30, "ok": true},
  {"id": 4, "trace_id": null, "ms": null},
  {"id": 5}
]})";

TEST_F(JsonPickerTest, WildcardsExpandArraysAndObjectsInDocumentOrder) {
  EXPECT_THAT(Paths(kEvents, "/events/*/trace_id"),
              ElementsAre("/events/0/trace_id", "/events/1/trace_id",
                          "/events/2/trace_id", "/events/3/trace_id"));
  EXPECT_THAT(Paths(R"({"a": {"x": {"v": 1}, "y": {"v": 2}, "z": 3}})", "/a/*/v"),
              ElementsAre("/a/x/v", "/a/y/v"));
  EXPECT_THAT(Paths(R"([[1, 2], [3], 4])", "/*/*"),
              ElementsAre("/0/0", "/0/1", "/1/0"));
  EXPECT_THAT(Paths(R"({"a": 1})", ""), ElementsAre(""));
}

TEST_F(JsonPickerTest, EscapedTokensAndArrayIndexes) {
  constexpr char kDoc[] = R"({"a/b": {"m~n": [10, 20, 30]}, "": {"": 7}})";
  EXPECT_THAT(Paths(kDoc, "/a~1b/m~0n/2"), ElementsAre("/a~1b/m~0n/2"));
  EXPECT_EQ(**Reduce(kDoc, "/a~1b/m~0n/1", JsonReduce::kSingle), 20);
  EXPECT_EQ(**Reduce(kDoc, "//", JsonReduce::kSingle), 7);
  // Leading zeros, "-" and out-of-range indexes pick nothing.
  EXPECT_THAT(Paths(kDoc, "/a~1b/m~0n/01"), ElementsAre());
  EXPECT_THAT(Paths(kDoc, "/a~1b/m~0n/-"), ElementsAre());
  EXPECT_THAT(Paths(kDoc, "/a~1b/m~0n/3"), ElementsAre());
  // Stepping into a scalar picks nothing.
  EXPECT_THAT(Paths(kDoc, "/a~1b/m~0n/0/x"), ElementsAre());
}

TEST_F(JsonPickerTest, Reductions) {
  EXPECT_EQ(**Reduce(kEvents, "/events/*", JsonReduce::kCount), 5);
  // null is absent: 3 trace ids, 2 distinct.
  EXPECT_EQ(**Reduce(kEvents, "/events/*/trace_id", JsonReduce::kCount), 3);
  EXPECT_EQ(**Reduce(kEvents, "/events/*/trace_id", JsonReduce::kCountDistinct), 2);
  // Numbers and numeric strings.
  EXPECT_EQ(**Reduce(kEvents, "/events/*/ms", JsonReduce::kSum), 50);
  EXPECT_EQ(**Reduce(kEvents, "/events/*/ms", JsonReduce::kMin), 7.5);
  EXPECT_EQ(**Reduce(kEvents, "/events/*/ms", JsonReduce::kMax), 30);
  EXPECT_DOUBLE_EQ(**Reduce(kEvents, "/events/*/ms", JsonReduce::kAvg), 50.0 / 3);
  // Booleans as 1/0.
  EXPECT_EQ(**Reduce(kEvents, "/events/*/ok", JsonReduce::kSum), 2);
  EXPECT_DOUBLE_EQ(**Reduce(kEvents, "/events/*/ok", JsonReduce::kAvg), 2.0 / 3);
  // count_distinct compares JSON text: 1 and "1" differ, 1 and 1.0 too.
  EXPECT_EQ(**Reduce(R"([1, "1", 1, {"a": 1}, {"a": 1}, [1]])", "/*",
                     JsonReduce::kCountDistinct),
            4);
}

TEST_F(JsonPickerTest, MatchFiltersStringsBeforeReducing) {
  constexpr char kRules[] = R"({"data": {"groups": [
    {"name": "aurora-critical"}, {"name": "aurora-warning"},
    {"name": "node-exporter"}, {"name": 5}, {"name": "AURORA-x"}]}})";
  EXPECT_EQ(**Reduce(kRules, "/data/groups/*/name", JsonReduce::kCount,
                     "aurora-.*"),
            2);
  // A full match: "aurora" alone does not match "aurora-critical".
  EXPECT_EQ(**Reduce(kRules, "/data/groups/*/name", JsonReduce::kCount, "aurora"),
            0);
  EXPECT_EQ(**Reduce(kRules, "/data/groups/*/name", JsonReduce::kCount,
                     "(?i)aurora.*"),
            3);
}

TEST_F(JsonPickerTest, NothingPickedIsZeroForCountsAndNoDataOtherwise) {
  EXPECT_EQ(**Reduce(R"({"events": []})", "/events/*", JsonReduce::kCount), 0);
  EXPECT_EQ(**Reduce(R"({"events": []})", "/events/*/trace_id",
                     JsonReduce::kCountDistinct),
            0);
  for (JsonReduce r : {JsonReduce::kSum, JsonReduce::kMin, JsonReduce::kMax,
                       JsonReduce::kAvg, JsonReduce::kSingle}) {
    auto v = Reduce(R"({"events": [{"trace_id": null}]})", "/events/0/ms", r);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_FALSE(v->has_value()) << JsonReduceName(r);
  }
}

TEST_F(JsonPickerTest, NanAndInfinity) {
  // Numeric strings as Prometheus writes them, and Python's bare NaN.
  constexpr char kDoc[] = R"({"v": ["NaN", 1], "w": ["+Inf", 2], "x": ["-Inf", "+Inf"], "y": [NaN]})";
  EXPECT_TRUE(std::isnan(**Reduce(kDoc, "/v/*", JsonReduce::kSum)));
  EXPECT_TRUE(std::isnan(**Reduce(kDoc, "/v/*", JsonReduce::kMax)));
  EXPECT_TRUE(std::isnan(**Reduce(kDoc, "/v/*", JsonReduce::kMin)));
  EXPECT_TRUE(std::isnan(**Reduce(kDoc, "/y/0", JsonReduce::kSingle)));
  EXPECT_EQ(**Reduce(kDoc, "/w/*", JsonReduce::kMax), INFINITY);
  EXPECT_EQ(**Reduce(kDoc, "/w/*", JsonReduce::kMin), 2);
  EXPECT_EQ(**Reduce(kDoc, "/x/*", JsonReduce::kMin), -INFINITY);
  EXPECT_TRUE(std::isnan(**Reduce(kDoc, "/x/*", JsonReduce::kSum)));  // IEEE
  EXPECT_EQ(**Reduce(kDoc, "/v/*", JsonReduce::kCountDistinct), 2);
}

TEST_F(JsonPickerTest, TypeErrorsNameThePathAndWhatWouldWork) {
  auto v = Reduce(R"({"events": [{"ms": 1}, {"ms": "slow"}]})", "/events/*/ms",
                  JsonReduce::kSum);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "sum of \"/events/*/ms\": /events/1/ms is a string (\"slow\"), not "
            "a number; sum takes numbers, numeric strings and booleans (count "
            "and count_distinct take any value)");
  auto w = Reduce(R"({"events": [{"ms": {"p95": 1}}]})", "/events/*/ms",
                  JsonReduce::kMax);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(),
            "max of \"/events/*/ms\": /events/0/ms is an object "
            "({\"p95\":1}), not a number; max takes numbers, numeric strings "
            "and booleans (count and count_distinct take any value)");
  auto x = Reduce(R"({"a": [1, 2]})", "/a", JsonReduce::kSingle);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.status().message(),
            "value of \"/a\": /a is an array ([1,2]), not a number; value "
            "takes numbers, numeric strings and booleans (count and "
            "count_distinct take any value)");
  // The same values counted are fine.
  EXPECT_EQ(**Reduce(R"({"events": [{"ms": 1}, {"ms": "slow"}]})",
                     "/events/*/ms", JsonReduce::kCount),
            2);
}

TEST_F(JsonPickerTest, EveryDocumentOfJsonLinesContributes) {
  const rapidjson::Value& a = Doc(R"({"trace_id": "t1", "ms": 3})");
  const rapidjson::Value& b = Doc(R"({"trace_id": "t2", "ms": 5})");
  const rapidjson::Value& c = Doc(R"({"trace_id": "t1", "ms": 4})");
  std::vector<JsonDoc> lines = {{&a, "line 1"}, {&b, "line 2"}, {&c, "line 4"}};
  EXPECT_EQ(**PickAndReduce(lines, Spec("/trace_id", JsonReduce::kCountDistinct)), 2);
  EXPECT_EQ(**PickAndReduce(lines, Spec("/ms", JsonReduce::kMax)), 5);
  EXPECT_EQ(**PickAndReduce(lines, Spec("", JsonReduce::kCount)), 3);
  auto single = PickAndReduce(lines, Spec("/ms", JsonReduce::kSingle));
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.status().message(),
            "pointer \"/ms\" picked more than one value (line 1: /ms and "
            "line 2: /ms): add reduce: count, count_distinct, sum, min, max "
            "or avg");
}

}  // namespace
}  // namespace aurora
