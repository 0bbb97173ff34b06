// Rules over json sources through RunGate: a reduction of nothing goes to
// the no_data policy, a failed pick makes only its rules `error`, a
// baseline is read the same way, and http without a client is `error`.
#include "gates/core/run_gate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "tests/gates/gate_run_fixtures.h"
#include "tests/testing/fake_file_reader.h"

namespace aurora {
namespace {

using testing::LoadGate;
using testing::FindRule;
constexpr char kGate[] = R"(sources:
  s:
    type: json
    path: s.json
    baseline: base.json
    values:
      events: { pointer: "/events/*", reduce: count }
      worst_ms: { pointer: "/events/*/ms", reduce: max }
      label: { pointer: "/label", reduce: sum }
groups:
  - name: g
    rules:
      - { name: count, expr: events, pass: "> 0" }
      - { name: worst, expr: worst_ms, pass: "< 100" }
      - { name: worst-strict, expr: worst_ms, pass: "< 100", no_data: fail }
      - { name: label, expr: label, pass: "> 0" }
      - { name: regression, expr: worst_ms, pass: "<= +10%" }
)";

TEST(JsonSourceRulesTest, NothingPickedGoesToTheNoDataPolicy) {
  testing::FakeFileReader files;
  files.Add("s.json", R"({"events": [], "label": 1})");
  files.Add("base.json", R"({"events": [{"ms": 5}], "label": 1})");
  SourceCache cache(files);
  GateResult r = RunGate(LoadGate(kGate), cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(files.reads("s.json"), 1);
  EXPECT_EQ(FindRule(r, "count").outcome, Outcome::kFail);  // 0 events
  EXPECT_EQ(FindRule(r, "worst").outcome, Outcome::kInconclusive);
  EXPECT_EQ(FindRule(r, "worst-strict").outcome, Outcome::kFail);
  EXPECT_EQ(FindRule(r, "label").outcome, Outcome::kPass);
}

TEST(JsonSourceRulesTest, AFailedPickErrsOnlyTheRulesUsingIt) {
  testing::FakeFileReader files;
  files.Add("s.json", R"({"events": [{"ms": 50}], "label": "n/a"})");
  files.Add("base.json", R"({"events": [{"ms": 40}], "label": 1})");
  SourceCache cache(files);
  GateResult r = RunGate(LoadGate(kGate), cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "worst").outcome, Outcome::kPass);
  EXPECT_EQ(FindRule(r, "label").outcome, Outcome::kError);
  EXPECT_EQ(FindRule(r, "label").reason,
            "s.json: sum of \"/label\": /label is a string (\"n/a\"), not a "
            "number; sum takes numbers, numeric strings and booleans (count "
            "and count_distinct take any value)");
  EXPECT_EQ(FindRule(r, "worst").source_detail, "s.json (JSON)");
  // 50 vs a baseline of 40: +25 %.
  EXPECT_EQ(FindRule(r, "regression").outcome, Outcome::kFail);
  ASSERT_EQ(FindRule(r, "regression").series.size(), 1u);
  EXPECT_EQ(FindRule(r, "regression").series[0].baseline, 40);
}

TEST(JsonSourceRulesTest, HttpSourceWithoutAClientIsAnError) {
  testing::FakeFileReader files;
  GateFile gate = LoadGate(R"(sources:
  h: { type: http, url: "http://127.0.0.1:1/health" }
groups:
  - name: g
    rules:
      - { name: up, expr: http_status_code, pass: "== 200" }
)");
  SourceCache cache(files);
  GateResult r = RunGate(gate, cache, nullptr, absl::UnixEpoch());
  EXPECT_EQ(FindRule(r, "up").outcome, Outcome::kError);
  EXPECT_EQ(FindRule(r, "up").reason, "no HTTP client in this run");
  EXPECT_EQ(r.verdict, Outcome::kError);
}

}  // namespace
}  // namespace aurora
