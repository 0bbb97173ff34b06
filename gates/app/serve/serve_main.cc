// `aurora-gate serve` command line: options (Boost.Program_options) and
// signals; the command itself is gates/app/serve/serve_command.cc.
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "base/byte_size.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "boost/program_options.hpp"
#include "gates/app/serve/serve_command.h"
#include "rules/duration.h"

namespace po = boost::program_options;

namespace aurora {
namespace {

constexpr char kServeHelp[] =
    R"(Usage: aurora-gate serve --gates DIR|FILE... [--listen HOST:PORT] [OPTIONS]

Serves the gate files to deploy controllers and any HTTP client:
  POST /api/v1/evaluate          {"gates": [..], "set": {..}, "at": .., "window": ..}
                                 -> the JSON report (?format=junit|markdown|html)
  GET|POST /argo/v1/GATE         Argo Rollouts Web provider ({"verdict","pass",..})
  POST /flagger/v1/GATE          Flagger webhooks (200 pass / 412; ?hook=rollback)
  POST /alertmanager/v1/GATE     Alertmanager webhook: a firing alert fires the
                                 gate's actions (spooled, once per fingerprint)
  GET /api/v1/gates, /healthz, /readyz, /metrics
SIGHUP or a changed file reloads the gate files; a file that no longer loads is
rejected (logged) and its previous version keeps serving.
Exit: 0 after SIGTERM/SIGINT, 2 when it cannot start.

Examples:
  $ aurora-gate serve --gates gates/runbook --listen 0.0.0.0:8080 --prometheus http://prometheus:9090
  $ aurora-gate serve --gates gates/runbook --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --token-file tokens
)";

ServeSignals* g_serve_signals = nullptr;

extern "C" void OnServeSignal(int sig) {
  if (g_serve_signals == nullptr) return;
  if (sig == SIGHUP) {
    g_serve_signals->reload.store(true);
  } else {
    g_serve_signals->stop.store(true);
  }
}

bool ReadDuration(const po::variables_map& vm, const char* key, absl::Duration* out) {
  absl::StatusOr<absl::Duration> d = ParsePromDuration(vm[key].as<std::string>());
  if (!d.ok() || *d <= absl::ZeroDuration()) {
    std::cerr << "aurora-gate serve: --" << key << ": expected a positive duration "
              << "such as 8s\n";
    return false;
  }
  *out = *d;
  return true;
}

}  // namespace

