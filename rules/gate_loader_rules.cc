// File: rules/gate_loader_rules.cc
// The loader's `groups:` and rules: Prometheus alerting/recording rules and gate rules, criteria, expressions, templates.
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

void Loader::LoadGroups(const YAML::Node& n) {
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

std::optional<Rule> Loader::LoadRule(const YAML::Node& rn, const std::string& group,
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
                              : absl::StrCat(" is a ", Sv(SourceTypeName(source->type)),
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
                            Quoted(source->name), " is a ", Sv(SourceTypeName(source->type)),
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

void Loader::CheckLabelNames(const YAML::Node& map, std::string_view what) {
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

void Loader::CheckAnnotationNames(const YAML::Node& map) {
  if (!map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (key.IsScalar() && key.Scalar().empty()) {
      AddError(Pos(key), "annotations: invalid annotation name \"\" (empty)");
    }
  }
}

void Loader::CheckTemplates(const YAML::Node& map, std::string_view what) {
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

bool Loader::CheckRecordingRule(const YAML::Node& rn, const Rule& rule) {
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

void Loader::LoadCriteria(const YAML::Node& n, const char* key,
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

bool Loader::FiniteCondition(const YAML::Node& node, const Rule& rule) {
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

bool Loader::LoadExpr(const YAML::Node& node, const SourceSpec& source, Rule* rule) {
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
                          source.is_http() ? "an " : "a ", Sv(SourceTypeName(source.type)),
                          " source",
                          hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                          " (", Sv(SourceTypeName(source.type)), " yields: ",
                          absl::StrJoin(known, ", "), ")"));
    ok = false;
  }
  rule->parsed = *parsed;
  rule->condition = parsed->comparison;
  rule->query = ExprToString(*parsed->root);
  return FiniteCondition(node, *rule) && ok;
}

const SourceSpec* Loader::ResolveSource(const std::string& wanted, FilePos pos) {
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
    prom.type = SourceType::kPrometheus;
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

}  // namespace aurora::gate_loading
