#include "evaluator/sample.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace aurora {

constinit const std::vector<Labels::Pair> Labels::kNoPairs;

Labels::Labels(std::initializer_list<Pair> pairs) {
  for (const auto& p : pairs) Set(p.first, p.second);
}

std::vector<Labels::Pair>& Labels::Mutable() {
  if (pairs_ == nullptr) {
    pairs_ = std::make_shared<std::vector<Pair>>();
  } else if (pairs_.use_count() > 1) {
    pairs_ = std::make_shared<std::vector<Pair>>(*pairs_);
  }
  return *pairs_;
}

void Labels::Set(std::string_view name, std::string_view value) {
  const std::vector<Pair>& now = pairs();
  auto at = std::lower_bound(
      now.begin(), now.end(), name,
      [](const Pair& p, std::string_view n) { return p.first < n; });
  const bool present = at != now.end() && at->first == name;
  if (!present && value.empty()) return;
  if (present && at->second == value) return;
  const size_t index = static_cast<size_t>(at - now.begin());
  std::vector<Pair>& pairs = Mutable();  // `now` and `at` may be stale now
  if (present && value.empty()) {
    pairs.erase(pairs.begin() + index);
    if (pairs.empty()) pairs_.reset();
  } else if (present) {
    pairs[index].second = std::string(value);
  } else {
    pairs.insert(pairs.begin() + index, Pair(std::string(name), std::string(value)));
  }
}

void Labels::Remove(std::string_view name) { Set(name, ""); }

std::string_view Labels::Get(std::string_view name) const {
  const std::vector<Pair>& now = pairs();
  auto it = std::lower_bound(
      now.begin(), now.end(), name,
      [](const Pair& p, std::string_view n) { return p.first < n; });
  if (it != now.end() && it->first == name) return it->second;
  return {};
}

Labels Labels::WithoutMetricName() const {
  Labels out = *this;
  out.Remove(kMetricNameLabel);
  return out;
}

Labels Labels::Keep(const std::vector<std::string>& names) const {
  Labels out;
  for (const auto& p : pairs()) {
    if (std::find(names.begin(), names.end(), p.first) != names.end()) {
      out.Mutable().push_back(p);
    }
  }
  return out;
}

Labels Labels::Drop(const std::vector<std::string>& names) const {
  Labels out;
  for (const auto& p : pairs()) {
    if (std::find(names.begin(), names.end(), p.first) == names.end()) {
      out.Mutable().push_back(p);
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
  for (const auto& p : pairs()) {
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
