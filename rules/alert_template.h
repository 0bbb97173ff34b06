// File: rules/alert_template.h
// Prometheus' alert label and annotation templates (template/template.go,
// rules/alerting.go): the subset of Go text/template that rule files use —
// {{ $labels.x }}, {{ $value }}, {{ $externalLabels.x }}, {{ .Labels.x }},
// variables ({{ $v := ... }}), pipelines ({{ $value | humanize }}), if /
// else if / else / with / end, parenthesised calls, trim markers ({{- -}}),
// comments, and the functions label and annotation templates call: printf,
// print, humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, toUpper, toLower, title, reReplaceAll, match,
// stripPort, stripDomain, safeHtml, eq/ne/lt/le/gt/ge, and/or/not, len,
// index, externalURL, pathPrefix. Anything else (query, range, define,
// template, ...) is an Unimplemented error naming the construct, never a
// silent wrong value. Pure.
#ifndef AURORA_RULES_ALERT_TEMPLATE_H_
#define AURORA_RULES_ALERT_TEMPLATE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace aurora {

// What a template sees: the alert's series labels, the server's external
// labels and URL, and the value.
struct AlertTemplateData {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> external_labels;
  std::string external_url;
  double value = 0;
};

class AlertTemplate {
 public:
  // Parses `text` with Prometheus' alert variables defined ($labels,
  // $externalLabels, $externalURL, $value). InvalidArgument for a template
  // Go would reject ("undefined variable \"$label\"", "unclosed action"),
  // Unimplemented for constructs aurora-gate does not evaluate.
  static absl::StatusOr<AlertTemplate> Parse(std::string_view text);

  // Expands the template. InvalidArgument for an execution error (Go's
  // "error executing template"), Unimplemented as Parse.
  absl::StatusOr<std::string> Expand(const AlertTemplateData& data) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// True when `text` holds a template action ("{{"); plain text expands to
// itself.
bool IsTemplated(std::string_view text);

// Expands as Prometheus does for an annotation or label value: the
// expansion, or "<error expanding template: MESSAGE>" when the template
// fails (Prometheus' own text for a failed expansion).
std::string ExpandOrErrorText(std::string_view text,
                              const AlertTemplateData& data);

// Go's fmt %v of a float64 ("0.5", "1e+21", "NaN", "+Inf"), as {{ $value }}
// prints.
std::string GoFloatString(double v);

}  // namespace aurora

#endif  // AURORA_RULES_ALERT_TEMPLATE_H_
