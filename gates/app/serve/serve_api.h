// File: gates/app/serve/serve_api.h
// `aurora-gate serve`: the pure mapping between HTTP requests and the run
// core. Request bodies and query strings in, EvalRequests (or an ApiError
// naming the field at fault) out; RunResults in, answers (status, type,
// body) out. No I/O: gates/app/serve/serve_http.cc does the sockets, gates/
// serve_library.cc the gate files, gates/app/serve/serve_pool.cc the concurrency.
#ifndef AURORA_GATES_APP_SERVE_SERVE_API_H_
#define AURORA_GATES_APP_SERVE_SERVE_API_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "evaluator/result.h"

namespace aurora {

// An HTTP answer: status, Content-Type, body and extra headers.
struct ServeAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A request the service refuses: the HTTP status (400 bad field, 404 no
// such gate, 405, 413 body too large, 415), the field at fault ("gates",
// "set.AURORA_JOB", "at", "window", "body", "metadata.x") and why.
struct ApiError {
  int status = 400;
  std::string field;
  std::string message;
};

// {"error": {"status": 400, "field": "at", "message": "..."}}.
ServeAnswer ErrorAnswer(const ApiError& error);

// A decoded query string, in order ("a=1&b=%20" -> {a,1},{b," "}; '+' is a
// space). A malformed %-escape is kept as written.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
QueryParams ParseQueryString(std::string_view query);

// What to evaluate: gate names (as /api/v1/gates lists them), `set` values
// (the same substitutions as `check --set`), the evaluation time (none:
// now), the window live rules are read over, the rendering.
struct EvalRequest {
  std::vector<std::string> gates;
  std::map<std::string, std::string> set;
  std::optional<absl::Time> at;
  absl::Duration window = absl::ZeroDuration();
  std::string format = "json";  // json | junit | markdown | html
  // The key identical concurrent requests share one evaluation by.
  std::string Key() const;
};

// Largest `set` value accepted, in bytes.
inline constexpr size_t kMaxSetValueBytes = 4096;

// A `set` entry as a request may give it: the name a shell variable's
// ([A-Za-z_][A-Za-z0-9_]*, at most 128 bytes), the value UTF-8 without
// control characters, at most kMaxSetValueBytes. `field` names it in the
// error ("set.NAME", "metadata.NAME").
bool ValidSetting(const std::string& name, const std::string& value,
                  const std::string& field, ApiError* error);

// POST /api/v1/evaluate: body {"gates": [..] (required), "set": {..},
// "at": RFC 3339 or unix seconds, "window": "30m"}; ?format=json|junit|
// markdown|html. Unknown body fields are errors (a typo must not pass).
std::optional<EvalRequest> ParseEvaluateRequest(std::string_view body,
                                                const QueryParams& query,
                                                ApiError* error);

// GET|POST /argo/v1/GATE: `set.NAME=VALUE` query parameters, and for a POST
// with a body a JSON object (Argo's jsonBody) whose string, number and
// boolean members are `set` values too (a member "set" may hold them as an
// object); `at` and `window` as query parameters or members.
std::optional<EvalRequest> ParseArgoRequest(const std::string& gate,
                                            std::string_view body,
                                            const QueryParams& query,
                                            ApiError* error);

// POST /flagger/v1/GATE: Flagger's CanaryWebhookPayload ({"name",
// "namespace", "phase", "checksum", "metadata": {..}}): `metadata` entries
// become `set` values, and so do name and namespace (as FLAGGER_NAME,
// FLAGGER_NAMESPACE, unless metadata sets them); ?hook=rollback inverts the
// answer (FlaggerAnswer).
struct FlaggerRequest {
  EvalRequest eval;
  bool rollback_hook = false;
  std::string phase;
};
std::optional<FlaggerRequest> ParseFlaggerRequest(const std::string& gate,
                                                  std::string_view body,
                                                  const QueryParams& query,
                                                  ApiError* error);

// POST /alertmanager/v1/GATE: Alertmanager's webhook body (version "4").
struct IntakeAlert {
  std::string status;       // firing | resolved
  std::string fingerprint;  // Alertmanager's, the dedup key
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string starts_at;    // RFC 3339, as sent
};
struct IntakeNotification {
  std::string status;  // firing | resolved
  std::string group_key;
  std::vector<IntakeAlert> alerts;
};
std::optional<IntakeNotification> ParseAlertmanagerRequest(std::string_view body,
                                                           ApiError* error);

// The answer to an evaluation: the report in `format` (json: schema
// aurora-gate/report/v1) with 200 whatever the verdict.
ServeAnswer EvaluateAnswer(const RunResult& run, const std::string& format);

// Argo Rollouts' Web provider: 200 and {"verdict": "pass|warn|pending|
// inconclusive|error|fail", "pass": true only when the run's exit code is 0,
// "value": the first value of the rule that decided (null: none), "rules":
// [{gate, group, name, outcome, value, reason}]}. An undecided run is
// neither pass nor "fail": Argo counts it Inconclusive.
ServeAnswer ArgoAnswer(const RunResult& run);

// Flagger's webhooks: 200 when the gate passes (exit code 0), else 412 with
// one line per rule that did not pass (Flagger records the body in its
// events). For the rollback hook the meaning is inverted: 200 (roll back
// now) only when the run fails (exit code 1); undecided is 412 (no verdict
// to roll back on).
ServeAnswer FlaggerAnswer(const RunResult& run, bool rollback_hook);

// The run an evaluation that missed its deadline stands for: each gate
// `inconclusive`, with one rule saying so. Never a pass.
RunResult DeadlineRun(const std::vector<std::string>& gates,
                      absl::Duration timeout, absl::Time now);

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_API_H_
