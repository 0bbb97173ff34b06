#include "rules/gate_loader.h"

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

namespace aurora {

std::string_view CompareName(BaselineHistory::Compare c) {
  switch (c) {
    case BaselineHistory::Compare::kLast: return "last";
    case BaselineHistory::Compare::kMedian: return "median";
    case BaselineHistory::Compare::kMin: return "min";
    case BaselineHistory::Compare::kMax: return "max";
  }
  return "median";
}

std::string GateError::ToString() const {
  if (pos.line <= 0) return absl::StrCat(file, ": ", message);
  return absl::StrCat(file, ":", pos.line, ":", pos.column, ": ", message);
}

namespace {

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
const std::vector<std::string> kActionOn = {"fail", "error",    "warn",
                                            "pass", "resolved", "start"};

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

class Loader {
 public:
  Loader(std::string_view file_name, std::string_view text,
         const VarLookup& vars, const GateOverlay* overlay = nullptr)
      : file_(file_name), text_(text), vars_(vars), overlay_(overlay) {}

  // An actions file: `actions` and `sources` only (see GateOverlay).
  LoadedOverlay RunOverlay() {
    overlay_mode_ = true;
    LoadedGate g = Run();
    LoadedOverlay out;
    out.overlay.path = file_;
    out.overlay.sources = std::move(g.gate.sources);
    out.overlay.actions = std::move(g.gate.actions);
    out.errors = std::move(g.errors);
    return out;
  }

  LoadedGate Run() {
    out_.gate.path = file_;
    out_.gate.name = BaseName(file_);
    YAML::Node root;
    try {
      // Every document, so that one after a `---` is never dropped unseen
      // (Prometheus reads the first and ignores the rest: a stricter rule
      // there would silently not exist). Empty documents are harmless.
      std::vector<YAML::Node> docs;
      for (YAML::Node& doc : YAML::LoadAll(std::string(text_))) {
        if (doc.IsDefined() && !doc.IsNull()) docs.push_back(std::move(doc));
      }
      if (docs.size() > 1) {
        AddError(Pos(docs[1]),
                 "a second YAML document (after \"---\"): a gate file holds "
                 "one document; put the rules of the others in its groups or "
                 "in a file of their own (Prometheus would ignore them, "
                 "aurora-gate does not drop rules silently)");
        return std::move(out_);
      }
      if (!docs.empty()) root = docs.front();
    } catch (const YAML::DeepRecursion& e) {
      // yaml-cpp's own nesting guard (hostile `[[[[...`); its message is
      // only "bad file".
      FilePos pos{e.mark.line + 1, e.mark.column + 1};
      if (e.mark.line < 0) pos = {};
      AddError(pos, absl::StrCat("invalid YAML: lists or mappings nested too "
                                 "deeply (yaml-cpp stops at ",
                                 e.depth(), " levels)"));
      return std::move(out_);
    } catch (const YAML::Exception& e) {
      FilePos pos{e.mark.line + 1, e.mark.column + 1};
      if (e.mark.line < 0) pos = {};
      AddError(pos, absl::StrCat("invalid YAML: ", e.msg));
      return std::move(out_);
    }
    if (!root.IsDefined() || root.IsNull()) {
      if (overlay_mode_) {
        AddError({1, 1}, "empty actions file, expected a mapping with "
                         "\"actions\" (and \"sources\")");
      } else {
        // As Prometheus: an empty rule file is valid and holds no rules.
        AddNote({1, 1}, "empty file: no rules, the gate decides nothing "
                        "(it passes)");
        if (overlay_ != nullptr) ApplyOverlaySources();
        if (overlay_ != nullptr) ApplyOverlayActions();
      }
      return std::move(out_);
    }
    if (!root.IsMap()) {
      AddError(Pos(root),
               "expected a mapping with \"groups\" at the top level, got a " +
                   KindName(root));
      return std::move(out_);
    }
    ResolveMergeKeys(root, 0);
    if (overlay_mode_) {
      LoadOverlayTop(root);
    } else {
      LoadTop(root);
    }
    return std::move(out_);
  }

 private:
  // YAML merge keys (`<<: *base`, `<<: [*a, *b]`), which yaml-cpp keeps as
  // a plain "<<" key and Go's yaml (Prometheus) resolves: the merged
  // mappings' keys are added where the mapping has no key of that name
  // (earlier merges win), in place, so positions stay those of the text.
  // Each collection once (an alias is the same node: no exponential walk of
  // nested aliases, no endless one of a recursive alias).
  void ResolveMergeKeys(YAML::Node n, int depth) {
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

  void AddNote(FilePos pos, std::string message) {
    out_.notes.push_back(GateError{file_, pos, context_ + message});
  }

  // An actions file's top level.
  void LoadOverlayTop(const YAML::Node& root) {
    static const std::vector<std::string> kOverlayKeys = {"actions", "sources"};
    CheckKeys(root, "an actions file (--actions)", kOverlayKeys);
    if (!root["actions"] && !root["sources"]) {
      AddError(Pos(root), "an actions file needs \"actions\" (and may add "
                          "\"sources\"); rules belong in gate files");
    }
    if (root["sources"]) LoadSources(root["sources"]);
    if (root["actions"]) LoadActions(root["actions"]);
  }

  // The --actions file's sources: added, replacing one of the same name.
  void ApplyOverlaySources() {
    for (const auto& [name, spec] : overlay_->sources) {
      out_.gate.sources[name] = spec;
      declared_sources_.insert(name);
    }
  }

  void ApplyOverlayActions() {
    out_.gate.actions.insert(out_.gate.actions.end(),
                             overlay_->actions.begin(),
                             overlay_->actions.end());
  }

  // ---- errors and positions ------------------------------------------------
  void AddError(FilePos pos, std::string message) {
    out_.errors.push_back(GateError{file_, pos, context_ + message});
  }

  static FilePos Pos(const YAML::Node& n) {
    YAML::Mark m = n.Mark();
    if (m.line < 0) return {};
    return {m.line + 1, m.column + 1};
  }

  // Position of byte `offset` inside scalar `n`'s value.
  FilePos PosIn(const YAML::Node& n, size_t offset) {
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

  // Position of key `key` in mapping `map` (of the map itself if absent).
  static FilePos KeyPos(const YAML::Node& map, std::string_view key) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        return Pos(it->first);
      }
    }
    return Pos(map);
  }

  static std::string KindName(const YAML::Node& n) {
    if (n.IsMap()) return "mapping";
    if (n.IsSequence()) return "list";
    if (n.IsNull()) return "null";
    return absl::StrCat("scalar \"", n.Scalar(), "\"");
  }

