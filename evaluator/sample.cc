#include "evaluator/sample.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace aurora {

Labels::Labels(std::initializer_list<Pair> pairs) {
  for (const auto& p : pairs) Set(p.first, p.second);
}

void Labels::Set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(
      pairs_.begin(), pairs_.end(), name,
      [](const Pair& p, std::string_view n) { return p.first < n; });
  if (it != pairs_.end() && it->first == name) {
    if (value.empty()) {
      pairs_.erase(it);
    } else {
      it->second = std::string(value);
    }
    return;
  }
  if (value.empty()) return;
  pairs_.insert(it, Pair(std::string(name), std::string(value)));
}

void Labels::Remove(std::string_view name) { Set(name, ""); }

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(
      pairs_.begin(), pairs_.end(), name,
      [](const Pair& p, std::string_view n) { return p.first < n; });
  if (it != pairs_.end() && it->first == name) return it->second;
  return {};
}

Labels Labels::WithoutMetricName() const {
  Labels out = *this;
  out.Remove(kMetricNameLabel);
  return out;
}

Labels Labels::Keep(const std::vector<std::string>& names) const {
  Labels out;
  for (const auto& p : pairs_) {
    if (std::find(names.begin(), names.end(), p.first) != names.end()) {
      out.pairs_.push_back(p);
    }
  }
  return out;
}

Labels Labels::Drop(const std::vector<std::string>& names) const {
  Labels out;
  for (const auto& p : pairs_) {
    if (std::find(names.begin(), names.end(), p.first) == names.end()) {
      out.pairs_.push_back(p);
    }
  }
  return out;
}

namespace {
std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}
}  // namespace

std::string Labels::ToString() const {
  std::string out(MetricName());
  bool first = true;
  std::string inner;
  for (const auto& p : pairs_) {
    if (p.first == kMetricNameLabel) continue;
    if (!first) inner += ", ";
    first = false;
    absl::StrAppend(&inner, p.first, "=\"", EscapeLabelValue(p.second), "\"");
  }
  if (!inner.empty() || out.empty()) absl::StrAppend(&out, "{", inner, "}");
  return out;
}

Sample MakeSample(std::string_view name, Labels labels, double value,
                  absl::Time timestamp) {
  labels.Set(kMetricNameLabel, name);
  return Sample{std::move(labels), value, timestamp};
}

}  // namespace aurora
