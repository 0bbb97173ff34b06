#include "gates/app/command_support.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/output_file.h"
#include "base/secret_names.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "rules/gate_loader.h"

namespace aurora {

LiveContext CommandLiveContext(const CommandEnv& env, int max_concurrency,
                               int64_t max_response_bytes,
                               const std::string& prometheus_url) {
  LiveContext live;
  live.make_client = env.make_http_client;
  live.clock = env.clock;
  live.files = env.files;
  live.max_concurrency = max_concurrency;
  live.max_response_bytes = max_response_bytes;
  live.default_url = prometheus_url;
  return live;
}

VarLookup SettingsThenEnvironment(
    const std::map<std::string, std::string>& settings) {
  VarLookup env = EnvironmentLookup();
  return [settings, env](const std::string& name) -> std::optional<std::string> {
    auto it = settings.find(name);
    if (it != settings.end()) return it->second;
    return env(name);
  };
}

std::map<std::string, std::string> VisibleSettings(
    const std::map<std::string, std::string>& settings,
    const std::set<std::string>& secret_names) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : settings) {
    out[k] = ShownSettingValue(k, v, secret_names.count(k) > 0);
  }
  return out;
}

bool LoadAll(const std::vector<std::string>& paths, const VarLookup& vars,
             const CommandEnv& env, std::vector<GateFile>* out,
             const std::string& actions_file) {
  bool ok = true;
  LoadedOverlay overlay;
  if (!actions_file.empty()) {
    overlay = LoadOverlayFile(actions_file, *env.files, vars);
    for (const auto& e : overlay.errors) *env.err << e.ToString() << "\n";
    if (!overlay.ok()) return false;
  }
  for (const auto& p : paths) {
    LoadedGate loaded = LoadGateFile(
        p, *env.files, vars, actions_file.empty() ? nullptr : &overlay.overlay);
    for (const auto& e : loaded.errors) *env.err << e.ToString() << "\n";
    if (loaded.ok()) {
      for (GateError n : loaded.notes) {
        n.message = "note: " + n.message;
        *env.err << n.ToString() << "\n";
      }
    }
    if (!loaded.ok()) {
      ok = false;
      continue;
    }
    out->push_back(std::move(loaded.gate));
  }
  return ok;
}

bool WriteReports(const RunResult& run, const ReportPaths& paths,
                  const CommandEnv& env) {
  bool ok = true;
  auto report = [&](const absl::Status& s) {
    if (s.ok()) return;
    *env.err << "aurora-gate: cannot write a report: " << s.message() << "\n";
    ok = false;
  };
  auto write = [&](const std::string& path, const std::string& content) {
    if (!path.empty()) report(WriteOutputFile(path, content));
  };
  if (!paths.junit.empty()) write(paths.junit, RenderJunit(run));
  if (!paths.json.empty()) write(paths.json, RenderJson(run));
  if (!paths.html.empty()) write(paths.html, RenderHtml(run, HtmlOptions{}));
  if (!paths.markdown.empty() || !paths.github_step_summary.empty()) {
    MarkdownOptions md_options;
    md_options.html_report_url = paths.report_url;
    std::string md = RenderMarkdown(run, md_options);
    write(paths.markdown, md);
    if (!paths.github_step_summary.empty()) {
      report(AppendOutputFile(paths.github_step_summary, md + "\n"));
    }
  }
  return ok;
}

}  // namespace aurora
