// File: evaluator/alert_labels.h
// An alerting rule's templated labels and annotations, as Prometheus'
// rules/alerting.go uses them: each alert's labels are its series' labels
// (without __name__) plus the rule's labels expanded with that series'
// labels and value ($labels, $value, $externalLabels), so a label such as
// `v: "{{ $value }}"` makes a new alert whenever the value changes (it stays
// pending). Annotations are rendered per alert the same way. Pure.
#ifndef AURORA_EVALUATOR_ALERT_LABELS_H_
#define AURORA_EVALUATOR_ALERT_LABELS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "evaluator/sample.h"
#include "rules/alert_template.h"
#include "rules/gate.h"

namespace aurora {

class AlertLabelTemplates {
 public:
  // The rule's templated labels, parsed. An error names the label: a
  // template Go rejects (InvalidArgument) or one aurora-gate does not
  // evaluate (Unimplemented).
  static absl::StatusOr<AlertLabelTemplates> ForRule(const Rule& rule);

  // No templated labels: series labels are the alerts' identity as they are.
  bool empty() const { return labels_.empty(); }
  // Whether any label or annotation reads the server's external labels or URL.
  bool uses_server_config() const { return uses_server_config_; }

  // The identity of the alert of a series (`series` as the server sent it,
  // __name__ included) with `value`: the series labels without __name__
  // plus the expanded templated labels (a failed expansion gives
  // Prometheus' "<error expanding template: ...>" text).
  Labels Identity(const Labels& series, double value,
                  const std::map<std::string, std::string>& external_labels,
                  const std::string& external_url) const;

  // Each series of `matrix` (full labels) split by the identity of its
  // points, in time order; the result's labels are identities.
  std::vector<Series> KeyMatrix(
      const std::vector<Series>& matrix,
      const std::map<std::string, std::string>& external_labels,
      const std::string& external_url) const;

 private:
  std::vector<std::pair<std::string, AlertTemplate>> labels_;
  bool uses_server_config_ = false;
};

// Whether the rule's labels or annotations read $externalLabels /
// $externalURL (then the server's configuration is needed).
bool TemplatesUseServerConfig(const Rule& rule);

// The rule's annotations rendered for one alert (its series labels without
// the templated rule labels, and its value), as Prometheus renders them.
std::map<std::string, std::string> RenderAnnotations(
    const Rule& rule, const Labels& alert_labels, double value,
    const std::map<std::string, std::string>& external_labels,
    const std::string& external_url);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_ALERT_LABELS_H_
