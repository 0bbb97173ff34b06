// File: evaluator/tick_schedule.h
// The evaluation grid of `watch`: ticks at start + k * interval. A cycle
// that overran its slot skips the slots it missed (counted) rather than
// running them back to back. Pure: the times are arguments.
#ifndef AURORA_EVALUATOR_TICK_SCHEDULE_H_
#define AURORA_EVALUATOR_TICK_SCHEDULE_H_

#include "absl/time/time.h"

namespace aurora {

struct ScheduledTick {
  absl::Time at;    // the next tick, on the grid, not before `now`
  int missed = 0;   // slots skipped because `now` was past them
};

// The tick after `previous` on the grid of `interval` (positive), given
// that the cycle of `previous` ended at `now`.
ScheduledTick NextTick(absl::Time previous, absl::Time now,
                       absl::Duration interval);

}  // namespace aurora

#endif  // AURORA_EVALUATOR_TICK_SCHEDULE_H_
