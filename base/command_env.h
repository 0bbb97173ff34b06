// File: base/command_env.h
// What every command shares: the process exit codes (defined here once;
// docs/DESIGN.md "Verdicts, reports, exit codes") and the seams a command
// runs with (CommandEnv), so commands, the notifier and tests agree.
#ifndef AURORA_BASE_COMMAND_ENV_H_
#define AURORA_BASE_COMMAND_ENV_H_

#include <ostream>

#include "base/clock.h"
#include "base/file_reader.h"
#include "base/http_client.h"

namespace aurora {

inline constexpr int kExitPass = 0;       // pass (warn and pending too)
inline constexpr int kExitFail = 1;       // a blocking rule failed
inline constexpr int kExitUsage = 2;      // usage or gate-file error: nothing evaluated
inline constexpr int kExitUndecided = 3;  // inconclusive, error, or an action may be lost

// The seams a command uses. All must outlive the call.
struct CommandEnv {
  FileReader* files;
  Clock* clock;
  std::ostream* out;  // the terminal report
  std::ostream* err;  // errors and notes
  HttpClientFactory make_http_client;  // live sources and actions
};

}  // namespace aurora

#endif  // AURORA_BASE_COMMAND_ENV_H_