  // Reports unknown and duplicate keys of mapping `n`.
  void CheckKeys(const YAML::Node& n, std::string_view what,
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

  // A string scalar with ${VAR} expanded; nullopt (and an error) otherwise.
  std::optional<std::string> Str(const YAML::Node& n, std::string_view what) {
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

  // Str for a PromQL expression: a variable's value is data, escaped inside
  // a quoted string and validated elsewhere (see ExpandVarsInPromql).
  std::optional<std::string> PromqlStr(const YAML::Node& n,
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

  std::optional<absl::Duration> Duration(const YAML::Node& n,
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

  std::optional<bool> Bool(const YAML::Node& n, std::string_view what) {
    std::optional<std::string> s = Str(n, what);
    if (!s) return std::nullopt;
    std::string l = absl::AsciiStrToLower(*s);
    if (l == "true") return true;
    if (l == "false") return false;
    AddError(Pos(n), absl::StrCat(Sv(what), ": expected true or false, got ",
                                  Quoted(*s)));
    return std::nullopt;
  }

  std::optional<int> Count(const YAML::Node& n, std::string_view what) {
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

  std::map<std::string, std::string> StringMap(const YAML::Node& n,
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

  // ---- policies --------------------------------------------------------------
  void LoadPolicy(const YAML::Node& map, Policies* p) {
    static const std::vector<std::string> kOutcomes = {
        "pass", "warn", "inconclusive", "error", "fail"};
    for (const char* key : {"no_data", "nan"}) {
      if (!map[key]) continue;
      std::optional<std::string> s = Str(map[key], key);
      if (!s) continue;
      std::optional<Outcome> o = ParseOutcome(*s);
      if (!o || *o == Outcome::kPending) {
        std::string hint = DidYouMean(*s, kOutcomes);
        AddError(Pos(map[key]),
                 absl::StrCat(key, ": expected one of ",
                              absl::StrJoin(kOutcomes, ", "), ", got ",
                              Quoted(*s),
                              hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?"));
        continue;
      }
      (std::string_view(key) == "no_data" ? p->no_data : p->nan) = *o;
      (std::string_view(key) == "no_data" ? p->no_data_set : p->nan_set) = true;
    }
    if (map["series"]) {
      if (std::optional<std::string> s = Str(map["series"], "series")) {
        if (*s == "all" || *s == "any") {
          p->series_any = *s == "any";
        } else {
          AddError(Pos(map["series"]),
                   absl::StrCat("series: expected all or any, got ", Quoted(*s)));
        }
      }
    }
    if (map["severity"]) {
      if (std::optional<std::string> s = Str(map["severity"], "severity")) {
        if (*s == "critical" || *s == "warning" || *s == "info") {
          p->severity = *s;
        } else {
          AddError(Pos(map["severity"]),
                   absl::StrCat("severity: expected critical, warning or "
                                "info, got ",
                                Quoted(*s)));
        }
      }
    }
    if (map["dry_run"]) {
      if (std::optional<bool> b = Bool(map["dry_run"], "dry_run")) {
        p->dry_run = *b;
      }
    }
  }

  // publish: { metric_name: { source: S, expr: E } } (check --push).
  void LoadPublish(const YAML::Node& n) {
    if (!n.IsMap()) {
      AddError(Pos(n), "publish: expected a mapping of metric names to "
                       "{ source: NAME, expr: EXPRESSION }");
      return;
    }
    static const RE2 kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
    for (auto it = n.begin(); it != n.end(); ++it) {
      // Copies: `it->` yields a temporary.
      const YAML::Node key = it->first;
      const YAML::Node body = it->second;
      const std::string metric = key.IsScalar() ? key.Scalar() : "";
      if (!RE2::FullMatch(metric, kName)) {
        AddError(Pos(key), absl::StrCat("publish: ", Quoted(metric),
                                              " is not a Prometheus metric name"));
        continue;
      }
      if (!body.IsMap()) {
        AddError(Pos(body), absl::StrCat("publish: ", metric, ": expected "
                                         "{ source: NAME, expr: EXPRESSION }"));
        continue;
      }
      CheckKeys(body, absl::StrCat("publish ", metric), {"source", "expr"});
      PublishSpec p;
      p.metric = metric;
      p.pos = Pos(key);
      std::optional<std::string> source =
          body["source"] ? Str(body["source"], "source") : std::nullopt;
      std::optional<std::string> expr =
          body["expr"] ? Str(body["expr"], "expr") : std::nullopt;
      if (!source || !expr) {
        if (!body["source"] || !body["expr"]) {
          AddError(Pos(body), absl::StrCat("publish: ", metric,
                                           ": needs both source and expr"));
        }
        continue;
      }
      auto src = out_.gate.sources.find(*source);
      if (src == out_.gate.sources.end() || !src->second.is_artifact() ||
          src->second.is_http()) {
        AddError(Pos(body["source"]),
                 absl::StrCat("publish: ", metric, ": ", Quoted(*source),
                              " is not an artifact source of this gate"));
        continue;
      }
      ExprError err;
      absl::StatusOr<ParsedExpr> parsed = ParseExpr(*expr, &err);
      if (!parsed.ok()) {
        AddError(PosIn(body["expr"], err.offset),
                 absl::StrCat("publish: ", metric, ": expr: ",
                              err.message.empty() ? std::string(parsed.status().message())
                                                  : err.message));
        continue;
      }
      const std::vector<std::string> known = SourceMetrics(src->second);
      bool ok = true;
      for (const auto& [m, offset] : ReferencedMetrics(*parsed->root)) {
        if (std::find(known.begin(), known.end(), m) != known.end()) continue;
        AddError(PosIn(body["expr"], offset),
                 absl::StrCat("publish: ", metric, ": unknown metric ", Quoted(m),
                              " for ", src->second.type, " source ", Quoted(*source)));
        ok = false;
      }
      if (!ok) continue;
      p.source = *source;
      p.expr = *expr;
      p.parsed = *std::move(parsed);
      out_.gate.publish.push_back(std::move(p));
    }
  }

  // `unit:` as written (one of UnitNames(), did-you-mean on a typo), else
  // the unit the query's metric names say (rules/unit_inference.h).
  void LoadUnit(const YAML::Node& rn, Rule* rule) {
    if (!rn["unit"]) {
      rule->unit = InferUnit(rule->query);
      return;
    }
    std::optional<std::string> s = Str(rn["unit"], "unit");
    if (!s) return;
    if (std::optional<Unit> u = ParseUnit(*s)) {
      rule->unit = *u;
      return;
    }
    std::string hint = DidYouMean(*s, UnitNames());
    AddError(Pos(rn["unit"]),
             absl::StrCat("unknown unit ", Quoted(*s),
                          hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                          " (expected one of: ", absl::StrJoin(UnitNames(), ", "),
                          ")"));
  }

  // ---- top level ---------------------------------------------------------------
  void LoadTop(const YAML::Node& root) {
    CheckKeys(root, "the gate file", kTopKeys);
    GateFile& g = out_.gate;
    g.prometheus_rule_file = !root["gate"] && !root["sources"] &&
                             !root["defaults"] && !root["actions"] &&
                             !root["title"];
    if (root["gate"]) {
      if (auto s = Str(root["gate"], "gate")) g.name = *s;
    }
    if (root["title"]) {
      if (auto s = Str(root["title"], "title")) g.title = *s;
    }
    if (root["description"]) Str(root["description"], "description");
    if (root["evaluation_interval"]) {
      if (auto d = Duration(root["evaluation_interval"], "evaluation_interval")) {
        if (*d <= absl::ZeroDuration()) {
          AddError(Pos(root["evaluation_interval"]),
                   "evaluation_interval: expected a positive duration");
        } else {
          g.evaluation_interval = *d;
          g.evaluation_interval_set = true;
        }
      }
    }
    if (root["sources"]) LoadSources(root["sources"]);
    if (overlay_ != nullptr) ApplyOverlaySources();
    if (root["defaults"]) {
      const YAML::Node& d = root["defaults"];
      if (!d.IsMap()) {
        AddError(Pos(d), "defaults: expected a mapping of policies (" +
                             absl::StrJoin(kPolicyKeys, ", ") + ")");
      } else {
        CheckKeys(d, "defaults", kPolicyKeys);
        LoadPolicy(d, &g.defaults);
      }
    }
    if (!root["groups"]) {
      if (g.prometheus_rule_file) {
        // As Prometheus: `{}` is a valid rule file without rules.
      } else if (!root["gate"] && !root["title"] && !root["defaults"] &&
                 !root["description"] && !root["evaluation_interval"]) {
        AddError(Pos(root),
                 "missing key \"groups\": this file has only actions "
                 "and/or sources; to add them to gate files, pass it with "
                 "--actions FILE (check, watch, report, lint)");
      } else {
        AddError(Pos(root),
                 "missing key \"groups\": a gate file needs a list of "
                 "groups of rules");
      }
    } else if (!root["groups"].IsNull()) {
      LoadGroups(root["groups"]);
    }
    if (root["actions"]) LoadActions(root["actions"]);
    if (root["publish"]) LoadPublish(root["publish"]);
    if (overlay_ != nullptr) ApplyOverlayActions();
    size_t rule_count = 0;
    for (const auto& grp : g.groups) rule_count += grp.rules.size();
    if (rule_count == 0 && out_.errors.empty()) {
      AddNote(root["groups"] ? Pos(root["groups"]) : Pos(root),
              "no rules: the gate decides nothing (it passes)");
    }
  }

  void LoadSources(const YAML::Node& n) {
    if (!n.IsMap()) {
      AddError(Pos(n), "sources: expected a mapping of source names to "
                       "{ type: ..., path: ... }, got a " + KindName(n));
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      std::string name = it->first.Scalar();
      const YAML::Node s = it->second;  // a copy: `it->` yields a temporary
      std::string saved = context_;
      context_ = absl::StrCat("source ", Quoted(name), ": ");
      declared_sources_.insert(name);
      LoadSource(name, s, Pos(it->first));
      context_ = saved;
    }
  }

  // junit `counters: check | trust-testcases` (issue 10).
  void LoadCounters(const YAML::Node& s, SourceSpec& spec) {
    if (spec.type != "junit") {
      AddError(KeyPos(s, "counters"),
               "\"counters\" is for junit sources (how a suite's own "
               "tests/failures counters are used)");
      return;
    }
    std::optional<std::string> v = Str(s["counters"], "counters");
    if (!v) return;
    if (*v == "trust-testcases") {
      spec.trust_testcase_counts = true;
    } else if (*v != "check") {
      AddError(Pos(s["counters"]),
               absl::StrCat("counters: expected check or trust-testcases, "
                            "got ", Quoted(*v)));
    }
  }

  void LoadSource(const std::string& name, const YAML::Node& s, FilePos pos) {
    if (!s.IsMap()) {
      AddError(Pos(s).line ? Pos(s) : pos,
               "expected a mapping such as { type: coverage, path: "
               "coverage.xml }, got a " + KindName(s));
      return;
    }
    CheckKeys(s, "a source", kSourceKeys);
    SourceSpec spec;
    spec.name = name;
    spec.pos = pos;
    if (!s["type"]) {
      AddError(pos, "missing key \"type\" (expected one of: " +
                        absl::StrJoin(SupportedSourceTypes(), ", ") + ")");
      return;
    }
    std::optional<std::string> type = Str(s["type"], "type");
    if (!type) return;
    spec.type = *type;
    const auto& supported = SupportedSourceTypes();
    if (std::find(supported.begin(), supported.end(), spec.type) ==
        supported.end()) {
      if (IsPlannedSourceType(spec.type)) {
        AddError(Pos(s["type"]),
                 absl::StrCat("source type ", Quoted(spec.type),
                              " is not supported by this version yet "
                              "(supported: ",
                              absl::StrJoin(supported, ", "), ")"));
      } else {
        std::string hint = DidYouMean(spec.type, supported);
        AddError(Pos(s["type"]),
                 absl::StrCat("unknown source type ", Quoted(spec.type),
                              hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                              " (expected one of: ",
                              absl::StrJoin(supported, ", "), ")"));
      }
      return;
    }
    if (spec.type == "env" || spec.type == "command") {
      LoadDeployCheckSource(s, pos, spec);
    } else if (spec.is_http()) {
      LoadHttpSource(s, pos, spec);
    } else if (spec.is_artifact()) {
      for (const char* k : {"url", "headers", "bearer_token_file",
                            "basic_auth", "timeout", "tls", "method", "body"}) {
        if (!s[k]) continue;
        AddError(KeyPos(s, k), absl::StrCat("\"", k, "\" is for prometheus "
                                            "and http sources; a ", spec.type,
                                            " source reads \"path\""));
      }
      if (spec.type != "json" && s["values"]) {
        AddError(KeyPos(s, "values"),
                 absl::StrCat("\"values\" is for json and http sources; a ",
                              spec.type, " source yields: ",
                              absl::StrJoin(ArtifactMetrics(spec.type), ", ")));
      }
      if (!s["path"]) {
        AddError(pos, absl::StrCat("missing key \"path\": a ", spec.type,
                                   " source reads an artifact file"));
        return;
      }
      LoadFindingsKeys(s, spec);
      if (s["path"].IsSequence() &&
          (spec.type == "mutation" || spec.type == "security")) {
        LoadPathList(s["path"], spec);
      } else if (auto p = Str(s["path"], "path")) {
        spec.path = *p;
        if (spec.path.empty()) {
          AddError(Pos(s["path"]), "path: expected a file path, got an empty string");
        }
      }
      if (s["baseline"]) LoadArtifactBaseline(s["baseline"], spec);
      if (s["counters"]) LoadCounters(s, spec);
      if (spec.type == "json") {
        if (!s["values"]) {
          AddError(pos, "missing key \"values\": a json source yields the "
                        "metrics it names there, e.g. values: { events: "
                        "{ pointer: \"/events/*\", reduce: count } }");
        } else {
          LoadValues(s["values"], spec);
        }
      }
    } else {
      if (s["baseline"]) spec.baseline_offset = LiveBaseline(s["baseline"]);
      for (const char* k : {"path", "values", "method", "body"}) {
        if (s[k]) {
          AddError(KeyPos(s, k),
                   absl::StrCat("\"", k, "\" is for ",
                                std::string_view(k) == "path" ||
                                        std::string_view(k) == "baseline"
                                    ? "artifact"
                                : std::string_view(k) == "values"
                                    ? "json and http"
                                    : "http",
                                " sources; a prometheus source takes \"url\""));
        }
      }
      if (s["url"]) {
        if (s["url"].IsScalar()) spec.url_display = s["url"].Scalar();
        if (auto u = Str(s["url"], "url")) {
          spec.url = *u;
          if (spec.url.rfind("http://", 0) != 0 &&
              spec.url.rfind("https://", 0) != 0) {
            AddError(Pos(s["url"]), "url: expected an http:// or https:// URL "
                                    "of a server with the Prometheus HTTP API");
          }
        }
      }
      LoadConnection(s, spec);
    }
    out_.gate.sources[spec.name] = spec;
  }

  // type: env (required, patterns) and type: command (command, timeout,
  // env, dir, values, max_output). `path` is set to what reports show:
  // the names checked, or the command as written (${VAR} unexpanded).
  void LoadDeployCheckSource(const YAML::Node& s, FilePos pos,
                             SourceSpec& spec) {
    const bool env = spec.type == "env";
    const auto& allowed = env ? kEnvSourceKeys : kCommandSourceKeys;
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string k = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      if (std::find(kSourceKeys.begin(), kSourceKeys.end(), k) == kSourceKeys.end()) {
        continue;  // CheckKeys reported it
      }
      AddError(KeyPos(s, k.c_str()),
               absl::StrCat(Quoted(k), " is not a key of ",
                            env ? "an env" : "a command",
                            " source (its keys: ", absl::StrJoin(allowed, ", "),
                            ")"));
    }
    if (env) {
      if (!s["required"] || !s["required"].IsSequence() || s["required"].size() == 0) {
        AddError(s["required"] ? Pos(s["required"]) : pos,
                 "required: expected a non-empty list of environment "
                 "variable names, e.g. [DATABASE_URL, REDIS_URL]");
        return;
      }
      for (const YAML::Node& n : s["required"]) {
        std::optional<std::string> name = Str(n, "required");
        if (!name) continue;
        if (name->empty() || name->find('=') != std::string::npos) {
          AddError(Pos(n), absl::StrCat("required: ", Quoted(*name),
                                        " is not an environment variable name"));
          continue;
        }
        spec.required.push_back(*name);
      }
      if (s["patterns"]) {
        spec.patterns = StringMap(s["patterns"], "patterns");
        for (const auto& [name, pattern] : spec.patterns) {
          if (std::find(spec.required.begin(), spec.required.end(), name) ==
              spec.required.end()) {
            AddError(Pos(s["patterns"][name]),
                     absl::StrCat("patterns: ", Quoted(name),
                                  " is not in the required list"));
            continue;
          }
          RE2 re(pattern, RE2::Quiet);
          if (!re.ok()) {
            AddError(Pos(s["patterns"][name]),
                     absl::StrCat("patterns: ", Quoted(name), ": invalid "
                                  "regular expression: ", re.error()));
          }
        }
      }
      spec.path = absl::StrCat("environment: ", absl::StrJoin(spec.required, ", "));
      return;
    }
    const YAML::Node& cmd = s["command"];
    if (!cmd || !cmd.IsSequence() || cmd.size() == 0) {
      AddError(cmd ? Pos(cmd) : pos,
               "command: expected the command as a non-empty list, run "
               "without a shell, e.g. [aws, ecs, describe-services, "
               "--output, json]");
      return;
    }
    std::vector<std::string> shown;
    for (const YAML::Node& n : cmd) {
      std::optional<std::string> a = Str(n, "command");
      if (!a) continue;
      spec.argv.push_back(*a);
      shown.push_back(n.Scalar());
    }
    if (!spec.argv.empty() && spec.argv[0].empty()) {
      AddError(Pos(cmd[0]), "command: the program name is empty");
    }
    spec.path = absl::StrJoin(shown, " ");
    if (s["timeout"]) {
      if (auto d = Duration(s["timeout"], "timeout")) {
        if (*d <= absl::ZeroDuration()) {
          AddError(Pos(s["timeout"]), "timeout: expected a positive duration");
        } else {
          spec.timeout = *d;
        }
      }
    }
    if (s["env"]) spec.env = StringMap(s["env"], "env");
    if (s["dir"]) {
      if (auto d = Str(s["dir"], "dir")) spec.dir = *d;
    }
    if (s["max_output"]) {
      if (auto n = Count(s["max_output"], "max_output")) {
        spec.max_output = static_cast<size_t>(*n);
      }
    }
    if (s["values"]) LoadValues(s["values"], spec);
  }

  // path: [a, b/*.sarif]: several files summed into one source.
  void LoadPathList(const YAML::Node& n, SourceSpec& spec) {
    for (const YAML::Node& entry : n) {
      std::optional<std::string> p = Str(entry, "path");
      if (!p) continue;
      if (p->empty()) {
        AddError(Pos(entry), "path: expected a file path, got an empty string");
        continue;
      }
      spec.paths.push_back(*p);
    }
    if (spec.paths.empty()) {
      AddError(Pos(n), "path: expected a file path or a non-empty list of "
                       "them");
    }
    spec.path = absl::StrJoin(spec.paths, ", ");
  }

  // module_depth (mutation) and ignore (security).
  void LoadFindingsKeys(const YAML::Node& s, SourceSpec& spec) {
    if (s["module_depth"]) {
      if (spec.type != "mutation") {
        AddError(KeyPos(s, "module_depth"),
                 "\"module_depth\" is for mutation sources");
      } else if (auto d = Count(s["module_depth"], "module_depth")) {
        spec.module_depth = *d;
      }
    }
    if (!s["ignore"]) return;
    if (spec.type != "security") {
      AddError(KeyPos(s, "ignore"), "\"ignore\" is for security sources");
      return;
    }
    const YAML::Node& list = s["ignore"];
    if (!list.IsSequence()) {
      AddError(Pos(list), absl::StrCat("ignore: expected a list of { id, "
                                       "reason, path, expires }, got a ",
                                       KindName(list)));
      return;
    }
    static const std::vector<std::string> kIgnoreKeys = {"id", "path",
                                                         "reason", "expires"};
    for (const YAML::Node& e : list) {
      if (!e.IsMap()) {
        AddError(Pos(e), absl::StrCat("ignore: expected { id: CVE-… or rule "
                                      "id, reason: why }, got a ",
                                      KindName(e)));
        continue;
      }
      CheckKeys(e, "an ignore entry", kIgnoreKeys);
      IgnoreSpec ig;
      ig.pos = Pos(e);
      if (!e["id"]) {
        AddError(ig.pos, "ignore: missing key \"id\" (a rule id or CVE id)");
      } else if (auto id = Str(e["id"], "id")) {
        ig.id = *id;
        if (ig.id.empty()) AddError(Pos(e["id"]), "ignore: empty \"id\"");
      }
      if (!e["reason"]) {
        AddError(ig.pos, "ignore: missing key \"reason\" (why the finding "
                         "is accepted; shown in reports)");
      } else if (auto r = Str(e["reason"], "reason")) {
        ig.reason = *r;
        if (absl::StripAsciiWhitespace(ig.reason).empty()) {
          AddError(Pos(e["reason"]), "ignore: \"reason\" must not be empty");
        }
      }
      if (e["path"]) {
        if (auto p = Str(e["path"], "path")) ig.path = *p;
      }
      if (e["expires"]) {
        if (auto x = Str(e["expires"], "expires")) {
          absl::CivilDay day;
          if (x->size() == 10 && absl::ParseCivilTime(*x, &day) &&
              absl::FormatCivilTime(day) == *x) {
            ig.expires = day;
          } else {
            AddError(Pos(e["expires"]),
                     absl::StrCat("ignore: expires: expected a date "
                                  "YYYY-MM-DD, got ", Quoted(*x)));
          }
        }
      }
      spec.ignore.push_back(std::move(ig));
    }
  }

  // headers, bearer_token_file, basic_auth, timeout, tls: the connection
  // settings of prometheus and http sources.
  void LoadConnection(const YAML::Node& s, SourceSpec& spec) {
    if (s["headers"]) {
      spec.headers = StringMap(s["headers"], "headers");
      for (const auto& [k, v] : spec.headers) {
        if (!IsHeaderName(k)) {
          AddError(KeyPos(s["headers"], k),
                   absl::StrCat("headers: invalid header name ", Quoted(k),
                                " (letters, digits and !#$%&'*+-.^_`|~ only)"));
        } else if (v.find_first_of("\r\n") != std::string::npos) {
          AddError(Pos(s["headers"][k]),
                   absl::StrCat("headers: the value of ", Quoted(k),
                                " contains a line break"));
        }
      }
    }
    if (s["bearer_token_file"]) {
      if (auto f = Str(s["bearer_token_file"], "bearer_token_file")) {
        spec.bearer_token_file = *f;
      }
    }
    if (s["basic_auth"]) {
      const YAML::Node& b = s["basic_auth"];
      if (!b.IsMap()) {
        AddError(Pos(b), "basic_auth: expected { username: ..., "
                         "password_file: ... }");
      } else {
        CheckKeys(b, "basic_auth", kBasicAuthKeys);
        if (b["username"]) {
          if (auto u = Str(b["username"], "username")) spec.basic_auth_username = *u;
        }
        if (b["password_file"]) {
          if (auto f = Str(b["password_file"], "password_file")) {
            spec.basic_auth_password_file = *f;
          }
        }
        if (spec.basic_auth_username.empty() ||
            spec.basic_auth_password_file.empty()) {
          AddError(Pos(b), "basic_auth: needs both username and "
                           "password_file (the password is read from the "
                           "file, never written in the gate file)");
        }
      }
    }
    if (s["timeout"]) {
      if (auto d = Duration(s["timeout"], "timeout")) {
        if (*d <= absl::ZeroDuration()) {
          AddError(Pos(s["timeout"]), "timeout: expected a positive duration");
        } else {
          spec.timeout = *d;
        }
      }
    }
    if (s["tls"]) {
      const YAML::Node& t = s["tls"];
      if (!t.IsMap()) {
        AddError(Pos(t), "tls: expected { ca_file, cert_file, key_file, "
                         "insecure_skip_verify }");
      } else {
        CheckKeys(t, "tls", kTlsKeys);
        if (t["ca_file"]) {
          if (auto f = Str(t["ca_file"], "ca_file")) spec.ca_file = *f;
        }
        if (t["cert_file"]) {
          if (auto f = Str(t["cert_file"], "cert_file")) spec.cert_file = *f;
        }
        if (t["key_file"]) {
          if (auto f = Str(t["key_file"], "key_file")) spec.key_file = *f;
        }
        if (t["insecure_skip_verify"]) {
          if (auto b = Bool(t["insecure_skip_verify"], "insecure_skip_verify")) {
            spec.insecure_skip_verify = *b;
          }
        }
      }
    }
  }

  // An artifact source's `baseline:`: one file (a string), or a history
  // `{ dir: D, keep: N, compare: last|median|min|max }`.
  void LoadArtifactBaseline(const YAML::Node& n, SourceSpec& spec) {
    static const std::vector<std::string> kKeys = {"dir", "keep", "compare"};
    if (!n.IsMap()) {
      if (auto b = Str(n, "baseline")) spec.baseline = *b;
      if (n.IsScalar() && spec.baseline.empty()) {
        AddError(Pos(n), "baseline: expected a file path, got an empty string");
      }
      return;
    }
    CheckKeys(n, "baseline", kKeys);
    BaselineHistory h;
    h.pos = Pos(n);
    if (!n["dir"]) {
      AddError(Pos(n), "baseline: missing key \"dir\" (a history of "
                       "baselines: { dir: artifacts/baselines/perf, keep: 10, "
                       "compare: median })");
    } else if (auto d = Str(n["dir"], "baseline.dir")) {
      h.dir = *d;
      while (h.dir.size() > 1 && h.dir.back() == '/') h.dir.pop_back();
      if (h.dir.empty()) {
        AddError(Pos(n["dir"]), "baseline.dir: expected a directory, got an "
                                "empty string");
      }
    }
    if (n["keep"]) {
      if (auto k = Count(n["keep"], "baseline.keep")) {
        if (*k < 1) {
          AddError(Pos(n["keep"]), "baseline.keep: expected at least 1 (how "
                                   "many promoted artifacts the history keeps)");
        } else {
          h.keep = *k;
        }
      }
    }
    if (n["compare"]) {
      if (auto c = Str(n["compare"], "baseline.compare")) {
        static const std::vector<std::string> kCompare = {"last", "median",
                                                          "min", "max"};
        if (*c == "last") {
          h.compare = BaselineHistory::Compare::kLast;
        } else if (*c == "median") {
          h.compare = BaselineHistory::Compare::kMedian;
        } else if (*c == "min") {
          h.compare = BaselineHistory::Compare::kMin;
        } else if (*c == "max") {
          h.compare = BaselineHistory::Compare::kMax;
        } else {
          std::string hint = DidYouMean(*c, kCompare);
          AddError(Pos(n["compare"]),
                   absl::StrCat("baseline.compare: unknown ", Quoted(*c),
                                hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                                " (expected one of: last, median, min, max)"));
        }
      }
    }
    if (!h.dir.empty()) spec.history = std::move(h);
  }

  // A live baseline, `baseline: { offset: 1h }` on a prometheus source or a
  // rule: how long before the evaluation the same query gives the baseline.
  std::optional<absl::Duration> LiveBaseline(const YAML::Node& n) {
    static const std::vector<std::string> kKeys = {"offset"};
    if (!n.IsMap()) {
      AddError(Pos(n), absl::StrCat("baseline: expected a mapping { offset: 1h } "
                                    "(the same query evaluated that long "
                                    "before), got a ",
                                    KindName(n)));
      return std::nullopt;
    }
    CheckKeys(n, "baseline", kKeys);
    if (!n["offset"]) {
      AddError(Pos(n), "baseline: missing key \"offset\", e.g. "
                       "baseline: { offset: 1h }");
      return std::nullopt;
    }
    std::optional<absl::Duration> d = Duration(n["offset"], "baseline.offset");
    if (d && *d <= absl::ZeroDuration()) {
      AddError(Pos(n["offset"]), "baseline.offset: expected a positive "
                                 "duration such as 1h");
      return std::nullopt;
    }
    return d;
  }

  // An http source: url (required), method, body, connection settings and
  // optional values.
  void LoadHttpSource(const YAML::Node& s, FilePos pos, SourceSpec& spec) {
    for (const char* k : {"path", "baseline"}) {
      if (s[k]) {
        AddError(KeyPos(s, k), absl::StrCat("\"", k, "\" is for artifact "
                                            "sources; an http source takes "
                                            "\"url\""));
      }
    }
    spec.timeout = absl::Seconds(10);
    if (!s["url"]) {
      AddError(pos, "missing key \"url\": an http source GETs (or POSTs to) "
                    "an http:// or https:// URL");
    } else {
      if (s["url"].IsScalar()) spec.url_display = s["url"].Scalar();
      if (auto u = Str(s["url"], "url")) {
        spec.url = *u;
        if (spec.url.rfind("http://", 0) != 0 &&
            spec.url.rfind("https://", 0) != 0) {
          // The expanded URL may hold a token: not quoted back.
          AddError(Pos(s["url"]), "url: expected an http:// or https:// URL");
        }
      }
    }
    if (s["method"]) {
      if (auto m = Str(s["method"], "method")) {
        if (*m == "GET" || *m == "POST") {
          spec.method = *m;
        } else {
          AddError(Pos(s["method"]),
                   absl::StrCat("method: expected GET or POST, got ", Quoted(*m)));
        }
      }
    }
    if (s["body"]) {
      if (auto b = Str(s["body"], "body")) spec.body = *b;
      if (spec.method != "POST") {
        AddError(KeyPos(s, "body"), "body: only a POST request has a body "
                                    "(add method: POST)");
      }
    }
    LoadConnection(s, spec);
    if (s["values"]) LoadValues(s["values"], spec);
  }

  static bool IsMetricName(const std::string& s) {
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      bool ok = absl::ascii_isalpha(c) || c == '_' || c == ':' ||
                (i > 0 && absl::ascii_isdigit(c));
      if (!ok) return false;
    }
    return true;
  }

  // values: { METRIC: { pointer: "/a/*", reduce: count, match: "re" } } or
  // { METRIC: "/a/b" } (the one value at the pointer).
  void LoadValues(const YAML::Node& n, SourceSpec& spec) {
    if (!n.IsMap() || n.size() == 0) {
      AddError(Pos(n), "values: expected a mapping of metric names to "
                       "{ pointer: \"/...\", reduce: count|count_distinct|"
                       "sum|min|max|avg, match: REGEX }, got a" +
                           (n.IsMap() ? std::string("n empty mapping") : " " + KindName(n)));
      return;
    }
    static const std::vector<std::string> kValueKeys = {"pointer", "reduce",
                                                        "match"};
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node body = it->second;
      if (!key.IsScalar()) {
        AddError(Pos(key), "values: expected a metric name as the key");
        continue;
      }
      JsonValueSpec v;
      v.metric = key.Scalar();
      v.pos = Pos(key);
      if (!IsMetricName(v.metric)) {
        AddError(v.pos, absl::StrCat("values: ", Quoted(v.metric),
                                     " is not a metric name (letters, digits, "
                                     "_ and :, not starting with a digit)"));
        continue;
      }
      if (!seen.insert(v.metric).second) {
        AddError(v.pos, absl::StrCat("values: duplicate metric ",
                                     Quoted(v.metric)));
        continue;
      }
      if (spec.is_http() &&
          (v.metric == kHttpStatusMetric || v.metric == kHttpLatencyMetric)) {
        AddError(v.pos, absl::StrCat("values: ", Quoted(v.metric),
                                     " is yielded by every http source; "
                                     "pick another name"));
        continue;
      }
      std::string ctx = absl::StrCat("values ", Quoted(v.metric), ": ");
      YAML::Node pointer_node;
      if (body.IsScalar()) {
        pointer_node = body;
      } else if (body.IsMap()) {
        CheckKeys(body, absl::StrCat("values ", Quoted(v.metric)), kValueKeys);
        if (!body["pointer"]) {
          AddError(Pos(body), ctx + "missing key \"pointer\" (a JSON pointer "
                                    "such as \"/events/*/trace_id\")");
          spec.values.push_back(std::move(v));
          continue;
        }
        pointer_node = body["pointer"];
      } else {
        AddError(Pos(body), ctx + "expected a JSON pointer or { pointer: "
                                  "\"/...\", reduce: ..., match: ... }, got a " +
                                KindName(body));
        spec.values.push_back(std::move(v));
        continue;
      }
      std::optional<std::string> text = Str(pointer_node, ctx + "pointer");
      if (!text) {
        spec.values.push_back(std::move(v));
        continue;
      }
      size_t off = 0;
      absl::StatusOr<JsonPointer> p = ParseJsonPointer(*text, &off);
      bool ok = p.ok();
      if (!p.ok()) {
        AddError(PosIn(pointer_node, off),
                 absl::StrCat(ctx, "pointer: ", p.status().message()));
      } else {
        v.pointer = *std::move(p);
      }
      if (body.IsMap() && body["reduce"]) {
        if (auto r = Str(body["reduce"], ctx + "reduce")) {
          std::optional<JsonReduce> reduce = ParseJsonReduce(*r);
          if (reduce) {
            v.reduce = *reduce;
          } else {
            std::string hint = DidYouMean(*r, JsonReduceNames());
            AddError(Pos(body["reduce"]),
                     absl::StrCat(ctx, "unknown reduce ", Quoted(*r),
                                  hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                                  " (expected one of: ",
                                  absl::StrJoin(JsonReduceNames(), ", "), ")"));
            ok = false;
          }
        } else {
          ok = false;
        }
      } else if (ok && v.pointer.has_wildcard()) {
        AddError(Pos(body.IsMap() ? body : pointer_node),
                 absl::StrCat(ctx, "the pointer ", Quoted(v.pointer.text),
                              " has a \"*\" and may pick many values: add "
                              "reduce: one of ",
                              absl::StrJoin(JsonReduceNames(), ", ")));
        ok = false;
      }
      if (body.IsMap() && body["match"]) {
        if (auto m = Str(body["match"], ctx + "match")) {
          RE2 re(*m, RE2::Quiet);
          if (!re.ok()) {
            AddError(Pos(body["match"]),
                     absl::StrCat(ctx, "match: invalid regular expression: ",
                                  re.error()));
            ok = false;
          } else {
            v.match = *m;
          }
        } else {
          ok = false;
        }
      }
      // Kept when broken too (the gate is unusable then anyway), so rules
      // naming the metric get no second, misleading error.
      spec.values.push_back(std::move(v));
    }
  }

  void LoadGroups(const YAML::Node& n) {
    if (!n.IsSequence()) {
      AddError(Pos(n), "groups: expected a list of groups (- name: ...), "
                       "got a " + KindName(n));
      return;
    }
    std::set<std::string> names;
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node& gn = n[i];
      if (!gn.IsMap()) {
        AddError(Pos(gn), absl::StrCat("groups[", i, "]: expected a mapping "
                                       "with name and rules, got a ",
                                       KindName(gn)));
        continue;
      }
      RuleGroup group;
      group.pos = Pos(gn);
      if (!gn["name"]) {
        AddError(group.pos, absl::StrCat("groups[", i, "]: missing key "
                                         "\"name\""));
      } else if (auto s = Str(gn["name"], "group name")) {
        group.name = *s;
        if (group.name.empty()) {
          AddError(Pos(gn["name"]), "group name: expected a non-empty string");
        } else if (!names.insert(group.name).second) {
          AddError(Pos(gn["name"]), absl::StrCat("duplicate group name ",
                                                 Quoted(group.name)));
        }
      }
      std::string saved = context_;
      context_ = absl::StrCat("group ", Quoted(group.name), ": ");
      CheckKeys(gn, "a group", kGroupKeys);
      if (gn["interval"]) {
        if (auto d = Duration(gn["interval"], "interval")) group.interval = *d;
      }
      if (gn["query_offset"]) Duration(gn["query_offset"], "query_offset");
      if (gn["limit"]) {
        if (auto c = Count(gn["limit"], "limit")) group.limit = *c;
      }
      std::map<std::string, std::string> group_labels;
      if (gn["labels"]) group_labels = StringMap(gn["labels"], "labels");
      std::string group_source;
      if (gn["source"]) {
        if (auto s = Str(gn["source"], "source")) group_source = *s;
      }
      if (gn["labels"]) CheckLabelNames(gn["labels"], "labels");
      if (!gn["rules"] || gn["rules"].IsNull() ||
          (gn["rules"].IsSequence() && gn["rules"].size() == 0)) {
        // As Prometheus: a group without rules is valid.
        AddNote(!gn["rules"]         ? group.pos
                : gn["rules"].IsNull() ? KeyPos(gn, "rules")
                                       : Pos(gn["rules"]),
                "no rules");
      } else if (!gn["rules"].IsSequence()) {
        AddError(Pos(gn["rules"]), "rules: expected a list of rules, got a " +
                                       KindName(gn["rules"]));
      } else {
        const YAML::Node& rules = gn["rules"];
        for (size_t r = 0; r < rules.size(); ++r) {
          std::optional<Rule> rule =
              LoadRule(rules[r], group.name, r, group_source, group_labels);
          if (rule) group.rules.push_back(std::move(*rule));
        }
      }
      context_ = saved;
      out_.gate.groups.push_back(std::move(group));
    }
  }

  std::optional<Rule> LoadRule(const YAML::Node& rn, const std::string& group,
                               size_t index, const std::string& group_source,
                               const std::map<std::string, std::string>&
                                   group_labels) {
    std::string saved = context_;
    Rule rule;
    rule.group = group;
    rule.pos = Pos(rn);
    rule.policies = out_.gate.defaults;
    if (!rn.IsMap()) {
      AddError(Pos(rn), absl::StrCat("rule ", index + 1, ": expected a "
                                     "mapping with name (or alert), expr "
                                     "and criteria, got a ",
                                     KindName(rn)));
      return std::nullopt;
    }
    int naming = (rn["name"] ? 1 : 0) + (rn["alert"] ? 1 : 0) +
                 (rn["record"] ? 1 : 0);
    const char* name_key = rn["alert"] ? "alert" : rn["record"] ? "record" : "name";
    rule.kind = rn["alert"] ? Rule::Kind::kAlert
                : rn["record"] ? Rule::Kind::kRecord
                               : Rule::Kind::kGate;
    if (rn[name_key]) {
      if (auto s = Str(rn[name_key], name_key)) rule.name = *s;
    }
    context_ = absl::StrCat(saved, "rule ",
                            rule.name.empty() ? absl::StrCat(index + 1)
                                              : Quoted(rule.name),
                            ": ");
    CheckKeys(rn, "a rule", kRuleKeys);
    bool ok = true;
    ok = true;
    if (naming == 0) {
      AddError(rule.pos, "missing key \"name\" (or \"alert\" for a "
                         "Prometheus alerting rule)");
      ok = false;
    } else if (naming > 1) {
      AddError(rule.pos, "a rule has exactly one of \"name\", \"alert\" or "
                         "\"record\"");
      ok = false;
    } else if (rule.name.empty()) {
      AddError(Pos(rn[name_key]),
               absl::StrCat(name_key, ": expected a non-empty string"));
      ok = false;
    }
    // Source.
    std::string source_name = group_source;
    if (rn["source"]) {
      if (auto s = Str(rn["source"], "source")) source_name = *s;
    }
    const SourceSpec* source = ResolveSource(
        source_name, rn["source"] ? Pos(rn["source"]) : rule.pos);
    if (source == nullptr) ok = false;
    if (source != nullptr) rule.source = source->name;
    // Policies and plain fields.
    LoadPolicy(rn, &rule.policies);
    rule.labels = group_labels;
    if (rn["labels"]) {
      for (auto& [k, v] : StringMap(rn["labels"], "labels")) rule.labels[k] = v;
    }
    if (rn["annotations"]) rule.annotations = StringMap(rn["annotations"], "annotations");
    if (rn["labels"]) CheckLabelNames(rn["labels"], "labels");
    if (rn["annotations"]) CheckAnnotationNames(rn["annotations"]);
    if (rule.kind != Rule::Kind::kRecord) {
      for (const char* key : {"labels", "annotations"}) {
        if (rn[key]) CheckTemplates(rn[key], key);
      }
    }
    if (rule.kind == Rule::Kind::kRecord) {
      if (!CheckRecordingRule(rn, rule)) ok = false;
    }
    if (rule.kind == Rule::Kind::kGate && !rule.name.empty()) {
      auto [it, fresh] = rule_names_.emplace(rule.name, rule.pos);
      if (!fresh) {
        AddError(Pos(rn["name"]),
                 absl::StrCat("duplicate rule name ", Quoted(rule.name),
                              " (first at line ", it->second.line,
                              "): rule names identify results in reports, "
                              "state and actions"));
        ok = false;
      }
    }
    if (rn["description"]) {
      if (auto s = Str(rn["description"], "description")) rule.description = *s;
    }
    if (rule.kind == Rule::Kind::kAlert) {
      // Prometheus: severity comes from the labels; critical fails the gate.
      auto sev = rule.labels.find("severity");
      rule.policies.severity =
          sev != rule.labels.end() && sev->second == "critical" ? "critical"
                                                                : "warning";
      if (rn["severity"]) {
        AddError(Pos(rn["severity"]),
                 "an alerting rule takes its severity from labels.severity");
      }
    }
    for (const char* k : {"failure_limit", "consecutive_failure_limit",
                          "consecutive_error_limit"}) {
      if (!rn[k]) continue;
      if (auto c = Count(rn[k], k)) {
        (std::string_view(k) == "failure_limit" ? rule.failure_limit
         : std::string_view(k) == "consecutive_failure_limit"
             ? rule.consecutive_failure_limit
             : rule.consecutive_error_limit) = *c;
      }
    }
    // Criteria.
    struct CritKey {
      const char* key;
      std::vector<Criterion>* out;
    };
    for (CritKey ck : {CritKey{"pass", &rule.pass}, CritKey{"warn", &rule.warn},
                       CritKey{"fail", &rule.fail}}) {
      if (!rn[ck.key]) continue;
      LoadCriteria(rn[ck.key], ck.key, ck.out);
    }
    if (rule.kind != Rule::Kind::kGate && rule.has_criteria()) {
      AddError(rule.pos, absl::StrCat("a Prometheus ", name_key, " rule takes "
                                      "no pass/warn/fail; its expression is "
                                      "the condition"));
      ok = false;
    }
    // Durations.
    if (rn["for"]) {
      if (auto d = Duration(rn["for"], "for")) rule.for_duration = *d;
    }
    if (rn["keep_firing_for"]) {
      if (auto d = Duration(rn["keep_firing_for"], "keep_firing_for")) {
        rule.keep_firing_for = *d;
      }
    }
    if (source != nullptr && source->is_artifact() &&
        (rule.for_duration > absl::ZeroDuration() ||
         rule.keep_firing_for > absl::ZeroDuration())) {
      AddError(Pos(rn[rn["for"] ? "for" : "keep_firing_for"]),
               absl::StrCat("\"for\" and \"keep_firing_for\" need a live "
                            "source with history; source ",
                            Quoted(source->name),
                            source->is_http()
                                ? " is an http source, read once per evaluation"
                                : absl::StrCat(" is a ", source->type,
                                               " artifact")));
      ok = false;
    }
    // Expression.
    if (!rn["expr"]) {
      AddError(rule.pos, "missing key \"expr\"");
      ok = false;
    } else if (auto e = PromqlStr(rn["expr"], "expr")) {
      rule.expr = *e;
      rule.expr_pos = PosIn(rn["expr"], 0);
      YAML::Mark em = rn["expr"].Mark();
      if (em.pos >= 0 && static_cast<size_t>(em.pos) < text_.size() &&
          (text_[em.pos] == '|' || text_[em.pos] == '>')) {
        rule.expr_block = true;
        rule.expr_indent = rule.expr_pos.column - 1;
      }
      if (source != nullptr && !LoadExpr(rn["expr"], *source, &rule)) ok = false;
    } else {
      ok = false;
    }
    LoadUnit(rn, &rule);
    const bool criteria_written = rn["pass"] || rn["warn"] || rn["fail"];
    if (ok && rule.kind == Rule::Kind::kGate && !criteria_written &&
        !rule.condition.has_value()) {
      AddError(rule.pos,
               "no criteria: add pass/warn/fail (e.g. pass: \">= 90\") or end "
               "expr with a comparison (e.g. expr: ... > 0.05)");
      ok = false;
    }
    if (ok && rule.condition.has_value() && criteria_written) {
      AddError(Pos(rn["expr"]),
               "expr ends in a comparison and the rule also has "
               "pass/warn/fail: use one or the other");
      ok = false;
    }
    if (ok && source != nullptr && source->is_artifact()) {
      for (const auto* list : {&rule.pass, &rule.warn, &rule.fail}) {
        for (const auto& c : *list) {
          if (c.relative() && source->baseline.empty() && !source->history) {
            AddError(rule.pos,
                     absl::StrCat("criterion ", Quoted(c.text),
                                  " is relative to a baseline, but source ",
                                  Quoted(source->name),
                                  " has no \"baseline\" file"));
            ok = false;
          }
        }
      }
    }
    if (rn["baseline"]) {
      if (source != nullptr && source->is_artifact()) {
        AddError(KeyPos(rn, "baseline"),
                 absl::StrCat("a rule's \"baseline\" ({ offset: 1h }) is for "
                              "rules of prometheus sources; source ",
                              Quoted(source->name), " is a ", source->type,
                              " artifact: give the source a baseline file or "
                              "history"));
        ok = false;
      } else {
        rule.baseline_offset = LiveBaseline(rn["baseline"]);
        if (!rule.baseline_offset) ok = false;
      }
    }
    // Live relative criteria compare with the same query at an earlier
    // moment (the rule's or source's baseline offset, or --baseline-at); a
    // `for` window would need a baseline per step.
    if (ok && source != nullptr && !source->is_artifact() &&
        rule.has_relative_criteria() &&
        (rule.for_duration > absl::ZeroDuration() ||
         rule.keep_firing_for > absl::ZeroDuration())) {
      AddError(Pos(rn[rn["for"] ? "for" : "keep_firing_for"]),
               "\"for\" and \"keep_firing_for\" cannot be combined with a "
               "relative criterion (its baseline is one earlier moment, not "
               "one per step): compare with offset in the query instead");
      ok = false;
    }
    context_ = saved;
    if (!ok) return std::nullopt;
    return rule;
  }

  // Label names as Prometheus 3 takes them (UTF-8: any non-empty name),
  // but never __name__.
  void CheckLabelNames(const YAML::Node& map, std::string_view what) {
    if (!map.IsMap()) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) continue;
      const std::string& k = key.Scalar();
      if (k.empty() || k == "__name__") {
        AddError(Pos(key), absl::StrCat(Sv(what), ": invalid label name ",
                                        Quoted(k),
                                        k.empty() ? " (empty)"
                                                  : " (the metric name is not "
                                                    "a label to set here)"));
      }
    }
  }

  void CheckAnnotationNames(const YAML::Node& map) {
    if (!map.IsMap()) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (key.IsScalar() && key.Scalar().empty()) {
        AddError(Pos(key), "annotations: invalid annotation name \"\" (empty)");
      }
    }
  }

  // Label and annotation values are Go templates (Prometheus expands them
  // for alerting rules): each must parse.
  void CheckTemplates(const YAML::Node& map, std::string_view what) {
    if (!map.IsMap()) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (!key.IsScalar() || !value.IsScalar()) continue;
      std::optional<TemplateProblem> p = CheckAlertTemplate(value.Scalar());
      if (!p) continue;
      AddError(PosIn(value, p->offset),
               absl::StrCat(Sv(what), " ", Quoted(key.Scalar()),
                            ": template does not parse: ", p->message));
    }
  }

