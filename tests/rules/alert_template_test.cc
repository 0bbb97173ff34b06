// Issue 12.5: alert label and annotation templates expand as Prometheus'
// template/template.go does (Go text/template with the alert variables).
#include "rules/alert_template.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

AlertTemplateData Data(double value) {
  AlertTemplateData d;
  d.labels = {{"instance", "host-1.example.com:9100"}, {"job", "node"}};
  d.external_labels = {{"cluster", "eu-1"}};
  d.external_url = "http://prom.example.com/prometheus";
  d.value = value;
  return d;
}

std::string Expand(const std::string& text, double value = 0.123456) {
  absl::StatusOr<AlertTemplate> t = AlertTemplate::Parse(text);
  if (!t.ok()) return "PARSE: " + std::string(t.status().message());
  absl::StatusOr<std::string> out = t->Expand(Data(value));
  if (!out.ok()) return "EXEC: " + std::string(out.status().message());
  return *out;
}

TEST(AlertTemplateTest, VariablesAndFields) {
  EXPECT_EQ(Expand("{{ $labels.instance }} of {{ .Labels.job }}"),
            "host-1.example.com:9100 of node");
  EXPECT_EQ(Expand("{{ $value }}"), "0.123456");
  EXPECT_EQ(Expand("{{ .Value }}", 1e21), "1e+21");
  EXPECT_EQ(Expand("{{ $value }}", 100), "100");
  EXPECT_EQ(Expand("{{ $value }}", std::nan("")), "NaN");
  EXPECT_EQ(Expand("{{ $externalLabels.cluster }}/{{ $labels.missing }}/"), "eu-1//");
  EXPECT_EQ(Expand("{{ $x := $labels.job }}[{{ $x }}]"), "[node]");
}

TEST(AlertTemplateTest, HumanizeFamilyAsPrometheus) {
  EXPECT_EQ(Expand("{{ $value | humanize }}", 1234567), "1.235M");
  EXPECT_EQ(Expand("{{ humanize $value }}", 0.00123), "1.23m");
  EXPECT_EQ(Expand("{{ $value | humanize1024 }}", 2048), "2ki");
  EXPECT_EQ(Expand("{{ $value | humanizePercentage }}", 0.0567), "5.67%");
  EXPECT_EQ(Expand("{{ $value | humanizeDuration }}", 3725), "1h 2m 5s");
  EXPECT_EQ(Expand("{{ $value | humanizeDuration }}", 0.25), "250ms");
  EXPECT_EQ(Expand("{{ $value | humanizeDuration }}", 1e300), "1e+300s");
  EXPECT_EQ(Expand("{{ $value | humanizeTimestamp }}", 1435065584.128),
            "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(Expand("{{ \"2048\" | humanize1024 }}"), "2ki");
}

TEST(AlertTemplateTest, PrintfAndStringFunctions) {
  EXPECT_EQ(Expand("{{ printf \"%.2f\" $value }}"), "0.12");
  EXPECT_EQ(Expand("{{ $value | printf \"%.1f%%\" }}", 12.34), "12.3%");
  EXPECT_EQ(Expand("{{ printf \"%s=%d\" \"a\" 5 }}"), "a=5");
  EXPECT_EQ(Expand("{{ printf \"%d\" $value }}", 2), "%!d(float64=2)");
  EXPECT_EQ(Expand("{{ $labels.job | toUpper }}"), "NODE");
  EXPECT_EQ(Expand("{{ title \"hello world\" }}"), "Hello World");
  EXPECT_EQ(Expand("{{ $labels.instance | stripPort }}"), "host-1.example.com");
  EXPECT_EQ(Expand("{{ $labels.instance | stripDomain }}"), "host-1:9100");
  EXPECT_EQ(Expand("{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}"),
            "host-1.example.com");
  EXPECT_EQ(Expand("{{ if match \"^host\" $labels.instance }}yes{{ end }}"), "yes");
}

TEST(AlertTemplateTest, ControlFlowAndTrim) {
  EXPECT_EQ(Expand("{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid"
                   "{{ else }}low{{ end }}"),
            "mid");
  EXPECT_EQ(Expand("a  {{- \" b \" -}}  c"), "a b c");
  EXPECT_EQ(Expand("{{ with $labels.job }}job={{ . }}{{ end }}"), "job=node");
  EXPECT_EQ(Expand("{{/* a comment */}}x"), "x");
  EXPECT_EQ(Expand("{{ if and (eq $labels.job \"node\") (ne $labels.instance \"\") }}ok{{ end }}"),
            "ok");
}

TEST(AlertTemplateTest, ErrorsGoWouldRaise) {
  EXPECT_THAT(Expand("{{ $label.instance }}"), HasSubstr("undefined variable \"$label\""));
  EXPECT_THAT(Expand("{{ .Broken"), HasSubstr("unclosed action"));
  EXPECT_THAT(Expand("{{ nosuch 1 }}"), HasSubstr("function \"nosuch\" not defined"));
  EXPECT_THAT(Expand("{{ if true }}x"), HasSubstr("missing {{end}}"));
}

TEST(AlertTemplateTest, UnsupportedConstructsAreClearErrors) {
  absl::StatusOr<AlertTemplate> q =
      AlertTemplate::Parse("{{ with query \"up\" }}{{ . | first | value }}{{ end }}");
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(absl::IsUnimplemented(q.status()));
  EXPECT_THAT(q.status().message(), HasSubstr("query"));
  absl::StatusOr<AlertTemplate> r = AlertTemplate::Parse("{{ range $labels }}x{{ end }}");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsUnimplemented(r.status()));
}

TEST(AlertTemplateTest, ExpansionFailureReadsAsPrometheusDoes) {
  EXPECT_THAT(ExpandOrErrorText("{{ $label.x }}", Data(1)),
              HasSubstr("<error expanding template: "));
  EXPECT_EQ(ExpandOrErrorText("plain", Data(1)), "plain");
}

}  // namespace
}  // namespace aurora
