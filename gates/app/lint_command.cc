#include "gates/app/lint_command.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "gates/app/command_support.h"
#include "gates/core/live_rules.h"
#include "gates/app/promtool_check.h"
#include "queries/prometheus_querier.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

// A live rule (prometheus source) and how its PromQL was checked.
struct LiveItem {
  size_t file;  // index into the loaded files
  const Rule* rule;
  const SourceSpec* source;
  bool checked = false;
};

std::string RuleContext(const Rule& rule) {
  return absl::StrCat("group \"", rule.group, "\": rule \"", rule.name, "\": ");
}

// A source's server as shown to people: as written (${VAR} unexpanded,
// since an expanded URL may hold a token), or the default one.
std::string ShownUrl(const SourceSpec& s, const std::string& default_url) {
  if (s.url.empty()) return default_url;
  return s.url_display.empty() ? s.url : s.url_display;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ", Sv(n == 1 ? one : many));
}

// Sends each item's expression to the server its source names (or
// `default_url`); marks the ones the server answered about as checked and
// adds what it rejected to `errors`. Servers that could not be asked are
// added to `unreached` (url → message).
void CheckAgainstServers(std::vector<LiveItem>& items,
                         const std::string& default_url,
                         const std::vector<std::string>& paths,
                         const CommandEnv& env,
                         std::vector<std::vector<GateError>>& errors,
                         std::map<std::string, std::string>* unreached) {
  std::vector<PromQuery> queries;
  std::vector<size_t> asked;
  for (size_t i = 0; i < items.size(); ++i) {
    const SourceSpec& s = *items[i].source;
    std::string url = s.url.empty() ? default_url : s.url;
    if (url.empty()) continue;
    PromQuery q;
    q.endpoint.base_url = url;
    q.endpoint.timeout = s.timeout;
    for (const auto& [k, v] : s.headers) q.endpoint.headers.push_back({k, v});
    q.promql = items[i].rule->expr;
    q.at = env.clock->Now();
    queries.push_back(std::move(q));
    asked.push_back(i);
  }
  if (queries.empty()) return;
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      env.make_http_client(HttpClientOptions{});
  if (!client.ok()) {
    for (size_t i : asked) {
      (*unreached)[ShownUrl(*items[i].source, default_url)] =
          std::string(client.status().message());
    }
    return;
  }
  std::vector<absl::StatusOr<PromResult>> results =
      RunPromQueries(queries, **client, *env.clock, RetryPolicy{});
  for (size_t k = 0; k < results.size(); ++k) {
    LiveItem& item = items[asked[k]];
    if (results[k].ok()) {
      item.checked = true;
      continue;
    }
    const absl::Status& st = results[k].status();
    if (IsQueryExecutionError(st)) {
      // Valid file, data that breaks the evaluation now (Prometheus loads
      // the file and marks the rule's health `err`): said, not rejected.
      item.checked = true;
      *env.err << "aurora-gate: note: rule \"" << item.rule->name
               << "\" cannot be evaluated on the server's data right now ("
               << st.message() << "); the file is valid\n";
      continue;
    }
    if (absl::IsInvalidArgument(st)) {
      item.checked = true;
      errors[item.file].push_back(GateError{
          paths[item.file], ServerErrorPosition(*item.rule, Sv(st.message())),
          absl::StrCat(RuleContext(*item.rule), "expr: ", st.message())});
    } else {
      (*unreached)[ShownUrl(*item.source, default_url)] =
          std::string(st.message());
    }
  }
}

}  // namespace

