// File: gates/app/spool_main.cc
// The command line of `spool list|retry|drop` (options, --help); the
// command itself is gates/app/spool_command.cc.
#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "gates/app/check_command.h"
#include "gates/app/command_line.h"
#include "gates/app/spool_command.h"

namespace aurora {
namespace {

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

}  // namespace

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

}  // namespace aurora
