// File: gates/app/command_line.h
// What the commands' command lines share (Boost.Program_options; compiled
// into the executable only, as each command's <command>_main.cc): --help,
// --set / --secret, the gate-file arguments, report paths, the options of
// commands that query servers and fire actions, and --push. Every function
// that reads options prints its usage error to stderr and returns false.
#ifndef AURORA_GATES_APP_COMMAND_LINE_H_
#define AURORA_GATES_APP_COMMAND_LINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "boost/program_options.hpp"
#include "gates/app/check_command.h"

namespace aurora {

namespace po = boost::program_options;

// The commands (one gates/app/<command>_main.cc each; serve's ServeMain is
// in gates/app/serve/serve_main.cc, test's RuleTestMain in
// rule_test_command.cc). `args` follow the command name; the exit code.
int CheckMain(const std::vector<std::string>& args, bool report);
int WatchMain(const std::vector<std::string>& args);
int BacktestMain(const std::vector<std::string>& args);
int LintMain(const std::vector<std::string>& args);
int SpoolMain(const std::vector<std::string>& args);
int BaselineMain(const std::vector<std::string>& args);

// --color auto|always|never: whether the terminal table is coloured.
bool UseColor(const std::string& mode);

// Width of the terminal on stdout in columns; 0 when stdout is not one (the
// table then prints every cell in full).
size_t TerminalWidth();

// --set NAME=VALUE entries into `out`.
bool ParseSettings(const std::vector<std::string>& raw,
                   std::map<std::string, std::string>* out);

// --secret NAME=VALUE: a --set whose value no report, log or message shows.
bool ParseSecrets(const po::variables_map& vm,
                  std::map<std::string, std::string>* settings,
                  std::set<std::string>* names);

// --help, --set and --secret: what every command that reads gate files takes.
po::options_description CommonOptions();

// Parses a command's arguments: options as described by `d`, every other
// argument a gate file (the hidden option "gate", never listed in --help).
// Throws po::error (caught in main) on bad input.
po::variables_map ParseCommandLine(const std::vector<std::string>& args,
                                   const po::options_description& d);

// The gate files, --set and --secret of a parsed command line (`secret_names`
// null: the command shows no settings, the names are not kept).
bool ReadGateArguments(const po::variables_map& vm,
                       std::vector<std::string>* gate_files,
                       std::map<std::string, std::string>* settings,
                       std::set<std::string>* secret_names);

// --junit (when the command has one), --json, --markdown, --html into the
// options' *_path members.
template <typename Options>
void ReadReportPaths(const po::variables_map& vm, Options* o) {
  auto read = [&vm](const char* key, std::string* out) {
    if (vm.count(key)) *out = vm[key].as<std::string>();
  };
  if constexpr (requires { o->junit_path; }) read("junit", &o->junit_path);
  read("json", &o->json_path);
  read("markdown", &o->markdown_path);
  read("html", &o->html_path);
}

// The positive duration option `key`; the error starts with `who`
// ("aurora-gate", "aurora-gate backtest").
bool ReadPositiveDuration(const po::variables_map& vm, const char* key,
                          std::string_view who, absl::Duration* out);

// --max-concurrency: 1..1024.
bool ReadMaxConcurrency(const po::variables_map& vm, int* out);

// A command's --help: `text` (usage, what it does, "Examples:" with 2-3
// commands), then the options a user gives. The man pages are generated
// from this output (help2man), so keep its shape: "Usage:" first, sections
// as "Heading:" lines.
void PrintHelp(std::string_view text, const po::options_description& d);

// Options of commands that query servers and fire actions (check, watch).
void AddLiveOptions(po::options_description& d);

struct LiveOptions {
  std::string prometheus_url;
  int max_concurrency = 8;
  int64_t max_response_bytes = 0;
  std::string spool_dir;
  std::string actions_file;  // --actions
  std::optional<absl::Time> baseline_at;  // --baseline-at
};

// The Prometheus server of a run, in this order: --prometheus, then
// --set PROMETHEUS_URL, then $PROMETHEUS_URL. --prometheus is also the value
// of ${PROMETHEUS_URL} in gate files (exported to the environment, so gate
// files, actions and exec children all see it): the shipped gates, whose
// sources say url: "${PROMETHEUS_URL:-http://localhost:9090}", follow the
// flag, while a source with a literal url keeps its own. A --set
// PROMETHEUS_URL that disagrees with --prometheus is a usage error.
bool ResolvePrometheusUrl(const po::variables_map& vm,
                          const std::map<std::string, std::string>& settings,
                          std::string* url);

// The options AddLiveOptions declares.
bool ReadLiveOptions(const po::variables_map& vm,
                     const std::map<std::string, std::string>& settings,
                     LiveOptions* out);

// ReadLiveOptions into a check's or watch's options, with
// --ignore-failed-actions.
template <typename Options>
bool ReadLiveOptionsInto(const po::variables_map& vm, Options* o) {
  LiveOptions live;
  if (!ReadLiveOptions(vm, o->settings, &live)) return false;
  o->prometheus_url = live.prometheus_url;
  o->max_concurrency = live.max_concurrency;
  o->max_response_bytes = live.max_response_bytes;
  o->spool_dir = live.spool_dir;
  o->actions_file = live.actions_file;
  o->baseline_at = live.baseline_at;
  o->ignore_failed_actions = vm.count("ignore-failed-actions") > 0;
  return true;
}

// --push and its settings (check, baseline update): see
// gates/app/push_metrics.h.
void AddPushOptions(po::options_description& d);
bool ReadPushOptions(const po::variables_map& vm, CheckOptions* o);

}  // namespace aurora

#endif  // AURORA_GATES_APP_COMMAND_LINE_H_
