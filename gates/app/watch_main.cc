// File: gates/app/watch_main.cc
// The command line of `watch` (options, --help, signals); the command
// itself is gates/app/watch_command.cc.
#include <signal.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/command_line.h"
#include "gates/app/watch_command.h"

namespace aurora {
namespace {

constexpr char kWatchHelp[] =
    R"(Usage: aurora-gate watch GATE... [--interval 15s] [--duration 30m] [OPTIONS]

Evaluates the gates every interval after a deploy. Exit 1 when a stop
condition trips (count limits: failure_limit, consecutive_failure_limit,
consecutive_error_limit), 0 when the duration passes, 3 when it is stopped
(SIGTERM, SIGINT) or cannot evaluate. SIGHUP reloads the gate files; a
broken file is rejected and the old rules keep running.

Examples:
  $ aurora-gate watch gates/runbook/stop-conditions.yaml --prometheus http://prometheus:9090 --duration 30m
  $ aurora-gate watch gates/runbook/stop-conditions.yaml --listen 127.0.0.1:9464 --log-format json
  $ aurora-gate watch gates/runbook/stop-conditions.yaml --keep-running --duration 24h --html watch.html
)";

WatchSignals* g_signals = nullptr;

extern "C" void OnSignal(int sig) {
  if (g_signals == nullptr) return;
  if (sig == SIGHUP) {
    g_signals->reload.store(true);
  } else {
    g_signals->stop.store(true);
  }
}

}  // namespace

int WatchMain(const std::vector<std::string>& args) {
  po::options_description d = CommonOptions();
  d.add_options()
      ("interval", po::value<std::string>()->default_value("15s"),
       "DURATION: time between evaluations (Prometheus duration: 15s, 1m)")
      ("duration", po::value<std::string>()->default_value("30m"),
       "DURATION: how long to watch; exit 0 when it passes with no stop "
       "condition tripped")
      ("listen", po::value<std::string>(), "HOST:PORT: serve /metrics and "
       "/healthz (port 0 picks a free one)")
      ("keep-running", "keep watching after a stop condition trips (exit 1 "
       "at the end)")
      ("junit", po::value<std::string>(), "FILE: JUnit report at the end")
      ("json", po::value<std::string>(), "FILE: JSON report at the end")
      ("markdown", po::value<std::string>(), "FILE: Markdown report at the end")
      ("html", po::value<std::string>(), "FILE: HTML go-live report at the "
       "end, charting live rules over the span watched")
      ("dry-run", "evaluate and report, fire no actions")
      ("allow-no-spool", "watch even when the spool directory cannot be "
       "used (actions are then delivered from memory only; a crash loses "
       "them); without it such a watch refuses to start")
      ("log-format", po::value<std::string>()->default_value("text"),
       "text|json: one line per transition, for people or log shippers");
  AddLiveOptions(d);
  po::variables_map vm = ParseCommandLine(args, d);
  if (vm.count("help")) {
    PrintHelp(kWatchHelp, d);
    return kExitPass;
  }
  WatchOptions o;
  if (!ReadGateArguments(vm, &o.gate_files, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  if (!ReadPositiveDuration(vm, "interval", "aurora-gate", &o.interval) ||
      !ReadPositiveDuration(vm, "duration", "aurora-gate", &o.duration)) {
    return kExitUsage;
  }
  if (vm.count("listen")) o.listen = vm["listen"].as<std::string>();
  o.keep_running = vm.count("keep-running") > 0;
  ReadReportPaths(vm, &o);
  o.dry_run = vm.count("dry-run") > 0;
  std::string log_format = vm["log-format"].as<std::string>();
  if (log_format != "text" && log_format != "json") {
    std::cerr << "aurora-gate: --log-format expects text or json\n";
    return kExitUsage;
  }
  o.json_log = log_format == "json";
  if (!ReadLiveOptionsInto(vm, &o)) return kExitUsage;
  o.allow_no_spool = vm.count("allow-no-spool") > 0;
  static WatchSignals signals;
  g_signals = &signals;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
  RealFileReader files;
  RealClock clock;
  return RunWatch(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                NewCurlHttpClient},
                  signals);
}

}  // namespace aurora
