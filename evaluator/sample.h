// File: evaluator/sample.h
// The one data model every source produces and the evaluator consumes:
// a sample is a label set (the metric name is the `__name__` label, as in
// Prometheus), a double value (NaN and ±Inf are legal and survive end to end)
// and a timestamp. A range query yields Series of Points.
#ifndef AURORA_EVALUATOR_SAMPLE_H_
#define AURORA_EVALUATOR_SAMPLE_H_

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace aurora {

inline constexpr std::string_view kMetricNameLabel = "__name__";

// An immutable-by-convention set of label pairs kept sorted by name, with
// unique names. Value type; cheap to compare. Empty values are never stored
// (Prometheus treats an empty label value as an absent label).
// Copies share one immutable vector (copy-on-write on Set/Remove): an alert,
// its tracker entry and the series result reporting it hold one copy of the
// strings, not three. A Labels object and all its copies stay on one thread
// (copy-on-write reads the shared count without ordering). A moved-from
// Labels is empty.
class Labels {
 public:
  using Pair = std::pair<std::string, std::string>;
  Labels() = default;
  Labels(std::initializer_list<Pair> pairs);

  // Sets (or replaces) one label; an empty value removes it.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  // Returns "" when the label is absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const { return !Get(name).empty(); }

  std::string_view MetricName() const { return Get(kMetricNameLabel); }
  // A copy without `__name__` (what aggregation and arithmetic produce).
  Labels WithoutMetricName() const;
  // Keeps only the listed names / drops the listed names.
  Labels Keep(const std::vector<std::string>& names) const;
  Labels Drop(const std::vector<std::string>& names) const;

  const std::vector<Pair>& pairs() const {
    return pairs_ != nullptr ? *pairs_ : kNoPairs;
  }
  bool empty() const { return pairs_ == nullptr; }
  size_t size() const { return pairs().size(); }

  // Prometheus text form: `name{a="1", b="2"}` (name omitted when absent,
  // `{}` when there are no labels at all). Values are escaped as in PromQL.
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.pairs_ == b.pairs_ || a.pairs() == b.pairs();
  }
  friend bool operator!=(const Labels& a, const Labels& b) {
    return !(a == b);
  }
  friend bool operator<(const Labels& a, const Labels& b) {
    return a.pairs_ != b.pairs_ && a.pairs() < b.pairs();
  }

 private:
  static const std::vector<Pair> kNoPairs;
  // The vector to change: this object's own (copied first when shared).
  std::vector<Pair>& Mutable();
  // Sorted by name, unique names, non-empty values; null when empty.
  std::shared_ptr<std::vector<Pair>> pairs_;
};

struct Sample {
  Labels labels;
  double value = 0;
  absl::Time timestamp = absl::UnixEpoch();
};

struct Point {
  absl::Time timestamp;
  double value = 0;
};

struct Series {
  Labels labels;
  std::vector<Point> points;  // ascending timestamps
};

// Builds a sample named `name` with `labels` (convenience for readers).
Sample MakeSample(std::string_view name, Labels labels, double value,
                  absl::Time timestamp = absl::UnixEpoch());

}  // namespace aurora

#endif  // AURORA_EVALUATOR_SAMPLE_H_
