// File: tests/testing/fake_clock.h
// A Clock whose time moves only when told to (or when slept on), so backoff
// and scheduling are tested without waiting. Thread-safe (watch delivers
// actions on their own threads).
#ifndef AURORA_TESTS_TESTING_FAKE_CLOCK_H_
#define AURORA_TESTS_TESTING_FAKE_CLOCK_H_

#include <mutex>
#include <vector>

#include "base/clock.h"

namespace aurora::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time now = absl::FromUnixSeconds(1764230400))
      : now_(now) {}
  absl::Time Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  // Records the sleep and jumps to the deadline.
  void SleepUntil(absl::Time deadline) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (deadline > now_) {
      sleeps_.push_back(deadline - now_);
      now_ = deadline;
    }
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  const std::vector<absl::Duration>& sleeps() const { return sleeps_; }

 private:
  std::mutex mu_;
  absl::Time now_;
  std::vector<absl::Duration> sleeps_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_FAKE_CLOCK_H_
