// aurora-gate: command-line entry point. Parses options (Boost.Program_options)
// and hands over to the commands; every exception stops here. Over ~700
// lines on purpose: the option descriptions and help texts of every command
// are kept side by side so that shared options read the same everywhere
// (serve's are in gates/app/serve/serve_main.cc).
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_size.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "base/trace.h"
#include "boost/program_options.hpp"
#include "gates/app/baseline_command.h"
#include "gates/app/check_command.h"
#include "gates/app/lint_command.h"
#include "gates/app/spool_command.h"
#include "gates/app/watch_command.h"
#include "gates/app/serve/serve_command.h"
#include "gates/app/rule_test_command.h"
#include "gates/app/backtest_command.h"
#include "rules/duration.h"
#include "gates/app/version.h"

namespace po = boost::program_options;

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

constexpr char kSpoolHelp[] = R"(Usage: aurora-gate spool list [--json]
  or:  aurora-gate spool retry ID...|--all-failed
  or:  aurora-gate spool drop ID...|--all-failed

list: every spooled action (id, state, gate, trigger, created, attempts,
last error; no secrets). retry: delivers failed actions again with the same
idempotency key (exit 0 when delivered, 3 otherwise). drop: forgets them.
retry and drop refuse while a watcher owns the spool.

Examples:
  $ aurora-gate spool list --spool-dir /var/lib/aurora-gate/spool
  $ aurora-gate spool retry --all-failed
  $ aurora-gate spool drop 3f2a9c0e51d7b6a4
)";

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

// Width of the terminal on stdout in columns; 0 when stdout is not one (the
// table then prints every cell in full).
size_t TerminalWidth() {
  if (::isatty(STDOUT_FILENO) != 1) return 0;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

bool ParseSettings(const std::vector<std::string>& raw,
                   std::map<std::string, std::string>* out) {
  for (const auto& s : raw) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "aurora-gate: --set expects NAME=VALUE, got \"" << s
                << "\"\n";
      return false;
    }
    (*out)[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return true;
}

// --secret NAME=VALUE: a --set whose value no report, log or message shows.
bool ParseSecrets(const po::variables_map& vm,
                  std::map<std::string, std::string>* settings,
                  std::set<std::string>* names) {
  if (!vm.count("secret")) return true;
  std::map<std::string, std::string> secrets;
  for (const auto& s : vm["secret"].as<std::vector<std::string>>()) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      // The value is not echoed: it may be the secret itself.
      std::cerr << "aurora-gate: --secret expects NAME=VALUE\n";
      return false;
    }
    secrets[s.substr(0, eq)] = s.substr(eq + 1);
  }
  for (auto& [k, v] : secrets) {
    (*settings)[k] = std::move(v);
    if (names != nullptr) names->insert(k);
  }
  return true;
}

po::options_description CommonOptions() {
  po::options_description d("Gate options");
  d.add_options()
      ("help,h", "show this help")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "NAME=VALUE: value for ${NAME} in gate files (before the environment); "
       "shown in reports unless the name suggests a secret (URLs redacted); "
       "repeatable")
      ("secret", po::value<std::vector<std::string>>()->composing(),
       "NAME=VALUE: like --set, but the value is never shown; repeatable");
  return d;
}

