// File: rules/gate_loader_internal.h
// The gate-file loader's one class (Loader), shared by the files it is split
// into along its seams: gate_loader.cc (the run, top level, policies,
// publish), gate_loader_yaml.cc (YAML helpers: positions, typed values, merge
// keys, did-you-mean), gate_loader_sources.cc, gate_loader_rules.cc and
// gate_loader_actions.cc. Internal to rules/; the API is rules/gate_loader.h.
#ifndef AURORA_RULES_GATE_LOADER_INTERNAL_H_
#define AURORA_RULES_GATE_LOADER_INTERNAL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "rules/gate_loader.h"
#include "yaml-cpp/yaml.h"

namespace aurora::gate_loading {

// The keys each mapping may have (unknown ones get a did-you-mean error).
extern const std::vector<std::string> kTopKeys;
extern const std::vector<std::string> kSourceKeys;
extern const std::vector<std::string> kEnvSourceKeys;
extern const std::vector<std::string> kCommandSourceKeys;
extern const std::vector<std::string> kBasicAuthKeys;
extern const std::vector<std::string> kTlsKeys;
extern const std::vector<std::string> kPolicyKeys;
extern const std::vector<std::string> kGroupKeys;
extern const std::vector<std::string> kRuleKeys;
extern const std::vector<std::string> kActionKeys;
extern const std::vector<std::string> kWebhookKeys;
extern const std::vector<std::string> kAlertmanagerKeys;
extern const std::vector<std::string> kExecKeys;
extern const std::vector<std::string> kActionOn;

// Levenshtein distance, for "did you mean" hints on unknown keys.
size_t EditDistance(std::string_view a, std::string_view b);
// The closest of `options` to `word` (edit distance below 3), or "".
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& options);
std::string Quoted(std::string_view s);
// The file name without directory and extension: the gate's default name.
std::string BaseName(std::string_view path);

class Loader {
 public:
  Loader(std::string_view file_name, std::string_view text,
         const VarLookup& vars, const GateOverlay* overlay = nullptr)
      : file_(file_name), text_(text), vars_(vars), overlay_(overlay) {}

  // An actions file: `actions` and `sources` only (see GateOverlay).
  LoadedOverlay RunOverlay();

  LoadedGate Run();

 private:
  // YAML merge keys (`<<: *base`, `<<: [*a, *b]`), which yaml-cpp keeps as
  // a plain "<<" key and Go's yaml (Prometheus) resolves: the merged
  // mappings' keys are added where the mapping has no key of that name
  // (earlier merges win), in place, so positions stay those of the text.
  // Each collection once (an alias is the same node: no exponential walk of
  // nested aliases, no endless one of a recursive alias).
  void ResolveMergeKeys(YAML::Node n, int depth);

  void AddNote(FilePos pos, std::string message);

  // An actions file's top level.
  void LoadOverlayTop(const YAML::Node& root);

  // The --actions file's sources: added, replacing one of the same name.
  void ApplyOverlaySources();

  void ApplyOverlayActions();

  // ---- errors and positions ------------------------------------------------
  void AddError(FilePos pos, std::string message);

  static FilePos Pos(const YAML::Node& n);

  // Position of byte `offset` inside scalar `n`'s value.
  FilePos PosIn(const YAML::Node& n, size_t offset);

  // Position of key `key` in mapping `map` (of the map itself if absent).
  static FilePos KeyPos(const YAML::Node& map, std::string_view key);

  static std::string KindName(const YAML::Node& n);

  // Reports unknown and duplicate keys of mapping `n`.
  void CheckKeys(const YAML::Node& n, std::string_view what,
                 const std::vector<std::string>& allowed);

  // A string scalar with ${VAR} expanded; nullopt (and an error) otherwise.
  std::optional<std::string> Str(const YAML::Node& n, std::string_view what);
  // Str of `map[key]` into `out` when the key is there (an error, and `out`
  // unchanged, when it is not a string).
  void StrKey(const YAML::Node& map, const char* key, std::string& out);

  // Str for a PromQL expression: a variable's value is data, escaped inside
  // a quoted string and validated elsewhere (see ExpandVarsInPromql).
  std::optional<std::string> PromqlStr(const YAML::Node& n,
                                       std::string_view what);

  std::optional<absl::Duration> Duration(const YAML::Node& n,
                                         std::string_view what);

  std::optional<bool> Bool(const YAML::Node& n, std::string_view what);

  std::optional<int> Count(const YAML::Node& n, std::string_view what);

  std::map<std::string, std::string> StringMap(const YAML::Node& n,
                                               std::string_view what);

  // ---- policies --------------------------------------------------------------
  void LoadPolicy(const YAML::Node& map, Policies* p);

