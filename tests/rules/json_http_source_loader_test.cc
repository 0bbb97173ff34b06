// Gate-file syntax of the json and http sources (issue 5): what loads, and
// every mistake as file:line:col with what was expected.
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "rules/source_types.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

VarLookup Vars(std::map<std::string, std::string> m = {}) {
  return [m](const std::string& name) -> std::optional<std::string> {
    auto it = m.find(name);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> Errors(std::string_view text) {
  LoadedGate g = ParseGate("gate.yaml", text, Vars());
  std::vector<std::string> out;
  for (const auto& e : g.errors) out.push_back(e.ToString());
  return out;
}

TEST(JsonHttpSourceLoaderTest, LoadsHttpAndJsonSources) {
  LoadedGate g = ParseGate("gate.yaml", R"(sources:
  health: { type: http, url: "${API}/health", timeout: 5s }
  events:
    type: http
    url: "${API}/events/recent"
    method: POST
    body: '{"limit": 100}'
    headers: { X-Api-Key: "${KEY}" }
    bearer_token_file: /run/token
    tls: { insecure_skip_verify: true }
    values:
      events_recent: { pointer: "/events/*", reduce: count }
      trace_ids: { pointer: "/events/*/trace_id", reduce: count_distinct }
      aurora_groups: { pointer: "/data/groups/*/name", reduce: count, match: "aurora-.*" }
  stats: { type: json, path: stats.jsonl, baseline: base.jsonl, values: { p95: /latency/p95 } }
groups:
  - name: q
    rules:
      - { name: up, source: health, expr: http_status_code, pass: "== 200" }
      - { name: fast, source: health, expr: http_response_seconds, pass: "< 0.5" }
      - { name: traces, source: events, expr: trace_ids, pass: "> 0" }
      - { name: p95, source: stats, expr: p95, pass: ["< 0.5", "<= +10%"] }
)",
                           Vars({{"API", "http://api:8080"}, {"KEY", "s3cret"}}));
  ASSERT_TRUE(g.ok()) << g.errors.front().ToString();
  const SourceSpec& health = g.gate.sources.at("health");
  EXPECT_EQ(health.type, SourceType::kHttp);
  EXPECT_EQ(health.url, "http://api:8080/health");
  EXPECT_EQ(health.url_display, "${API}/health");
  EXPECT_EQ(health.method, "GET");
  EXPECT_EQ(health.timeout, absl::Seconds(5));
  EXPECT_THAT(SourceMetrics(health),
              ElementsAre("http_status_code", "http_response_seconds"));
  const SourceSpec& events = g.gate.sources.at("events");
  EXPECT_EQ(events.method, "POST");
  EXPECT_EQ(events.body, "{\"limit\": 100}");
  EXPECT_EQ(events.headers.at("X-Api-Key"), "s3cret");
  EXPECT_EQ(events.bearer_token_file, "/run/token");
  EXPECT_TRUE(events.insecure_skip_verify);
  EXPECT_EQ(events.timeout, absl::Seconds(10));  // the http default
  ASSERT_EQ(events.values.size(), 3u);
  EXPECT_EQ(events.values[1].metric, "trace_ids");
  EXPECT_EQ(events.values[1].pointer.text, "/events/*/trace_id");
  EXPECT_EQ(events.values[1].reduce, JsonReduce::kCountDistinct);
  EXPECT_EQ(events.values[2].match, "aurora-.*");
  EXPECT_EQ(events.values[2].pos.line, 14);
  EXPECT_THAT(SourceMetrics(events),
              ElementsAre("http_status_code", "http_response_seconds",
                          "events_recent", "trace_ids", "aurora_groups"));
  const SourceSpec& stats = g.gate.sources.at("stats");
  EXPECT_EQ(stats.path, "stats.jsonl");
  ASSERT_EQ(stats.values.size(), 1u);
  EXPECT_EQ(stats.values[0].reduce, JsonReduce::kSingle);
  EXPECT_THAT(SourceMetrics(stats), ElementsAre("p95"));
}

TEST(JsonHttpSourceLoaderTest, ValuesMistakesAreErrorsAtTheirPosition) {
  EXPECT_THAT(
      Errors(R"(sources:
  s:
    type: json
    path: s.json
    values:
      a: { pointer: "events/*", reduce: count }
      b: { pointer: "/ev~2", reduce: count }
      c: { pointer: "/events/*", reduce: cnt }
      d: { pointer: "/events/*" }
      e: { pointer: "/x", match: "(" }
      f: { reduce: sum }
      g: { pointer: /x, reduce: sum, where: y }
      9x: /x
      h: [1]
groups:
  - name: q
    rules:
      - { name: r, expr: a + b + c + d + e + f + g + h, pass: "> 0" }
)"),
      ElementsAre(
          "gate.yaml:6:22: source \"s\": values \"a\": pointer: expected a "
          "JSON pointer starting with \"/\" (e.g. \"/events/*/trace_id\") or "
          "\"\" for the whole document, got \"events/*\"",
          "gate.yaml:7:25: source \"s\": values \"b\": pointer: \"~\" in a "
          "JSON pointer must be followed by 0 (for \"~\") or 1 (for \"/\")",
          "gate.yaml:8:42: source \"s\": values \"c\": unknown reduce \"cnt\", "
          "did you mean \"count\"? (expected one of: count, count_distinct, "
          "sum, min, max, avg)",
          "gate.yaml:9:10: source \"s\": values \"d\": the pointer "
          "\"/events/*\" has a \"*\" and may pick many values: add reduce: "
          "one of count, count_distinct, sum, min, max, avg",
          "gate.yaml:10:34: source \"s\": values \"e\": match: invalid "
          "regular expression: missing ): (",
          "gate.yaml:11:10: source \"s\": values \"f\": missing key "
          "\"pointer\" (a JSON pointer such as \"/events/*/trace_id\")",
          "gate.yaml:12:38: source \"s\": unknown key \"where\" in values "
          "\"g\" (expected one of: pointer, reduce, match)",
          "gate.yaml:13:7: source \"s\": values: \"9x\" is not a metric name "
          "(letters, digits, _ and :, not starting with a digit)",
          "gate.yaml:14:10: source \"s\": values \"h\": expected a JSON "
          "pointer or { pointer: \"/...\", reduce: ..., match: ... }, got a "
          "list"));
}

TEST(JsonHttpSourceLoaderTest, SourceShapeMistakes) {
  EXPECT_THAT(
      Errors(R"(sources:
  j: { type: json, path: s.json }
  k: { type: json, path: s.json, url: "http://x", values: { a: /a } }
  c: { type: coverage, path: c.xml, values: { a: /a } }
  h: { type: http }
  h2: { type: http, url: "ftp://x", method: PUT, path: p }
  h3: { type: http, url: "http://x", body: "{}", values: { http_status_code: /a } }
  h4: { type: http, url: "http://x", values: {} }
  p: { type: prometheus, values: { a: /a } }
groups:
  - name: q
    rules:
      - { name: r, source: k, expr: a, pass: "> 0", for: 5m }
      - { name: s, source: h3, expr: http_status_code, pass: "> 0", for: 5m }
      - { name: t, source: h3, expr: http_status, pass: "> 0" }
)"),
      ElementsAre(
          "gate.yaml:2:3: source \"j\": missing key \"values\": a json source "
          "yields the metrics it names there, e.g. values: { events: "
          "{ pointer: \"/events/*\", reduce: count } }",
          "gate.yaml:3:34: source \"k\": \"url\" is for prometheus and http "
          "sources; a json source reads \"path\"",
          "gate.yaml:4:37: source \"c\": \"values\" is for json and http "
          "sources; a coverage source yields: coverage_line_percent, "
          "coverage_lines_covered, coverage_lines_valid, "
          "coverage_branch_percent, coverage_branches_covered, "
          "coverage_branches_valid, coverage_function_percent, "
          "coverage_functions_covered, coverage_functions_valid, "
          "coverage_instruction_percent, coverage_instructions_covered, "
          "coverage_instructions_valid, coverage_method_percent, "
          "coverage_methods_covered, coverage_methods_valid, "
          "coverage_class_percent, coverage_classes_covered, "
          "coverage_classes_valid, coverage_complexity_percent, "
          "coverage_complexity_covered, coverage_complexity_valid, "
          "coverage_combined_percent",
          "gate.yaml:5:3: source \"h\": missing key \"url\": an http source "
          "GETs (or POSTs to) an http:// or https:// URL",
          "gate.yaml:6:26: source \"h2\": url: expected an http:// or "
          "https:// URL",
          "gate.yaml:6:45: source \"h2\": method: expected GET or POST, got "
          "\"PUT\"",
          "gate.yaml:6:50: source \"h2\": \"path\" is for artifact sources; "
          "an http source takes \"url\"",
          "gate.yaml:7:38: source \"h3\": body: only a POST request has a "
          "body (add method: POST)",
          "gate.yaml:7:60: source \"h3\": values: \"http_status_code\" is "
          "yielded by every http source; pick another name",
          "gate.yaml:8:46: source \"h4\": values: expected a mapping of "
          "metric names to { pointer: \"/...\", reduce: count|count_distinct|"
          "sum|min|max|avg, match: REGEX }, got an empty mapping",
          "gate.yaml:9:26: source \"p\": \"values\" is for json and http "
          "sources; a prometheus source takes \"url\"",
          "gate.yaml:13:58: group \"q\": rule \"r\": \"for\" and "
          "\"keep_firing_for\" need a live source with history; source \"k\" "
          "is a json artifact",
          "gate.yaml:14:74: group \"q\": rule \"s\": \"for\" and "
          "\"keep_firing_for\" need a live source with history; source "
          "\"h3\" is an http source, read once per evaluation",
          "gate.yaml:15:38: group \"q\": rule \"t\": expr: unknown metric "
          "\"http_status\" for an http source (http yields: "
          "http_status_code, http_response_seconds)"));
}

}  // namespace
}  // namespace aurora
