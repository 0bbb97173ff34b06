#include "reports/action_payload.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/digest.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "reports/json_report.h"
#include "reports/json_writing.h"
#include "reports/report_text.h"
#include "reports/run_summary.h"

namespace aurora {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Slack: at most 50 blocks and 3000 characters per section text.
constexpr size_t kMaxRuleBlocks = 20;
constexpr size_t kMaxSectionChars = 2900;
constexpr size_t kMaxSeriesPerRule = 5;

void Key(Writer& w, std::string_view key) { JsonKey(w, key); }
void String(Writer& w, std::string_view s) { JsonString(w, s); }

void StringMap(Writer& w, const std::map<std::string, std::string>& m) {
  JsonStringMap(w, m);
}

const RuleResult* FindRule(const GateResult& gate, std::string_view name) {
  for (const RuleResult& r : gate.rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string_view Emoji(ActionTrigger on) {
  switch (on) {
    case ActionTrigger::kFail: return "\xF0\x9F\x9A\xA8";          // 🚨
    case ActionTrigger::kError: return "\xE2\x9D\x97";             // ❗
    case ActionTrigger::kWarn: return "\xE2\x9A\xA0\xEF\xB8\x8F";  // ⚠️
    case ActionTrigger::kStart: return "\xF0\x9F\x9A\x80";         // 🚀
    case ActionTrigger::kPass:
    case ActionTrigger::kResolved: break;
  }
  return "\xE2\x9C\x85";  // ✅ pass, resolved
}

// Slack mrkdwn treats &, < and > specially.
std::string SlackEscape(std::string_view s) {
  std::string out;
  for (char c : ToValidUtf8(s)) {
    if (!AppendAmpLtGtEscaped(c, &out)) out += c;
  }
  return out;
}

void Section(Writer& w, std::string_view mrkdwn) {
  w.StartObject();
  Key(w, "type");
  String(w, "section");
  Key(w, "text");
  w.StartObject();
  Key(w, "type");
  String(w, "mrkdwn");
  Key(w, "text");
  String(w, TruncateDisplay(mrkdwn, kMaxSectionChars));
  w.EndObject();
  w.EndObject();
}

std::string RuleText(const RuleResult& rule) {
  std::string text = absl::StrCat("*", SlackEscape(rule.name), "* ",
                                  Sv(OutcomeName(rule.outcome)), ": ",
                                  SlackEscape(rule.reason));
  std::vector<const SeriesResult*> series = SeriesWorstFirst(rule);
  for (size_t i = 0; i < series.size() && i < kMaxSeriesPerRule; ++i) {
    absl::StrAppend(&text, "\n\xE2\x80\xA2 ",
                    SlackEscape(SeriesText(*series[i], rule.unit)));
  }
  if (series.size() > kMaxSeriesPerRule) {
    absl::StrAppend(&text, "\n\xE2\x80\xA6 and ",
                    series.size() - kMaxSeriesPerRule, " more series");
  }
  return text;
}

void Alert(Writer& w, const PayloadAlert& a, std::string_view status,
           const PayloadOptions& options, bool webhook) {
  w.StartObject();
  if (webhook) {
    Key(w, "status");
    String(w, status);
  }
  Key(w, "labels");
  StringMap(w, a.labels);
  Key(w, "annotations");
  StringMap(w, a.annotations);
  Key(w, "startsAt");
  String(w, Rfc3339Utc(a.starts_at));
  const bool resolved = a.ends_at != absl::InfinitePast();
  if (webhook) {
    Key(w, "endsAt");
    String(w, resolved ? Rfc3339Utc(a.ends_at) : "0001-01-01T00:00:00Z");
    Key(w, "generatorURL");
    String(w, options.generator_url);
    Key(w, "fingerprint");
    String(w, LabelsFingerprint(a.labels));
  } else {
    if (resolved) {
      Key(w, "endsAt");
      String(w, Rfc3339Utc(a.ends_at));
    }
    if (!options.generator_url.empty()) {
      Key(w, "generatorURL");
      String(w, options.generator_url);
    }
  }
  w.EndObject();
}

// The pairs every map in `maps` has with the same value.
std::map<std::string, std::string> Common(
    const std::vector<const std::map<std::string, std::string>*>& maps) {
  std::map<std::string, std::string> out;
  if (maps.empty()) return out;
  out = *maps[0];
  for (size_t i = 1; i < maps.size(); ++i) {
    for (auto it = out.begin(); it != out.end();) {
      auto f = maps[i]->find(it->first);
      if (f == maps[i]->end() || f->second != it->second) {
        it = out.erase(it);
      } else {
        ++it;
      }
    }
  }
  return out;
}

// "aurora-gate <gate>: fail (verdict fail)"; start, which comes before
// anything is evaluated, has no verdict: "aurora-gate <gate>: watch started".
std::string TransitionSummary(const ActionEvent& event,
                              const GateResult& gate) {
  if (event.on == ActionTrigger::kStart) {
    return absl::StrCat("aurora-gate ", event.gate, ": watch started");
  }
  return absl::StrCat("aurora-gate ", event.gate, ": ",
                      Sv(ActionTriggerName(event.on)),
                      " (verdict ", Sv(OutcomeName(gate.verdict)), ")");
}

}  // namespace

ActionEvent MakeActionEvent(ActionTrigger on, const GateResult& gate,
                            absl::Time incident_start, absl::Time now,
                            std::vector<std::string> rules) {
  ActionEvent e;
  e.on = on;
  e.gate = gate.name;
  e.incident_start = incident_start;
  e.now = now;
  if (on == ActionTrigger::kResolved || !rules.empty()) {
    e.rules = std::move(rules);
  } else if (on == ActionTrigger::kFail || on == ActionTrigger::kError ||
             on == ActionTrigger::kWarn) {
    const Outcome wanted = on == ActionTrigger::kFail    ? Outcome::kFail
                           : on == ActionTrigger::kError ? Outcome::kError
                                                         : Outcome::kWarn;
    for (const RuleResult& r : gate.rules) {
      if (!r.dry_run && r.outcome == wanted) e.rules.push_back(r.name);
    }
  }
  std::sort(e.rules.begin(), e.rules.end());
  e.rules.erase(std::unique(e.rules.begin(), e.rules.end()), e.rules.end());
  return e;
}

namespace {

// IdempotencyKey of `event` as if its transition were `on`.
std::string KeyAs(const ActionEvent& event, std::string_view on) {
  return Sha256Hex(absl::StrCat("aurora-gate/idempotency/v1\n", event.gate,
                                "\n", Sv(on), "\n",
                                absl::StrJoin(event.rules, ","), "\n",
                                absl::ToUnixNanos(event.incident_start)));
}

}  // namespace

std::string IdempotencyKey(const ActionEvent& event) {
  return KeyAs(event, ActionTriggerName(event.on));
}

std::string IncidentKey(const ActionEvent& event) {
  if (event.on != ActionTrigger::kResolved || event.incident_on.empty()) {
    return "";
  }
  return KeyAs(event, event.incident_on);
}

std::string_view AlertStatus(ActionTrigger on) {
  return on == ActionTrigger::kPass || on == ActionTrigger::kResolved
             ? "resolved"
             : "firing";
}

std::string LabelsFingerprint(
    const std::map<std::string, std::string>& labels) {
  uint64_t h = 14695981039346656037ULL;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
  };
  for (const auto& [k, v] : labels) {  // std::map: sorted by name
    add(k);
    add("\xff");
    add(v);
    add("\xff");
  }
  return absl::StrFormat("%016x", h);
}

std::string SlackPayload(const ActionEvent& event, const GateResult& gate,
                         const PayloadOptions& options,
                         std::string_view idempotency_key) {
  const std::string text =
      !options.text.empty()
          ? options.text
          : absl::StrCat(Sv(Emoji(event.on)), " ",
                         TransitionSummary(event, gate));
  const std::string incident_key = IncidentKey(event);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "text");
  String(w, text);
  Key(w, "blocks");
  w.StartArray();
  Section(w, SlackEscape(text));
  size_t shown = 0;
  for (const std::string& name : event.rules) {
    if (shown == kMaxRuleBlocks) break;
    const RuleResult* rule = FindRule(gate, name);
    Section(w, rule != nullptr ? RuleText(*rule)
                               : absl::StrCat("*", SlackEscape(name), "*"));
    ++shown;
  }
  if (event.rules.size() > shown) {
    Section(w, absl::StrCat("\xE2\x80\xA6 and ", event.rules.size() - shown,
                            " more rules"));
  }
  w.StartObject();
  Key(w, "type");
  String(w, "context");
  Key(w, "elements");
  w.StartArray();
  w.StartObject();
  Key(w, "type");
  String(w, "mrkdwn");
  Key(w, "text");
  String(w, absl::StrCat("gate ", SlackEscape(event.gate), " \xC2\xB7 since ",
                         Rfc3339Utc(event.incident_start),
                         " \xC2\xB7 idempotency key ", Sv(idempotency_key),
                         incident_key.empty() ? "" : " \xC2\xB7 closes incident ",
                         incident_key));
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  Key(w, "idempotency_key");
  String(w, idempotency_key);
  if (!incident_key.empty()) {
    Key(w, "incident_key");
    String(w, incident_key);
  }
  w.EndObject();
  return buffer.GetString();
}

