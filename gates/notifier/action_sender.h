// File: gates/notifier/action_sender.h
// At-least-once delivery of gate actions. BuildActionRecord turns an
// ActionSpec and a verdict transition into a spool record (the request, the
// idempotency key, the retry budget); ActionSender spools it BEFORE the first
// attempt, retries transport errors, 5xx, 408 and 429 (Retry-After honoured)
// with exponential backoff and jitter within the budget, removes it only
// after success and otherwise keeps it marked failed and says so loudly.
// Time only through Clock. No message names a secret (URLs as base/http_client.h's RedactUrl shows them).
#ifndef AURORA_GATES_NOTIFIER_ACTION_SENDER_H_
#define AURORA_GATES_NOTIFIER_ACTION_SENDER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/file_reader.h"
#include "base/http_client.h"
#include "evaluator/result.h"
#include "gates/notifier/action_spool.h"
#include "base/run_exec.h"
#include "reports/action_payload.h"
#include "rules/gate.h"

namespace aurora {

// Budget defaults; an action's `max_attempts`, `max_duration` and `timeout`
// settings override them.
struct DeliveryPolicy {
  int max_attempts = 6;
  absl::Duration max_duration = absl::Minutes(5);  // spooled → last attempt
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(1);
  absl::Duration timeout = absl::Seconds(10);      // per HTTP attempt
  absl::Duration exec_timeout = absl::Minutes(5);  // per exec attempt
};

// How an action is named in messages: "<gate> action <N> (<kind> on <on>)",
// with `name:` when the action sets one, then "POST <RedactUrl>" or
// "exec <argv[0]>". Never a secret.
std::string ActionDisplayName(const ActionSpec& spec, int index,
                              std::string_view gate);

// The spool id of an action of an incident: the first 32 hex digits of
// SHA-256("<idempotency key>\n<gate>\n<index>\n<kind>").
std::string ActionRecordId(std::string_view idempotency_key,
                           std::string_view gate, int index,
                           std::string_view kind);

// Where secrets come from: `signing_key_env` names a variable looked up
// here, `signing_key_file` is read through `files` (trailing newline
// dropped).
struct SecretSource {
  std::function<std::optional<std::string>(const std::string&)> env;
  FileReader* files = nullptr;
};

// The record for action `index` (0-based, in the gate file's order) of
// `gate` firing on `event`: for webhook the body in the action's `format`
// (json — the default —, slack or alertmanager), for alertmanager a POST of
// AlertmanagerApiPayload to <url>/api/v2/alerts (the path is added unless
// the url already ends with it), for exec the argv with the verdict in the
// environment (AURORA_GATE, AURORA_TRANSITION, AURORA_VERDICT,
// AURORA_RULES, AURORA_IDEMPOTENCY_KEY, AURORA_INCIDENT_START; no
// AURORA_VERDICT for start, AURORA_INCIDENT_KEY for resolved) and the json
// payload on stdin. HTTP headers: Content-Type: application/json,
// Idempotency-Key, the action's `headers.*` settings, and with a signing
// key X-Aurora-Signature: sha256=<hex HMAC-SHA256 of the body>. Errors name
// the action and the setting, never a value.
absl::StatusOr<SpoolRecord> BuildActionRecord(
    const ActionSpec& spec, int index, const ActionEvent& event,
    const RunResult& run, const GateResult& gate, absl::Time now,
    const DeliveryPolicy& policy, const SecretSource& secrets);

// What --dry-run shows instead of sending: method, RedactUrl, headers with
// every value but Content-Type's and Idempotency-Key's masked as "***",
// and the body; for exec the argv (arguments that look like URLs shown as
// RedactUrl) and the added environment.
std::string DescribeDryRun(const SpoolRecord& record);

// Parses Retry-After: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850
// or asctime), relative to `now`; nullopt when unparseable. A date in the
// past is zero.
std::optional<absl::Duration> ParseRetryAfter(std::string_view value,
                                              absl::Time now);

// One line per attempt, for the log and metrics.
struct DeliveryAttempt {
  std::string id;
  std::string action;  // display name
  int attempt = 0;     // 1-based
  enum class Result { kDelivered, kRetry, kFailed } result;
  std::string detail;       // "HTTP 503", "exit code 2", a transport error
  absl::Duration retry_in;  // kRetry: the wait before the next attempt
};

class ActionSender {
 public:
  using ExecRunner =
      std::function<absl::StatusOr<ExecResult>(const ExecRequest&)>;

  // `jitter` returns a number in [0, 1): the wait before retry n (n >= 1)
  // is b/2 + jitter()*b/2 with b = min(max_backoff, initial_backoff*2^(n-1))
  // ("equal jitter"). Defaults: RunExec, a random jitter.
  ActionSender(Spool& spool, HttpClient& http, Clock& clock,
               DeliveryPolicy policy = {}, ExecRunner exec = nullptr,
               std::function<double()> jitter = nullptr);

  // Called after every attempt (not thread-safe, called on this thread).
  void set_observer(std::function<void(const DeliveryAttempt&)> observer) {
    observer_ = std::move(observer);
  }
  // Polled while waiting for a retry: once it returns true, Deliver
  // returns (attempts already due are made first, each within its timeout),
  // leaving what is not finished pending in the spool for a later run.
  void set_stop(std::function<bool()> stop) { stop_ = std::move(stop); }
  // Expands the records' templated fields at each attempt (ResolveRequest);
  // default: the environment.
  void set_vars(VarLookup vars) { vars_ = std::move(vars); }

  // Spools each record (one whose id is already spooled is not spooled or
  // sent again), then delivers all of them. See Deliver. A record that
  // cannot be spooled (disk full, directory gone) is delivered all the same;
  // the result is then kDataLoss naming the spool error (and any failure).
  absl::Status Fire(const std::vector<SpoolRecord>& records);

  // Delivers everything a previous run left pending.
  absl::Status DeliverPending();

  // Attempts every record (HTTP ones of one round together) until each is
  // delivered (removed from the spool), or fails finally (a 4xx other than
  // 408/429, a 3xx, a command that cannot start), or exhausts its budget.
  // OK when all were delivered; otherwise kUnavailable whose message names
  // each action that gave up, why, and that it is kept in the spool as
  // failed. Every attempt is recorded in the spool (attempts, next attempt).
  absl::Status Deliver(std::vector<SpoolRecord> records);

 private:
  // Applies one attempt's outcome; returns whether the record is finished.
  bool Settle(SpoolRecord& r, bool success, bool final, std::string detail,
              std::optional<absl::Duration> retry_after,
              std::vector<std::string>& failures);

  Spool& spool_;
  HttpClient& http_;
  Clock& clock_;
  DeliveryPolicy policy_;
  ExecRunner exec_;
  std::function<double()> jitter_;
  std::function<void(const DeliveryAttempt&)> observer_;
  std::function<bool()> stop_;
  VarLookup vars_;
};

}  // namespace aurora

#endif  // AURORA_GATES_NOTIFIER_ACTION_SENDER_H_
