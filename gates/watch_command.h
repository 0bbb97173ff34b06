// File: gates/watch_command.h
// `aurora-gate watch`: evaluates the gates every interval until a stop
// condition trips (exit 1; or keeps going with keep_running), the duration
// passes with none tripped (exit 0), or a signal stops it (exit 3 unless one
// tripped). Live alert state is restored from history on the first cycle and
// carried after that; SIGHUP reloads the gate files, keeping the state of
// unchanged rules and the old rules when the new files are broken.
#ifndef AURORA_GATES_WATCH_COMMAND_H_
#define AURORA_GATES_WATCH_COMMAND_H_

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gates/check_command.h"

namespace aurora {

struct WatchOptions {
  std::vector<std::string> gate_files;
  std::map<std::string, std::string> settings;
  absl::Duration interval = absl::Seconds(15);
  absl::Duration duration = absl::Minutes(30);
  std::string listen;  // /metrics and /healthz; empty: not served
  bool keep_running = false;
  std::string junit_path, json_path, markdown_path;
  // The HTML go-live report at the end, charting live rules over the span
  // watched (read from the server then, as `report --window` does).
  std::string html_path;
  bool dry_run = false;
  bool json_log = false;  // one JSON object per log line
  std::string prometheus_url;
  int max_concurrency = 8;
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
  std::string spool_dir = ".aurora-gate/spool";
};

// Set from signal handlers; read between and during sleeps.
struct WatchSignals {
  std::atomic<bool> stop{false};    // SIGTERM, SIGINT: finish the cycle, report, exit
  std::atomic<bool> reload{false};  // SIGHUP: reload the gate files
};

// Argo Rollouts' default for consecutiveErrorLimit.
inline constexpr int kDefaultConsecutiveErrorLimit = 4;

int RunWatch(const WatchOptions& options, const CommandEnv& env,
             WatchSignals& signals);

}  // namespace aurora

#endif  // AURORA_GATES_WATCH_COMMAND_H_