// Parses a command's arguments: options as described by `d`, every other
// argument a gate file (the hidden option "gate", never listed in --help).
// Throws po::error (caught in Main) on bad input.
po::variables_map ParseCommandLine(const std::vector<std::string>& args,
                                   const po::options_description& d) {
  po::options_description all;
  all.add(d).add_options()("gate", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("gate", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

// A command's --help: `text` (usage, what it does, "Examples:" with 2-3
// commands), then the options a user gives. The man pages are generated
// from this output (help2man), so keep its shape: "Usage:" first, sections
// as "Heading:" lines.
void PrintHelp(std::string_view text, const po::options_description& d) {
  std::cout << text << "\n" << d;
}

// Options of commands that query servers and fire actions (check, watch).
void AddLiveOptions(po::options_description& d) {
  d.add_options()
      ("prometheus", po::value<std::string>(), "URL: Prometheus-compatible "
       "server for plain Prometheus rule files and prometheus sources without "
       "a url; also ${PROMETHEUS_URL} in gate files, so the shipped gates use "
       "it (a literal url in a source is kept). Default: --set PROMETHEUS_URL, "
       "else $PROMETHEUS_URL")
      ("max-concurrency", po::value<int>()->default_value(8),
       "N: queries in flight at once (per server settings); keep it modest "
       "for a shared Prometheus")
      ("max-response-size", po::value<std::string>()->default_value("256MiB"),
       "SIZE: largest response body read from Prometheus or an http source "
       "(e.g. 64MiB, 1GiB); a larger one is that rule's error")
      ("spool-dir", po::value<std::string>(), "DIR: where actions are spooled "
       "before delivery (default: $AURORA_GATE_SPOOL_DIR, else "
       ".aurora-gate/spool); a later run delivers what is left there")
      ("ignore-failed-actions", "report failed actions found in the spool "
       "but do not exit 3 because of them")
      ("actions", po::value<std::string>(), "FILE: actions (and sources) "
       "added to every gate file, so shipped gates are used as they are "
       "(a file with `actions:` and optionally `sources:`)")
      ("baseline-at", po::value<std::string>(), "TIME: relative criteria "
       "(<= +10%) of live rules compare with the same query at TIME (RFC "
       "3339 or unix seconds; e.g. the deploy start), instead of the "
       "rule's baseline: { offset: ... }");
}

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
                          std::string* url) {
  auto set = settings.find("PROMETHEUS_URL");
  if (vm.count("prometheus")) {
    *url = vm["prometheus"].as<std::string>();
    if (set != settings.end() && set->second != *url) {
      std::cerr << "aurora-gate: --prometheus and --set PROMETHEUS_URL name "
                   "different servers; give one of them\n";
      return false;
    }
    ::setenv("PROMETHEUS_URL", url->c_str(), 1);
  } else if (set != settings.end()) {
    *url = set->second;
  } else if (const char* p = std::getenv("PROMETHEUS_URL"); p && *p) {
    *url = p;
  }
  return true;
}

bool ReadLiveOptions(const po::variables_map& vm,
                     const std::map<std::string, std::string>& settings,
                     LiveOptions* out) {
  if (!ResolvePrometheusUrl(vm, settings, &out->prometheus_url)) return false;
  out->max_concurrency = vm["max-concurrency"].as<int>();
  if (out->max_concurrency < 1 || out->max_concurrency > 1024) {
    std::cerr << "aurora-gate: --max-concurrency expects 1..1024\n";
    return false;
  }
  std::optional<int64_t> limit =
      ParseByteSize(vm["max-response-size"].as<std::string>());
  if (!limit) {
    std::cerr << "aurora-gate: --max-response-size expects a size such as "
                 "256MiB, 1GiB or 65536, got \""
              << vm["max-response-size"].as<std::string>() << "\"\n";
    return false;
  }
  out->max_response_bytes = *limit;
  if (vm.count("baseline-at")) {
    out->baseline_at = ParseEvalTime(vm["baseline-at"].as<std::string>());
    if (!out->baseline_at) {
      std::cerr << "aurora-gate: --baseline-at expects RFC 3339 "
                   "(2026-11-27T08:00:00Z) or unix seconds, got \""
                << vm["baseline-at"].as<std::string>() << "\"\n";
      return false;
    }
  }
  out->spool_dir = vm.count("spool-dir") ? vm["spool-dir"].as<std::string>()
                                         : DefaultSpoolDir();
  if (vm.count("actions")) out->actions_file = vm["actions"].as<std::string>();
  return true;
}

// --push and its settings (check): see gates/push_metrics.h.
void AddPushOptions(po::options_description& d) {
  d.add_options()
      ("push", po::value<std::string>(), "URL: push the run's artifact "
       "samples, verdicts and publish: metrics to this Prometheus Pushgateway")
      ("push-job", po::value<std::string>()->default_value("aurora-gate"),
       "NAME: the Pushgateway job")
      ("push-label", po::value<std::vector<std::string>>(),
       "NAME=VALUE: a grouping label (repeatable), e.g. env=testnet")
      ("push-optional", "a failed push is a warning, not exit 3")
      ("push-bearer-token-file", po::value<std::string>(), "FILE: bearer token")
      ("push-username", po::value<std::string>(), "NAME: basic auth user")
      ("push-password-file", po::value<std::string>(), "FILE: basic auth password")
      ("push-ca-file", po::value<std::string>(), "FILE: CA bundle (PEM)")
      ("push-cert-file", po::value<std::string>(), "FILE: client certificate (PEM)")
      ("push-key-file", po::value<std::string>(), "FILE: client key (PEM)")
      ("push-insecure-skip-verify", "do not verify the Pushgateway's TLS certificate");
}

bool ReadPushOptions(const po::variables_map& vm, CheckOptions* o) {
  if (!vm.count("push")) return true;
  PushTarget& t = o->push;
  t.url = vm["push"].as<std::string>();
  if (t.url.rfind("http://", 0) != 0 && t.url.rfind("https://", 0) != 0) {
    std::cerr << "aurora-gate: --push expects an http:// or https:// URL\n";
    return false;
  }
  t.job = vm["push-job"].as<std::string>();
  if (t.job.empty()) {
    std::cerr << "aurora-gate: --push-job must not be empty\n";
    return false;
  }
  if (vm.count("push-label")) {
    for (const std::string& kv : vm["push-label"].as<std::vector<std::string>>()) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "aurora-gate: --push-label expects NAME=VALUE, got \"" << kv
                  << "\"\n";
        return false;
      }
      t.grouping[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  auto str = [&vm](const char* k) {
    return vm.count(k) ? vm[k].as<std::string>() : std::string();
  };
  t.bearer_token_file = str("push-bearer-token-file");
  t.username = str("push-username");
  t.password_file = str("push-password-file");
  t.tls.ca_file = str("push-ca-file");
  t.tls.client_cert_file = str("push-cert-file");
  t.tls.client_key_file = str("push-key-file");
  t.tls.insecure_skip_verify = vm.count("push-insecure-skip-verify") > 0;
  o->push_optional = vm.count("push-optional") > 0;
  return true;
}

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
  if (vm.count("gate")) o.gate_files = vm["gate"].as<std::vector<std::string>>();
  if ((vm.count("set") &&
       !ParseSettings(vm["set"].as<std::vector<std::string>>(), &o.settings)) ||
      !ParseSecrets(vm, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  if (vm.count("junit")) o.junit_path = vm["junit"].as<std::string>();
  if (vm.count("json")) o.json_path = vm["json"].as<std::string>();
  if (vm.count("markdown")) o.markdown_path = vm["markdown"].as<std::string>();
  if (vm.count("html")) o.html_path = vm["html"].as<std::string>();
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
  LiveOptions live;
  if (!ReadLiveOptions(vm, o.settings, &live)) return kExitUsage;
  o.prometheus_url = live.prometheus_url;
  o.max_concurrency = live.max_concurrency;
  o.max_response_bytes = live.max_response_bytes;
  o.spool_dir = live.spool_dir;
  o.actions_file = live.actions_file;
  o.baseline_at = live.baseline_at;
  o.ignore_failed_actions = vm.count("ignore-failed-actions") > 0;
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

WatchSignals* g_signals = nullptr;

extern "C" void OnSignal(int sig) {
  if (g_signals == nullptr) return;
  if (sig == SIGHUP) {
    g_signals->reload.store(true);
  } else {
    g_signals->stop.store(true);
  }
}

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
  if (vm.count("gate")) o.gate_files = vm["gate"].as<std::vector<std::string>>();
  if ((vm.count("set") &&
       !ParseSettings(vm["set"].as<std::vector<std::string>>(), &o.settings)) ||
      !ParseSecrets(vm, &o.settings, &o.secret_names)) {
    return kExitUsage;
  }
  for (const char* key : {"interval", "duration"}) {
    absl::StatusOr<absl::Duration> dur =
        ParsePromDuration(vm[key].as<std::string>());
    if (!dur.ok() || *dur <= absl::ZeroDuration()) {
      std::cerr << "aurora-gate: --" << key << ": "
                << (dur.ok() ? "expected a positive duration"
                             : std::string(dur.status().message()))
                << "\n";
      return kExitUsage;
    }
    (std::string(key) == "interval" ? o.interval : o.duration) = *dur;
  }
  if (vm.count("listen")) o.listen = vm["listen"].as<std::string>();
  o.keep_running = vm.count("keep-running") > 0;
  if (vm.count("junit")) o.junit_path = vm["junit"].as<std::string>();
  if (vm.count("json")) o.json_path = vm["json"].as<std::string>();
  if (vm.count("markdown")) o.markdown_path = vm["markdown"].as<std::string>();
  if (vm.count("html")) o.html_path = vm["html"].as<std::string>();
  o.dry_run = vm.count("dry-run") > 0;
  std::string log_format = vm["log-format"].as<std::string>();
  if (log_format != "text" && log_format != "json") {
    std::cerr << "aurora-gate: --log-format expects text or json\n";
    return kExitUsage;
  }
  o.json_log = log_format == "json";
  LiveOptions live;
  if (!ReadLiveOptions(vm, o.settings, &live)) return kExitUsage;
  o.prometheus_url = live.prometheus_url;
  o.max_concurrency = live.max_concurrency;
  o.max_response_bytes = live.max_response_bytes;
  o.spool_dir = live.spool_dir;
  o.actions_file = live.actions_file;
  o.baseline_at = live.baseline_at;
  o.allow_no_spool = vm.count("allow-no-spool") > 0;
  o.ignore_failed_actions = vm.count("ignore-failed-actions") > 0;
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
  if (vm.count("gate")) o.gate_files = vm["gate"].as<std::vector<std::string>>();
  if ((vm.count("set") &&
       !ParseSettings(vm["set"].as<std::vector<std::string>>(), &o.settings)) ||
      !ParseSecrets(vm, &o.settings, &o.secret_names)) {
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
  for (const char* key : {"step", "window"}) {
    absl::StatusOr<absl::Duration> dur = ParsePromDuration(vm[key].as<std::string>());
    if (!dur.ok() || *dur <= absl::ZeroDuration()) {
      std::cerr << "aurora-gate backtest: --" << key << ": "
                << (dur.ok() ? "expected a positive duration"
                             : std::string(dur.status().message()))
                << "\n";
      return kExitUsage;
    }
    (std::string(key) == "step" ? o.step : o.window) = *dur;
  }
  if (vm.count("deploys")) o.deploys_file = vm["deploys"].as<std::string>();
  if (vm.count("json")) o.json_path = vm["json"].as<std::string>();
  if (vm.count("markdown")) o.markdown_path = vm["markdown"].as<std::string>();
  if (vm.count("html")) o.html_path = vm["html"].as<std::string>();
  if (vm.count("actions")) o.actions_file = vm["actions"].as<std::string>();
  if (!ResolvePrometheusUrl(vm, o.settings, &o.prometheus_url)) return kExitUsage;
  o.max_concurrency = vm["max-concurrency"].as<int>();
  if (o.max_concurrency < 1 || o.max_concurrency > 1024) {
    std::cerr << "aurora-gate: --max-concurrency expects 1..1024\n";
    return kExitUsage;
  }
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
  if (vm.count("gate")) o.gate_files = vm["gate"].as<std::vector<std::string>>();
  if ((vm.count("set") &&
       !ParseSettings(vm["set"].as<std::vector<std::string>>(), &o.settings)) ||
      !ParseSecrets(vm, &o.settings, nullptr)) {
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

int SpoolMain(const std::vector<std::string>& args) {
  po::options_description d("Spool options");
  d.add_options()
      ("help,h", "show this help")
      ("spool-dir", po::value<std::string>(), "DIR: the spool (default: "
       "$AURORA_GATE_SPOOL_DIR, else .aurora-gate/spool)")
      ("json", "list: a JSON array instead of a table")
      ("all-failed", "retry, drop: every failed action");
  // list|retry|drop, then action ids: positional, not listed in --help.
  po::options_description all;
  all.add(d).add_options()("args", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  std::vector<std::string> rest;
  if (vm.count("args")) rest = vm["args"].as<std::vector<std::string>>();
  if (vm.count("help")) {
    PrintHelp(kSpoolHelp, d);
    return kExitPass;
  }
  if (rest.empty()) {
    std::cerr << "aurora-gate spool: say list, retry or drop (see aurora-gate "
                 "spool --help)\n";
    return kExitUsage;
  }
  SpoolOptions o;
  o.action = rest.front();
  o.ids.assign(rest.begin() + 1, rest.end());
  o.all_failed = vm.count("all-failed") > 0;
  o.json = vm.count("json") > 0;
  o.spool_dir = vm.count("spool-dir") ? vm["spool-dir"].as<std::string>()
                                      : DefaultSpoolDir();
  RealFileReader files;
  RealClock clock;
  return RunSpool(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                NewCurlHttpClient});
}

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
  if (vm.count("gate")) o.gate_files = vm["gate"].as<std::vector<std::string>>();
  if ((vm.count("set") &&
       !ParseSettings(vm["set"].as<std::vector<std::string>>(), &o.settings)) ||
      !ParseSecrets(vm, &o.settings, &o.secret_names)) {
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
