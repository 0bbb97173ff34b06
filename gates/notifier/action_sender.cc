#include "gates/notifier/action_sender.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/digest.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {
namespace {

constexpr std::string_view kAlertsPath = "/api/v2/alerts";

std::string SettingOr(const ActionSpec& spec, const std::string& key,
                      std::string fallback = "") {
  auto it = spec.settings.find(key);
  return it == spec.settings.end() ? fallback : it->second;
}

bool LooksLikeUrl(std::string_view s) {
  return absl::StartsWith(Sv(s), "http://") ||
         absl::StartsWith(Sv(s), "https://");
}

}  // namespace

std::string ActionDisplayName(const ActionSpec& spec, int index,
                              std::string_view gate) {
  std::string name = SettingOr(spec, "name");
  std::string out = name.empty()
                        ? absl::StrCat(Sv(gate), " action ", index + 1, " (",
                                       spec.kind, " on ", Sv(ActionTriggerName(spec.on)), ")")
                        : absl::StrCat(Sv(gate), " action \"", name, "\" (",
                                       spec.kind, " on ", Sv(ActionTriggerName(spec.on)), ")");
  if (spec.kind == "exec") {
    if (!spec.argv.empty()) absl::StrAppend(&out, " exec ", spec.argv[0]);
  } else {
    absl::StrAppend(&out, " POST ", RedactUrl(SettingOr(spec, "url")));
  }
  return out;
}

std::string ActionRecordId(std::string_view idempotency_key,
                           std::string_view gate, int index,
                           std::string_view kind) {
  return Sha256Hex(absl::StrCat(Sv(idempotency_key), "\n", Sv(gate), "\n",
                                index, "\n", Sv(kind)))
      .substr(0, 32);
}

