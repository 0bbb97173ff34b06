// File: gates/app/baseline_main.cc
// The command line of `baseline update` (options, --help); the command
// itself is gates/app/baseline_command.cc.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/baseline_command.h"
#include "gates/app/command_line.h"

namespace aurora {
namespace {

constexpr char kBaselineHelp[] =
    R"(Usage: aurora-gate baseline update GATE... [--dry-run] [--force] [--set NAME=VALUE] [--push URL]

For every artifact source with a `baseline:` file, the current artifact becomes
the baseline: written atomically, with a sidecar <baseline>.meta.json saying
when, from which commit and with which verdict. A source with a history
(`baseline: { dir: D, keep: N, compare: median }`) gets a new entry in D
instead, and D is pruned to the newest N. An artifact whose own rules
fail, error or are inconclusive is refused unless --force. --push sends the
run's artifact samples to a Pushgateway afterwards, as check --push does.
Exit: 0 promoted, 1 refused, 2 gate-file or usage error, 3 an artifact or
baseline could not be read or written, or the push failed.

Examples:
  $ aurora-gate baseline update gates/runbook/predeploy.yaml --set ARTIFACTS=artifacts --set commit=$GITHUB_SHA
  $ aurora-gate baseline update gates/runbook/predeploy.yaml --dry-run
  $ aurora-gate baseline update gates/runbook/predeploy.yaml --push http://pushgateway:9091 --push-label env=testnet
)";

}  // namespace

// `baseline update GATE...`: promote the current artifacts to baselines.
int BaselineMain(const std::vector<std::string>& args) {
  po::options_description d = CommonOptions();
  d.add_options()
      ("dry-run", "say what would be promoted; write nothing")
      ("force", "promote artifacts even when their own rules do not pass");
  AddPushOptions(d);
  std::vector<std::string> rest = args;
  const bool update = !rest.empty() && rest.front() == "update";
  if (update) rest.erase(rest.begin());
  po::variables_map vm = ParseCommandLine(rest, d);
  if (vm.count("help") || !update) {
    if (!vm.count("help")) std::cerr << "aurora-gate baseline: expected \"update\"\n\n";
    (vm.count("help") ? std::cout : std::cerr) << kBaselineHelp << "\n" << d;
    return vm.count("help") ? kExitPass : kExitUsage;
  }
  BaselineOptions o;
  if (!ReadGateArguments(vm, &o.gate_files, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  o.dry_run = vm.count("dry-run") > 0;
  o.force = vm.count("force") > 0;
  CheckOptions push;  // --push and its settings, as check reads them
  if (!ReadPushOptions(vm, &push)) return kExitUsage;
  o.push = push.push;
  o.push_optional = push.push_optional;
  if (auto it = o.settings.find("commit"); it != o.settings.end()) {
    o.commit = it->second;
  } else {
    for (const char* name : {"GIT_COMMIT", "GITHUB_SHA"}) {
      if (const char* v = std::getenv(name); v && *v) {
        o.commit = v;
        break;
      }
    }
  }
  RealFileReader files;
  RealClock clock;
  return RunBaselineUpdate(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                         NewCurlHttpClient});
}

}  // namespace aurora
