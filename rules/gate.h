// File: rules/gate.h
// The gate-file model: immutable values loaded from YAML (rules/gate_loader.h).
// A gate file is shaped like a Prometheus rule file, so a plain Prometheus
// alerting-rule file is a valid gate file. Runtime state lives elsewhere.
#ifndef AURORA_RULES_GATE_H_
#define AURORA_RULES_GATE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "rules/criterion.h"
#include "base/units.h"
#include "rules/action_trigger.h"
#include "rules/expr.h"
#include "rules/json_value_spec.h"
#include "rules/outcome.h"
#include "rules/source_type.h"

namespace aurora {

// 1-based position in a gate file.
struct FilePos {
  int line = 0;
  int column = 0;
};

// Per-rule policies; a gate's `defaults:` fills what a rule leaves out.
struct Policies {
  Outcome no_data = Outcome::kInconclusive;  // the expression selected nothing
  Outcome nan = Outcome::kInconclusive;      // a series value is NaN
  // Whether no_data / nan were written (on the rule or in `defaults:`): an
  // alerting rule without them follows Prometheus (no series, or a
  // comparison meeting NaN, is simply not firing).
  bool no_data_set = false;
  bool nan_set = false;
  bool series_any = false;                   // series: any (default all)
  std::string severity = "critical";         // critical | warning | info
  bool dry_run = false;
};

// One metric a `json` or `http` source yields (`values:` entry).
struct JsonValueSpec {
  std::string metric;  // the `values:` key: the metric name in expressions
  JsonPointer pointer;
  JsonReduce reduce = JsonReduce::kSingle;
  std::string match;  // RE2 full match on string values; empty: no filter
  FilePos pos;
};

// One `ignore:` entry of a security source: findings of rule/CVE `id` (in
// files matching `path`, a glob; empty = anywhere) are counted apart, with
// `reason`, until the end of the `expires` day (UTC; none = no end).
struct IgnoreSpec {
  std::string id;
  std::string path;
  std::string reason;
  std::optional<absl::CivilDay> expires;
  FilePos pos;
};

// `baseline: { dir: D, keep: N, compare: last|median|min|max }` on an
// artifact source: the last `keep` promoted artifacts in `dir` (written by
// `baseline update`, newest name last), compared per sample with their
// median, min, max or the newest one.
struct BaselineHistory {
  enum class Compare { kLast, kMedian, kMin, kMax };
  std::string dir;
  int keep = 10;
  Compare compare = Compare::kMedian;
  FilePos pos;
};

// "last", "median", "min", "max".
std::string_view CompareName(BaselineHistory::Compare c);

struct SourceSpec {
  std::string name;
  SourceType type = SourceType::kPrometheus;
  std::string path;      // artifact path (junit: a glob is allowed)
  std::string baseline;  // artifact baseline path, empty when none
  // artifact: a history of baselines instead of one file (then `baseline`
  // is empty).
  std::optional<BaselineHistory> history;
  // prometheus: `baseline: { offset: 1h }`: relative criteria of its rules
  // compare with the same query evaluated this long before (a rule's own
  // offset wins; --baseline-at wins over both).
  std::optional<absl::Duration> baseline_offset;
  // mutation, security: `path` given as a list (every entry a file or glob;
  // `path` then holds them joined with ", " for display).
  std::vector<std::string> paths;
  // mutation: depth of the `module` label (0 = the file's directory).
  int module_depth = 0;
  // security: findings counted apart (security_findings_ignored).
  std::vector<IgnoreSpec> ignore;
  std::string url;       // prometheus, http: URL (expanded; may hold secrets);
                         // prometheus, empty: --prometheus / PROMETHEUS_URL
  std::string url_display;  // the URL as written, ${VAR} unexpanded
  // http: the request. `body` only with POST.
  std::string method = "GET";
  std::string body;
  // json, http: the metrics picked from the JSON document, in file order.
  std::vector<JsonValueSpec> values;
  // prometheus, http: connection settings. Header values and secrets may
  // come from ${VAR}; they are never shown in reports or logs.
  std::map<std::string, std::string> headers;
  std::string bearer_token_file;  // read at run time: "Authorization: Bearer ..."
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  absl::Duration timeout = absl::Seconds(30);
  std::string ca_file, cert_file, key_file;
  bool insecure_skip_verify = false;
  // env: names that must be set and non-empty; optional RE2 patterns a
  // value must match in full. Values are never kept, shown or logged.
  std::vector<std::string> required;
  std::map<std::string, std::string> patterns;
  // command: argv run without a shell (argv[0] looked up in PATH), extra
  // environment (values may hold secrets: never shown), working directory,
  // a wall-clock `timeout` (above), and at most `max_output` bytes of stdout
  // kept; `values` pick metrics from stdout when it is JSON.
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string dir;
  size_t max_output = 16 << 20;
  // junit `counters: trust-testcases`: a suite whose own tests/failures
  // counters claim more than its testcases is a warning, not inconclusive.
  bool trust_testcase_counts = false;
  FilePos pos;

