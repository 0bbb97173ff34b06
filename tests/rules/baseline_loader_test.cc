// `baseline:` in gate files (issue 15): one file, a history of promoted
// artifacts, or a live offset on prometheus sources and rules.
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

LoadedGate Parse(std::string_view text) {
  return ParseGate("gate.yaml", text,
                   [](const std::string&) -> std::optional<std::string> {
                     return std::nullopt;
                   });
}

std::vector<std::string> Errors(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& e : Parse(text).errors) out.push_back(e.ToString());
  return out;
}

TEST(BaselineLoaderTest, HistoryOnAnArtifactSource) {
  LoadedGate g = Parse(R"(sources:
  bench:
    type: pytest-benchmark
    path: b.json
    baseline: { dir: artifacts/baselines/perf/, keep: 5, compare: max }
  cov: { type: coverage, path: c.xml, baseline: { dir: hist } }
groups:
  - name: q
    rules:
      - name: latency
        source: bench
        expr: benchmark_mean_seconds
        pass: "<= +10%"
)");
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  const SourceSpec& bench = g.gate.sources.at("bench");
  ASSERT_TRUE(bench.history.has_value());
  EXPECT_EQ(bench.history->dir, "artifacts/baselines/perf");
  EXPECT_EQ(bench.history->keep, 5);
  EXPECT_EQ(bench.history->compare, BaselineHistory::Compare::kMax);
  EXPECT_TRUE(bench.baseline.empty());
  const SourceSpec& cov = g.gate.sources.at("cov");
  ASSERT_TRUE(cov.history.has_value());
  EXPECT_EQ(cov.history->keep, 10);
  EXPECT_EQ(cov.history->compare, BaselineHistory::Compare::kMedian);
}

TEST(BaselineLoaderTest, TheSingleFileFormStillWorks) {
  LoadedGate g = Parse(R"(sources:
  bench: { type: pytest-benchmark, path: b.json, baseline: base.json }
groups:
  - name: q
    rules:
      - { name: l, source: bench, expr: benchmark_mean_seconds, pass: "<= +10%" }
)");
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_EQ(g.gate.sources.at("bench").baseline, "base.json");
  EXPECT_FALSE(g.gate.sources.at("bench").history.has_value());
}

TEST(BaselineLoaderTest, MalformedHistoriesNameFileLineAndColumn) {
  EXPECT_THAT(
      Errors(R"(sources:
  a: { type: coverage, path: a.xml, baseline: { keep: 3 } }
  b: { type: coverage, path: b.xml, baseline: { dir: h, keep: 0 } }
  c: { type: coverage, path: c.xml, baseline: { dir: h, compare: mean } }
  d: { type: coverage, path: d.xml, baseline: { dir: h, kept: 3 } }
  e: { type: coverage, path: e.xml, baseline: { dir: h, keep: many } }
groups: []
)"),
      ElementsAre(
          "gate.yaml:2:47: source \"a\": baseline: missing key \"dir\" (a "
          "history of baselines: { dir: artifacts/baselines/perf, keep: 10, "
          "compare: median })",
          "gate.yaml:3:63: source \"b\": baseline.keep: expected at least 1 "
          "(how many promoted artifacts the history keeps)",
          "gate.yaml:4:66: source \"c\": baseline.compare: unknown \"mean\", "
          "did you mean \"median\"? (expected one of: last, median, min, max)",
          "gate.yaml:5:57: source \"d\": unknown key \"kept\" in baseline, "
          "did you mean \"keep\"? (expected one of: dir, keep, compare)",
          "gate.yaml:6:63: source \"e\": baseline.keep: expected a whole "
          "number >= 0, got \"many\""));
}

TEST(BaselineLoaderTest, LiveOffsetOnASourceOrARule) {
  LoadedGate g = Parse(R"(sources:
  prom: { type: prometheus, url: "http://p:9090", baseline: { offset: 1h } }
  other: { type: prometheus, url: "http://p:9090" }
groups:
  - name: live
    rules:
      - name: p95
        source: prom
        expr: histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))
        pass: "<= +20%"
      - name: errors
        source: other
        expr: sum(rate(errors_total[5m]))
        pass: ["< 5", "<= +10%"]
        baseline: { offset: 30m }
      - name: cli-baseline
        source: other
        expr: sum(up)
        pass: ">= -5%"
)");
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  EXPECT_EQ(g.gate.sources.at("prom").baseline_offset, absl::Hours(1));
  const auto& rules = g.gate.groups[0].rules;
  EXPECT_FALSE(rules[0].baseline_offset.has_value());
  EXPECT_EQ(rules[1].baseline_offset, absl::Minutes(30));
  EXPECT_TRUE(rules[2].has_relative_criteria());
}

TEST(BaselineLoaderTest, MalformedLiveBaselines) {
  EXPECT_THAT(
      Errors(R"(sources:
  prom: { type: prometheus, url: "http://p:9090", baseline: { offset: soon } }
  p2: { type: prometheus, url: "http://p:9090", baseline: old.json }
  cov: { type: coverage, path: c.xml, baseline: c0.xml }
groups:
  - name: live
    rules:
      - name: a
        source: p2
        expr: sum(up)
        pass: "<= +10%"
        for: 5m
      - name: b
        source: cov
        expr: coverage_line_percent
        pass: ">= -1"
        baseline: { offset: 1h }
      - name: c
        source: p2
        expr: sum(up)
        pass: "<= +10%"
        baseline: { offset: 0s }
)"),
      ElementsAre(
          "gate.yaml:2:71: source \"prom\": baseline.offset: invalid "
          "duration \"soon\": expected a number followed by a unit (ms, s, m, "
          "h, d, w, y)",
          "gate.yaml:3:59: source \"p2\": baseline: expected a mapping { "
          "offset: 1h } (the same query evaluated that long before), got a "
          "scalar \"old.json\"",
          "gate.yaml:12:14: group \"live\": rule \"a\": \"for\" and "
          "\"keep_firing_for\" cannot be combined with a relative criterion "
          "(its baseline is one earlier moment, not one per step): compare "
          "with offset in the query instead",
          "gate.yaml:17:9: group \"live\": rule \"b\": a rule's \"baseline\" "
          "({ offset: 1h }) is for rules of prometheus sources; source "
          "\"cov\" is a coverage artifact: give the source a baseline file "
          "or history",
          "gate.yaml:22:29: group \"live\": rule \"c\": baseline.offset: "
          "expected a positive duration such as 1h"));
}

}  // namespace
}  // namespace aurora
