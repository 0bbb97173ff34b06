// File: gates/app/lint_main.cc
// The command line of `lint` (options, --help); the command itself is
// gates/app/lint_command.cc.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/command_line.h"
#include "gates/app/lint_command.h"

namespace aurora {
namespace {

constexpr char kLintHelp[] = R"(Usage: aurora-gate lint GATE... [OPTIONS]

Validates gate files and prints every problem of every file as
FILE:LINE:COL: what is wrong, what was expected. PromQL is checked by the
server each source names (or --prometheus), else by promtool. Exit 0 when
valid, 2 otherwise, 3 when a server could not be asked and promtool could not
check in its place.

Examples:
  $ aurora-gate lint gates/runbook/*.yaml gates/runbook/runbook-alerts.yml
  $ aurora-gate lint my-gate.yaml --prometheus http://prometheus:9090
  $ aurora-gate lint my-gate.yaml --offline
)";

}  // namespace

int LintMain(const std::vector<std::string>& args) {
  po::options_description d = CommonOptions();
  d.add_options()
      ("prometheus", po::value<std::string>(), "URL: the server for live "
       "sources without a url of their own; every PromQL expression is sent to "
       "its source's server and what it rejects is reported at its "
       "file:line:col; also ${PROMETHEUS_URL} in gate files (default: --set "
       "PROMETHEUS_URL, else $PROMETHEUS_URL)")
      ("offline", "contact no server: PromQL is checked by promtool "
       "(Prometheus' grammar; $AURORA_GATE_PROMTOOL, else promtool in PATH), "
       "as it is when no server answers")
      ("actions", po::value<std::string>(), "FILE: actions (and sources) "
       "added to every gate file, as check and watch take them");
  po::variables_map vm = ParseCommandLine(args, d);
  if (vm.count("help")) {
    PrintHelp(kLintHelp, d);
    return kExitPass;
  }
  LintOptions o;
  if (!ReadGateArguments(vm, &o.gate_files, &o.settings, nullptr)) {
    return kExitUsage;
  }
  if (!ResolvePrometheusUrl(vm, o.settings, &o.prometheus_url)) return kExitUsage;
  o.offline = vm.count("offline") > 0;
  if (const char* p = std::getenv("AURORA_GATE_PROMTOOL"); p != nullptr) {
    o.promtool = p;
  }
  if (vm.count("actions")) o.actions_file = vm["actions"].as<std::string>();
  RealFileReader files;
  RealClock clock;
  return RunLint(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                               NewCurlHttpClient});
}

}  // namespace aurora
