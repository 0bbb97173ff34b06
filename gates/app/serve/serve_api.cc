#include "gates/app/serve/serve_api.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "gates/app/check_command.h"
#include "queries/json_document.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool Fail(ApiError* error, int status, std::string field, std::string message) {
  error->status = status;
  error->field = std::move(field);
  error->message = std::move(message);
  return false;
}

// The body as a JSON object; an empty body is an empty object when
// `empty_ok`.
std::unique_ptr<rapidjson::Document> ParseObject(std::string_view body,
                                                 bool empty_ok, ApiError* error) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) {
      auto doc = std::make_unique<rapidjson::Document>();
      doc->SetObject();
      return doc;
    }
    Fail(error, 400, "body", "expected a JSON object, got an empty body");
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<rapidjson::Document>> doc = ParseJson(body, "body");
  if (!doc.ok()) {
    Fail(error, 400, "body", std::string(doc.status().message()));
    return nullptr;
  }
  if (!(*doc)->IsObject()) {
    Fail(error, 400, "body", "expected a JSON object");
    return nullptr;
  }
  return std::move(*doc);
}

// A scalar JSON member as a `set` value: strings as they are, numbers and
// booleans as written in JSON.
std::optional<std::string> ScalarText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsNumber()) {
    rapidjson::StringBuffer b;
    Writer w(b);
    v.Accept(w);
    return std::string(b.GetString(), b.GetSize());
  }
  return std::nullopt;
}

bool AddSetting(const std::string& name, const std::string& value,
                const std::string& field, EvalRequest* out, ApiError* error) {
  if (!ValidSetting(name, value, field, error)) return false;
  out->set[name] = value;
  return true;
}

// The members of JSON object `v` as `set` values (field prefix "set.").
bool AddSettingsObject(const rapidjson::Value& v, const std::string& prefix,
                       EvalRequest* out, ApiError* error) {
  if (!v.IsObject()) {
    return Fail(error, 400, prefix.substr(0, prefix.size() - 1),
                "expected an object of NAME: VALUE strings");
  }
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string name(m->name.GetString(), m->name.GetStringLength());
    std::optional<std::string> value = ScalarText(m->value);
    if (!value) {
      return Fail(error, 400, prefix + name,
                  "expected a string, number or boolean value");
    }
    if (!AddSetting(name, *value, prefix + name, out, error)) return false;
  }
  return true;
}

bool ParseAt(const std::string& text, EvalRequest* out, ApiError* error) {
  std::optional<absl::Time> t = ParseEvalTime(text);
  if (!t) {
    return Fail(error, 400, "at",
                absl::StrCat("expected an RFC 3339 time (2026-11-27T08:00:00Z) "
                             "or unix seconds, got \"", text, "\""));
  }
  out->at = *t;
  return true;
}

bool ParseWindow(const std::string& text, EvalRequest* out, ApiError* error) {
  absl::StatusOr<absl::Duration> d = ParsePromDuration(text);
  if (!d.ok() || *d < absl::ZeroDuration() || *d > absl::Hours(24 * 31)) {
    return Fail(error, 400, "window",
                absl::StrCat("expected a duration such as 30m (at most 31d), "
                             "got \"", text, "\""));
  }
  out->window = *d;
  return true;
}

bool ParseFormat(const QueryParams& query, EvalRequest* out, ApiError* error) {
  for (const auto& [k, v] : query) {
    if (k != "format") continue;
    if (v != "json" && v != "junit" && v != "markdown" && v != "html") {
      return Fail(error, 400, "format",
                  absl::StrCat("expected json, junit, markdown or html, got \"",
                               v, "\""));
    }
    out->format = v;
  }
  return true;
}

