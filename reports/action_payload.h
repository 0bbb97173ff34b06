// File: reports/action_payload.h
// Pure payload builders for gate actions: an ActionEvent (a verdict
// transition of one gate) and the verdict in, one JSON body out. Every body
// carries the event's idempotency key. No I/O, no clock: `now` is an argument.
#ifndef AURORA_REPORTS_ACTION_PAYLOAD_H_
#define AURORA_REPORTS_ACTION_PAYLOAD_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"
#include "rules/action_trigger.h"

namespace aurora {

// A verdict transition of one gate: what an action fires on.
struct ActionEvent {
  ActionTrigger on = ActionTrigger::kFail;
  std::string gate;  // GateResult::name
  // The rules the transition is about, sorted: for fail/error/warn those
  // whose outcome is that one (dry-run rules excluded); for resolved the
  // rules of the incident that just ended; empty for pass and start.
  std::vector<std::string> rules;
  // When the incident began (the first evaluation in the failing state; for
  // start the watch start). The same for every cycle of one incident.
  absl::Time incident_start;
  absl::Time now;  // when the transition was observed
  // resolved: the transition that opened the incident it closes ("fail" or
  // "error"), so its payloads name that incident (IncidentKey). Empty
  // otherwise.
  std::string incident_on;
};

// The event for transition `on` of `gate` (rules picked as described above;
// for `resolved`, and for an incident an earlier run opened, pass the
// incident's rules in `rules`: given rules are used as they are).
ActionEvent MakeActionEvent(ActionTrigger on, const GateResult& gate,
                            absl::Time incident_start, absl::Time now,
                            std::vector<std::string> rules = {});

// The idempotency key of an event: lower-case hex SHA-256 of
//   "aurora-gate/idempotency/v1\n" gate "\n" on "\n"
//   rules joined by "," "\n" incident_start as Unix nanoseconds
// — stable across retries and restarts of one incident (`now` is not part
// of it), different for another transition, rule set or incident.
std::string IdempotencyKey(const ActionEvent& event);

// resolved: the idempotency key the incident's opening deliveries carried
// (IdempotencyKey of this event with `on` = incident_on: same gate, rules
// and start), which a receiver matches the resolution to. "" for other
// transitions, or when incident_on is empty.
std::string IncidentKey(const ActionEvent& event);

// "firing" for fail, error, warn and start; "resolved" for pass and resolved.
std::string_view AlertStatus(ActionTrigger on);

// The Prometheus fingerprint of a label set (FNV-1a 64 over the sorted
// names and values, each followed by 0xff) as 16 lower-case hex digits, as
// Alertmanager writes `fingerprint`.
std::string LabelsFingerprint(const std::map<std::string, std::string>& labels);

// Options of the formats (from the action's settings); all optional.
struct PayloadOptions {
  std::string text;                      // slack: replaces the summary line
  std::string receiver = "aurora-gate";  // alertmanager webhook body
  std::string external_url;              // alertmanager: externalURL
  std::string generator_url;  // alertmanager: each alert's generatorURL
};

// `format: slack`: {"text", "blocks", "idempotency_key"} (and
// "incident_key" for resolved, see IncidentKey). text is options.text when
// set, else "<emoji> aurora-gate <gate>: <transition> (verdict <verdict>)"
// ("… : watch started" for start, which has no verdict yet); blocks: a section with the text, a section per event
// rule (at most 20, then "… and N more") with its outcome, reason and
// values, and a context block with the idempotency key.
std::string SlackPayload(const ActionEvent& event, const GateResult& gate,
                         const PayloadOptions& options,
                         std::string_view idempotency_key);

// One alert per event rule (a gate-level alert named after the gate when the
// event has no rules): labels alertname (the rule), gate, severity, the
// rule's labels; annotations the rule's plus summary (its reason) and
// idempotency_key (and incident_key when resolved); startsAt incident_start;
// endsAt `now` when resolved.
struct PayloadAlert {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  absl::Time starts_at;
  absl::Time ends_at = absl::InfinitePast();  // InfinitePast: not resolved
};
std::vector<PayloadAlert> EventAlerts(const ActionEvent& event,
                                      const GateResult& gate,
                                      std::string_view idempotency_key);

// `format: alertmanager`: the Alertmanager webhook body, version "4":
// receiver, status, alerts[] (status, labels, annotations, startsAt, endsAt
// — "0001-01-01T00:00:00Z" while firing —, generatorURL, fingerprint),
// groupLabels {gate}, commonLabels, commonAnnotations, externalURL,
// version, groupKey "{}:{gate=\"<gate>\"}", truncatedAlerts 0, plus
// idempotency_key (and incident_key when resolved).
std::string AlertmanagerWebhookPayload(const ActionEvent& event,
                                       const GateResult& gate,
                                       const PayloadOptions& options,
                                       std::string_view idempotency_key);

// The `alertmanager` action kind: the body of POST /api/v2/alerts, a JSON
// array of postable alerts (labels, annotations, startsAt, generatorURL when
// set, and endsAt when resolved; a firing alert has no endsAt, so
// Alertmanager keeps it for its resolve_timeout). An array has no room for
// a top-level field: idempotency_key is an annotation of each alert.
std::string AlertmanagerApiPayload(const ActionEvent& event,
                                   const GateResult& gate,
                                   const PayloadOptions& options,
                                   std::string_view idempotency_key);

// `format: json`: RenderJson(run) with "idempotency_key" and "transition"
// (then "incident_key" when resolved) added as its first members. For start,
// which comes before anything is evaluated, no verdict: {"idempotency_key",
// "transition": "start", "gate", "started", "tool" {name, version, commit},
// "gates" [{name, title, file}], "settings"}.
std::string JsonVerdictPayload(const ActionEvent& event, const RunResult& run,
                               std::string_view idempotency_key);

}  // namespace aurora

#endif  // AURORA_REPORTS_ACTION_PAYLOAD_H_