absl::StatusOr<SpoolRecord> BuildActionRecord(
    const ActionSpec& spec, int index, const ActionEvent& event,
    const RunResult& run, const GateResult& gate, absl::Time now,
    const DeliveryPolicy& policy, const SecretSource& secrets) {
  const std::string display = ActionDisplayName(spec, index, gate.name);
  auto error = [&display](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("action ", display, ": ", Sv(what)));
  };
  SpoolRecord r;
  r.action = display;
  r.gate = gate.name;
  r.on = ActionTriggerName(event.on);
  r.idempotency_key = IdempotencyKey(event);
  r.id = ActionRecordId(r.idempotency_key, gate.name, index, spec.kind);
  r.created = now;
  r.next_attempt = now;
  r.max_attempts = policy.max_attempts;
  absl::Duration max_duration = policy.max_duration;
  if (std::string v = SettingOr(spec, "max_attempts"); !v.empty()) {
    if (!absl::SimpleAtoi(v, &r.max_attempts) || r.max_attempts < 1) {
      return error(
          absl::StrCat("max_attempts: expected a positive integer, "
                       "got \"",
                       v, "\""));
    }
  }
  if (std::string v = SettingOr(spec, "max_duration"); !v.empty()) {
    absl::StatusOr<absl::Duration> d = ParsePromDuration(v);
    if (!d.ok())
      return error(absl::StrCat("max_duration: ", d.status().message()));
    max_duration = *d;
  }
  r.deadline = now + max_duration;
  std::optional<absl::Duration> timeout;
  if (std::string v = SettingOr(spec, "timeout"); !v.empty()) {
    absl::StatusOr<absl::Duration> d = ParsePromDuration(v);
    if (!d.ok() || *d <= absl::ZeroDuration()) {
      return error(absl::StrCat("timeout: expected a positive duration, got \"",
                                v, "\""));
    }
    timeout = *d;
  }
  const std::string json = JsonVerdictPayload(event, run, r.idempotency_key);

  if (spec.kind == "exec") {
    if (spec.argv.empty()) return error("exec: empty command");
    r.kind = "exec";
    r.argv = spec.argv;
    for (size_t i = 0; i < spec.argv.size(); ++i) {
      if (auto t = spec.templates.find(absl::StrCat("argv.", i));
          t != spec.templates.end()) {
        r.templates[absl::StrCat("argv:", i)] = t->second;
      }
    }
    r.env = {{"AURORA_GATE", event.gate},
             {"AURORA_TRANSITION", std::string(ActionTriggerName(event.on))},
             {"AURORA_RULES", absl::StrJoin(event.rules, ",")},
             {"AURORA_IDEMPOTENCY_KEY", r.idempotency_key},
             {"AURORA_INCIDENT_START", Rfc3339Utc(event.incident_start)}};
    // start comes before anything is evaluated: it has no verdict.
    if (event.on != ActionTrigger::kStart) {
      r.env["AURORA_VERDICT"] = std::string(OutcomeName(gate.verdict));
    }
    if (std::string key = IncidentKey(event); !key.empty()) {
      r.env["AURORA_INCIDENT_KEY"] = key;
    }
    r.stdin_data = json;
    r.exec_timeout = timeout.value_or(policy.exec_timeout);
    return r;
  }
  if (spec.kind != "webhook" && spec.kind != "alertmanager") {
    return error(absl::StrCat("unknown kind \"", spec.kind, "\""));
  }
  r.kind = "http";
  std::string url = SettingOr(spec, "url");
  if (url.empty()) return error("url: missing");
  if (!LooksLikeUrl(url)) {
    return error("url: expected an http:// or https:// URL");
  }
  PayloadOptions options;
  options.text = SettingOr(spec, "text");
  options.receiver = SettingOr(spec, "receiver", options.receiver);
  options.external_url = SettingOr(spec, "external_url");
  options.generator_url = SettingOr(spec, "generator_url");
  if (spec.kind == "alertmanager") {
    while (absl::EndsWith(url, "/")) url.pop_back();
    if (!absl::EndsWith(url, Sv(kAlertsPath)))
      absl::StrAppend(&url, Sv(kAlertsPath));
    r.request.body =
        AlertmanagerApiPayload(event, gate, options, r.idempotency_key);
  } else {
    const std::string format = SettingOr(spec, "format", "json");
    if (format == "json") {
      r.request.body = json;
    } else if (format == "slack") {
      r.request.body = SlackPayload(event, gate, options, r.idempotency_key);
    } else if (format == "alertmanager") {
      r.request.body =
          AlertmanagerWebhookPayload(event, gate, options, r.idempotency_key);
    } else {
      return error(
          absl::StrCat("format: expected json, slack or alertmanager, "
                       "got \"",
                       format, "\""));
    }
  }
  r.action = ActionDisplayName(spec, index, gate.name);
  r.request.method = "POST";
  r.request.url = url;
  if (auto t = spec.templates.find("url"); t != spec.templates.end()) {
    // The template, and whatever was added to the URL it expanded to.
    std::string written = SettingOr(spec, "url");
    std::string tmpl = t->second;
    while (absl::EndsWith(written, "/") && absl::EndsWith(tmpl, "/")) {
      written.pop_back();
      tmpl.pop_back();
    }
    if (absl::StartsWith(url, written)) {
      r.templates["url"] = tmpl + url.substr(written.size());
    }
  }
  r.request.timeout = timeout.value_or(policy.timeout);
  r.request.connect_timeout = std::min(r.request.timeout, absl::Seconds(5));
  r.request.headers = {{"Content-Type", "application/json"},
                       {"Idempotency-Key", r.idempotency_key}};
  for (const auto& [k, v] : spec.settings) {
    if (absl::StartsWith(k, "headers.")) {
      r.request.headers.push_back({k.substr(8), v});
      if (auto t = spec.templates.find(k); t != spec.templates.end()) {
        r.templates["header:" + k.substr(8)] = t->second;
      }
    }
  }
  std::string key;
  const std::string key_env = SettingOr(spec, "signing_key_env");
  const std::string key_file = SettingOr(spec, "signing_key_file");
  if (!key_env.empty() && !key_file.empty()) {
    return error("signing_key_env and signing_key_file: give one, not both");
  }
  if (!key_env.empty()) {
    std::optional<std::string> v =
        secrets.env ? secrets.env(key_env) : std::nullopt;
    if (!v.has_value() || v->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("action ", display,
                       ": signing_key_env: environment "
                       "variable ",
                       key_env, " is not set or empty"));
    }
    key = *v;
  } else if (!key_file.empty()) {
    if (secrets.files == nullptr)
      return error("signing_key_file: no file reader");
    absl::StatusOr<std::string> v = secrets.files->ReadFile(key_file);
    if (!v.ok()) {
      return absl::Status(
          v.status().code(),
          absl::StrCat("action ", display,
                       ": signing_key_file: ", v.status().message()));
    }
    key = *v;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
      key.pop_back();
    }
    if (key.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "action ", display, ": signing_key_file: ", key_file, " is empty"));
    }
  }
  if (!key.empty()) {
    r.request.headers.push_back(
        {"X-Aurora-Signature",
         absl::StrCat("sha256=", HmacSha256Hex(key, r.request.body))});
  }
  return r;
}