int RunLint(const LintOptions& options, const CommandEnv& env) {
  if (options.gate_files.empty()) {
    *env.err << "aurora-gate lint: no gate file given (see aurora-gate lint "
                "--help)\n";
    return kExitUsage;
  }
  VarLookup vars = SettingsThenEnvironment(options.settings);
  const std::vector<std::string>& paths = options.gate_files;
  std::vector<LoadedGate> loaded;
  std::vector<std::vector<GateError>> errors(paths.size());
  std::vector<LiveItem> items;
  size_t rules = 0;
  LoadedOverlay overlay;
  if (!options.actions_file.empty()) {
    overlay = LoadOverlayFile(options.actions_file, *env.files, vars);
    for (const auto& e : overlay.errors) *env.out << e.ToString() << "\n";
    if (!overlay.ok()) {
      *env.err << Plural(overlay.errors.size(), "problem", "problems")
               << " in the actions file " << options.actions_file << "\n";
      return kExitUsage;
    }
  }
  for (size_t f = 0; f < paths.size(); ++f) {
    loaded.push_back(LoadGateFile(
        paths[f], *env.files, vars,
        options.actions_file.empty() ? nullptr : &overlay.overlay));
    errors[f] = loaded.back().errors;
  }
  for (size_t f = 0; f < loaded.size(); ++f) {
    for (const auto& g : loaded[f].gate.groups) rules += g.rules.size();
    if (!loaded[f].ok()) continue;
    for (const auto& g : loaded[f].gate.groups) {
      for (const auto& r : g.rules) {
        const SourceSpec& s = loaded[f].gate.sources.at(r.source);
        if (!s.is_artifact()) items.push_back({f, &r, &s});
      }
    }
  }
  // 1. The servers the sources name (or --prometheus), unless --offline.
  std::map<std::string, std::string> unreached;
  if (!options.offline) {
    CheckAgainstServers(items, options.prometheus_url, paths, env, errors,
                        &unreached);
  }
  for (const auto& [url, message] : unreached) {
    *env.err << "aurora-gate: cannot check PromQL against " << url << ": "
             << message << "\n";
  }
  // 2. promtool for the rest: Prometheus' own grammar, offline.
  std::vector<size_t> rest;
  std::vector<std::string> exprs;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].checked) continue;
    rest.push_back(i);
    exprs.push_back(items[i].rule->expr);
  }
  std::string not_checked_why;
  if (!rest.empty()) {
    absl::StatusOr<std::vector<std::string>> verdicts =
        options.promtool.empty()
            ? absl::NotFoundError("no promtool")
            : CheckPromqlWithPromtool(exprs, options.promtool);
    if (verdicts.ok()) {
      for (size_t k = 0; k < rest.size(); ++k) {
        LiveItem& item = items[rest[k]];
        item.checked = true;
        const std::string& message = (*verdicts)[k];
        if (message.empty()) continue;
        errors[item.file].push_back(GateError{
            paths[item.file], ServerErrorPosition(*item.rule, message),
            absl::StrCat(RuleContext(*item.rule), "expr: ", message,
                         " (promtool)")});
      }
    } else if (absl::IsNotFound(verdicts.status())) {
      not_checked_why = absl::StrCat(
          options.offline ? "offline" : unreached.empty() ? "no server named"
                                                          : "no server answered",
          ", and promtool (Debian package prometheus) is not installed");
    } else {
      not_checked_why = std::string(verdicts.status().message());
    }
  }
  size_t not_checked = 0;
  size_t error_count = 0;
  for (size_t f = 0; f < paths.size(); ++f) {
    std::vector<GateError> lines = errors[f];
    std::vector<GateError> notes = loaded[f].notes;
    for (const LiveItem& item : items) {
      if (item.file != f || item.checked) continue;
      ++not_checked;
      notes.push_back(GateError{
          paths[f], item.rule->expr_pos.line > 0 ? item.rule->expr_pos
                                                 : item.rule->pos,
          absl::StrCat(RuleContext(*item.rule), "PromQL not checked (",
                       not_checked_why, ")")});
    }
    error_count += lines.size();
    for (GateError& n : notes) {
      n.message = "note: " + n.message;
      lines.push_back(std::move(n));
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const GateError& a, const GateError& b) {
                       return std::make_pair(a.pos.line, a.pos.column) <
                              std::make_pair(b.pos.line, b.pos.column);
                     });
    for (const GateError& e : lines) *env.out << e.ToString() << "\n";
  }
  if (error_count > 0) {
    *env.err << Plural(error_count, "problem", "problems") << " in "
             << Plural(paths.size(), "file", "files") << "\n";
    return kExitUsage;
  }
  std::string summary = absl::StrCat(Plural(paths.size(), "file", "files"),
                                     ", ", Plural(rules, "rule", "rules"), ": OK");
  if (rules == 0) absl::StrAppend(&summary, " (no rules: nothing is decided)");
  if (not_checked > 0) {
    absl::StrAppend(&summary, "; PromQL of ",
                    Plural(not_checked, "rule", "rules"), " not checked (",
                    not_checked_why, ")");
  }
  *env.err << summary << "\n";
  // A server was named but could not be asked, and nothing checked in its
  // place: undecided.
  if (not_checked > 0 && !unreached.empty()) return kExitUndecided;
  return kExitPass;
}

}  // namespace aurora
