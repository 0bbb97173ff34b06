// File: gates/app/watch_command.h
// `aurora-gate watch`: evaluates the gates every interval until a stop
// condition trips (exit 1; or keeps going with keep_running), the duration
// passes with none tripped (exit 0), or a signal stops it (exit 3 unless one
// tripped). Live alert state is restored from history on the first cycle and
// carried after that; SIGHUP reloads the gate files, keeping the state of
// unchanged rules and the old rules when the new files are broken.
// Actions are delivered on their own threads, beside evaluation (never in
// front of it); /healthz answers 503 when no cycle has completed for three
// intervals (at least 30 s). The spool directory is locked for the watch:
// a second watcher on it refuses to start (exit 2).
#ifndef AURORA_GATES_APP_WATCH_COMMAND_H_
#define AURORA_GATES_APP_WATCH_COMMAND_H_

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gates/app/check_command.h"

namespace aurora {

struct WatchOptions {
  std::vector<std::string> gate_files;
  std::string actions_file;  // --actions: added to every gate file
  std::map<std::string, std::string> settings;
  std::set<std::string> secret_names;  // --secret: values never shown
  absl::Duration interval = absl::Seconds(15);
  absl::Duration duration = absl::Minutes(30);
  std::string listen;  // /metrics and /healthz; empty: not served
  bool keep_running = false;
  std::string junit_path, json_path, markdown_path;
  // The HTML go-live report at the end, charting live rules over the span
  // watched (read from the server then, as `report --window` does).
  std::string html_path;
  // --baseline-at: the moment relative criteria of live rules compare with
  // (the same query then); unset: each rule's baseline: { offset }.
  std::optional<absl::Time> baseline_at;
  bool dry_run = false;
  bool json_log = false;  // one JSON object per log line
  std::string prometheus_url;
  int max_concurrency = 8;
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
  std::string spool_dir = ".aurora-gate/spool";
  // Watch even when the spool directory cannot be used (actions are then
  // delivered from memory only); otherwise such a watch refuses to start.
  bool allow_no_spool = false;
  // Failed actions found in the spool are logged either way; without this
  // they make the watch exit 3.
  bool ignore_failed_actions = false;
};

// Set from signal handlers; read between and during sleeps.
struct WatchSignals {
  std::atomic<bool> stop{false};    // SIGTERM, SIGINT: finish the cycle, report, exit
  std::atomic<bool> reload{false};  // SIGHUP: reload the gate files
};

int RunWatch(const WatchOptions& options, const CommandEnv& env,
             WatchSignals& signals);

}  // namespace aurora

#endif  // AURORA_GATES_APP_WATCH_COMMAND_H_
