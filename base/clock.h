// File: base/clock.h
// The clock seam. Only drivers read it (the `check` command to pick "now",
// the watch loop, retry backoff); the evaluator takes time as an argument.
#ifndef AURORA_BASE_CLOCK_H_
#define AURORA_BASE_CLOCK_H_

#include "absl/time/time.h"

namespace aurora {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  // Blocks until Now() >= deadline.
  virtual void SleepUntil(absl::Time deadline) = 0;
};

// The system clock. Thread-safe.
class RealClock : public Clock {
 public:
  absl::Time Now() override;
  void SleepUntil(absl::Time deadline) override;
};

}  // namespace aurora

#endif  // AURORA_BASE_CLOCK_H_
