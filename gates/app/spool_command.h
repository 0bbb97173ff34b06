// File: gates/app/spool_command.h
// `aurora-gate spool list|retry|drop`: what on-call uses to see and settle
// the actions in a spool directory. `list` reads without the lock (files
// are replaced atomically); `retry` and `drop` take the lock, so they
// refuse while a watcher owns the spool.
#ifndef AURORA_GATES_APP_SPOOL_COMMAND_H_
#define AURORA_GATES_APP_SPOOL_COMMAND_H_

#include <string>
#include <vector>

#include "gates/app/check_command.h"

namespace aurora {

struct SpoolOptions {
  std::string action;              // list | retry | drop
  std::vector<std::string> ids;    // retry, drop: record ids
  bool all_failed = false;         // retry, drop: every failed action
  bool json = false;               // list: a JSON array instead of a table
  std::string spool_dir = ".aurora-gate/spool";
};

// list: one row per action (id, gate, trigger, created, attempts, state,
// last error; URLs redacted, no header or body), exit 0. retry: marks the
// chosen actions pending with a fresh budget (same idempotency key) and
// delivers them now: 0 when all were delivered, 3 otherwise. drop: removes
// them, one log line each: 0. 2 for usage errors (unknown id, nothing
// chosen, a spool another process owns).
int RunSpool(const SpoolOptions& options, const CommandEnv& env);

}  // namespace aurora

#endif  // AURORA_GATES_APP_SPOOL_COMMAND_H_
