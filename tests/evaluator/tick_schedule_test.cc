// The watch's tick grid (evaluator/tick_schedule.h): on time, late within
// the slot, and cycles that overran one or more slots.
#include "evaluator/tick_schedule.h"

#include <vector>

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(TickScheduleTest, Table) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const absl::Duration s15 = absl::Seconds(15);
  struct Case {
    const char* name;
    absl::Duration cycle_took;  // from the previous tick to the cycle's end
    absl::Duration next_after;  // the next tick, after the previous one
    int missed;
  };
  const std::vector<Case> cases = {
      {"fast cycle=>next slot", absl::Seconds(1), s15, 0},
      {"cycle ends exactly on the next slot=>that slot", s15, s15, 0},
      {"overran one slot=>the one after, 1 missed", absl::Seconds(16),
       absl::Seconds(30), 1},
      // A cycle still running at a slot's very instant missed it too.
      {"ends exactly on the second slot=>the third, 2 missed", absl::Seconds(30),
       absl::Seconds(45), 2},
      {"overran three slots=>on the grid, 3 missed", absl::Seconds(50),
       absl::Seconds(60), 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScheduledTick t = NextTick(t0, t0 + c.cycle_took, s15);
    EXPECT_EQ(t.at, t0 + c.next_after);
    EXPECT_EQ(t.missed, c.missed);
  }
}

}  // namespace
}  // namespace aurora