bool ValidGateName(const std::string& gate, const std::string& field,
                   ApiError* error) {
  if (gate.empty() || gate.size() > 256 || FindInvalidUtf8(gate) != std::string::npos ||
      gate.find_first_of(std::string("/\\\0", 3)) != std::string::npos ||
      std::any_of(gate.begin(), gate.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Fail(error, 400, field, "expected a gate name as GET /api/v1/gates lists it");
  }
  return true;
}

std::optional<double> FirstValue(const RuleResult& r) {
  if (r.series.empty()) return std::nullopt;
  return r.series.front().value;
}

void WriteNumberOrNull(Writer& w, std::optional<double> v) {
  // JSON has no NaN or infinities: those are written as strings, as
  // Prometheus does.
  if (!v) {
    w.Null();
  } else if (std::isfinite(*v)) {
    w.Double(*v);
  } else {
    Str(w, std::isnan(*v) ? "NaN" : (*v > 0 ? "+Inf" : "-Inf"));
  }
}

std::string QualifiedName(const GateResult& g, const RuleResult& r) {
  return absl::StrCat(g.name, "/", r.group, "/", r.name);
}

}  // namespace

ServeAnswer ErrorAnswer(const ApiError& error) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("status");
  w.Int(error.status);
  w.Key("field");
  Str(w, error.field);
  w.Key("message");
  Str(w, error.message);
  w.EndObject();
  w.EndObject();
  ServeAnswer a;
  a.status = error.status;
  a.body = std::string(b.GetString(), b.GetSize()) + "\n";
  return a;
}

QueryParams ParseQueryString(std::string_view query) {
  QueryParams out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(UrlDecode(piece), "");
      } else {
        out.emplace_back(UrlDecode(piece.substr(0, eq)),
                         UrlDecode(piece.substr(eq + 1)));
      }
    }
    start = end + 1;
  }
  return out;
}

std::string EvalRequest::Key() const {
  std::string key = absl::StrJoin(gates, "\x1f");
  key += '\x1e';
  for (const auto& [k, v] : set) absl::StrAppend(&key, k, "\x1f", v, "\x1f");
  key += '\x1e';
  if (at) absl::StrAppend(&key, absl::ToUnixNanos(*at));
  absl::StrAppend(&key, "\x1e", absl::ToInt64Nanoseconds(window));
  return key;
}

bool ValidSetting(const std::string& name, const std::string& value,
                  const std::string& field, ApiError* error) {
  bool name_ok = !name.empty() && name.size() <= 128 &&
                 !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9'))) {
      name_ok = false;
    }
  }
  if (!name_ok) {
    return Fail(error, 400, field,
                "expected a variable name ([A-Za-z_][A-Za-z0-9_]*, at most "
                "128 characters)");
  }
  if (value.size() > kMaxSetValueBytes) {
    return Fail(error, 400, field,
                absl::StrCat("value longer than ", kMaxSetValueBytes, " bytes"));
  }
  if (FindInvalidUtf8(value) != std::string::npos) return Fail(error, 400, field, "value is not UTF-8");
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return Fail(error, 400, field, "value holds a control character");
    }
  }
  return true;
}

std::optional<EvalRequest> ParseEvaluateRequest(std::string_view body,
                                                const QueryParams& query,
                                                ApiError* error) {
  std::unique_ptr<rapidjson::Document> doc = ParseObject(body, false, error);
  if (doc == nullptr) return std::nullopt;
  EvalRequest out;
  if (!ParseFormat(query, &out, error)) return std::nullopt;
  bool have_gates = false;
  for (auto m = doc->MemberBegin(); m != doc->MemberEnd(); ++m) {
    const std::string key(m->name.GetString(), m->name.GetStringLength());
    const rapidjson::Value& v = m->value;
    if (key == "gates") {
      have_gates = true;
      if (!v.IsArray() || v.Empty()) {
        Fail(error, 400, "gates", "expected a non-empty list of gate names");
        return std::nullopt;
      }
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        const std::string field = absl::StrCat("gates[", i, "]");
        if (!v[i].IsString()) {
          Fail(error, 400, field, "expected a gate name (a string)");
          return std::nullopt;
        }
        std::string name(v[i].GetString(), v[i].GetStringLength());
        if (!ValidGateName(name, field, error)) return std::nullopt;
        out.gates.push_back(std::move(name));
      }
    } else if (key == "set") {
      if (!AddSettingsObject(v, "set.", &out, error)) return std::nullopt;
    } else if (key == "at") {
      std::optional<std::string> text = ScalarText(v);
      if (!text || v.IsBool()) {
        Fail(error, 400, "at", "expected an RFC 3339 time or unix seconds");
        return std::nullopt;
      }
      if (!ParseAt(*text, &out, error)) return std::nullopt;
    } else if (key == "window") {
      if (!v.IsString()) {
        Fail(error, 400, "window", "expected a duration such as \"30m\"");
        return std::nullopt;
      }
      if (!ParseWindow(v.GetString(), &out, error)) return std::nullopt;
    } else {
      Fail(error, 400, key,
           "unknown field; expected gates, set, at or window");
      return std::nullopt;
    }
  }
  if (!have_gates) {
    Fail(error, 400, "gates", "missing: the gates to evaluate, e.g. "
                              "{\"gates\": [\"stop-conditions\"]}");
    return std::nullopt;
  }
  return out;
}

