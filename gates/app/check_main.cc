// File: gates/app/check_main.cc
// The command lines of `check` and `report` (options, --help); the
// commands themselves are gates/app/check_command.cc.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/check_command.h"
#include "gates/app/command_line.h"
#include "rules/duration.h"

namespace aurora {
namespace {

// Each command's --help before its options (PrintHelp). Examples use the
// shipped gates (gates/runbook/ in the source tree, /usr/share/aurora-gate/
// gates/ when installed).
constexpr char kCheckHelp[] = R"(Usage: aurora-gate check GATE... [OPTIONS]

Evaluates every rule of the gate files once and decides.
Exit: 0 pass, 1 fail, 2 gate-file or usage error, 3 inconclusive or error.

Examples:
  $ aurora-gate check gates/runbook/predeploy.yaml --set ARTIFACTS=build/artifacts --junit results.xml
  $ aurora-gate check gates/runbook/postdeploy.yaml --prometheus http://prometheus:9090
  $ aurora-gate check gates/runbook/runbook-alerts.yml --at 2026-11-27T08:00:00Z --json verdict.json
)";

constexpr char kReportHelp[] =
    R"(Usage: aurora-gate report GATE... [--window 30m] [--at TIME] --html golive.html [OPTIONS]

Evaluates every rule once, reads live rules over the window, and writes the
go-live report. Fires no actions.
Exit: 0 GO, 1 NO-GO, 2 gate-file or usage error, 3 undecided.

Examples:
  $ aurora-gate report gates/runbook/golive.yaml --html golive.html
  $ aurora-gate report gates/runbook/postdeploy.yaml --window 1h --markdown golive.md --report-url https://ci.example/golive.html
  $ aurora-gate report gates/runbook/postdeploy.yaml --at 2026-11-27T08:00:00Z --json golive.json
)";

}  // namespace

// `check` and `report` share everything but their defaults: `report` reads
// live rules over a window (charted in the HTML page) and fires no actions.
int CheckMain(const std::vector<std::string>& args, bool report) {
  const std::string command = report ? "report" : "check";
  po::options_description d = CommonOptions();
  d.add_options()
      ("junit", po::value<std::string>(), "FILE: write a JUnit XML report "
       "(one testcase per rule)")
      ("json", po::value<std::string>(), "FILE: write the JSON report "
       "(schema aurora-gate/report/v1, docs/report-schema.json)")
      ("markdown", po::value<std::string>(), "FILE: write a Markdown summary; "
       "also appended to $GITHUB_STEP_SUMMARY when that is set")
      ("html", po::value<std::string>(), "FILE: write the self-contained "
       "HTML go-live report (checklist, charts of live rules over --window)")
      ("report-url", po::value<std::string>(), "URL: where the HTML report "
       "will be published; linked from the Markdown summary")
      ("window", po::value<std::string>()->default_value(report ? "30m" : "0s"),
       "DURATION: read live rules over this window before the evaluation "
       "time and chart it in the HTML report")
      ("strict", "warn and pending fail the run (exit 1)")
      ("at", po::value<std::string>(), "TIME: evaluate as of TIME (RFC 3339 "
       "or unix seconds) instead of now")
      ("replay", "decide `for` by replaying history even for alerts the "
       "server itself evaluates (default: take the server's own state)")
      ("color", po::value<std::string>()->default_value("auto"),
       "auto|always|never: colour in the terminal table (auto: on a TTY, "
       "unless NO_COLOR)");
  if (!report) {
    d.add_options()("dry-run", "evaluate and report, fire no actions")
        ("until", po::value<std::string>(), "pass: evaluate again every --every "
         "until the gates pass (exit 0) or --timeout has passed (exit 1), as "
         "the runbook's health loops do")
        ("timeout", po::value<std::string>()->default_value("10m"),
         "DURATION: with --until, how long to keep trying")
        ("every", po::value<std::string>()->default_value("10s"),
         "DURATION: with --until, the time between attempts");
    AddPushOptions(d);
  }
  AddLiveOptions(d);
  po::variables_map vm = ParseCommandLine(args, d);
  if (vm.count("help")) {
    PrintHelp(report ? kReportHelp : kCheckHelp, d);
    return kExitPass;
  }
  CheckOptions o;
  o.command = command;
  o.fire_actions = !report;
  if (!ReadGateArguments(vm, &o.gate_files, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  ReadReportPaths(vm, &o);
  if (vm.count("report-url")) o.report_url = vm["report-url"].as<std::string>();
  {
    absl::StatusOr<absl::Duration> window =
        ParsePromDuration(vm["window"].as<std::string>());
    if (!window.ok() || *window < absl::ZeroDuration() ||
        *window > absl::Hours(24 * 31)) {
      std::cerr << "aurora-gate: --window: "
                << (window.ok() ? "expected a duration up to 31d"
                                : std::string(window.status().message()))
                << "\n";
      return kExitUsage;
    }
    o.window = *window;
  }
  o.strict = vm.count("strict") > 0;
  o.dry_run = vm.count("dry-run") > 0;
  o.replay = vm.count("replay") > 0;
  if (vm.count("at")) {
    o.at = ParseEvalTime(vm["at"].as<std::string>());
    if (!o.at) {
      std::cerr << "aurora-gate: --at expects RFC 3339 (2026-11-27T08:00:00Z) "
                   "or unix seconds up to the year 9999, got \""
                << vm["at"].as<std::string>() << "\"\n";
      return kExitUsage;
    }
  }
  std::string color = vm["color"].as<std::string>();
  if (color != "auto" && color != "always" && color != "never") {
    std::cerr << "aurora-gate: --color expects auto, always or never\n";
    return kExitUsage;
  }
  o.color = UseColor(color);
  o.terminal_width = TerminalWidth();
  if (const char* s = std::getenv("GITHUB_STEP_SUMMARY"); s && *s) {
    o.github_step_summary = s;
  }
  if (!ReadLiveOptionsInto(vm, &o)) return kExitUsage;
  if (!report && !ReadPushOptions(vm, &o)) return kExitUsage;
  if (!report && vm.count("until")) {
    if (vm["until"].as<std::string>() != "pass") {
      std::cerr << "aurora-gate: --until expects \"pass\"\n";
      return kExitUsage;
    }
    absl::StatusOr<absl::Duration> timeout =
        ParsePromDuration(vm["timeout"].as<std::string>());
    absl::StatusOr<absl::Duration> every =
        ParsePromDuration(vm["every"].as<std::string>());
    if (!timeout.ok() || !every.ok() || *timeout <= absl::ZeroDuration() ||
        *every <= absl::ZeroDuration()) {
      std::cerr << "aurora-gate: --timeout and --every expect positive "
                   "durations such as 10m and 10s\n";
      return kExitUsage;
    }
    o.until_pass = true;
    o.until_timeout = *timeout;
    o.until_every = *every;
    o.progress_on_tty = ::isatty(2) == 1;
  }
  RealFileReader files;
  RealClock clock;
  return RunCheck(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                NewCurlHttpClient});
}

}  // namespace aurora
