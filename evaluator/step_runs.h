// File: evaluator/step_runs.h
// A value per evaluation step, stored as runs: a value is kept once for each
// run of equal consecutive steps, so memory grows with the changes, not with
// the steps (a backtest's per-step reasons and labels: mostly "" and the same
// labels for hours). Reads are O(log runs); the interface is the part of
// std::vector a step track needs.
#ifndef AURORA_EVALUATOR_STEP_RUNS_H_
#define AURORA_EVALUATOR_STEP_RUNS_H_

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

namespace aurora {

template <typename T>
class StepRuns {
 public:
  StepRuns() = default;
  StepRuns(std::initializer_list<T> values) {
    for (const T& v : values) push_back(v);
  }

  // Appends the next step's value.
  void push_back(T value) {
    if (values_.empty() || !(values_.back() == value)) {
      starts_.push_back(size_);
      values_.push_back(std::move(value));
    }
    ++size_;
  }
  void emplace_back() { push_back(T()); }
  // Replaces the contents with `steps` copies of `value`.
  void assign(size_t steps, T value) {
    clear();
    if (steps == 0) return;
    starts_.push_back(0);
    values_.push_back(std::move(value));
    size_ = steps;
  }
  // Grows with default values, or drops steps from the end.
  void resize(size_t steps) {
    if (steps >= size_) {
      while (size_ < steps) emplace_back();
      return;
    }
    while (!starts_.empty() && starts_.back() >= steps) {
      starts_.pop_back();
      values_.pop_back();
    }
    size_ = steps;
  }
  void clear() {
    starts_.clear();
    values_.clear();
    size_ = 0;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t runs() const { return values_.size(); }
  // The value at step i; i < size().
  const T& operator[](size_t i) const {
    const auto run = std::upper_bound(starts_.begin(), starts_.end(), i) - 1;
    return values_[static_cast<size_t>(run - starts_.begin())];
  }

 private:
  std::vector<size_t> starts_;  // the first step of each run, ascending
  std::vector<T> values_;       // each run's value; neighbours differ
  size_t size_ = 0;
};

}  // namespace aurora

#endif  // AURORA_EVALUATOR_STEP_RUNS_H_
