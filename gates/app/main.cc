// aurora-gate: the command-line entry point. Reads the command name and
// hands the rest of the arguments to the command's <command>_main.cc
// (option parsing and --help live beside each command; what they share is
// gates/app/command_line.h); every exception stops here.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "base/command_env.h"
#include "base/trace.h"
#include "gates/app/command_line.h"
#include "gates/app/rule_test_command.h"
#include "gates/app/serve/serve_command.h"
#include "gates/app/version.h"

namespace aurora {
namespace {

constexpr char kUsage[] = R"(Usage: aurora-gate COMMAND [OPTIONS] GATE...

A metrics-driven gate: evaluates gate files (YAML, shaped like Prometheus rule
files) against CI artifacts and Prometheus, and decides.

Commands:
  check GATE...     evaluate once and exit 0 pass / 1 fail / 2 gate-file or
                    usage error / 3 could not decide
  lint GATE...      validate gate files; every problem as file:line:col
  watch GATE...     evaluate every interval after a deploy; exit 1 when a
                    stop condition trips, 0 when the duration passes
  report GATE...    evaluate once over a window (default 30m) and write the
                    go-live report (--html, --markdown, --json, --junit);
                    exit codes as check; fires no actions
  baseline update   the current artifacts become the baselines (atomically,
                    refused when their own rules fail unless --force)
  spool list|retry|drop   inspect, deliver again or forget spooled actions
  serve DIR|FILE... answer deploy controllers over HTTP (Argo Rollouts Web
                    provider, Flagger webhooks, REST, Alertmanager intake)
  test TESTS.yaml...  rule unit tests in promtool's format, run on a real
                    Prometheus; exit 0 all pass / 1 a test failed / 2 bad file
  backtest GATE...  what the stop conditions would have done over a past
                    span (--from/--to) or after past deploys (--deploys);
                    exit 1 when an incident would have opened; fires nothing

Options:
  -h [ --help ]     this help; `aurora-gate COMMAND --help` for a command
  --version         print the version and git commit

Exit codes: 0 pass (warn and pending allowed unless --strict), 1 fail,
2 usage or gate-file error (nothing evaluated), 3 inconclusive or error.

Examples:
  $ aurora-gate check gates/runbook/predeploy.yaml --junit results.xml
  $ aurora-gate check gates/runbook/postdeploy.yaml --prometheus http://prometheus:9090
  $ aurora-gate watch gates/runbook/stop-conditions.yaml --duration 30m

Files:
  The shipped runbook gates are in gates/runbook/ of the source tree and in
  /usr/share/aurora-gate/gates/ when installed.
)";

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return kExitPass;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "aurora-gate " << kVersion << " (commit " << kGitCommit
              << ")\n";
    return kExitPass;
  }
  try {
    if (cmd == "check") return CheckMain(rest, /*report=*/false);
    if (cmd == "report") return CheckMain(rest, /*report=*/true);
    if (cmd == "lint") return LintMain(rest);
    if (cmd == "watch") return WatchMain(rest);
    if (cmd == "spool") return SpoolMain(rest);
    if (cmd == "baseline") return BaselineMain(rest);
    if (cmd == "serve") return ServeMain(rest);
    if (cmd == "test") return RuleTestMain(rest);
    if (cmd == "backtest") return BacktestMain(rest);
  } catch (const po::error& e) {
    std::cerr << "aurora-gate " << cmd << ": " << e.what()
              << " (see aurora-gate " << cmd << " --help)\n";
    return kExitUsage;
  }
  std::cerr << "aurora-gate: unknown command \"" << cmd << "\"\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace
}  // namespace aurora

int main(int argc, char** argv) {
  aurora::TraceEvent("main");
  try {
    int code = aurora::Main(argc, argv);
    // The table on stdout is output too: `check > /dev/full` must not pass.
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
      std::cerr << "aurora-gate: error: cannot write to standard output\n";
      if (code == aurora::kExitPass) code = aurora::kExitUndecided;
    }
    return code;
  } catch (const std::exception& e) {
    std::cerr << "aurora-gate: internal error: " << e.what() << "\n";
    return aurora::kExitUndecided;
  }
}
