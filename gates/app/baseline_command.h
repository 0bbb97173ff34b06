// File: gates/app/baseline_command.h
// `aurora-gate baseline update`: the current artifacts become the baselines
// (runbook "Performance Baseline Update", `cp artifacts/… baselines/…`), for
// every artifact source of the gates that names a `baseline:` file. An
// artifact whose own rules do not pass is not promoted unless forced.
#ifndef AURORA_GATES_APP_BASELINE_COMMAND_H_
#define AURORA_GATES_APP_BASELINE_COMMAND_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gates/app/check_command.h"

namespace aurora {

struct BaselineOptions {
  std::vector<std::string> gate_files;
  std::map<std::string, std::string> settings;  // --set NAME=VALUE
  std::set<std::string> secret_names;           // --secret
  bool dry_run = false;  // say what would be promoted, write nothing
  bool force = false;    // promote even when the artifact's rules do not pass
  // Recorded in the sidecar: --set commit=…, else $GIT_COMMIT, $GITHUB_SHA.
  std::string commit;
  // --push URL (empty: none): after promoting, the run's artifact samples,
  // verdicts and publish: metrics to a Pushgateway, as `check --push`. A
  // failed push makes an otherwise passing run exit 3 unless push_optional.
  PushTarget push;
  bool push_optional = false;
};

// For each artifact source with a baseline (each artifact once): evaluates
// the rules that read it; when none is fail, error or inconclusive (or
// `force`), copies the artifact's bytes over the baseline atomically
// (temporary file, fsync, rename, directory fsync; missing directories are
// created) and writes the sidecar "<baseline>.meta.json" (promoted_at,
// commit, gate file, verdict of its rules, artifact path, sha256, bytes).
// One line per artifact on env.out: promoted / would promote / refused /
// error. Exit: 0 all promoted, 1 one refused, 2 gate-file or usage errors
// (also: no source has a baseline), 3 an artifact unreadable or a write
// failed (the old baseline is then untouched).
int RunBaselineUpdate(const BaselineOptions& options, const CommandEnv& env);

}  // namespace aurora

#endif  // AURORA_GATES_APP_BASELINE_COMMAND_H_
