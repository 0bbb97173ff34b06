#include "gates/app/command_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <utility>

#include "base/byte_size.h"
#include "rules/duration.h"

namespace aurora {

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

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

bool ReadGateArguments(const po::variables_map& vm,
                       std::vector<std::string>* gate_files,
                       std::map<std::string, std::string>* settings,
                       std::set<std::string>* secret_names) {
  if (vm.count("gate")) *gate_files = vm["gate"].as<std::vector<std::string>>();
  return (!vm.count("set") ||
          ParseSettings(vm["set"].as<std::vector<std::string>>(), settings)) &&
         ParseSecrets(vm, settings, secret_names);
}

bool ReadPositiveDuration(const po::variables_map& vm, const char* key,
                          std::string_view who, absl::Duration* out) {
  absl::StatusOr<absl::Duration> dur = ParsePromDuration(vm[key].as<std::string>());
  if (!dur.ok() || *dur <= absl::ZeroDuration()) {
    std::cerr << who << ": --" << key << ": "
              << (dur.ok() ? "expected a positive duration"
                           : std::string(dur.status().message()))
              << "\n";
    return false;
  }
  *out = *dur;
  return true;
}

bool ReadMaxConcurrency(const po::variables_map& vm, int* out) {
  *out = vm["max-concurrency"].as<int>();
  if (*out < 1 || *out > 1024) {
    std::cerr << "aurora-gate: --max-concurrency expects 1..1024\n";
    return false;
  }
  return true;
}

void PrintHelp(std::string_view text, const po::options_description& d) {
  std::cout << text << "\n" << d;
}

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
  if (!ReadMaxConcurrency(vm, &out->max_concurrency)) return false;
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

}  // namespace aurora