  // What Prometheus rejects in a recording rule: for, keep_firing_for,
  // annotations, and a name that is not a metric name.
  bool CheckRecordingRule(const YAML::Node& rn, const Rule& rule) {
    bool ok = true;
    for (const char* k : {"for", "keep_firing_for", "annotations"}) {
      if (!rn[k]) continue;
      AddError(KeyPos(rn, k),
               absl::StrCat("invalid field \"", k, "\" in a recording rule ",
                            "(only alerting rules have it)"));
      ok = false;
    }
    const std::string& name = rule.name;
    if (name.empty()) return ok;
    if (name.find_first_of("{}") != std::string::npos) {
      AddError(Pos(rn["record"]),
               absl::StrCat("invalid recording rule name ", Quoted(name),
                            ": braces in the name; should they be in expr?"));
      return false;
    }
    if (!IsMetricName(name)) {
      AddError(Pos(rn["record"]),
               absl::StrCat("invalid recording rule name ", Quoted(name),
                            " (a metric name: letters, digits, _ and :, not "
                            "starting with a digit)"));
      return false;
    }
    return ok;
  }

  void LoadCriteria(const YAML::Node& n, const char* key,
                    std::vector<Criterion>* out) {
    std::vector<YAML::Node> items;
    if (n.IsSequence()) {
      for (size_t i = 0; i < n.size(); ++i) items.push_back(n[i]);
      if (items.empty()) {
        AddError(Pos(n), absl::StrCat(key, ": expected at least one "
                                      "criterion, e.g. \">= 90\""));
      }
    } else {
      items.push_back(n);
    }
    for (const YAML::Node& item : items) {
      if (!item.IsScalar()) {
        AddError(Pos(item), absl::StrCat(key, ": expected a criterion such as "
                                         "\">= 90\" or a list of them, got a ",
                                         KindName(item)));
        continue;
      }
      std::optional<std::string> s = Str(item, key);
      if (!s) continue;
      size_t off = 0;
      absl::StatusOr<Criterion> c = ParseCriterion(*s, &off);
      if (!c.ok()) {
        AddError(PosIn(item, off),
                 absl::StrCat(key, ": ", c.status().message()));
        continue;
      }
      out->push_back(*std::move(c));
    }
  }

