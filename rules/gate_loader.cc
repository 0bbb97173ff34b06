// File: rules/gate_loader.cc
// The gate-file loader's entry points and its run: top level, policies,
// publish (the rest of the class Loader is in the gate_loader_*.cc files).
#include "rules/gate_loader.h"

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

namespace gate_loading {

LoadedOverlay Loader::RunOverlay() {
  overlay_mode_ = true;
  LoadedGate g = Run();
  LoadedOverlay out;
  out.overlay.path = file_;
  out.overlay.sources = std::move(g.gate.sources);
  out.overlay.actions = std::move(g.gate.actions);
  out.errors = std::move(g.errors);
  return out;
}

LoadedGate Loader::Run() {
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

void Loader::AddNote(FilePos pos, std::string message) {
  out_.notes.push_back(GateError{file_, pos, context_ + message});
}

void Loader::LoadOverlayTop(const YAML::Node& root) {
  static const std::vector<std::string> kOverlayKeys = {"actions", "sources"};
  CheckKeys(root, "an actions file (--actions)", kOverlayKeys);
  if (!root["actions"] && !root["sources"]) {
    AddError(Pos(root), "an actions file needs \"actions\" (and may add "
                        "\"sources\"); rules belong in gate files");
  }
  if (root["sources"]) LoadSources(root["sources"]);
  if (root["actions"]) LoadActions(root["actions"]);
}

void Loader::ApplyOverlaySources() {
  for (const auto& [name, spec] : overlay_->sources) {
    out_.gate.sources[name] = spec;
    declared_sources_.insert(name);
  }
}

void Loader::ApplyOverlayActions() {
  out_.gate.actions.insert(out_.gate.actions.end(),
                           overlay_->actions.begin(),
                           overlay_->actions.end());
}

void Loader::LoadPolicy(const YAML::Node& map, Policies* p) {
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

void Loader::LoadPublish(const YAML::Node& n) {
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
                            " for ", Sv(SourceTypeName(src->second.type)), " source ", Quoted(*source)));
      ok = false;
    }
    if (!ok) continue;
    p.source = *source;
    p.expr = *expr;
    p.parsed = *std::move(parsed);
    out_.gate.publish.push_back(std::move(p));
  }
}

void Loader::LoadUnit(const YAML::Node& rn, Rule* rule) {
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

void Loader::LoadTop(const YAML::Node& root) {
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

}  // namespace gate_loading

namespace {

using gate_loading::Loader;

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
