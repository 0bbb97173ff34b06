// File: gates/app/command_support.h
// What `check`, `lint` and `watch` share: variable lookup, loading every
// gate file with all its errors, settings shown in reports, and writing
// report files.
#ifndef AURORA_GATES_APP_COMMAND_SUPPORT_H_
#define AURORA_GATES_APP_COMMAND_SUPPORT_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "evaluator/result.h"
#include "gates/app/check_command.h"
#include "rules/gate.h"
#include "rules/interpolate.h"

namespace aurora {

// --set values first, then the environment.
VarLookup SettingsThenEnvironment(
    const std::map<std::string, std::string>& settings);

// --set and --secret values as reports show them (ShownSettingValue):
// --secret values and those of names that suggest a secret (token, key,
// password, webhook, ...) are "(hidden)", URLs are redacted.
std::map<std::string, std::string> VisibleSettings(
    const std::map<std::string, std::string>& settings,
    const std::set<std::string>& secret_names = {});

// Loads every gate file, printing every error (and note) to env.err. With
// `actions_file` (--actions), its actions and sources are added to every
// gate. False when any file has errors (`out` then holds only the good ones).
bool LoadAll(const std::vector<std::string>& paths, const VarLookup& vars,
             const CommandEnv& env, std::vector<GateFile>* out,
             const std::string& actions_file = "");

// The live-rule context of a command's run: the command's HTTP client
// factory, clock and files, at most `max_concurrency` queries in flight,
// responses up to `max_response_bytes`, `prometheus_url` for sources
// without a url (--prometheus / PROMETHEUS_URL).
LiveContext CommandLiveContext(const CommandEnv& env, int max_concurrency,
                               int64_t max_response_bytes,
                               const std::string& prometheus_url);

struct ReportPaths {
  std::string junit, json, markdown;
  std::string github_step_summary;  // appended to, when set
  std::string html;                 // the go-live page
  std::string report_url;           // where the HTML is published, if known
};

// Renders and writes the requested reports with WriteOutputFile (the step
// summary with AppendOutputFile): devices, FIFOs and symlinks are kept, and
// every write is checked. Prints each failure, naming the path, to env.err;
// false when anything failed (the caller exits 3).
bool WriteReports(const RunResult& run, const ReportPaths& paths,
                  const CommandEnv& env);

}  // namespace aurora

#endif  // AURORA_GATES_APP_COMMAND_SUPPORT_H_