  // A condition's threshold is a finite number (issue 10: `> 1e400` or
  // `< NaN` would never, or always, hold).
  bool FiniteCondition(const YAML::Node& node, const Rule& rule) {
    if (!rule.condition.has_value() ||
        std::isfinite(rule.condition->threshold)) {
      return true;
    }
    AddError(PosIn(node, rule.condition->offset),
             absl::StrCat("expr: the comparison's number (",
                          FormatNumber(rule.condition->threshold),
                          ") is not finite: a threshold must lie within "
                          "±1.8e308, or the condition never (or always) "
                          "holds"));
    return false;
  }

  bool LoadExpr(const YAML::Node& node, const SourceSpec& source, Rule* rule) {
    if (!source.is_artifact()) {
      SplitExpr split = SplitTopLevelComparison(rule->expr);
      rule->query = split.query;
      rule->condition = split.comparison;
      if (rule->query.empty()) {
        AddError(Pos(node), "expr: empty expression");
        return false;
      }
      return FiniteCondition(node, *rule);
    }
    ExprError err;
    absl::StatusOr<ParsedExpr> parsed = ParseExpr(rule->expr, &err);
    if (!parsed.ok()) {
      AddError(PosIn(node, err.offset),
               absl::StrCat("expr: ", err.message.empty()
                                          ? std::string(parsed.status().message())
                                          : err.message));
      return false;
    }
    bool ok = true;
    const std::vector<std::string> known = SourceMetrics(source);
    for (const auto& [metric, offset] : ReferencedMetrics(*parsed->root)) {
      if (std::find(known.begin(), known.end(), metric) != known.end()) continue;
      std::string hint = DidYouMean(metric, known);
      AddError(PosIn(node, offset),
               absl::StrCat("expr: unknown metric ", Quoted(metric), " for ",
                            source.is_http() ? "an " : "a ", source.type,
                            " source",
                            hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                            " (", source.type, " yields: ",
                            absl::StrJoin(known, ", "), ")"));
      ok = false;
    }
    rule->parsed = *parsed;
    rule->condition = parsed->comparison;
    rule->query = ExprToString(*parsed->root);
    return FiniteCondition(node, *rule) && ok;
  }