std::vector<PayloadAlert> EventAlerts(const ActionEvent& event,
                                      const GateResult& gate,
                                      std::string_view idempotency_key) {
  std::vector<PayloadAlert> out;
  const bool resolved = AlertStatus(event.on) == "resolved";
  const std::string incident_key = IncidentKey(event);
  auto base = [&](std::string_view alertname) {
    PayloadAlert a;
    a.labels["alertname"] = std::string(alertname);
    a.labels["gate"] = event.gate;
    a.starts_at = event.incident_start;
    if (resolved) a.ends_at = event.now;
    return a;
  };
  for (const std::string& name : event.rules) {
    PayloadAlert a = base(name);
    if (const RuleResult* rule = FindRule(gate, name)) {
      for (const auto& [k, v] : rule->labels) a.labels.emplace(k, v);
      if (!rule->severity.empty()) a.labels["severity"] = rule->severity;
      a.annotations = rule->annotations;
      if (!rule->reason.empty()) a.annotations["summary"] = rule->reason;
    }
    a.annotations["idempotency_key"] = std::string(idempotency_key);
    if (!incident_key.empty()) a.annotations["incident_key"] = incident_key;
    out.push_back(std::move(a));
  }
  if (out.empty()) {
    PayloadAlert a = base(event.gate);
    a.annotations["summary"] = TransitionSummary(event, gate);
    a.annotations["idempotency_key"] = std::string(idempotency_key);
    if (!incident_key.empty()) a.annotations["incident_key"] = incident_key;
    out.push_back(std::move(a));
  }
  return out;
}