std::string DescribeDryRun(const SpoolRecord& r) {
  std::string out;
  if (r.kind == "exec") {
    std::vector<std::string> shown;
    for (size_t i = 0; i < r.argv.size(); ++i) {
      // An argument written with ${VAR} is shown as written, not expanded.
      auto t = r.templates.find(absl::StrCat("argv:", i));
      const std::string& a = t != r.templates.end() ? t->second : r.argv[i];
      shown.push_back(LooksLikeUrl(a) ? RedactUrl(a) : a);
    }
    absl::StrAppend(&out, "would run ", r.action, ":\n  argv: [",
                    absl::StrJoin(shown, ", "), "]\n");
    for (const auto& [k, v] : r.env) {
      absl::StrAppend(&out, "  env ", k, "=", v, "\n");
    }
    absl::StrAppend(&out, "  timeout: ", absl::FormatDuration(r.exec_timeout),
                    "\n  stdin:\n", r.stdin_data);
  } else {
    absl::StrAppend(&out, "would send ", r.action, ":\n  ", r.request.method,
                    " ", RedactUrl(r.request.url), "\n");
    for (const HttpHeader& h : r.request.headers) {
      const bool shown = absl::EqualsIgnoreCase(h.name, "Content-Type") ||
                         absl::EqualsIgnoreCase(h.name, "Idempotency-Key");
      absl::StrAppend(&out, "  ", h.name, ": ", shown ? h.value : "***", "\n");
    }
    absl::StrAppend(&out, "\n", r.request.body);
  }
  if (!absl::EndsWith(out, "\n")) out += "\n";
  return out;
}

std::optional<absl::Duration> ParseRetryAfter(std::string_view value,
                                              absl::Time now) {
  std::string v(absl::StripAsciiWhitespace(Sv(value)));
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), absl::ascii_isdigit)) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(v, &seconds)) return std::nullopt;
    return absl::Seconds(seconds);
  }
  // RFC 9110 §5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime.
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
        "%a %b %e %H:%M:%S %Y"}) {
    absl::Time t;
    std::string err;
    if (absl::ParseTime(format, v, absl::UTCTimeZone(), &t, &err)) {
      return std::max(absl::ZeroDuration(), t - now);
    }
  }
  return std::nullopt;
}

ActionSender::ActionSender(Spool& spool, HttpClient& http, Clock& clock,
                           DeliveryPolicy policy, ExecRunner exec,
                           std::function<double()> jitter)
    : spool_(spool),
      http_(http),
      clock_(clock),
      policy_(policy),
      exec_(exec ? std::move(exec) : ExecRunner(RunExec)),
      jitter_(std::move(jitter)),
      vars_(EnvironmentLookup()) {
  if (!jitter_) {
    auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
    jitter_ = [rng] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
    };
  }
}