  bool has_baseline() const {
    return !baseline.empty() || history.has_value() || baseline_offset.has_value();
  }

  // Evaluated here from samples read once per run (artifact files, json
  // files, http endpoints), as opposed to queries a Prometheus server runs.
  bool is_artifact() const { return type != SourceType::kPrometheus; }
  bool is_http() const { return type == SourceType::kHttp; }
  // Read from artifact file(s) at `path`: not prometheus, http, env or
  // command.
  bool reads_file() const {
    return is_artifact() && !is_http() && type != SourceType::kEnv &&
           type != SourceType::kCommand;
  }
};

struct Rule {
  enum class Kind { kGate, kAlert, kRecord };
  Kind kind = Kind::kGate;
  std::string name;       // `name`, `alert` or `record`
  std::string group;
  std::string source;     // resolved source name (never empty after loading)
  std::string expr;       // as written (after ${VAR} expansion)
  // The query: expr without a split-off top-level comparison.
  std::string query;
  ParsedExpr parsed;      // artifact sources only (root null otherwise)
  // Top-level comparison (`... > 0.05`): the firing condition.
  std::optional<ParsedExpr::Comparison> condition;
  std::vector<Criterion> pass, warn, fail;
  absl::Duration for_duration = absl::ZeroDuration();
  absl::Duration keep_firing_for = absl::ZeroDuration();
  Policies policies;
  int failure_limit = -1;              // watch mode; -1 = unset
  int consecutive_failure_limit = -1;
  int consecutive_error_limit = -1;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string description;
  // What the values measure (`unit:`, else inferred from the query's metric
  // names, rules/unit_inference.h): how reports write them.
  Unit unit = Unit::kNone;
  // Live rules: `baseline: { offset: 1h }` (see SourceSpec::baseline_offset).
  std::optional<absl::Duration> baseline_offset;
  FilePos pos;
  // Where expr's text starts in the file, and whether it is a block scalar
  // (`|`, `>`: later lines start at the block's indentation), so errors a
  // server reports inside the expression can be placed in the file.
  FilePos expr_pos;
  bool expr_block = false;
  int expr_indent = 0;

  bool has_criteria() const {
    return !pass.empty() || !warn.empty() || !fail.empty();
  }
  bool has_relative_criteria() const {
    for (const auto* list : {&pass, &warn, &fail}) {
      for (const Criterion& c : *list) {
        if (c.relative()) return true;
      }
    }
    return false;
  }
};

struct RuleGroup {
  std::string name;
  absl::Duration interval = absl::ZeroDuration();  // 0 = gate default
  // Prometheus' `limit`: more alerts than this (0 = no limit) makes every
  // alerting rule of the group `error` ("exceeded limit of N with M alerts").
  int limit = 0;
  std::vector<Rule> rules;
  FilePos pos;
};

struct ActionSpec {
  ActionTrigger on = ActionTrigger::kFail;
  std::string kind;  // webhook | alertmanager | exec
  std::map<std::string, std::string> settings;  // flattened options
  // The settings written with ${VAR} (url, headers.*), as written: the
  // spool keeps these, not the secrets they expand to.
  std::map<std::string, std::string> templates;
  std::vector<std::string> argv;                // exec
  FilePos pos;
};

// `publish:` (check --push): a metric pushed under its own name, e.g. the
// runbook's aurora_test_coverage, from an expression over one artifact
// source's samples.
struct PublishSpec {
  std::string metric;  // a valid Prometheus metric name
  std::string source;
  std::string expr;
  ParsedExpr parsed;
  FilePos pos;
};

struct GateFile {
  std::string path;       // as given
  std::string sha256;     // of the file's bytes
  std::string name;       // `gate:`, else the file's base name without extension
  std::string title;
  std::map<std::string, SourceSpec> sources;
  Policies defaults;
  absl::Duration evaluation_interval = absl::Minutes(1);
  // Whether `evaluation_interval` was written; when not, live rules step at
  // the server's own global.evaluation_interval (as the server evaluating
  // the same file would), this default only when that cannot be read.
  bool evaluation_interval_set = false;
  std::vector<RuleGroup> groups;
  std::vector<ActionSpec> actions;
  std::vector<PublishSpec> publish;
  bool prometheus_rule_file = false;  // no aurora-gate keys at all
};

}  // namespace aurora

#endif  // AURORA_RULES_GATE_H_
