// File: base/run_exec.h
// Runs a command (exec actions, the command source, promtool): argv via posix_spawnp (no shell, so no quoting or
// injection), the parent's environment plus the verdict variables, the
// verdict JSON on stdin, stdout+stderr captured, a wall-clock timeout after
// which the process group gets SIGTERM and, 5 s later, SIGKILL.
#ifndef AURORA_BASE_RUN_EXEC_H_
#define AURORA_BASE_RUN_EXEC_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aurora {

struct ExecRequest {
  std::vector<std::string> argv;  // argv[0] looked up in PATH
  // Added to (and overriding) the parent's environment, e.g.
  // AURORA_GATE, AURORA_TRANSITION, AURORA_VERDICT, AURORA_FAILING_RULES,
  // AURORA_IDEMPOTENCY_KEY, AURORA_INCIDENT_START (see VerdictEnvironment).
  std::map<std::string, std::string> env;
  std::string stdin_data;  // written to the child's stdin, then EOF
  absl::Duration timeout = absl::Minutes(5);
  // Working directory of the command; empty = ours.
  std::string dir = {};
  // false: stdout and stderr interleaved in `output`. true: stdout in
  // `output`, stderr in `errors` (a command source parses stdout as JSON).
  bool stderr_apart = false;
  // Bytes of `output` kept (the rest is read and dropped, so the command
  // never blocks on a full pipe); `errors` keeps at most 64 KiB.
  size_t max_output = 64 * 1024;
};

struct ExecResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the terminating signal, 0 when it exited
  bool timed_out = false;
  std::string output;  // stdout and stderr interleaved (or stdout alone,
                       // with stderr_apart), at most max_output bytes
  bool output_truncated = false;  // more than max_output bytes were written
  std::string errors;  // stderr, with stderr_apart; at most 64 KiB
  absl::Duration elapsed;
  bool ok() const { return exit_code == 0 && !timed_out; }
  // "exit code 3", "killed by signal 9", "timed out after 2s (killed ...)".
  std::string Describe() const;
};

// Runs the command and waits for it. A Status only when it could not be
// started: kInvalidArgument for an empty argv, kNotFound when argv[0] is
// not found, kPermissionDenied when it is not executable; the message names
// argv[0] (never the other arguments, which may hold secrets).
absl::StatusOr<ExecResult> RunExec(const ExecRequest& request);

}  // namespace aurora

#endif  // AURORA_BASE_RUN_EXEC_H_