  // The source a rule reads: its own, its group's, the only one declared, or
  // the implicit Prometheus source of a plain Prometheus rule file.
  const SourceSpec* ResolveSource(const std::string& wanted, FilePos pos) {
    auto& sources = out_.gate.sources;
    if (!wanted.empty()) {
      auto it = sources.find(wanted);
      if (it != sources.end()) return &it->second;
      // Declared but broken: its own error is already reported.
      if (declared_sources_.count(wanted)) return nullptr;
      std::vector<std::string> names(declared_sources_.begin(),
                                     declared_sources_.end());
      std::string hint = DidYouMean(wanted, names);
      AddError(pos, absl::StrCat(
                        "source ", Quoted(wanted), " is not declared",
                        hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                        names.empty()
                            ? " (the gate declares no sources)"
                            : " (declared: " + absl::StrJoin(names, ", ") + ")"));
      return nullptr;
    }
    if (sources.size() == 1) return &sources.begin()->second;
    if (sources.empty()) {
      // A plain Prometheus rule file: the server comes from --prometheus or
      // PROMETHEUS_URL at run time.
      SourceSpec prom;
      prom.name = "prometheus";
      prom.type = "prometheus";
      sources[prom.name] = prom;
      return &sources[prom.name];
    }
    const SourceSpec* only_prom = nullptr;
    int proms = 0;
    std::vector<std::string> names;
    for (const auto& [n, s] : sources) {
      names.push_back(n);
      if (!s.is_artifact()) {
        ++proms;
        only_prom = &s;
      }
    }
    if (proms == 1) return only_prom;
    AddError(pos, absl::StrCat("the rule names no source and the gate "
                               "declares several; add source: one of ",
                               absl::StrJoin(names, ", ")));
    return nullptr;
  }

