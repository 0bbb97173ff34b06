// File: rules/template_check.h
// Checks that a label or annotation value parses as the Go text/template
// Prometheus expands it with (rules/alerting.go): every {{ action }} closed,
// every $variable defined ($labels, $value, $externalLabels, $externalURL,
// $ and those the template declares), every function known (Go's builtins
// and Prometheus' template functions), if/range/with/define/block matched by
// end. Pure; what `promtool check rules` rejects, with the offset.
#ifndef AURORA_RULES_TEMPLATE_CHECK_H_
#define AURORA_RULES_TEMPLATE_CHECK_H_

#include <optional>
#include <string>
#include <string_view>

namespace aurora {

struct TemplateProblem {
  size_t offset = 0;    // byte offset in the text
  std::string message;  // e.g. `undefined variable "$label"`, "unclosed action"
};

// nullopt when `text` parses.
std::optional<TemplateProblem> CheckAlertTemplate(std::string_view text);

}  // namespace aurora

#endif  // AURORA_RULES_TEMPLATE_CHECK_H_
