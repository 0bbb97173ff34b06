// File: rules/gate_loader_sources.cc
// The loader's `sources:`: artifact, prometheus, json/http, env and command sources, connections and values.
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

void Loader::LoadSources(const YAML::Node& n) {
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

void Loader::LoadCounters(const YAML::Node& s, SourceSpec& spec) {
  if (spec.type != SourceType::kJunit) {
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

void Loader::LoadSource(const std::string& name, const YAML::Node& s, FilePos pos) {
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
  std::optional<SourceType> parsed = ParseSourceType(*type);
  if (!parsed) {
    const auto& supported = SupportedSourceTypes();
    if (IsPlannedSourceType(*type)) {
      AddError(Pos(s["type"]),
               absl::StrCat("source type ", Quoted(*type),
                            " is not supported by this version yet "
                            "(supported: ",
                            absl::StrJoin(supported, ", "), ")"));
    } else {
      std::string hint = DidYouMean(*type, supported);
      AddError(Pos(s["type"]),
               absl::StrCat("unknown source type ", Quoted(*type),
                            hint.empty() ? "" : ", did you mean " + Quoted(hint) + "?",
                            " (expected one of: ",
                            absl::StrJoin(supported, ", "), ")"));
    }
    return;
  }
  spec.type = *parsed;
  if (spec.type == SourceType::kEnv || spec.type == SourceType::kCommand) {
    LoadDeployCheckSource(s, pos, spec);
  } else if (spec.is_http()) {
    LoadHttpSource(s, pos, spec);
  } else if (spec.is_artifact()) {
    for (const char* k : {"url", "headers", "bearer_token_file",
                          "basic_auth", "timeout", "tls", "method", "body"}) {
      if (!s[k]) continue;
      AddError(KeyPos(s, k), absl::StrCat("\"", k, "\" is for prometheus "
                                          "and http sources; a ", Sv(SourceTypeName(spec.type)),
                                          " source reads \"path\""));
    }
    if (spec.type != SourceType::kJson && s["values"]) {
      AddError(KeyPos(s, "values"),
               absl::StrCat("\"values\" is for json and http sources; a ",
                            Sv(SourceTypeName(spec.type)), " source yields: ",
                            absl::StrJoin(ArtifactMetrics(spec.type), ", ")));
    }
    if (!s["path"]) {
      AddError(pos, absl::StrCat("missing key \"path\": a ", Sv(SourceTypeName(spec.type)),
                                 " source reads an artifact file"));
      return;
    }
    LoadFindingsKeys(s, spec);
    if (s["path"].IsSequence() &&
        (spec.type == SourceType::kMutation || spec.type == SourceType::kSecurity)) {
      LoadPathList(s["path"], spec);
    } else if (auto p = Str(s["path"], "path")) {
      spec.path = *p;
      if (spec.path.empty()) {
        AddError(Pos(s["path"]), "path: expected a file path, got an empty string");
      }
    }
    if (s["baseline"]) LoadArtifactBaseline(s["baseline"], spec);
    if (s["counters"]) LoadCounters(s, spec);
    if (spec.type == SourceType::kJson) {
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

void Loader::LoadDeployCheckSource(const YAML::Node& s, FilePos pos,
                           SourceSpec& spec) {
  const bool env = spec.type == SourceType::kEnv;
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
  StrKey(s, "dir", spec.dir);
  if (s["max_output"]) {
    if (auto n = Count(s["max_output"], "max_output")) {
      spec.max_output = static_cast<size_t>(*n);
    }
  }
  if (s["values"]) LoadValues(s["values"], spec);
}

void Loader::LoadPathList(const YAML::Node& n, SourceSpec& spec) {
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

void Loader::LoadFindingsKeys(const YAML::Node& s, SourceSpec& spec) {
  if (s["module_depth"]) {
    if (spec.type != SourceType::kMutation) {
      AddError(KeyPos(s, "module_depth"),
               "\"module_depth\" is for mutation sources");
    } else if (auto d = Count(s["module_depth"], "module_depth")) {
      spec.module_depth = *d;
    }
  }
  if (!s["ignore"]) return;
  if (spec.type != SourceType::kSecurity) {
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
    StrKey(e, "path", ig.path);
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

void Loader::LoadConnection(const YAML::Node& s, SourceSpec& spec) {
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
  StrKey(s, "bearer_token_file", spec.bearer_token_file);
  if (s["basic_auth"]) {
    const YAML::Node& b = s["basic_auth"];
    if (!b.IsMap()) {
      AddError(Pos(b), "basic_auth: expected { username: ..., "
                       "password_file: ... }");
    } else {
      CheckKeys(b, "basic_auth", kBasicAuthKeys);
      StrKey(b, "username", spec.basic_auth_username);
      StrKey(b, "password_file", spec.basic_auth_password_file);
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
      StrKey(t, "ca_file", spec.ca_file);
      StrKey(t, "cert_file", spec.cert_file);
      StrKey(t, "key_file", spec.key_file);
      if (t["insecure_skip_verify"]) {
        if (auto b = Bool(t["insecure_skip_verify"], "insecure_skip_verify")) {
          spec.insecure_skip_verify = *b;
        }
      }
    }
  }
}

void Loader::LoadArtifactBaseline(const YAML::Node& n, SourceSpec& spec) {
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

std::optional<absl::Duration> Loader::LiveBaseline(const YAML::Node& n) {
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

void Loader::LoadHttpSource(const YAML::Node& s, FilePos pos, SourceSpec& spec) {
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
    StrKey(s, "body", spec.body);
    if (spec.method != "POST") {
      AddError(KeyPos(s, "body"), "body: only a POST request has a body "
                                  "(add method: POST)");
    }
  }
  LoadConnection(s, spec);
  if (s["values"]) LoadValues(s["values"], spec);
}

bool Loader::IsMetricName(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = absl::ascii_isalpha(c) || c == '_' || c == ':' ||
              (i > 0 && absl::ascii_isdigit(c));
    if (!ok) return false;
  }
  return true;
}

void Loader::LoadValues(const YAML::Node& n, SourceSpec& spec) {
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

}  // namespace aurora::gate_loading
