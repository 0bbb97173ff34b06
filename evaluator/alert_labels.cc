#include "evaluator/alert_labels.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {
namespace {

bool ReadsServerConfig(std::string_view text) {
  return absl::StrContains(Sv(text), "xternalLabels") ||
         absl::StrContains(Sv(text), "xternalURL") ||
         absl::StrContains(Sv(text), "pathPrefix");
}

std::map<std::string, std::string> ToMap(const Labels& labels) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : labels.pairs()) out[k] = v;
  return out;
}

}  // namespace

bool TemplatesUseServerConfig(const Rule& rule) {
  for (const auto& [k, v] : rule.labels) {
    if (ReadsServerConfig(v)) return true;
  }
  for (const auto& [k, v] : rule.annotations) {
    if (ReadsServerConfig(v)) return true;
  }
  return false;
}

absl::StatusOr<AlertLabelTemplates> AlertLabelTemplates::ForRule(const Rule& rule) {
  AlertLabelTemplates out;
  if (rule.kind != Rule::Kind::kAlert) return out;
  for (const auto& [name, text] : rule.labels) {
    if (!IsTemplated(text)) continue;
    absl::StatusOr<AlertTemplate> t = AlertTemplate::Parse(text);
    if (!t.ok()) {
      return absl::Status(t.status().code(),
                          absl::StrCat("label \"", name, "\": ", t.status().message()));
    }
    out.labels_.emplace_back(name, *std::move(t));
  }
  out.uses_server_config_ = TemplatesUseServerConfig(rule);
  return out;
}

Labels AlertLabelTemplates::Identity(
    const Labels& series, double value,
    const std::map<std::string, std::string>& external_labels,
    const std::string& external_url) const {
  Labels out = series.WithoutMetricName();
  if (labels_.empty()) return out;
  AlertTemplateData data;
  data.labels = ToMap(series);
  data.external_labels = external_labels;
  data.external_url = external_url;
  data.value = value;
  for (const auto& [name, t] : labels_) {
    absl::StatusOr<std::string> v = t.Expand(data);
    out.Set(name, v.ok() ? *v
                         : absl::StrCat("<error expanding template: ",
                                        v.status().message(), ">"));
  }
  return out;
}

std::vector<Series> AlertLabelTemplates::KeyMatrix(
    const std::vector<Series>& matrix,
    const std::map<std::string, std::string>& external_labels,
    const std::string& external_url) const {
  std::vector<Series> out;
  std::map<Labels, size_t> index;  // per source series: points stay in order
  for (const Series& s : matrix) {
    index.clear();
    for (const Point& p : s.points) {
      Labels id = Identity(s.labels, p.value, external_labels, external_url);
      auto [it, added] = index.emplace(id, out.size());
      if (added) {
        out.emplace_back();
        out.back().labels = std::move(id);
      }
      out[it->second].points.push_back(p);
    }
  }
  return out;
}

std::map<std::string, std::string> RenderAnnotations(
    const Rule& rule, const Labels& alert_labels, double value,
    const std::map<std::string, std::string>& external_labels,
    const std::string& external_url) {
  AlertTemplateData data;
  data.labels = ToMap(alert_labels);
  // $labels are the series' own labels: the templated rule labels that
  // became part of the identity are not among them.
  for (const auto& [name, text] : rule.labels) {
    if (IsTemplated(text)) data.labels.erase(name);
  }
  data.external_labels = external_labels;
  data.external_url = external_url;
  data.value = value;
  std::map<std::string, std::string> out;
  for (const auto& [name, text] : rule.annotations) {
    out[name] = ExpandOrErrorText(text, data);
  }
  return out;
}

}  // namespace aurora
