#include "gates/command_support.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/secret_names.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "rules/gate_loader.h"

namespace aurora {

VarLookup SettingsThenEnvironment(
    const std::map<std::string, std::string>& settings) {
  VarLookup env = EnvironmentLookup();
  return [settings, env](const std::string& name) -> std::optional<std::string> {
    auto it = settings.find(name);
    if (it != settings.end()) return it->second;
    return env(name);
  };
}

namespace {

// Settings whose names suggest a secret are not shown in reports.
// Writes `content` to `path` via a temporary file and rename, so a reader
// never sees half a report.
bool WriteFileAtomically(const std::string& path, const std::string& content,
                         std::string* error) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      *error = absl::StrCat(path, ": cannot write report");
      return false;
    }
    f << content;
    f.flush();
    if (!f) {
      *error = absl::StrCat(path, ": write failed");
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    *error = absl::StrCat(path, ": cannot write report (rename failed)");
    return false;
  }
  return true;
}

bool AppendFile(const std::string& path, const std::string& content,
                std::string* error) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  if (!f) {
    *error = absl::StrCat(path, ": cannot append the step summary");
    return false;
  }
  f << content << "\n";
  return static_cast<bool>(f);
}

}  // namespace

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
             const CommandEnv& env, std::vector<GateFile>* out) {
  bool ok = true;
  for (const auto& p : paths) {
    LoadedGate loaded = LoadGateFile(p, *env.files, vars);
    for (const auto& e : loaded.errors) *env.err << e.ToString() << "\n";
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
  std::string error;
  auto write = [&](const std::string& path, const std::string& content) {
    if (path.empty()) return;
    if (!WriteFileAtomically(path, content, &error)) {
      *env.err << "aurora-gate: " << error << "\n";
      ok = false;
    }
  };
  if (!paths.junit.empty()) write(paths.junit, RenderJunit(run));
  if (!paths.json.empty()) write(paths.json, RenderJson(run));
  if (!paths.html.empty()) write(paths.html, RenderHtml(run, HtmlOptions{}));
  if (!paths.markdown.empty() || !paths.github_step_summary.empty()) {
    MarkdownOptions md_options;
    md_options.html_report_url = paths.report_url;
    std::string md = RenderMarkdown(run, md_options);
    write(paths.markdown, md);
    if (!paths.github_step_summary.empty() &&
        !AppendFile(paths.github_step_summary, md, &error)) {
      *env.err << "aurora-gate: " << error << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace aurora
