// File: rules/gate_loader_yaml.cc
// YAML helpers of the loader: errors and positions, typed values, merge keys, the key tables and did-you-mean.
#include "rules/gate_loader_internal.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/digest.h"
#include "base/strings.h"
#include "rules/duration.h"
#include "rules/promql_split.h"
#include "rules/source_types.h"
#include "rules/unit_inference.h"
#include "rules/template_check.h"
#include "re2/re2.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/yaml.h"

namespace aurora::gate_loading {

const std::vector<std::string> kTopKeys = {
    "gate",     "title",   "description", "sources",
    "defaults", "groups",  "actions",     "evaluation_interval",
    "publish"};
const std::vector<std::string> kSourceKeys = {
    "type",    "path",      "baseline",  "url",     "headers",
    "bearer_token_file",    "basic_auth", "timeout", "tls",
    "method",  "body",      "values",    "counters",
    "module_depth",         "ignore",
    "required", "patterns", "command",   "env",     "dir",   "max_output"};
// The keys of the deploy-time check sources (runbook 1.3 and 2.3).
const std::vector<std::string> kEnvSourceKeys = {"type", "required", "patterns"};
const std::vector<std::string> kCommandSourceKeys = {
    "type", "command", "timeout", "env", "dir", "values", "max_output"};
const std::vector<std::string> kBasicAuthKeys = {"username", "password_file"};
const std::vector<std::string> kTlsKeys = {"ca_file", "cert_file", "key_file",
                                           "insecure_skip_verify"};
const std::vector<std::string> kPolicyKeys = {"no_data", "nan", "series",
                                              "severity", "dry_run"};
const std::vector<std::string> kGroupKeys = {
    "name", "interval", "query_offset", "limit", "labels", "rules", "source"};
const std::vector<std::string> kRuleKeys = {
    "name",
    "alert",
    "record",
    "expr",
    "source",
    "description",
    "pass",
    "warn",
    "fail",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
    "no_data",
    "nan",
    "series",
    "severity",
    "dry_run",
    "failure_limit",
    "consecutive_failure_limit",
    "consecutive_error_limit",
    "unit",
    "baseline"};
const std::vector<std::string> kActionKeys = {"on", "webhook", "alertmanager",
                                              "exec"};
// Options of each action kind (rules/gate.h ActionSpec::settings).
const std::vector<std::string> kWebhookKeys = {
    "url",           "format",        "text",          "receiver",
    "external_url",  "generator_url", "headers",       "timeout",
    "max_attempts",  "max_duration",  "signing_key_env", "signing_key_file",
    "name"};
const std::vector<std::string> kAlertmanagerKeys = {
    "url",          "generator_url",   "headers",         "timeout",
    "max_attempts", "max_duration",    "signing_key_env", "signing_key_file",
    "name"};
const std::vector<std::string> kExecKeys = {"command", "timeout",
                                            "max_attempts", "max_duration",
                                            "name"};
const std::vector<std::string> kActionOn = [] {
  std::vector<std::string> names;
  for (ActionTrigger t : kActionTriggers) {
    names.emplace_back(ActionTriggerName(t));
  }
  return names;
}();

// Levenshtein distance, for "did you mean" hints on unknown keys.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& options) {
  std::string best;
  size_t best_d = 3;  // suggest only close matches
  for (const auto& o : options) {
    size_t d = EditDistance(word, o);
    if (d < best_d) {
      best_d = d;
      best = o;
    }
  }
  return best;
}

std::string Quoted(std::string_view s) { return absl::StrCat("\"", Sv(s), "\""); }

std::string BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

void Loader::ResolveMergeKeys(YAML::Node n, int depth) {
  if (depth > 200 || !(n.IsSequence() || n.IsMap())) return;
  const int at = n.Mark().pos;
  if (at >= 0 && !merge_visited_.insert(at).second) return;
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) ResolveMergeKeys(n[i], depth + 1);
    return;
  }
  if (!n.IsMap()) return;
  std::vector<YAML::Node> merged;
  bool has_merge = false;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node key = it->first;
    YAML::Node value = it->second;
    ResolveMergeKeys(value, depth + 1);
    if (!key.IsScalar() || key.Scalar() != "<<" || key.Tag() == "!") continue;
    has_merge = true;
    if (value.IsMap()) {
      merged.push_back(value);
    } else if (value.IsSequence()) {
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i].IsMap()) {
          merged.push_back(value[i]);
        } else {
          AddError(Pos(value[i]), "merge key \"<<\": expected a mapping "
                                  "or a list of mappings to merge");
        }
      }
    } else {
      AddError(Pos(value), "merge key \"<<\": expected a mapping or a "
                           "list of mappings to merge");
    }
  }
  if (!has_merge) return;
  n.remove("<<");
  for (const YAML::Node& m : merged) {
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string k = it->first.Scalar();
      const YAML::Node& existing = n;
      if (!existing[k]) n[k] = it->second;
    }
  }
}

void Loader::AddError(FilePos pos, std::string message) {
  out_.errors.push_back(GateError{file_, pos, context_ + message});
}

