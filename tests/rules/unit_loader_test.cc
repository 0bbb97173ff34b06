// Issue 11.9: `unit:` in a gate file — declared, inferred, or a typo.
#include <map>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

LoadedGate Load(std::string_view text) {
  return ParseGate("gate.yaml", text,
                   [](const std::string&) -> std::optional<std::string> {
                     return std::nullopt;
                   });
}

const Rule& FirstRule(const LoadedGate& g) {
  return g.gate.groups.at(0).rules.at(0);
}

TEST(UnitLoaderTest, DeclaredUnitIsKept) {
  LoadedGate g = Load(R"(sources:
  p: { type: prometheus, url: "http://localhost:9090" }
groups:
  - name: live
    rules:
      - name: error-rate
        source: p
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
        unit: ratio
        pass: "< 0.01"
)");
  ASSERT_TRUE(g.errors.empty()) << g.errors.front().ToString();
  EXPECT_EQ(FirstRule(g).unit, Unit::kRatio);
}

TEST(UnitLoaderTest, UnitIsInferredFromTheMetricName) {
  LoadedGate g = Load(R"(sources:
  cov: { type: coverage, path: coverage.xml }
  bench: { type: pytest-benchmark, path: b.json }
groups:
  - name: q
    rules:
      - { name: lines, source: cov, expr: coverage_line_percent, pass: ">= 90" }
      - { name: lat, source: bench, expr: 'benchmark_mean_seconds{name="x"}', pass: "<= 0.5" }
      - { name: failed, source: cov, expr: coverage_lines_covered, pass: "> 0" }
)");
  ASSERT_TRUE(g.errors.empty()) << g.errors.front().ToString();
  const auto& rules = g.gate.groups.at(0).rules;
  EXPECT_EQ(rules.at(0).unit, Unit::kPercent);
  EXPECT_EQ(rules.at(1).unit, Unit::kSeconds);
  EXPECT_EQ(rules.at(2).unit, Unit::kNone);
}

TEST(UnitLoaderTest, DeclaredNoneOverridesInference) {
  LoadedGate g = Load(R"(sources:
  cov: { type: coverage, path: coverage.xml }
groups:
  - name: q
    rules:
      - { name: lines, source: cov, expr: coverage_line_percent, pass: ">= 90", unit: none }
)");
  ASSERT_TRUE(g.errors.empty()) << g.errors.front().ToString();
  EXPECT_EQ(FirstRule(g).unit, Unit::kNone);
}

TEST(UnitLoaderTest, UnknownUnitIsAnErrorWithDidYouMean) {
  LoadedGate g = Load(R"(sources:
  cov: { type: coverage, path: coverage.xml }
groups:
  - name: q
    rules:
      - name: lines
        source: cov
        expr: coverage_line_percent
        pass: ">= 90"
        unit: precent
)");
  std::vector<std::string> errors;
  for (const auto& e : g.errors) errors.push_back(e.ToString());
  EXPECT_THAT(errors,
              ElementsAre("gate.yaml:10:15: group \"q\": rule \"lines\": unknown "
                          "unit \"precent\", did you mean \"percent\"? (expected "
                          "one of: seconds, milliseconds, ratio, percent, bytes, "
                          "count, ops_per_second, none)"));
}

TEST(UnitLoaderTest, MisspelledUnitKeyGetsDidYouMean) {
  LoadedGate g = Load(R"(sources:
  cov: { type: coverage, path: coverage.xml }
groups:
  - name: q
    rules:
      - name: lines
        source: cov
        expr: coverage_line_percent
        pass: ">= 90"
        unti: percent
)");
  ASSERT_EQ(g.errors.size(), 1u);
  EXPECT_THAT(g.errors.front().ToString(),
              HasSubstr("gate.yaml:10:9: group \"q\": rule \"lines\": unknown key "
                        "\"unti\" in a rule, did you mean \"unit\"?"));
}

}  // namespace
}  // namespace aurora
