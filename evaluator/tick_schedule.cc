#include "evaluator/tick_schedule.h"

namespace aurora {

ScheduledTick NextTick(absl::Time previous, absl::Time now,
                       absl::Duration interval) {
  ScheduledTick t;
  t.at = previous + interval;
  if (now > t.at) {
    t.missed = static_cast<int>((now - t.at) / interval) + 1;
    t.at += t.missed * interval;
  }
  return t;
}

}  // namespace aurora
