// Issue 12 (loading): a plain Prometheus rule file loads exactly when
// Prometheus (promtool check rules) loads it, and every message has
// file:line:col. Issue 11.17: lint errors for native gate files.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"
#include "rules/template_check.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

VarLookup NoVars() {
  return [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
}

std::vector<std::string> Strings(const std::vector<GateError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.ToString());
  return out;
}

std::vector<std::string> Errors(std::string_view text) {
  return Strings(ParseGate("r.yml", text, NoVars()).errors);
}

// ---- 12.9: accept what Prometheus accepts -----------------------------------

TEST(PrometheusCompatLoaderTest, AnEmptyFileIsValidWithANoteAtItsPosition) {
  for (const char* text : {"", "# only a comment\n", "~\n", "null\n"}) {
    LoadedGate g = ParseGate("r.yml", text, NoVars());
    EXPECT_THAT(Strings(g.errors), IsEmpty()) << text;
    // 12.11: the message has file:line:col.
    EXPECT_THAT(Strings(g.notes),
                ElementsAre("r.yml:1:1: empty file: no rules, the gate "
                            "decides nothing (it passes)"))
        << text;
  }
}

TEST(PrometheusCompatLoaderTest, AnEmptyMappingAndEmptyGroupsAreValid) {
  LoadedGate empty = ParseGate("r.yml", "{}\n", NoVars());
  EXPECT_THAT(Strings(empty.errors), IsEmpty());
  EXPECT_THAT(Strings(empty.notes),
              ElementsAre("r.yml:1:1: no rules: the gate decides nothing "
                          "(it passes)"));
  LoadedGate groups = ParseGate(
      "r.yml",
      "groups:\n  - name: a\n  - name: b\n    rules: []\n  - name: c\n"
      "    rules:\n",
      NoVars());
  EXPECT_THAT(Strings(groups.errors), IsEmpty());
  EXPECT_THAT(Strings(groups.notes),
              ElementsAre("r.yml:2:3: no rules: the gate decides nothing (it "
                          "passes)",
                          "r.yml:2:5: group \"a\": no rules",
                          "r.yml:4:12: group \"b\": no rules",
                          "r.yml:6:5: group \"c\": no rules"));
  // A group without rules beside one with rules: only its note.
  LoadedGate mixed = ParseGate(
      "r.yml",
      "groups:\n  - name: a\n  - name: b\n    rules:\n"
      "      - { alert: X, expr: up == 0 }\n",
      NoVars());
  EXPECT_THAT(Strings(mixed.errors), IsEmpty());
  EXPECT_THAT(Strings(mixed.notes), ElementsAre("r.yml:2:5: group \"a\": no rules"));
}

// Prometheus' own model/rulefmt/testdata/test_aliases.yaml, shortened.
TEST(PrometheusCompatLoaderTest, YamlAnchorsAliasesAndMergeKeys) {
  LoadedGate g = ParseGate("r.yml", R"(groups:
  - name: my-group-name
    rules:
      - &highalert
        alert: &alertname HighAlert
        expr: &expr |
          sum without(instance) (rate(errors_total[5m]))
        for: 5m
        labels:
          severity: &severity critical
      - record: new_metric
        expr: *expr
      - <<: *highalert
        alert: HighAlert2
      - <<: [*highalert]
        for: 10m
        alert: HighAlert3
)",
                           NoVars());
  ASSERT_THAT(Strings(g.errors), IsEmpty());
  ASSERT_EQ(g.gate.groups[0].rules.size(), 4u);
  const Rule& merged = g.gate.groups[0].rules[2];
  EXPECT_EQ(merged.name, "HighAlert2");
  EXPECT_EQ(merged.expr, "sum without(instance) (rate(errors_total[5m]))\n");
  EXPECT_EQ(merged.for_duration, absl::Minutes(5));
  EXPECT_EQ(merged.labels.at("severity"), "critical");
  EXPECT_EQ(merged.policies.severity, "critical");
  // A key written beside the merge wins over the merged one.
  EXPECT_EQ(g.gate.groups[0].rules[3].for_duration, absl::Minutes(10));
  // Errors inside merged content still point at the text.
  EXPECT_THAT(Errors("base: &b { alert: A, expr: up, for: 5x }\ngroups:\n"
                     "  - name: g\n    rules:\n      - <<: *b\n"),
              ::testing::Contains(HasSubstr("r.yml:1:")));
}

// Merge keys are resolved once per node: nested aliases (a "billion
// laughs" file) load at once instead of walking every expansion.
TEST(PrometheusCompatLoaderTest, NestedAliasesAreWalkedOnce) {
  std::string text = "a0: &a0 { x: 1 }\n";
  for (int i = 1; i < 40; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
  }
  text += "groups: []\n";
  LoadedGate g = ParseGate("r.yml", text, NoVars());
  EXPECT_THAT(Strings(g.errors), ::testing::Contains(HasSubstr("unknown key \"a0\"")));
}