  // exec as a list, or as a mapping with `command:` and options.
  void LoadExecArgv(const YAML::Node& body, ActionSpec& a) {
    if (!body.IsSequence() || body.size() == 0) {
      AddError(Pos(body), "exec: expected a command as a list of "
                          "arguments, e.g. [\"aws\", \"ecs\", ...]");
      return;
    }
    for (size_t j = 0; j < body.size(); ++j) {
      if (auto s = Str(body[j], "exec argument")) {
        a.argv.push_back(*s);
        // Like url and headers: the spool keeps `${TOKEN}`, not its value.
        if (body[j].Scalar().find('$') != std::string::npos) {
          a.templates[absl::StrCat("argv.", a.argv.size() - 1)] =
              body[j].Scalar();
        }
      }
    }
  }

  // The options of webhook, alertmanager and exec (mapping form), validated
  // here so a bad value is reported at its file:line:col; stored flattened
  // in ActionSpec::settings (`headers: {X: y}` as "headers.X").
  void LoadActionBody(const YAML::Node& body, ActionSpec& a) {
    const std::string& k = a.kind;
    if (k == "exec" && !body.IsMap()) {
      LoadExecArgv(body, a);
      return;
    }
    if (!body.IsMap()) {
      AddError(Pos(body), absl::StrCat(k, ": expected a mapping such as "
                                       "{ url: ... }"));
      return;
    }
    const std::vector<std::string>& allowed =
        k == "webhook" ? kWebhookKeys
                       : k == "alertmanager" ? kAlertmanagerKeys : kExecKeys;
    CheckKeys(body, absl::StrCat("a ", k, " action"), allowed);
    for (auto it = body.begin(); it != body.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (!key.IsScalar()) continue;
      const std::string& name = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        continue;  // reported by CheckKeys
      }
      if (name == "command") {
        LoadExecArgv(value, a);
      } else if (name == "headers") {
        if (!value.IsMap()) {
          AddError(Pos(value), "headers: expected a mapping of header names "
                               "to values, got a " + KindName(value));
          continue;
        }
        for (auto h = value.begin(); h != value.end(); ++h) {
          const YAML::Node hk = h->first;
          if (!hk.IsScalar() || !IsHeaderName(hk.Scalar())) {
            AddError(Pos(hk), absl::StrCat(
                "headers: invalid header name ",
                Quoted(hk.IsScalar() ? hk.Scalar() : std::string("?")),
                " (letters, digits and !#$%&'*+-.^_`|~ only)"));
            continue;
          }
          if (auto v = Str(h->second, "header value")) {
            if (v->find_first_of("\r\n") != std::string::npos) {
              AddError(Pos(h->second), absl::StrCat(
                  "headers: the value of ", Quoted(hk.Scalar()),
                  " contains a line break"));
              continue;
            }
            a.settings["headers." + hk.Scalar()] = *v;
            if (h->second.Scalar().find('$') != std::string::npos) {
              a.templates["headers." + hk.Scalar()] = h->second.Scalar();
            }
          }
        }
      } else if (auto v = Str(value, name)) {
        if (ValidActionOption(name, *v, Pos(value))) a.settings[name] = *v;
        if (name == "url" && value.Scalar().find('$') != std::string::npos) {
          a.templates[name] = value.Scalar();
        }
      }
    }
    if (k == "exec") {
      if (!body["command"]) {
        AddError(Pos(body), "exec: missing key \"command\" (the command as a "
                            "list of arguments)");
      }
      return;
    }
    if (!body["url"]) {
      AddError(Pos(body), absl::StrCat(k, ": missing key \"url\""));
    }
    if (body["signing_key_env"] && body["signing_key_file"]) {
      AddError(Pos(body["signing_key_file"]),
               "signing_key_env and signing_key_file: give one, not both");
    }
  }

