// File: gates/app/lint_command.h
// `aurora-gate lint`: validates gate files and prints every problem as
// file:line:col. PromQL of live rules is checked by the server their source
// names (or --prometheus), else by `promtool check rules` (Prometheus' own
// grammar, offline); a rule checked by neither is reported as "PromQL not
// checked", never passed silently.
#ifndef AURORA_GATES_APP_LINT_COMMAND_H_
#define AURORA_GATES_APP_LINT_COMMAND_H_

#include <map>
#include <string>
#include <vector>

#include "gates/app/check_command.h"

namespace aurora {

struct LintOptions {
  std::vector<std::string> gate_files;
  std::map<std::string, std::string> settings;  // --set NAME=VALUE
  // --prometheus / $PROMETHEUS_URL: the server for live sources without a
  // url of their own (a source's own url is used either way).
  std::string prometheus_url;
  bool offline = false;               // --offline: ask no server
  std::string promtool = "promtool";  // looked up in PATH; empty: none
  // --actions FILE: actions (and sources) added to every gate file.
  std::string actions_file;
};

// Returns 0 when every file is valid, 2 when any problem was found, 3 when
// a server could not be asked and promtool could not check in its place.
int RunLint(const LintOptions& options, const CommandEnv& env);

}  // namespace aurora

#endif  // AURORA_GATES_APP_LINT_COMMAND_H_