// ---- 12.10: reject what Prometheus rejects -------------------------------------

TEST(PrometheusCompatLoaderTest, RecordingRulesTakeNoForKeepFiringForOrAnnotations) {
  EXPECT_THAT(Errors("groups:\n  - name: g\n    rules:\n"
                     "      - record: job:up:sum\n"
                     "        expr: sum by (job) (up)\n"
                     "        for: 5m\n"
                     "        keep_firing_for: 1m\n"
                     "        annotations: { a: b }\n"),
              ElementsAre(
                  "r.yml:6:9: group \"g\": rule \"job:up:sum\": invalid field "
                  "\"for\" in a recording rule (only alerting rules have it)",
                  "r.yml:7:9: group \"g\": rule \"job:up:sum\": invalid field "
                  "\"keep_firing_for\" in a recording rule (only alerting "
                  "rules have it)",
                  "r.yml:8:9: group \"g\": rule \"job:up:sum\": invalid field "
                  "\"annotations\" in a recording rule (only alerting rules "
                  "have it)"));
}

TEST(PrometheusCompatLoaderTest, InvalidRecordingRuleNames) {
  EXPECT_THAT(Errors("groups:\n  - name: g\n    rules:\n"
                     "      - record: 'up{job=\"a\"}'\n        expr: up\n"
                     "      - record: 1bad\n        expr: up\n"
                     "      - record: ok_name:sum\n        expr: up\n"),
              ElementsAre(
                  "r.yml:4:17: group \"g\": rule \"up{job=\"a\"}\": invalid "
                  "recording rule name \"up{job=\"a\"}\": braces in the "
                  "name; should they be in expr?",
                  "r.yml:6:17: group \"g\": rule \"1bad\": invalid recording "
                  "rule name \"1bad\" (a metric name: letters, digits, _ and "
                  ":, not starting with a digit)"));
}

TEST(PrometheusCompatLoaderTest, LabelNameDunderNameIsInvalid) {
  EXPECT_THAT(Errors("groups:\n  - name: g\n    labels: { __name__: x }\n"
                     "    rules:\n"
                     "      - alert: A\n        expr: up == 0\n"
                     "        labels:\n          __name__: foo\n"),
              ElementsAre("r.yml:3:15: group \"g\": labels: invalid label "
                          "name \"__name__\" (the metric name is not a label "
                          "to set here)",
                          "r.yml:8:11: group \"g\": rule \"A\": labels: "
                          "invalid label name \"__name__\" (the metric name "
                          "is not a label to set here)"));
  // Prometheus 3: UTF-8 label and annotation names are valid.
  EXPECT_THAT(Errors("groups:\n  - name: g\n    rules:\n"
                     "      - alert: A\n        expr: up == 0\n"
                     "        labels: { ins-tance: a, \"ünïcode\": b }\n"
                     "        annotations: { \"sum mary\": x }\n"),
              IsEmpty());
}

TEST(PrometheusCompatLoaderTest, TemplatesThatDoNotParse) {
  EXPECT_THAT(
      Errors("groups:\n  - name: g\n    rules:\n"
             "      - alert: A\n        expr: up == 0\n"
             "        annotations:\n"
             "          s: \"{{ $label.instance }} down\"\n"
             "          t: \"{{ .Broken\"\n"
             "          ok: \"{{ $labels.instance }} {{ $value | humanize }}\"\n"
             "        labels:\n"
             "          v: \"{{ nosuch $value }}\"\n"),
      ElementsAre("r.yml:7:18: group \"g\": rule \"A\": annotations \"s\": "
                  "template does not parse: undefined variable \"$label\"",
                  "r.yml:8:15: group \"g\": rule \"A\": annotations \"t\": "
                  "template does not parse: unclosed action",
                  "r.yml:11:18: group \"g\": rule \"A\": labels \"v\": "
                  "template does not parse: function \"nosuch\" not defined"));
}

TEST(PrometheusCompatLoaderTest, DuplicateGroupNames) {
  EXPECT_THAT(Errors("groups:\n  - name: g\n  - name: g\n"),
              ElementsAre("r.yml:3:11: duplicate group name \"g\""));
}

TEST(TemplateCheckTest, WhatGoTemplatesAccept) {
  for (const char* ok :
       {"plain text", "{{ $value }}", "{{ $labels.job }}", "{{ .Labels.job }}",
        "{{ $.Labels.job }}", "{{- $value -}}", "{{/* a comment */}}",
        "{{ if gt $value 1.0 }}high{{ else }}low{{ end }}",
        "{{ range $i, $e := query \"up\" }}{{ $i }}{{ $e | value }}{{ end }}",
        "{{ $x := 1 }}{{ $x }}", "{{ printf \"%.2f\" $value }}",
        "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}",
        "{{ `raw }}` }}", "{{ humanizeDuration 3.5 }}", "{{ $externalURL }}"}) {
    EXPECT_EQ(CheckAlertTemplate(ok), std::nullopt) << ok;
  }
}

