// File: queries/command_source.h
// The samples of a `command` source (runbook 2.3, `aws ecs describe-services
// … --output json`) from a command that ran: command_exit_code,
// command_duration_seconds, and the source's `values:` picked from its
// stdout as a `json` source picks them. Running the command is the caller's
// job (I/O at the edge); this is pure.
#ifndef AURORA_QUERIES_COMMAND_SOURCE_H_
#define AURORA_QUERIES_COMMAND_SOURCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "queries/artifact.h"
#include "rules/gate.h"

namespace aurora {

struct CommandRun {
  int exit_code = 0;
  absl::Duration elapsed;
  std::string stdout_text;
  bool stdout_truncated = false;  // more than max_output bytes were written
  std::string stderr_text;        // for messages: its last line is quoted
};

// Exit code and duration are always samples. With `values:`: a non-zero
// exit, a stdout cut at max_output, or a stdout that is not JSON makes each
// value a metric error naming why (so a rule on it is `error`, and a rule
// on the exit code still decides).
ArtifactData CommandSamples(const SourceSpec& source, const CommandRun& run);

}  // namespace aurora

#endif  // AURORA_QUERIES_COMMAND_SOURCE_H_
