// JsonPieces: a big artifact read one element at a time must mean exactly
// what the whole DOM means (ParseJson), with the same errors.
#include "queries/json_pieces.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "queries/json_document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

#define ASSERT_OK_AND_ASSIGN_LOCAL(type, name, expr) \
  auto name##_or = (expr);                             \
  ASSERT_OK(name##_or.status());                       \
  type name = std::move(*name##_or)

std::string Text(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

TEST(JsonPiecesTest, SplitArraysAreEmptyInTheSkeletonAndTheirElementsArePieces) {
  const std::string text = R"({"version": "2.1.0",
    "runs": [ {"tool": {"name": "a"}, "results": [ {"x": 1} , 2,"s", [3, {"y": null}], true ]},
              {"results": []}, {"tool": 7} ]})";
  ASSERT_OK_AND_ASSIGN_LOCAL(JsonPieces, p, JsonPieces::Parse(text, "t.sarif", {"/runs/*/results"}));
  EXPECT_EQ(Text(p.skeleton()),
            R"({"version":"2.1.0","runs":[{"tool":{"name":"a"},"results":[]},{"results":[]},{"tool":7}]})");
  ASSERT_EQ(p.Count("/runs/0/results"), 5u);
  EXPECT_EQ(p.Count("/runs/1/results"), 0u);
  EXPECT_EQ(p.Count("/runs/2/results"), 0u);
  JsonPieces::Scratch scratch;
  EXPECT_EQ(Text(p.Piece("/runs/0/results", 0, scratch)), R"({"x":1})");
  EXPECT_EQ(Text(p.Piece("/runs/0/results", 1, scratch)), "2");
  EXPECT_EQ(Text(p.Piece("/runs/0/results", 2, scratch)), R"("s")");
  EXPECT_EQ(Text(p.Piece("/runs/0/results", 3, scratch)), R"([3,{"y":null}])");
  EXPECT_EQ(Text(p.Piece("/runs/0/results", 4, scratch)), "true");
}

TEST(JsonPiecesTest, SplitObjectsGiveMembersWithTheirNames) {
  const std::string text =
      "\xEF\xBB\xBF{\"schemaVersion\": \"2\", \"files\": {\"src/a/b.js\": "
      "{\"mutants\": [1]},\n \"c~d.js\" : {\"mutants\": []}}}";
  ASSERT_OK_AND_ASSIGN_LOCAL(JsonPieces, p, JsonPieces::Parse(text, "m.json", {"/files"}));
  EXPECT_EQ(Text(p.skeleton()), R"({"schemaVersion":"2","files":{}})");
  ASSERT_EQ(p.Count("/files"), 2u);
  JsonPieces::Scratch scratch;
  EXPECT_EQ(p.Key("/files", 0), "src/a/b.js");
  EXPECT_EQ(Text(p.Piece("/files", 0, scratch)), R"({"mutants":[1]})");
  EXPECT_EQ(p.Key("/files", 1), "c~d.js");
  EXPECT_EQ(Text(p.Piece("/files", 1, scratch)), R"({"mutants":[]})");
}

TEST(JsonPiecesTest, KeysInPointersAreEscapedAsRfc6901Says) {
  EXPECT_EQ(JsonPieces::Append("/files", "src/a~b"), "/files/src~1a~0b");
  const std::string text = R"({"files": {"a/b": {"mutants": [1, 2]}}})";
  ASSERT_OK_AND_ASSIGN_LOCAL(JsonPieces, p, JsonPieces::Parse(text, "m.json", {"/files/*/mutants"}));
  EXPECT_EQ(p.Count(JsonPieces::Append("/files", "a/b") + "/mutants"), 2u);
}

TEST(JsonPiecesTest, ErrorsAreThoseOfParseJson) {
  for (const std::string& text :
       {std::string("{\"runs\": [{\"results\": [1, 2,]}]}"),
        std::string("{\"runs\": [{\"results\": [\"\xC3\x28\"]}]}"),
        std::string("  \n "), std::string("{\"runs\": [{\"results\": [1]}]} x"),
        std::string(300, '[') + std::string(300, ']'),
        std::string("{\"runs\": [{\"results\": [") + std::string(300, '[') +
            std::string(300, ']') + "]}]}"}) {
    auto whole = ParseJson(text, "f.json");
    auto pieces = JsonPieces::Parse(text, "f.json", {"/runs/*/results"});
    ASSERT_FALSE(whole.ok()) << text;
    ASSERT_FALSE(pieces.ok()) << text;
    EXPECT_EQ(pieces.status().message(), whole.status().message()) << text;
  }
}

TEST(JsonPiecesTest, EveryPieceEqualsTheWholeDocumentsElement) {
  const std::string text = R"({"runs": [{"results": [{"a": [1.5, -0, 1e308, "\u00e9\n"]},
      {"b": {"c": -Infinity}}]}]})";
  ASSERT_OK_AND_ASSIGN_LOCAL(auto, whole, ParseJson(text, "f.json"));
  ASSERT_OK_AND_ASSIGN_LOCAL(JsonPieces, p, JsonPieces::Parse(text, "f.json", {"/runs/*/results"}));
  const rapidjson::Value& results = (*whole)["runs"][0]["results"];
  ASSERT_EQ(p.Count("/runs/0/results"), results.Size());
  JsonPieces::Scratch scratch;
  for (rapidjson::SizeType i = 0; i < results.Size(); ++i) {
    EXPECT_TRUE(p.Piece("/runs/0/results", i, scratch) == results[i]) << i;
  }
}

}  // namespace
}  // namespace aurora