TEST(TemplateCheckTest, WhatGoTemplatesReject) {
  struct Case {
    const char* text;
    size_t offset;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"a {{ $label.instance }}", 5, "undefined variable \"$label\""},
           {"{{ .Broken", 0, "unclosed action"},
           {"{{ if true }}x", 14, "unexpected EOF"},
           {"x{{ end }}", 1, "unexpected {{end}}"},
           {"{{ foo }}", 3, "function \"foo\" not defined"},
           {"{{ \"abc }}", 3, "unterminated quoted string"},
           {"{{ }}", 0, "missing value for command"}}) {
    std::optional<TemplateProblem> p = CheckAlertTemplate(c.text);
    ASSERT_NE(p, std::nullopt) << c.text;
    EXPECT_EQ(p->offset, c.offset) << c.text;
    EXPECT_EQ(p->message, c.message) << c.text;
  }
}

// ---- 11.17 -----------------------------------------------------------------------

constexpr char kCoverage[] =
    "sources:\n  cov: { type: coverage, path: c.xml }\ngroups:\n"
    "  - name: q\n    rules:\n";

TEST(NativeGateLintTest, DuplicateRuleNamesInOneGateAreAnError) {
  EXPECT_THAT(
      Errors(std::string(kCoverage) +
             "      - { name: cov, expr: coverage_line_percent, pass: \">= 1\" }\n"
             "  - name: r\n    rules:\n"
             "      - { name: cov, expr: coverage_line_percent, pass: \">= 2\" }\n"),
      ElementsAre("r.yml:9:17: group \"r\": rule \"cov\": duplicate rule name "
                  "\"cov\" (first at line 6): rule names identify results in "
                  "reports, state and actions"));
  // Prometheus alerts may share a name (one per severity): not an error.
  EXPECT_THAT(Errors("groups:\n  - name: g\n    rules:\n"
                     "      - { alert: Up, expr: up < 1, labels: { severity: warning } }\n"
                     "      - { alert: Up, expr: up < 0.5, labels: { severity: critical } }\n"),
              IsEmpty());
}

TEST(NativeGateLintTest, NoDataTypoGetsADidYouMean) {
  EXPECT_THAT(Errors(std::string(kCoverage) +
                     "      - { name: a, expr: coverage_line_percent, pass: \">= 1\", "
                     "no_data: pas }\n"),
              ElementsAre("r.yml:6:72: group \"q\": rule \"a\": no_data: "
                          "expected one of pass, warn, inconclusive, error, "
                          "fail, got \"pas\", did you mean \"pass\"?"));
}

// ---- 11.14: actions files ----------------------------------------------------------

TEST(GateOverlayTest, AnActionsFileAddsActionsAndSources) {
  LoadedOverlay o = ParseOverlay(
      "actions.yaml",
      "sources:\n  prom: { type: prometheus, url: \"http://p:9090\" }\n"
      "actions:\n  - on: fail\n    webhook: { url: \"http://hook/x\", format: json }\n",
      NoVars());
  ASSERT_THAT(Strings(o.errors), IsEmpty());
  LoadedGate g = ParseGate("r.yml",
                           "groups:\n  - name: g\n    rules:\n"
                           "      - { alert: A, expr: up == 0 }\n",
                           NoVars(), &o.overlay);
  ASSERT_THAT(Strings(g.errors), IsEmpty());
  ASSERT_EQ(g.gate.actions.size(), 1u);
  EXPECT_EQ(g.gate.actions[0].settings.at("url"), "http://hook/x");
  // The plain rule file's rules read the source the actions file names.
  EXPECT_EQ(g.gate.groups[0].rules[0].source, "prom");
  EXPECT_EQ(g.gate.sources.at("prom").url, "http://p:9090");
  EXPECT_TRUE(g.gate.prometheus_rule_file);
}

TEST(GateOverlayTest, AnActionsFileHoldsOnlyActionsAndSources) {
  LoadedOverlay o = ParseOverlay("a.yaml", "groups: []\nactions: []\n", NoVars());
  EXPECT_THAT(Strings(o.errors),
              ElementsAre(HasSubstr("a.yaml:1:1: unknown key \"groups\" in an "
                                    "actions file (--actions)")));
  EXPECT_THAT(Strings(ParseOverlay("a.yaml", "", NoVars()).errors),
              ElementsAre("a.yaml:1:1: empty actions file, expected a mapping "
                          "with \"actions\" (and \"sources\")"));
  // Given as a gate file, an actions-only file says how to use it.
  EXPECT_THAT(Errors("actions:\n  - on: fail\n    webhook: { url: \"http://h/\" }\n"),
              ElementsAre("r.yml:1:1: missing key \"groups\": this file has "
                          "only actions and/or sources; to add them to gate "
                          "files, pass it with --actions FILE (check, watch, "
                          "report, lint)"));
}

}  // namespace
}  // namespace aurora