FilePos Loader::Pos(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

FilePos Loader::PosIn(const YAML::Node& n, size_t offset) {
  YAML::Mark m = n.Mark();
  if (m.line < 0) return {};
  FilePos p{m.line + 1, m.column + 1};
  size_t at = static_cast<size_t>(m.pos);
  char first = at < text_.size() ? text_[at] : '\0';
  const std::string& value = n.Scalar();
  if (first == '|' || first == '>') {
    // Block scalar: content starts on the next line at its indentation.
    size_t nl = text_.find('\n', at);
    if (nl == std::string_view::npos) return p;
    size_t line_start = nl + 1;
    size_t indent = 0;
    while (line_start + indent < text_.size() &&
           text_[line_start + indent] == ' ') {
      ++indent;
    }
    int line = p.line + 1;
    size_t col = 0;
    for (size_t i = 0; i < offset && i < value.size(); ++i) {
      if (value[i] == '\n') {
        ++line;
        col = 0;
      } else {
        ++col;
      }
    }
    return {line, static_cast<int>(indent + col + 1)};
  }
  int quote = (first == '"' || first == '\'') ? 1 : 0;
  // Plain or quoted scalar: exact on its first line.
  int line = p.line;
  int col = p.column + quote;
  for (size_t i = 0; i < offset && i < value.size(); ++i) {
    if (value[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

FilePos Loader::KeyPos(const YAML::Node& map, std::string_view key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      return Pos(it->first);
    }
  }
  return Pos(map);
}

std::string Loader::KindName(const YAML::Node& n) {
  if (n.IsMap()) return "mapping";
  if (n.IsSequence()) return "list";
  if (n.IsNull()) return "null";
  return absl::StrCat("scalar \"", n.Scalar(), "\"");
}

void Loader::CheckKeys(const YAML::Node& n, std::string_view what,
               const std::vector<std::string>& allowed) {
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` yields a temporary
    if (!key.IsScalar()) {
      AddError(Pos(key), absl::StrCat("expected a string key in ", Sv(what)));
      continue;
    }
    const std::string& k = key.Scalar();
    if (!seen.insert(k).second) {
      AddError(Pos(key), absl::StrCat("duplicate key ", Quoted(k), " in ",
                                      Sv(what)));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) {
      continue;
    }
    std::string hint = DidYouMean(k, allowed);
    AddError(Pos(key),
             absl::StrCat("unknown key ", Quoted(k), " in ", Sv(what),
                          hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                          " (expected one of: ", absl::StrJoin(allowed, ", "),
                          ")"));
  }
}

void Loader::StrKey(const YAML::Node& map, const char* key, std::string& out) {
  if (!map[key]) return;
  if (std::optional<std::string> v = Str(map[key], key)) out = *std::move(v);
}

std::optional<std::string> Loader::Str(const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) {
    AddError(Pos(n), absl::StrCat("expected a string for ", Sv(what),
                                  ", got a ", KindName(n)));
    return std::nullopt;
  }
  size_t off = 0;
  absl::StatusOr<std::string> v = ExpandVars(n.Scalar(), vars_, &off);
  if (!v.ok()) {
    AddError(PosIn(n, off),
             absl::StrCat(Sv(what), ": ", v.status().message()));
    return std::nullopt;
  }
  return *std::move(v);
}

std::optional<std::string> Loader::PromqlStr(const YAML::Node& n,
                                     std::string_view what) {
  if (!n.IsScalar()) return Str(n, what);
  size_t off = 0;
  absl::StatusOr<std::string> v =
      ExpandVarsInPromql(n.Scalar(), vars_, &off);
  if (!v.ok()) {
    AddError(PosIn(n, off),
             absl::StrCat(Sv(what), ": ", v.status().message()));
    return std::nullopt;
  }
  return *std::move(v);
}

std::optional<absl::Duration> Loader::Duration(const YAML::Node& n,
                                       std::string_view what) {
  std::optional<std::string> s = Str(n, what);
  if (!s) return std::nullopt;
  absl::StatusOr<absl::Duration> d = ParsePromDuration(*s);
  if (!d.ok()) {
    AddError(Pos(n), absl::StrCat(Sv(what), ": ", d.status().message()));
    return std::nullopt;
  }
  return *d;
}

std::optional<bool> Loader::Bool(const YAML::Node& n, std::string_view what) {
  std::optional<std::string> s = Str(n, what);
  if (!s) return std::nullopt;
  std::string l = absl::AsciiStrToLower(*s);
  if (l == "true") return true;
  if (l == "false") return false;
  AddError(Pos(n), absl::StrCat(Sv(what), ": expected true or false, got ",
                                Quoted(*s)));
  return std::nullopt;
}

std::optional<int> Loader::Count(const YAML::Node& n, std::string_view what) {
  std::optional<std::string> s = Str(n, what);
  if (!s) return std::nullopt;
  int v = 0;
  bool ok = !s->empty() && s->size() < 10;
  for (char c : *s) ok = ok && c >= '0' && c <= '9';
  if (ok) v = std::stoi(*s);
  if (!ok) {
    AddError(Pos(n), absl::StrCat(Sv(what),
                                  ": expected a whole number >= 0, got ",
                                  Quoted(*s)));
    return std::nullopt;
  }
  return v;
}

std::map<std::string, std::string> Loader::StringMap(const YAML::Node& n,
                                             std::string_view what) {
  std::map<std::string, std::string> out;
  if (!n.IsMap()) {
    if (!n.IsNull()) {
      AddError(Pos(n), absl::StrCat(Sv(what), ": expected a mapping of "
                                    "names to strings, got a ",
                                    KindName(n)));
    }
    return out;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    // Label and annotation values are templates ({{ $value }}): keep them
    // as written apart from ${VAR}.
    std::optional<std::string> v =
        Str(it->second, absl::StrCat(Sv(what), " ", Quoted(it->first.Scalar())));
    if (v) out[it->first.Scalar()] = *v;
  }
  return out;
}

}  // namespace aurora::gate_loading