int ServeMain(const std::vector<std::string>& args) {
  po::options_description d("Options");
  d.add_options()
      ("help,h", "this help")
      ("gates", po::value<std::vector<std::string>>()->multitoken(),
       "DIR|FILE...: gate files to serve (a directory: its *.yaml and *.yml)")
      ("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
       "HOST:PORT to serve on (port 0 picks a free one)")
      ("token-file", po::value<std::string>(), "FILE: bearer tokens, one per "
       "line; every endpoint but /healthz and /readyz then needs one")
      ("max-concurrency", po::value<int>()->default_value(8),
       "N: evaluations at once")
      ("max-queue", po::value<int>()->default_value(64),
       "N: evaluations waiting beyond those; more are refused (503, Retry-After)")
      ("request-timeout", po::value<std::string>()->default_value("8s"),
       "DURATION: answer by then; an evaluation still running is answered "
       "undecided, never pass (Flagger's webhook timeout is 10s)")
      ("client-timeout", po::value<std::string>()->default_value("10s"),
       "DURATION: a client must send its request (headers and body) within this")
      ("tls-cert", po::value<std::string>(), "FILE: TLS certificate chain (PEM)")
      ("tls-key", po::value<std::string>(), "FILE: TLS private key (PEM)")
      ("tls-client-ca", po::value<std::string>(), "FILE: CA (PEM) that client "
       "certificates must be signed by (mutual TLS)")
      ("log-format", po::value<std::string>()->default_value("text"),
       "text|json: the access log and events on stderr")
      ("prometheus", po::value<std::string>(), "URL: Prometheus-compatible "
       "server for sources without a url; also ${PROMETHEUS_URL} in gate files")
      ("query-concurrency", po::value<int>()->default_value(8),
       "N: queries in flight at once per evaluation")
      ("max-response-size", po::value<std::string>()->default_value("256MiB"),
       "SIZE: largest response read from a server")
      ("spool-dir", po::value<std::string>(), "DIR: where actions are spooled "
       "(default: $AURORA_GATE_SPOOL_DIR, else .aurora-gate/spool)")
      ("dry-run", "Alertmanager intake describes the actions, fires none")
      ("threads", po::value<int>()->default_value(128),
       "N: connections served at once, one thread each (about 16 KiB of memory "
       "per thread); a client that sends nothing holds one until --client-timeout. "
       "10240 keeps /healthz fast while 10 000 such clients are connected");
  po::positional_options_description pos;
  pos.add("gates", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kServeHelp << "\n" << d;
    return kExitPass;
  }
  ServeOptions o;
  if (vm.count("gates")) o.gate_roots = vm["gates"].as<std::vector<std::string>>();
  o.http.listen = vm["listen"].as<std::string>();
  if (vm.count("token-file")) o.token_file = vm["token-file"].as<std::string>();
  auto str = [&vm](const char* k) {
    return vm.count(k) ? vm[k].as<std::string>() : std::string();
  };
  o.http.tls_cert = str("tls-cert");
  o.http.tls_key = str("tls-key");
  o.http.tls_client_ca = str("tls-client-ca");
  o.http.threads = vm["threads"].as<int>();
  o.service.max_concurrency = vm["max-concurrency"].as<int>();
  o.service.max_queue = vm["max-queue"].as<int>();
  o.service.query_concurrency = vm["query-concurrency"].as<int>();
  if (o.service.max_concurrency < 1 || o.service.max_concurrency > 1024 ||
      o.service.max_queue < 0 || o.service.max_queue > 100000 ||
      o.service.query_concurrency < 1 || o.service.query_concurrency > 1024 ||
      o.http.threads < 4 || o.http.threads > 65536) {
    std::cerr << "aurora-gate serve: --max-concurrency and --query-concurrency "
                 "expect 1..1024, --max-queue 0..100000, --threads 4..65536\n";
    return kExitUsage;
  }
  absl::Duration client_timeout;
  if (!ReadDuration(vm, "request-timeout", &o.service.request_timeout) ||
      !ReadDuration(vm, "client-timeout", &client_timeout)) {
    return kExitUsage;
  }
  o.http.client_timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(client_timeout));
  const std::string log_format = vm["log-format"].as<std::string>();
  if (log_format != "text" && log_format != "json") {
    std::cerr << "aurora-gate serve: --log-format expects text or json\n";
    return kExitUsage;
  }
  o.json_log = log_format == "json";
  if (vm.count("prometheus")) {
    o.service.prometheus_url = vm["prometheus"].as<std::string>();
    ::setenv("PROMETHEUS_URL", o.service.prometheus_url.c_str(), 1);
  } else if (const char* p = std::getenv("PROMETHEUS_URL"); p && *p) {
    o.service.prometheus_url = p;
  }
  std::optional<int64_t> limit = ParseByteSize(vm["max-response-size"].as<std::string>());
  if (!limit) {
    std::cerr << "aurora-gate serve: --max-response-size expects a size such as 256MiB\n";
    return kExitUsage;
  }
  o.service.max_response_bytes = *limit;
  o.service.spool_dir = vm.count("spool-dir") ? vm["spool-dir"].as<std::string>()
                                              : DefaultSpoolDir();
  o.service.dry_run = vm.count("dry-run") > 0;
  static ServeSignals signals;
  g_serve_signals = &signals;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnServeSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is its own problem
  RealFileReader files;
  RealClock clock;
  return RunServe(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                NewCurlHttpClient},
                  signals);
}

}  // namespace aurora
