#include "evaluator/baseline_history.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace aurora {

double Median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

SampleSet CombineHistory(const std::vector<const SampleSet*>& history,
                         BaselineHistory::Compare compare) {
  SampleSet out;
  if (history.empty()) return out;
  out.detail_labels = history.back()->detail_labels;
  if (compare == BaselineHistory::Compare::kLast) {
    out.samples = history.back()->samples;
    return out;
  }
  // Per sample (labels include __name__), its values in history order.
  std::map<Labels, std::vector<double>> values;
  for (const SampleSet* set : history) {
    for (const Sample& s : set->samples) values[s.labels].push_back(s.value);
  }
  for (auto& [labels, all] : values) {
    std::vector<double> numbers;
    for (double v : all) {
      if (!std::isnan(v)) numbers.push_back(v);
    }
    double v = std::numeric_limits<double>::quiet_NaN();
    if (!numbers.empty()) {
      switch (compare) {
        case BaselineHistory::Compare::kMedian: v = Median(numbers); break;
        case BaselineHistory::Compare::kMin:
          v = *std::min_element(numbers.begin(), numbers.end());
          break;
        case BaselineHistory::Compare::kMax:
          v = *std::max_element(numbers.begin(), numbers.end());
          break;
        case BaselineHistory::Compare::kLast: break;
      }
    }
    out.samples.push_back(Sample{labels, v});
  }
  return out;
}

}  // namespace aurora