absl::Status ActionSender::Fire(const std::vector<SpoolRecord>& records) {
  std::vector<SpoolRecord> fresh;
  std::vector<std::string> not_spooled;
  for (const SpoolRecord& r : records) {
    absl::StatusOr<bool> added = spool_.Add(r);
    if (!added.ok()) {
      // Never let the spool stop a rollback: attempt it anyway, and say
      // loudly that it is not durable.
      not_spooled.push_back(absl::StrCat("action ", r.action,
                                         " could not be spooled (",
                                         added.status().message(),
                                         "); attempted without spooling"));
      fresh.push_back(r);
    } else if (*added) {
      fresh.push_back(r);
    }
  }
  absl::Status s = Deliver(std::move(fresh));
  if (not_spooled.empty()) return s;
  std::string msg = absl::StrJoin(not_spooled, "\n");
  if (!s.ok()) absl::StrAppend(&msg, "\n", s.message());
  return absl::DataLossError(msg);
}

absl::Status ActionSender::DeliverPending() {
  std::vector<std::string> problems;
  ASSIGN_OR_RETURN(std::vector<SpoolRecord> records,
                   spool_.LoadPending(&problems));
  absl::Status s = Deliver(std::move(records));
  if (problems.empty()) return s;
  std::string msg = absl::StrCat("unreadable spool records (left in place): ",
                                 absl::StrJoin(problems, "; "));
  if (!s.ok()) absl::StrAppend(&msg, "; ", s.message());
  return absl::DataLossError(msg);
}

bool ActionSender::Settle(SpoolRecord& r, bool success, bool final,
                          std::string detail,
                          std::optional<absl::Duration> retry_after,
                          std::vector<std::string>& failures) {
  ++r.attempts;
  const absl::Time now = clock_.Now();
  DeliveryAttempt a{r.id,       r.action,
                    r.attempts, DeliveryAttempt::Result::kDelivered,
                    detail,     absl::ZeroDuration()};
  if (success) {
    absl::Status removed = spool_.Remove(r.id);
    if (!removed.ok()) {
      // Delivered; the next run delivers it again and the receiver dedupes.
      a.detail = absl::StrCat(detail, "; ", removed.message());
    }
    if (observer_) observer_(a);
    return true;
  }
  std::string why;
  if (final) {
    why = absl::StrCat(detail, " is final (not retried)");
  } else {
    absl::Duration wait;
    if (retry_after.has_value()) {
      wait = *retry_after;
    } else {
      const double factor = std::ldexp(1.0, std::min(r.attempts - 1, 30));
      const absl::Duration base =
          std::min(policy_.max_backoff, policy_.initial_backoff * factor);
      wait = base / 2 + base / 2 * std::clamp(jitter_(), 0.0, 1.0);
    }
    if (r.attempts >= r.max_attempts) {
      why = absl::StrCat("gave up after ", r.attempts, " attempts over ",
                         absl::FormatDuration(now - r.created), ": ", detail);
    } else if (now + wait > r.deadline) {
      why = absl::StrCat("gave up after ", r.attempts, " attempts over ",
                         absl::FormatDuration(now - r.created),
                         ": the next attempt (in ", absl::FormatDuration(wait),
                         ") would pass its time budget; last: ", detail);
    } else {
      r.next_attempt = now + wait;
      r.last_error = detail;
      absl::Status put = spool_.Put(r);
      a.result = DeliveryAttempt::Result::kRetry;
      a.retry_in = wait;
      if (!put.ok()) a.detail = absl::StrCat(detail, "; ", put.message());
      if (observer_) observer_(a);
      return false;
    }
  }
  r.state = SpoolRecord::State::kFailed;
  r.last_error = why;
  absl::Status put = spool_.Put(r);
  std::string msg = absl::StrCat("action ", r.action, ": ", why);
  if (put.ok() && !spool_.durable()) {
    absl::StrAppend(&msg, "; the spool is unusable, so it is kept in memory "
                          "only and lost when this run ends");
  } else if (put.ok()) {
    absl::StrAppend(&msg,
                    "; kept in the spool as failed: ", spool_.PathOf(r.id));
  } else {
    absl::StrAppend(
        &msg, "; and marking it failed in the spool failed: ", put.message());
  }
  failures.push_back(msg);
  a.result = DeliveryAttempt::Result::kFailed;
  a.detail = why;
  if (observer_) observer_(a);
  return true;
}

