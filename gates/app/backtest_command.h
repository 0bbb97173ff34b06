// File: gates/app/backtest_command.h
// `aurora-gate backtest GATE... --from T1 --to T2 [--step 15s]`: what the
// stop conditions of the gates would have done over a past span, had
// `watch --keep-running` evaluated them at every step; `--deploys FILE
// --window 30m`: the same for the window after each deploy. Reads each live
// rule's history with one range query (chunked under Prometheus' 11,000
// points), from before the span so `for` is settled at its start; artifact
// rules are evaluated once. Fires nothing. Exit 0: no incident would have
// opened; 1: at least one would have; 2: usage or gate-file error; 3: a
// rule's history could not be read.
#ifndef AURORA_GATES_APP_BACKTEST_COMMAND_H_
#define AURORA_GATES_APP_BACKTEST_COMMAND_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "evaluator/backtest_replay.h"
#include "gates/app/check_command.h"

namespace aurora {

struct BacktestOptions {
  std::vector<std::string> gate_files;
  std::string actions_file;  // --actions: added to every gate file
  std::map<std::string, std::string> settings;
  std::set<std::string> secret_names;
  std::optional<absl::Time> from, to;
  absl::Duration step = absl::Seconds(15);
  std::string deploys_file;                  // --deploys
  absl::Duration window = absl::Minutes(30);  // --window, after each deploy
  std::string html_path, json_path, markdown_path;
  std::string prometheus_url;
  int max_concurrency = 8;
  // --all-values: read alert expressions without their comparison, so the
  // HTML charts show every step's value (the default reads them as written:
  // only the steps where the condition holds, a fraction of the points).
  bool all_values = false;
  int64_t max_response_bytes = HttpClientOptions().max_response_bytes;
};

int RunBacktest(const BacktestOptions& options, const CommandEnv& env);

// Whether the rule's history is read as written, comparison included (only
// the steps where the condition holds come back), rather than without its
// comparison: for alert rules with a top-level comparison and no no_data,
// nan or `series: any` policy, unless `all_values` (--all-values).
bool ReadsAsWritten(const Rule& rule, bool all_values);

// A --deploys file: one deploy a line, an RFC 3339 time (or unix seconds)
// then an optional label; blank lines and lines starting with # are
// skipped. Errors name the file and line.
absl::StatusOr<std::vector<Deploy>> ParseDeploys(std::string_view text,
                                                 std::string_view path);

}  // namespace aurora

#endif  // AURORA_GATES_APP_BACKTEST_COMMAND_H_