  // publish: { metric_name: { source: S, expr: E } } (check --push).
  void LoadPublish(const YAML::Node& n);

  // `unit:` as written (one of UnitNames(), did-you-mean on a typo), else
  // the unit the query's metric names say (rules/unit_inference.h).
  void LoadUnit(const YAML::Node& rn, Rule* rule);

  // ---- top level ---------------------------------------------------------------
  void LoadTop(const YAML::Node& root);

  void LoadSources(const YAML::Node& n);

  // junit `counters: check | trust-testcases` (issue 10).
  void LoadCounters(const YAML::Node& s, SourceSpec& spec);

  void LoadSource(const std::string& name, const YAML::Node& s, FilePos pos);

  // type: env (required, patterns) and type: command (command, timeout,
  // env, dir, values, max_output). `path` is set to what reports show:
  // the names checked, or the command as written (${VAR} unexpanded).
  void LoadDeployCheckSource(const YAML::Node& s, FilePos pos,
                             SourceSpec& spec);

  // path: [a, b/*.sarif]: several files summed into one source.
  void LoadPathList(const YAML::Node& n, SourceSpec& spec);

  // module_depth (mutation) and ignore (security).
  void LoadFindingsKeys(const YAML::Node& s, SourceSpec& spec);

  // headers, bearer_token_file, basic_auth, timeout, tls: the connection
  // settings of prometheus and http sources.
  void LoadConnection(const YAML::Node& s, SourceSpec& spec);

  // An artifact source's `baseline:`: one file (a string), or a history
  // `{ dir: D, keep: N, compare: last|median|min|max }`.
  void LoadArtifactBaseline(const YAML::Node& n, SourceSpec& spec);

  // A live baseline, `baseline: { offset: 1h }` on a prometheus source or a
  // rule: how long before the evaluation the same query gives the baseline.
  std::optional<absl::Duration> LiveBaseline(const YAML::Node& n);

  // An http source: url (required), method, body, connection settings and
  // optional values.
  void LoadHttpSource(const YAML::Node& s, FilePos pos, SourceSpec& spec);

  static bool IsMetricName(const std::string& s);

  // values: { METRIC: { pointer: "/a/*", reduce: count, match: "re" } } or
  // { METRIC: "/a/b" } (the one value at the pointer).
  void LoadValues(const YAML::Node& n, SourceSpec& spec);

  void LoadGroups(const YAML::Node& n);

  std::optional<Rule> LoadRule(const YAML::Node& rn, const std::string& group,
                               size_t index, const std::string& group_source,
                               const std::map<std::string, std::string>&
                                   group_labels);

  // Label names as Prometheus 3 takes them (UTF-8: any non-empty name),
  // but never __name__.
  void CheckLabelNames(const YAML::Node& map, std::string_view what);

  void CheckAnnotationNames(const YAML::Node& map);

  // Label and annotation values are Go templates (Prometheus expands them
  // for alerting rules): each must parse.
  void CheckTemplates(const YAML::Node& map, std::string_view what);

  // What Prometheus rejects in a recording rule: for, keep_firing_for,
  // annotations, and a name that is not a metric name.
  bool CheckRecordingRule(const YAML::Node& rn, const Rule& rule);

  void LoadCriteria(const YAML::Node& n, const char* key,
                    std::vector<Criterion>* out);

  // A condition's threshold is a finite number (issue 10: `> 1e400` or
  // `< NaN` would never, or always, hold).
  bool FiniteCondition(const YAML::Node& node, const Rule& rule);

  bool LoadExpr(const YAML::Node& node, const SourceSpec& source, Rule* rule);

  // The source a rule reads: its own, its group's, the only one declared, or
  // the implicit Prometheus source of a plain Prometheus rule file.
  const SourceSpec* ResolveSource(const std::string& wanted, FilePos pos);

  // exec as a list, or as a mapping with `command:` and options.
  void LoadExecArgv(const YAML::Node& body, ActionSpec& a);

  // The options of webhook, alertmanager and exec (mapping form), validated
  // here so a bad value is reported at its file:line:col; stored flattened
  // in ActionSpec::settings (`headers: {X: y}` as "headers.X").
  void LoadActionBody(const YAML::Node& body, ActionSpec& a);

  static bool IsHeaderName(const std::string& s);

  // Checks one scalar option; reports at `pos` and returns false when bad.
  // Values are never quoted back for url (it may hold a token).
  bool ValidActionOption(const std::string& name, const std::string& v,
                         FilePos pos);

  void LoadActions(const YAML::Node& n);

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

}  // namespace aurora::gate_loading

#endif  // AURORA_RULES_GATE_LOADER_INTERNAL_H_
