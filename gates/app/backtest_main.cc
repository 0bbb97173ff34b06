// File: gates/app/backtest_main.cc
// The command line of `backtest` (options, --help); the command itself is
// gates/app/backtest_command.cc.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/byte_size.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/backtest_command.h"
#include "gates/app/command_line.h"

namespace aurora {
namespace {

constexpr char kBacktestHelp[] =
    R"(Usage: aurora-gate backtest GATE... --from T1 --to T2 [--step 15s] [OPTIONS]
       aurora-gate backtest GATE... --deploys FILE [--window 30m] [OPTIONS]

What the gates' stop conditions would have done over a past span: every rule
evaluated at every step exactly as `watch --keep-running` would have (same
alert state machine, for, keep_firing_for, failure_limit and consecutive
limits, one incident per trip, resolved), from one range query per rule
(chunked under Prometheus' 11,000 points, read from before T1 so `for` is
settled at T1). Artifact rules have no history: evaluated once, said so.
Answers the incidents (tripped at, rules, values, resolved at), the actions
that would have fired (nothing is fired), the first trip and the fraction of
time failing. --deploys FILE (one RFC 3339 time a line, then an optional
label) backtests the --window after each deploy: would it have tripped?

Exit codes: 0 no incident would have opened, 1 at least one would have,
2 usage or gate-file error, 3 a rule's history could not be read.

Examples:
  $ aurora-gate backtest gates/runbook/stop-conditions.yaml --from 2026-11-24T14:00:00Z --to 2026-11-24T15:00:00Z
  $ aurora-gate backtest gates/runbook/stop-conditions.yaml --deploys deploys.txt --window 30m --markdown backtest.md
)";

}  // namespace

int BacktestMain(const std::vector<std::string>& args) {
  po::options_description d = CommonOptions();
  d.add_options()
      ("from", po::value<std::string>(), "TIME: start of the span (RFC 3339 "
       "or unix seconds)")
      ("to", po::value<std::string>(), "TIME: end of the span")
      ("step", po::value<std::string>()->default_value("15s"),
       "DURATION: time between evaluations (the watch's --interval)")
      ("deploys", po::value<std::string>(), "FILE: deploy times, one RFC 3339 "
       "time a line with an optional label; one window per deploy")
      ("window", po::value<std::string>()->default_value("30m"),
       "DURATION: with --deploys, how long after each deploy")
      ("json", po::value<std::string>(), "FILE: JSON report (incidents in "
       "RFC 3339)")
      ("markdown", po::value<std::string>(), "FILE: Markdown summary")
      ("html", po::value<std::string>(), "FILE: HTML report with a timeline "
       "band per gate (incidents as red spans)")
      ("prometheus", po::value<std::string>(), "URL: Prometheus-compatible "
       "server (also ${PROMETHEUS_URL} in gate files); default: --set "
       "PROMETHEUS_URL, else $PROMETHEUS_URL")
      ("max-concurrency", po::value<int>()->default_value(8),
       "N: range queries in flight at once")
      ("all-values", po::bool_switch(), "read alert expressions without their "
       "comparison, so the HTML charts show the value at every step (by "
       "default they are read as written: the values where the condition "
       "holds; fewer points to read)")
      ("max-response-size", po::value<std::string>()->default_value("256MiB"),
       "SIZE: largest response body read from Prometheus")
      ("actions", po::value<std::string>(), "FILE: actions added to every "
       "gate file (listed as would-fire, never fired)");
  po::variables_map vm = ParseCommandLine(args, d);
  if (vm.count("help")) {
    PrintHelp(kBacktestHelp, d);
    return kExitPass;
  }
  BacktestOptions o;
  if (!ReadGateArguments(vm, &o.gate_files, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  for (const char* key : {"from", "to"}) {
    if (!vm.count(key)) continue;
    std::optional<absl::Time> t = ParseEvalTime(vm[key].as<std::string>());
    if (!t.has_value()) {
      std::cerr << "aurora-gate backtest: --" << key << ": expected an RFC 3339 "
                   "time (2026-11-24T14:00:00Z) or unix seconds, got \""
                << vm[key].as<std::string>() << "\"\n";
      return kExitUsage;
    }
    (std::string(key) == "from" ? o.from : o.to) = t;
  }
  if (!ReadPositiveDuration(vm, "step", "aurora-gate backtest", &o.step) ||
      !ReadPositiveDuration(vm, "window", "aurora-gate backtest", &o.window)) {
    return kExitUsage;
  }
  if (vm.count("deploys")) o.deploys_file = vm["deploys"].as<std::string>();
  o.all_values = vm["all-values"].as<bool>();
  ReadReportPaths(vm, &o);
  if (vm.count("actions")) o.actions_file = vm["actions"].as<std::string>();
  if (!ResolvePrometheusUrl(vm, o.settings, &o.prometheus_url)) return kExitUsage;
  if (!ReadMaxConcurrency(vm, &o.max_concurrency)) return kExitUsage;
  std::optional<int64_t> limit = ParseByteSize(vm["max-response-size"].as<std::string>());
  if (!limit) {
    std::cerr << "aurora-gate: --max-response-size expects a size such as 256MiB\n";
    return kExitUsage;
  }
  o.max_response_bytes = *limit;
  RealFileReader files;
  RealClock clock;
  return RunBacktest(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                   NewCurlHttpClient});
}

}  // namespace aurora
