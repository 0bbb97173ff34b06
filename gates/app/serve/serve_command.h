// File: gates/app/serve/serve_command.h
// `aurora-gate serve`: loads the gate files, serves the API (gates/
// serve_service.h) until SIGTERM/SIGINT, reloads on SIGHUP and when a gate
// file changes (a file that no longer loads is rejected and logged; its
// previous version keeps serving), and writes one access-log line per
// request.
#ifndef AURORA_GATES_APP_SERVE_SERVE_COMMAND_H_
#define AURORA_GATES_APP_SERVE_SERVE_COMMAND_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gates/app/check_command.h"
#include "gates/app/serve/serve_http.h"
#include "gates/app/serve/serve_service.h"

namespace aurora {

struct ServeOptions {
  std::vector<std::string> gate_roots;  // --gates DIR|FILE...
  HttpServerOptions http;
  ServiceOptions service;
  std::string token_file;  // one bearer token per line; empty: no auth
  bool json_log = false;
  // How often the gate files are checked for changes.
  absl::Duration watch_interval = absl::Seconds(1);
};

struct ServeSignals {
  std::atomic<bool> stop{false};
  std::atomic<bool> reload{false};
};

// Exit 0 after SIGTERM/SIGINT; 2 when it cannot start (a gate file with
// errors, a bad token file, an address it cannot bind, bad TLS files).
int RunServe(const ServeOptions& options, const CommandEnv& env,
             ServeSignals& signals);

// The `serve` command line (gates/app/serve/serve_main.cc): parses, installs the
// signal handlers, runs.
int ServeMain(const std::vector<std::string>& args);

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_COMMAND_H_
