// File: rules/gate_loader_actions.cc
// The loader's `actions:`: webhook, alertmanager and exec actions and their options.
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

void Loader::LoadExecArgv(const YAML::Node& body, ActionSpec& a) {
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

void Loader::LoadActionBody(const YAML::Node& body, ActionSpec& a) {
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

bool Loader::IsHeaderName(const std::string& s) {
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

bool Loader::ValidActionOption(const std::string& name, const std::string& v,
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

void Loader::LoadActions(const YAML::Node& n) {
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
      if (std::optional<ActionTrigger> on = ParseActionTrigger(*s)) {
        a.on = *on;
      } else {
        AddError(Pos(an["on"]), absl::StrCat("on: expected one of ",
                                             absl::StrJoin(kActionOn, ", "),
                                             ", got ", Quoted(*s)));
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

}  // namespace aurora::gate_loading