  static bool IsHeaderName(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
          std::string_view("!#$%&'*+-.^_`|~").find(c) ==
              std::string_view::npos) {
        return false;
      }
    }
    return true;
  }

  // Checks one scalar option; reports at `pos` and returns false when bad.
  // Values are never quoted back for url (it may hold a token).
  bool ValidActionOption(const std::string& name, const std::string& v,
                         FilePos pos) {
    if (name == "url") {
      if (!absl::StartsWith(v, "http://") && !absl::StartsWith(v, "https://")) {
        AddError(pos, "url: expected an http:// or https:// URL");
        return false;
      }
    } else if (name == "format") {
      if (v != "json" && v != "slack" && v != "alertmanager") {
        AddError(pos, absl::StrCat("format: expected one of json, slack, "
                                   "alertmanager, got ", Quoted(v)));
        return false;
      }
    } else if (name == "timeout" || name == "max_duration") {
      absl::StatusOr<absl::Duration> d = ParsePromDuration(v);
      if (!d.ok()) {
        AddError(pos, absl::StrCat(name, ": ", d.status().message()));
        return false;
      }
      if (*d <= absl::ZeroDuration()) {
        AddError(pos, absl::StrCat(name, ": must be greater than 0"));
        return false;
      }
    } else if (name == "max_attempts") {
      int n = 0;
      if (!absl::SimpleAtoi(v, &n) || n < 1 || n > 100) {
        AddError(pos, absl::StrCat("max_attempts: expected an integer from 1 "
                                   "to 100, got ", Quoted(v)));
        return false;
      }
    } else if (name == "signing_key_env") {
      if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) {
            return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                   c == '_';
          })) {
        AddError(pos, absl::StrCat("signing_key_env: expected the name of an "
                                   "environment variable, got ", Quoted(v)));
        return false;
      }
    } else if (name == "signing_key_file" || name == "name") {
      if (v.empty()) {
        AddError(pos, absl::StrCat(name, ": must not be empty"));
        return false;
      }
    }
    return true;
  }

  void LoadActions(const YAML::Node& n) {
    if (!n.IsSequence()) {
      AddError(Pos(n), "actions: expected a list of actions (- on: fail ...), "
                       "got a " + KindName(n));
      return;
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node& an = n[i];
      std::string saved = context_;
      context_ = absl::StrCat("action ", i + 1, ": ");
      if (!an.IsMap()) {
        AddError(Pos(an), "expected a mapping with on and one of webhook, "
                          "alertmanager, exec, got a " + KindName(an));
        context_ = saved;
        continue;
      }
      CheckKeys(an, "an action", kActionKeys);
      ActionSpec a;
      a.pos = Pos(an);
      if (!an["on"]) {
        AddError(a.pos, "missing key \"on\" (expected one of: " +
                            absl::StrJoin(kActionOn, ", ") + ")");
      } else if (auto s = Str(an["on"], "on")) {
        a.on = *s;
        if (std::find(kActionOn.begin(), kActionOn.end(), a.on) ==
            kActionOn.end()) {
          AddError(Pos(an["on"]), absl::StrCat("on: expected one of ",
                                               absl::StrJoin(kActionOn, ", "),
                                               ", got ", Quoted(a.on)));
        }
      }
      int kinds = 0;
      for (const char* k : {"webhook", "alertmanager", "exec"}) {
        if (!an[k]) continue;
        ++kinds;
        a.kind = k;
        LoadActionBody(an[k], a);
      }
      if (kinds != 1) {
        AddError(a.pos, "an action has exactly one of webhook, alertmanager, "
                        "exec");
      }
      out_.gate.actions.push_back(std::move(a));
      context_ = saved;
    }
  }

  std::string file_;
  std::string_view text_;
  const VarLookup& vars_;
  std::string context_;
  std::set<std::string> declared_sources_;
  std::map<std::string, FilePos> rule_names_;  // native rules, first seen
  std::set<int> merge_visited_;  // ResolveMergeKeys: collections by offset
  const GateOverlay* overlay_ = nullptr;
  bool overlay_mode_ = false;
  LoadedGate out_;
};

}  // namespace