absl::Status ActionSender::Deliver(std::vector<SpoolRecord> records) {
  std::vector<std::string> failures;
  std::vector<SpoolRecord> active;
  for (SpoolRecord& r : records) {
    if (r.state == SpoolRecord::State::kPending) active.push_back(std::move(r));
  }
  while (!active.empty()) {
    const absl::Time now = clock_.Now();
    std::vector<size_t> due_http, due_exec;
    absl::Time earliest = absl::InfiniteFuture();
    for (size_t i = 0; i < active.size(); ++i) {
      if (active[i].next_attempt <= now) {
        (active[i].kind == "exec" ? due_exec : due_http).push_back(i);
      } else {
        earliest = std::min(earliest, active[i].next_attempt);
      }
    }
    if (due_http.empty() && due_exec.empty()) {
      if (stop_ && stop_()) {
        failures.push_back(absl::StrCat(
            "stopped with ", active.size(),
            active.size() == 1 ? " action" : " actions",
            " not yet delivered; kept pending in the spool ", spool_.dir(),
            " for the next run"));
        break;
      }
      // In slices when it may be stopped, so a stop is noticed quickly.
      clock_.SleepUntil(stop_ ? std::min(earliest, now + absl::Milliseconds(100))
                              : earliest);
      continue;
    }
    std::vector<bool> done(active.size(), false);
    if (!due_http.empty()) {
      // Secrets are read again now: the spool keeps where they come from.
      std::vector<HttpRequest> requests;
      std::vector<size_t> sent;
      for (size_t i : due_http) {
        absl::StatusOr<HttpRequest> req = ResolveRequest(active[i], vars_);
        if (!req.ok()) {
          done[i] = Settle(active[i], false, true,
                           std::string(req.status().message()), std::nullopt,
                           failures);
          continue;
        }
        requests.push_back(*std::move(req));
        sent.push_back(i);
      }
      due_http = std::move(sent);
      std::vector<absl::StatusOr<HttpResponse>> results =
          http_.SendAll(requests);
      for (size_t j = 0; j < due_http.size(); ++j) {
        SpoolRecord& r = active[due_http[j]];
        const absl::StatusOr<HttpResponse>& res = results[j];
        if (!res.ok()) {
          const bool final =
              res.status().code() == absl::StatusCode::kInvalidArgument;
          done[due_http[j]] = Settle(
              r, false, final, RedactUrlIn(Sv(res.status().message()), r.request.url),
              std::nullopt, failures);
          continue;
        }
        const int code = res->status;
        const bool success = code >= 200 && code < 300;
        const bool retryable = code == 408 || code == 429 || code >= 500;
        std::optional<absl::Duration> retry_after;
        if (code == 429 || code == 503) {
          retry_after =
              ParseRetryAfter(res->Header("retry-after"), clock_.Now());
        }
        done[due_http[j]] =
            Settle(r, success, !success && !retryable,
                   absl::StrCat("HTTP ", code), retry_after, failures);
      }
    }
    for (size_t i : due_exec) {
      SpoolRecord& r = active[i];
      // Secrets are read again now, as for webhooks.
      absl::StatusOr<std::vector<std::string>> argv = ResolveArgv(r, vars_);
      if (!argv.ok()) {
        done[i] = Settle(r, false, true, std::string(argv.status().message()),
                         std::nullopt, failures);
        continue;
      }
      ExecRequest req{*std::move(argv), r.env, r.stdin_data, r.exec_timeout};
      absl::StatusOr<ExecResult> res = exec_(req);
      if (!res.ok()) {
        done[i] = Settle(r, false, true, std::string(res.status().message()),
                         std::nullopt, failures);
      } else {
        done[i] = Settle(r, res->ok(), false, res->Describe(), std::nullopt,
                         failures);
      }
    }
    std::vector<SpoolRecord> still;
    for (size_t i = 0; i < active.size(); ++i) {
      if (!done[i]) still.push_back(std::move(active[i]));
    }
    active = std::move(still);
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrJoin(failures, "\n"));
}

}  // namespace aurora