std::string AlertmanagerWebhookPayload(const ActionEvent& event,
                                       const GateResult& gate,
                                       const PayloadOptions& options,
                                       std::string_view idempotency_key) {
  const std::vector<PayloadAlert> alerts =
      EventAlerts(event, gate, idempotency_key);
  const std::string_view status = AlertStatus(event.on);
  std::vector<const std::map<std::string, std::string>*> labels, annotations;
  for (const PayloadAlert& a : alerts) {
    labels.push_back(&a.labels);
    annotations.push_back(&a.annotations);
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "receiver");
  String(w, options.receiver);
  Key(w, "status");
  String(w, status);
  Key(w, "alerts");
  w.StartArray();
  for (const PayloadAlert& a : alerts) Alert(w, a, status, options, true);
  w.EndArray();
  Key(w, "groupLabels");
  StringMap(w, {{"gate", event.gate}});
  Key(w, "commonLabels");
  StringMap(w, Common(labels));
  Key(w, "commonAnnotations");
  StringMap(w, Common(annotations));
  Key(w, "externalURL");
  String(w, options.external_url);
  Key(w, "version");
  String(w, "4");
  Key(w, "groupKey");
  // Alertmanager quotes label values as Go's %q; gate names are plain.
  String(w, absl::StrCat("{}:{gate=\"", absl::CEscape(event.gate), "\"}"));
  Key(w, "truncatedAlerts");
  w.Int(0);
  Key(w, "idempotency_key");
  String(w, idempotency_key);
  if (const std::string incident_key = IncidentKey(event);
      !incident_key.empty()) {
    Key(w, "incident_key");
    String(w, incident_key);
  }
  w.EndObject();
  return buffer.GetString();
}

std::string AlertmanagerApiPayload(const ActionEvent& event,
                                   const GateResult& gate,
                                   const PayloadOptions& options,
                                   std::string_view idempotency_key) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const PayloadAlert& a : EventAlerts(event, gate, idempotency_key)) {
    Alert(w, a, AlertStatus(event.on), options, false);
  }
  w.EndArray();
  return buffer.GetString();
}

namespace {

// The start of a watch: what is watched, nothing evaluated yet (no verdict).
std::string StartPayload(const ActionEvent& event, const RunResult& run,
                         std::string_view idempotency_key) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto key = [&w](std::string_view k) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  };
  auto str = [&w](std::string_view v) {
    const std::string valid = ToValidUtf8(v);
    w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
  };
  w.StartObject();
  key("idempotency_key");
  str(idempotency_key);
  key("transition");
  str(ActionTriggerName(event.on));
  key("gate");
  str(event.gate);
  key("started");
  str(Rfc3339Utc(run.started));
  key("tool");
  w.StartObject();
  key("name");
  str("aurora-gate");
  key("version");
  str(run.tool_version);
  key("commit");
  str(run.tool_commit);
  w.EndObject();
  key("gates");
  w.StartArray();
  for (const GateResult& g : run.gates) {
    w.StartObject();
    key("name");
    str(g.name);
    key("title");
    str(g.title);
    key("file");
    str(g.file);
    w.EndObject();
  }
  w.EndArray();
  key("settings");
  w.StartObject();
  for (const auto& [k, v] : run.settings) {
    key(ToValidUtf8(k));
    str(v);
  }
  w.EndObject();
  w.EndObject();
  return absl::StrCat(buffer.GetString(), "\n");
}

}  // namespace

std::string JsonVerdictPayload(const ActionEvent& event, const RunResult& run,
                               std::string_view idempotency_key) {
  if (event.on == ActionTrigger::kStart) {
    return StartPayload(event, run, idempotency_key);
  }
  const std::string doc = RenderJson(run);
  auto quoted = [](std::string_view s) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    String(w, s);
    return std::string(buffer.GetString());
  };
  const std::string incident_key = IncidentKey(event);
  // RenderJson writes "{\n  \"schema\": ...": our members go in front, in
  // its layout.
  return absl::StrCat(
      doc.substr(0, 2), "  \"idempotency_key\": ", quoted(idempotency_key),
      ",\n  \"transition\": ", quoted(ActionTriggerName(event.on)), ",\n",
      incident_key.empty()
          ? ""
          : absl::StrCat("  \"incident_key\": ", quoted(incident_key), ",\n"),
      doc.substr(2));
}

}  // namespace aurora
