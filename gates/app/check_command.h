// File: gates/app/check_command.h
// `aurora-gate check` (and `report`): load gate files, evaluate, write
// reports, return the exit code. `lint` is in gates/lint_command.h.
#ifndef AURORA_GATES_APP_CHECK_COMMAND_H_
#define AURORA_GATES_APP_CHECK_COMMAND_H_

#include <map>
#include <optional>
#include <set>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/clock.h"
#include "base/command_env.h"
#include "base/file_reader.h"
#include "gates/core/live_rules.h"
#include "gates/app/push_metrics.h"
#include "rules/gate.h"

namespace aurora {

struct CheckOptions {
  std::vector<std::string> gate_files;
  std::string actions_file;  // --actions: added to every gate file
  std::map<std::string, std::string> settings;  // --set NAME=VALUE
  std::set<std::string> secret_names;  // --secret: values never shown
  std::string junit_path, json_path, markdown_path;
  bool strict = false;
  bool dry_run = false;
  std::optional<absl::Time> at;  // --at; default: now
  // --replay: decide `for` from history even for alerts the server itself
  // evaluates (LiveContext::server_state).
  bool replay = false;
  // --baseline-at: the moment relative criteria of live rules compare with
  // (the same query then); unset: each rule's baseline: { offset }.
  std::optional<absl::Time> baseline_at;
  bool color = false;
  // Columns of the terminal the table is printed on; 0 = not a terminal.
  size_t terminal_width = 0;
  std::string github_step_summary;  // $GITHUB_STEP_SUMMARY, appended to
  std::string prometheus_url;       // --prometheus, else $PROMETHEUS_URL
  int max_concurrency = 8;          // queries in flight at once per client
  // --max-response-size: largest response body from a server.
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
  std::string spool_dir = ".aurora-gate/spool";  // actions are spooled here
  // `report` / --html: the self-contained HTML go-live report, and the URL
  // it will be published at (linked from the Markdown summary).
  std::string html_path, report_url;
  // Live rules are read over this window before the evaluation time and
  // charted in the HTML report (zero: only what `for` needs).
  absl::Duration window = absl::ZeroDuration();
  bool fire_actions = true;  // `report` only reports
  // Failed actions found in the spool are reported either way; without
  // this they make the run exit 3.
  bool ignore_failed_actions = false;
  std::string command = "check";  // for messages: "check" or "report"
  // --push URL (empty: none): artifact samples and verdicts to a
  // Pushgateway after the reports are written. A failed push makes a
  // passing run exit 3 unless push_optional; it never changes the verdict.
  PushTarget push;
  bool push_optional = false;
  // --until pass --timeout D --every E: evaluate again every E until the run
  // passes (exit 0) or D has passed since the first attempt (exit 1, with
  // the last attempt's reasons); one progress line per attempt on env.err.
  // Reports, pushes and actions are for the last attempt only.
  bool until_pass = false;
  absl::Duration until_timeout = absl::Minutes(10);
  absl::Duration until_every = absl::Seconds(10);
  bool progress_on_tty = false;  // rewrite one line instead of a log line each
};

// The spool directory: $AURORA_GATE_SPOOL_DIR, else .aurora-gate/spool.
std::string DefaultSpoolDir();

int RunCheck(const CheckOptions& options, const CommandEnv& env);

// Parses --at: RFC 3339 ("2026-11-27T08:00:00Z") or unix seconds.
std::optional<absl::Time> ParseEvalTime(const std::string& text);

}  // namespace aurora

#endif  // AURORA_GATES_APP_CHECK_COMMAND_H_
