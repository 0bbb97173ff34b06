// A json source's samples: one document or JSON lines, per-metric errors,
// and no sample (no data) for a reduction of nothing.
#include "queries/json_values_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

JsonValueSpec Value(std::string metric, std::string_view pointer,
                    JsonReduce reduce) {
  JsonValueSpec s;
  s.metric = std::move(metric);
  s.pointer = *ParseJsonPointer(pointer);
  s.reduce = reduce;
  return s;
}

std::map<std::string, double> ByMetric(const ArtifactData& d) {
  std::map<std::string, double> out;
  for (const auto& s : d.samples.samples) {
    EXPECT_EQ(s.labels.size(), 1u);  // the name only
    out[std::string(s.labels.MetricName())] = s.value;
  }
  return out;
}

const std::vector<JsonValueSpec> kValues = {
    Value("events", "/events/*", JsonReduce::kCount),
    Value("traces", "/events/*/trace_id", JsonReduce::kCountDistinct),
    Value("worst_ms", "/events/*/ms", JsonReduce::kMax),
};

TEST(JsonValuesReaderTest, OneDocument) {
  auto d = ParseJsonValues(
      R"({"events": [{"trace_id": "a", "ms": 3}, {"trace_id": "a", "ms": 9}]})",
      "s.json", kValues);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->format, "JSON");
  EXPECT_EQ(ByMetric(*d), (std::map<std::string, double>{
                              {"events", 2}, {"traces", 1}, {"worst_ms", 9}}));
}

TEST(JsonValuesReaderTest, JsonLinesByContentOrName) {
  const std::vector<JsonValueSpec> values = {
      Value("records", "", JsonReduce::kCount),
      Value("traces", "/trace_id", JsonReduce::kCountDistinct)};
  constexpr char kLines[] =
      "{\"trace_id\": \"a\"}\n{\"trace_id\": \"b\"}\n\n{\"trace_id\": \"a\"}\n";
  auto d = ParseJsonValues(kLines, "events.log", values);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->format, "JSON lines, 3 records");
  EXPECT_EQ(ByMetric(*d),
            (std::map<std::string, double>{{"records", 3}, {"traces", 2}}));
  // By name, one record is JSON lines too.
  auto one = ParseJsonValues("{\"trace_id\": \"a\"}\n", "events.jsonl", values);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->format, "JSON lines, 1 record");
  // A bad line is named.
  auto bad = ParseJsonValues("{\"a\": 1}\n{\"a\": \n", "events.ndjson", values);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "events.ndjson line 2: invalid JSON at line 1, column 7: Invalid "
            "value.");
}

TEST(JsonValuesReaderTest, NotJsonIsAnErrorNamingTheFile) {
  auto d = ParseJsonValues("<html>503</html>", "s.json", kValues);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "s.json: invalid JSON at line 1, column 1: Invalid value.");
  auto two = ParseJsonValues("{\"a\": 1} {\"a\": 2} x", "s.json", kValues);
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(two.status().message(), HasSubstr("s.json: invalid JSON"));
}

TEST(JsonValuesReaderTest, AFailedPickIsThatMetricsErrorOnly) {
  auto d = ParseJsonValues(R"({"events": [{"trace_id": "a", "ms": "slow"}]})",
                           "s.json", kValues);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d),
            (std::map<std::string, double>{{"events", 1}, {"traces", 1}}));
  ASSERT_EQ(d->metric_errors.count("worst_ms"), 1u);
  EXPECT_THAT(d->metric_errors.at("worst_ms"),
              HasSubstr("s.json: max of \"/events/*/ms\": /events/0/ms is a "
                        "string (\"slow\"), not a number"));
}

TEST(JsonValuesReaderTest, ReductionOfNothingIsNoSample) {
  auto d = ParseJsonValues(R"({"events": []})", "s.json", kValues);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(ByMetric(*d),
            (std::map<std::string, double>{{"events", 0}, {"traces", 0}}));
  EXPECT_TRUE(d->metric_errors.empty());
}

}  // namespace
}  // namespace aurora