namespace {

// Report in file order, as a reader fixes them.
void SortByPosition(std::vector<GateError>& errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const GateError& a, const GateError& b) {
                     return std::make_pair(a.pos.line, a.pos.column) <
                            std::make_pair(b.pos.line, b.pos.column);
                   });
}

// A file that cannot be read: one error (no position: there is no text).
std::optional<GateError> ReadText(const std::string& path, FileReader& reader,
                                  std::string_view what, std::string* text) {
  // A gate file is small: 16 MiB is far beyond any real one, and /dev/zero
  // or an endless pipe stops there instead of growing without bound.
  constexpr size_t kMaxGateFileBytes = size_t{16} << 20;
  absl::StatusOr<std::string> read = reader.ReadFileAtMost(path, kMaxGateFileBytes);
  if (read.ok()) {
    *text = *std::move(read);
    return std::nullopt;
  }
  std::string msg(read.status().message());
  // The reader's message starts with the path; don't repeat it.
  if (msg.rfind(path + ": ", 0) == 0) msg = msg.substr(path.size() + 2);
  return GateError{path, {}, absl::StrCat("cannot read ", Sv(what), ": ", msg)};
}

}  // namespace

LoadedGate ParseGate(std::string_view file_name, std::string_view text,
                     const VarLookup& vars, const GateOverlay* overlay) {
  Loader loader(file_name, text, vars, overlay);
  LoadedGate out = loader.Run();
  SortByPosition(out.errors);
  SortByPosition(out.notes);
  out.gate.sha256 = Sha256Hex(text);
  return out;
}

LoadedOverlay ParseOverlay(std::string_view file_name, std::string_view text,
                           const VarLookup& vars) {
  Loader loader(file_name, text, vars);
  LoadedOverlay out = loader.RunOverlay();
  SortByPosition(out.errors);
  return out;
}

LoadedOverlay LoadOverlayFile(const std::string& path, FileReader& reader,
                              const VarLookup& vars) {
  std::string text;
  if (std::optional<GateError> e = ReadText(path, reader, "actions file", &text)) {
    LoadedOverlay out;
    out.overlay.path = path;
    out.errors.push_back(*std::move(e));
    return out;
  }
  return ParseOverlay(path, text, vars);
}

LoadedGate LoadGateFile(const std::string& path, FileReader& reader,
                        const VarLookup& vars, const GateOverlay* overlay) {
  std::string text;
  if (std::optional<GateError> e = ReadText(path, reader, "gate file", &text)) {
    LoadedGate out;
    out.gate.path = path;
    out.errors.push_back(*std::move(e));
    return out;
  }
  return ParseGate(path, text, vars, overlay);
}

}  // namespace aurora