std::optional<EvalRequest> ParseArgoRequest(const std::string& gate,
                                            std::string_view body,
                                            const QueryParams& query,
                                            ApiError* error) {
  EvalRequest out;
  if (!ValidGateName(gate, "gate", error)) return std::nullopt;
  out.gates = {gate};
  for (const auto& [k, v] : query) {
    if (k.rfind("set.", 0) == 0) {
      if (!AddSetting(k.substr(4), v, k, &out, error)) return std::nullopt;
    } else if (k == "at") {
      if (!ParseAt(v, &out, error)) return std::nullopt;
    } else if (k == "window") {
      if (!ParseWindow(v, &out, error)) return std::nullopt;
    } else {
      Fail(error, 400, k, "unknown query parameter; expected set.NAME, at or window");
      return std::nullopt;
    }
  }
  std::unique_ptr<rapidjson::Document> doc = ParseObject(body, true, error);
  if (doc == nullptr) return std::nullopt;
  for (auto m = doc->MemberBegin(); m != doc->MemberEnd(); ++m) {
    const std::string key(m->name.GetString(), m->name.GetStringLength());
    const rapidjson::Value& v = m->value;
    if (key == "set") {
      if (!AddSettingsObject(v, "set.", &out, error)) return std::nullopt;
      continue;
    }
    std::optional<std::string> text = ScalarText(v);
    if (!text) {
      Fail(error, 400, key, "expected a string, number or boolean value");
      return std::nullopt;
    }
    if (key == "at") {
      if (!ParseAt(*text, &out, error)) return std::nullopt;
    } else if (key == "window") {
      if (!ParseWindow(*text, &out, error)) return std::nullopt;
    } else if (!AddSetting(key, *text, key, &out, error)) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<FlaggerRequest> ParseFlaggerRequest(const std::string& gate,
                                                  std::string_view body,
                                                  const QueryParams& query,
                                                  ApiError* error) {
  FlaggerRequest out;
  if (!ValidGateName(gate, "gate", error)) return std::nullopt;
  out.eval.gates = {gate};
  for (const auto& [k, v] : query) {
    if (k == "hook") {
      if (v == "rollback") {
        out.rollback_hook = true;
      } else if (v != "pre-rollout" && v != "rollout" && v != "confirm-rollout" &&
                 v != "confirm-promotion" && v != "confirm-traffic-increase" &&
                 v != "post-rollout") {
        Fail(error, 400, "hook",
             absl::StrCat("expected a Flagger hook type (pre-rollout, rollout, "
                          "confirm-rollout, confirm-traffic-increase, "
                          "confirm-promotion, post-rollout, rollback), got \"",
                          v, "\""));
        return std::nullopt;
      }
    } else if (k == "at") {
      if (!ParseAt(v, &out.eval, error)) return std::nullopt;
    } else if (k == "window") {
      if (!ParseWindow(v, &out.eval, error)) return std::nullopt;
    } else {
      Fail(error, 400, k, "unknown query parameter; expected hook, at or window");
      return std::nullopt;
    }
  }
  std::unique_ptr<rapidjson::Document> doc = ParseObject(body, false, error);
  if (doc == nullptr) return std::nullopt;
  std::map<std::string, std::string> identity;
  for (auto m = doc->MemberBegin(); m != doc->MemberEnd(); ++m) {
    const std::string key(m->name.GetString(), m->name.GetStringLength());
    const rapidjson::Value& v = m->value;
    if (key == "metadata") {
      if (v.IsNull()) continue;
      if (!AddSettingsObject(v, "metadata.", &out.eval, error)) return std::nullopt;
    } else if (key == "name" || key == "namespace" || key == "phase" ||
               key == "checksum") {
      if (!v.IsString()) {
        Fail(error, 400, key, "expected a string");
        return std::nullopt;
      }
      std::string text(v.GetString(), v.GetStringLength());
      if (key == "phase") {
        out.phase = text;
      } else if (key == "name") {
        identity["FLAGGER_NAME"] = text;
      } else if (key == "namespace") {
        identity["FLAGGER_NAMESPACE"] = text;
      }
    }
    // Other members (later Flagger versions may add some) are ignored:
    // Flagger's payload is not ours to version.
  }
  // Flagger always sends the canary's name and namespace: a body without
  // them is not Flagger's (or was cut short).
  for (const auto& [key, name] : {std::pair<const char*, const char*>{"name", "FLAGGER_NAME"},
                                   {"namespace", "FLAGGER_NAMESPACE"}}) {
    if (!identity.count(name)) {
      Fail(error, 400, key,
           "missing: Flagger's webhook payload has the canary's name and namespace");
      return std::nullopt;
    }
  }
  for (const auto& [k, v] : identity) {
    if (out.eval.set.count(k)) continue;
    if (!AddSetting(k, v, k == "FLAGGER_NAME" ? "name" : "namespace", &out.eval,
                    error)) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<IntakeNotification> ParseAlertmanagerRequest(std::string_view body,
                                                           ApiError* error) {
  std::unique_ptr<rapidjson::Document> doc = ParseObject(body, false, error);
  if (doc == nullptr) return std::nullopt;
  IntakeNotification out;
  auto str = [](const rapidjson::Value& obj, const char* key) -> std::string {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString()) return "";
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };
  const std::string version = str(*doc, "version");
  if (version != "4") {
    Fail(error, 400, "version",
         absl::StrCat("expected Alertmanager's webhook version \"4\", got \"",
                      version, "\""));
    return std::nullopt;
  }
  out.status = str(*doc, "status");
  out.group_key = str(*doc, "groupKey");
  auto alerts = doc->FindMember("alerts");
  if (alerts == doc->MemberEnd() || !alerts->value.IsArray()) {
    Fail(error, 400, "alerts", "expected a list of alerts");
    return std::nullopt;
  }
  for (rapidjson::SizeType i = 0; i < alerts->value.Size(); ++i) {
    const rapidjson::Value& a = alerts->value[i];
    const std::string field = absl::StrCat("alerts[", i, "]");
    if (!a.IsObject()) {
      Fail(error, 400, field, "expected an alert object");
      return std::nullopt;
    }
    IntakeAlert alert;
    alert.status = str(a, "status");
    if (alert.status != "firing" && alert.status != "resolved") {
      Fail(error, 400, field + ".status", "expected firing or resolved");
      return std::nullopt;
    }
    alert.fingerprint = str(a, "fingerprint");
    alert.starts_at = str(a, "startsAt");
    for (const char* kind : {"labels", "annotations"}) {
      auto it = a.FindMember(kind);
      if (it == a.MemberEnd()) continue;
      if (!it->value.IsObject()) {
        Fail(error, 400, absl::StrCat(field, ".", kind), "expected an object");
        return std::nullopt;
      }
      auto& target = std::string(kind) == "labels" ? alert.labels : alert.annotations;
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        if (!m->value.IsString()) continue;
        target[std::string(m->name.GetString(), m->name.GetStringLength())] =
            std::string(m->value.GetString(), m->value.GetStringLength());
      }
    }
    if (alert.fingerprint.empty() && alert.labels.empty()) {
      // Nothing identifies the alert (its dedup key would be empty): not
      // Alertmanager's body, or cut short. Never fire on it.
      Fail(error, 400, field + ".labels",
           "missing: an alert needs its labels (Alertmanager sends them and a fingerprint)");
      return std::nullopt;
    }
    if (alert.fingerprint.empty()) {
      // Alertmanager always sends one; without it the labels identify the
      // alert.
      for (const auto& [k, v] : alert.labels) absl::StrAppend(&alert.fingerprint, k, "=", v, ",");
    }
    out.alerts.push_back(std::move(alert));
  }
  return out;
}

ServeAnswer EvaluateAnswer(const RunResult& run, const std::string& format) {
  ServeAnswer a;
  if (format == "junit") {
    a.content_type = "application/xml; charset=utf-8";
    a.body = RenderJunit(run);
  } else if (format == "markdown") {
    a.content_type = "text/markdown; charset=utf-8";
    a.body = RenderMarkdown(run, MarkdownOptions{});
  } else if (format == "html") {
    a.content_type = "text/html; charset=utf-8";
    // Not a go-live report: the answer to one request for these gates.
    HtmlOptions options;
    std::vector<std::string> names;
    for (const GateResult& g : run.gates) names.push_back(g.name);
    options.title = absl::StrCat("aurora-gate serve: ", absl::StrJoin(names, ", "));
    a.body = RenderHtml(run, options);
  } else {
    a.body = RenderJson(run);
  }
  return a;
}

ServeAnswer ArgoAnswer(const RunResult& run) {
  // The rule that decided: the first with the run's verdict.
  std::optional<double> value;
  bool decided = false;
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      if (!decided && !r.dry_run && r.outcome == run.verdict) {
        decided = true;
        value = FirstValue(r);
      }
    }
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("verdict");
  Str(w, OutcomeName(run.verdict));
  w.Key("pass");
  w.Bool(ExitCode(run) == kExitPass);
  w.Key("value");
  WriteNumberOrNull(w, value);
  w.Key("rules");
  w.StartArray();
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      w.StartObject();
      w.Key("gate");
      Str(w, g.name);
      w.Key("group");
      Str(w, r.group);
      w.Key("name");
      Str(w, r.name);
      w.Key("outcome");
      Str(w, OutcomeName(r.outcome));
      w.Key("value");
      WriteNumberOrNull(w, FirstValue(r));
      w.Key("reason");
      Str(w, r.reason);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  ServeAnswer a;
  a.body = std::string(b.GetString(), b.GetSize()) + "\n";
  return a;
}

ServeAnswer FlaggerAnswer(const RunResult& run, bool rollback_hook) {
  const int code = ExitCode(run);
  std::vector<std::string> lines;
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      if (r.outcome == Outcome::kPass || r.dry_run) continue;
      lines.push_back(absl::StrCat(QualifiedName(g, r), ": ",
                                   Sv(OutcomeName(r.outcome)),
                                   r.reason.empty() ? "" : ": ", r.reason));
    }
  }
  for (const std::string& p : run.action_problems) lines.push_back(p);
  ServeAnswer a;
  a.content_type = "text/plain; charset=utf-8";
  const bool ok = rollback_hook ? code == kExitFail : code == kExitPass;
  a.status = ok ? 200 : 412;
  std::string head = absl::StrCat("aurora-gate: ", Sv(OutcomeName(run.verdict)));
  if (rollback_hook) {
    head += code == kExitFail ? ": roll back" : ": no rollback";
  }
  a.body = head + (lines.empty() ? "" : "\n" + absl::StrJoin(lines, "\n")) + "\n";
  return a;
}

RunResult DeadlineRun(const std::vector<std::string>& gates,
                      absl::Duration timeout, absl::Time now) {
  RunResult run;
  run.started = now;
  run.eval_time = now;
  for (const std::string& name : gates) {
    GateResult g;
    g.name = name;
    RuleResult r;
    r.name = "request-timeout";
    r.group = "serve";
    r.kind = "gate";
    r.outcome = Outcome::kInconclusive;
    r.reason = absl::StrCat("no verdict within the request timeout (",
                            absl::FormatDuration(timeout),
                            "); the evaluation goes on in the background");
    g.rules.push_back(std::move(r));
    g.verdict = Outcome::kInconclusive;
    run.gates.push_back(std::move(g));
  }
  run.verdict = Outcome::kInconclusive;
  return run;
}

}  // namespace aurora
