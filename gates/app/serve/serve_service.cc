#include "gates/app/serve/serve_service.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/digest.h"
#include "base/host_name.h"
#include "base/strings.h"
#include "gates/app/command_support.h"
#include "gates/core/run_gate.h"
#include "gates/app/version.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "reports/run_summary.h"
#include "rules/duration.h"

namespace aurora {

// Kept-alive HTTP clients shared by the evaluations: one is leased per
// evaluation and TLS setting, and returned (connections open) afterwards.
class ServeService::ClientPool {
 public:
  explicit ClientPool(HttpClientFactory make) : make_(std::move(make)) {}

  absl::StatusOr<std::unique_ptr<HttpClient>> Lease(const HttpClientOptions& o) {
    const std::string key =
        absl::StrCat(o.ca_file, "\x1f", o.client_cert_file, "\x1f", o.client_key_file,
                     "\x1f", o.insecure_skip_verify, "\x1f", o.max_concurrency, "\x1f",
                     o.max_response_bytes);
    std::unique_ptr<HttpClient> client;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& idle = idle_[key];
      if (!idle.empty()) {
        client = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (client == nullptr) {
      absl::StatusOr<std::unique_ptr<HttpClient>> made = make_(o);
      if (!made.ok()) return made.status();
      client = std::move(*made);
    }
    return std::unique_ptr<HttpClient>(new Leased(this, key, std::move(client)));
  }

 private:
  class Leased : public HttpClient {
   public:
    Leased(ClientPool* pool, std::string key, std::unique_ptr<HttpClient> client)
        : pool_(pool), key_(std::move(key)), client_(std::move(client)) {}
    ~Leased() override {
      std::lock_guard<std::mutex> lock(pool_->mu_);
      auto& idle = pool_->idle_[key_];
      if (idle.size() < 64) idle.push_back(std::move(client_));
    }
    std::vector<absl::StatusOr<HttpResponse>> SendAll(
        const std::vector<HttpRequest>& requests) override {
      return client_->SendAll(requests);
    }
    void SendEach(const std::vector<HttpRequest>& requests,
                  const DoneCallback& on_done) override {
      client_->SendEach(requests, on_done);
    }

   private:
    ClientPool* pool_;
    std::string key_;
    std::unique_ptr<HttpClient> client_;
  };

  HttpClientFactory make_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<HttpClient>>> idle_;
};

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

ServeAnswer Text(int status, std::string body) {
  ServeAnswer a;
  a.status = status;
  a.content_type = "text/plain; charset=utf-8";
  a.body = std::move(body);
  return a;
}

// "/argo/v1/NAME" -> "NAME" when `path` starts with `prefix`.
bool GateFromPath(const std::string& path, std::string_view prefix,
                  std::string* gate) {
  if (!absl::StartsWith(path, Sv(prefix)) || path.size() == prefix.size()) {
    return false;
  }
  *gate = path.substr(prefix.size());
  return true;
}

ServeAnswer MethodNotAllowed(const std::string& allowed) {
  ServeAnswer a = ErrorAnswer({405, "method", absl::StrCat("expected ", allowed)});
  a.headers.push_back({"Allow", allowed});
  return a;
}

}  // namespace

ServeService::ServeService(ServiceOptions options, GateLibrary& library,
                           const CommandEnv& env)
    : options_(std::move(options)),
      library_(library),
      env_(env),
      clients_(std::make_unique<ClientPool>(env.make_http_client)),
      pool_(options_.max_concurrency, options_.max_queue) {
  // Tokens are compared as SHA-256 digests in constant time: neither
  // their bytes nor their lengths shape the time a wrong guess takes.
  for (const std::string& t : options_.tokens) token_digests_.push_back(Sha256Hex(t));
}

ServeService::~ServeService() {
  std::lock_guard<std::mutex> lock(actions_mu_);
  if (actions_ != nullptr) actions_->Shutdown();
}

std::string ServeService::Route(const std::string& path) {
  for (const char* prefix : {"/argo/v1/", "/flagger/v1/", "/alertmanager/v1/"}) {
    if (absl::StartsWith(path, prefix)) return absl::StrCat(prefix, "{gate}");
  }
  for (const char* known : {"/api/v1/evaluate", "/api/v1/gates", "/healthz",
                            "/readyz", "/metrics"}) {
    if (path == known) return path;
  }
  return "other";
}

bool ServeService::Authorized(const HttpExchange& ex) const {
  if (token_digests_.empty()) return true;
  const std::string auth = ex.Header("authorization");
  std::string given;
  if (absl::StartsWithIgnoreCase(auth, "Bearer ")) given = auth.substr(7);
  const std::string digest = Sha256Hex(given);
  bool ok = false;
  for (const std::string& d : token_digests_) {
    ok |= CRYPTO_memcmp(d.data(), digest.data(), d.size()) == 0;
  }
  return ok && !given.empty();
}

ServeAnswer ServeService::Evaluate(const EvalRequest& request,
                                   std::shared_ptr<const RunResult>* run_out) {
  std::shared_ptr<const LibrarySnapshot> library = library_.Snapshot();
  std::vector<GateFile> gates;
  ApiError error;
  if (!InstantiateGates(*library, request, library_.env(), &gates, &error)) {
    return ErrorAnswer(error);
  }
  // The work shares nothing with this request but copies: a caller that
  // stops waiting at its deadline leaves it running safely.
  auto shared_gates = std::make_shared<std::vector<GateFile>>(std::move(gates));
  const ServiceOptions& o = options_;
  CommandEnv env = env_;
  ClientPool* clients = clients_.get();
  ServeMetrics* metrics = &metrics_;
  EvalRequest req = request;
  auto work = [shared_gates, o, env, clients, metrics, req]() -> std::shared_ptr<const void> {
    auto run = std::make_shared<RunResult>();
    run->started = env.clock->Now();
    run->eval_time = req.at.value_or(run->started);
    run->tool_version = kVersion;
    run->tool_commit = kGitCommit;
    run->hostname = HostName();
    run->settings = VisibleSettings(req.set);
    run->window = req.window;
    LiveContext live;
    live.make_client = [clients](const HttpClientOptions& c) { return clients->Lease(c); };
    live.clock = env.clock;
    live.files = env.files;
    live.max_concurrency = o.query_concurrency;
    live.max_response_bytes = o.max_response_bytes;
    live.default_url = o.prometheus_url;
    live.chart_window = req.window;
    SourceCache cache(*env.files, &live);  // artifacts read afresh per request
    run->gates = RunGates(*shared_gates, cache, &live, run->eval_time);
    run->verdict = RunVerdict(run->gates);
    run->duration_seconds = absl::ToDoubleSeconds(env.clock->Now() - run->started);
    metrics->RecordRun(*run);
    return run;
  };
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  EvaluationPool::Result r = pool_.Run(request.Key(), std::move(work), deadline);
  if (r.status == EvaluationPool::Status::kBusy) {
    metrics_.RecordRefused();
    ServeAnswer a = ErrorAnswer({503, "", "too many evaluations in flight; retry later"});
    a.headers.push_back({"Retry-After", "1"});
    return a;
  }
  metrics_.RecordEvaluation(r.shared);
  if (r.status == EvaluationPool::Status::kTimedOut) {
    metrics_.RecordTimeout();
    *run_out = std::make_shared<RunResult>(
        DeadlineRun(request.gates, options_.request_timeout, env_.clock->Now()));
  } else {
    *run_out = std::static_pointer_cast<const RunResult>(r.value);
  }
  ServeAnswer ok;
  return ok;
}

ServeAnswer ServeService::GatesList() {
  std::shared_ptr<const LibrarySnapshot> library = library_.Snapshot();
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("gates");
  w.StartArray();
  for (const auto& [name, g] : library->by_name) {
    const GateFile& f = g.reference;
    w.StartObject();
    w.Key("name");
    Str(w, name);
    w.Key("title");
    Str(w, f.title);
    w.Key("file");
    Str(w, g.path);
    w.Key("needs_set");
    w.StartArray();
    for (const std::string& n : g.needs) Str(w, n);
    w.EndArray();
    w.Key("sources");
    w.StartArray();
    for (const auto& [sname, s] : f.sources) {
      w.StartObject();
      w.Key("name");
      Str(w, sname);
      w.Key("type");
      Str(w, SourceTypeName(s.type));
      // As written (${VAR} unexpanded) and redacted: never a secret.
      w.Key("location");
      Str(w, s.is_artifact() && !s.is_http() ? s.path : RedactUrl(s.url_display));
      w.EndObject();
    }
    w.EndArray();
    w.Key("rules");
    w.StartArray();
    for (const RuleGroup& group : f.groups) {
      for (const Rule& rule : group.rules) {
        if (rule.kind == Rule::Kind::kRecord) continue;
        w.StartObject();
        w.Key("group");
        Str(w, group.name);
        w.Key("name");
        Str(w, rule.name);
        w.Key("source");
        Str(w, rule.source);
        w.Key("expr");
        Str(w, rule.expr);
        w.Key("severity");
        Str(w, rule.policies.severity);
        w.EndObject();
      }
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ServeAnswer a;
  a.body = std::string(b.GetString(), b.GetSize()) + "\n";
  return a;
}

ServeAnswer ServeService::Intake(const std::string& gate, const std::string& body) {
  ApiError error;
  std::optional<IntakeNotification> n = ParseAlertmanagerRequest(body, &error);
  if (!n) return ErrorAnswer(error);
  EvalRequest request;
  request.gates = {gate};
  std::vector<GateFile> gates;
  if (!InstantiateGates(*library_.Snapshot(), request, library_.env(), &gates, &error)) {
    if (error.field == "gates[0]") error.field = "gate";
    return ErrorAnswer(error);
  }
  const GateFile& file = gates.front();
  size_t fired = 0, duplicates = 0;
  std::vector<std::string> problems;
  {
    std::lock_guard<std::mutex> lock(actions_mu_);
    if (actions_ == nullptr) {
      actions_ = std::make_unique<ActionRunner>(
          options_.spool_dir, env_, options_.dry_run,
          [this](const DeliveryAttempt& a) {
            *env_.err << "aurora-gate: action " << a.action << " attempt " << a.attempt
                      << ": "
                      << (a.result == DeliveryAttempt::Result::kDelivered ? "delivered"
                          : a.result == DeliveryAttempt::Result::kRetry ? "retry"
                                                                        : "failed")
                      << (a.detail.empty() ? "" : " (" + a.detail + ")") << "\n";
          });
      actions_->set_background([this](const absl::Status& st) {
        if (!st.ok()) *env_.err << "aurora-gate: error: " << st.message() << "\n";
      });
      absl::Status started = actions_->Start(gates);
      if (!started.ok()) *env_.err << "aurora-gate: " << started.message() << "\n";
    }
    // The spool is opened by the first gate with actions (Start opened it
    // only if the first intake's gate had some).
    if (ActionRunner::AnyActions(gates) && !options_.dry_run) {
      absl::Status opened = actions_->OpenSpool();
      if (!opened.ok()) {
        *env_.err << "aurora-gate: error: " << opened.message()
                  << "; actions are delivered from memory only\n";
        actions_->UseMemorySpool();
      }
    }
    std::set<std::string>& seen = fired_fingerprints_[file.name];
    const absl::Time now = env_.clock->Now();
    for (const IntakeAlert& alert : n->alerts) {
      if (alert.status == "resolved") {
        seen.erase(alert.fingerprint);  // a new firing is a new incident
        continue;
      }
      if (!seen.insert(alert.fingerprint).second) {
        ++duplicates;
        continue;
      }
      // The alert as a failing rule of the gate: its actions fire on it,
      // keyed by the alert's start so that a repeat (or a restart) carries
      // the same idempotency key.
      auto it = alert.labels.find("alertname");
      const std::string alertname = it != alert.labels.end() ? it->second : "alert";
      RunResult run;
      run.started = now;
      run.eval_time = now;
      run.command = "check";
      GateResult g;
      g.name = file.name;
      g.title = file.title;
      g.file = file.path;
      g.verdict = Outcome::kFail;
      RuleResult r;
      r.name = alertname;
      r.group = "alertmanager";
      r.kind = "alert";
      r.source = "alertmanager";
      r.source_type = "alertmanager";
      r.outcome = Outcome::kFail;
      auto summary = alert.annotations.find("summary");
      r.reason = absl::StrCat("firing in Alertmanager (fingerprint ", alert.fingerprint,
                              ")",
                              summary != alert.annotations.end()
                                  ? absl::StrCat(": ", summary->second)
                                  : "");
      r.labels = alert.labels;
      r.annotations = alert.annotations;
      g.rules.push_back(r);
      run.gates.push_back(g);
      run.verdict = Outcome::kFail;
      absl::Time started = now;
      if (std::optional<absl::Time> t = ParseEvalTime(alert.starts_at)) started = *t;
      absl::Status st = actions_->Fire(
          file, ActionTrigger::kFail, g, run, started, now,
          {absl::StrCat("alertmanager/", alertname, "/", alert.fingerprint)});
      if (!st.ok()) problems.push_back(std::string(st.message()));
      ++fired;
    }
  }
  metrics_.RecordAlertActions(fired, duplicates);
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("gate");
  Str(w, file.name);
  w.Key("fired");
  w.Uint64(fired);
  w.Key("duplicates");
  w.Uint64(duplicates);
  w.Key("problems");
  w.StartArray();
  for (const std::string& p : problems) Str(w, p);
  w.EndArray();
  w.EndObject();
  ServeAnswer a;
  a.body = std::string(b.GetString(), b.GetSize()) + "\n";
  // Alertmanager retries on 5xx: a rollback that could not even be spooled
  // is worth a retry.
  a.status = problems.empty() ? 200 : 500;
  return a;
}

ServeAnswer ServeService::Handle(const HttpExchange& ex) {
  const std::string& path = ex.path;
  const bool get = ex.method == "GET" || ex.method == "HEAD";
  const bool post = ex.method == "POST";
  if (path == "/healthz") return get ? Text(200, "ok\n") : MethodNotAllowed("GET");
  if (path == "/readyz") {
    if (!get) return MethodNotAllowed("GET");
    const size_t n = library_.Snapshot()->by_name.size();
    return n > 0 ? Text(200, absl::StrCat("ready: ", n, n == 1 ? " gate\n" : " gates\n"))
                 : Text(503, "not ready: no gate loaded\n");
  }
  if (!Authorized(ex)) {
    ServeAnswer a = ErrorAnswer({401, "authorization",
                                 "expected Authorization: Bearer TOKEN with a token "
                                 "of the service's --token-file"});
    a.headers.push_back({"WWW-Authenticate", "Bearer realm=\"aurora-gate\""});
    return a;
  }
  if (path == "/metrics") {
    if (!get) return MethodNotAllowed("GET");
    ServeAnswer a;
    a.content_type = "text/plain; version=0.0.4; charset=utf-8";
    a.body = metrics_.Render();
    return a;
  }
  if (path == "/api/v1/gates") return get ? GatesList() : MethodNotAllowed("GET");
  const QueryParams query = ParseQueryString(ex.query);
  ApiError error;
  std::string gate;
  if (path == "/api/v1/evaluate") {
    if (!post) return MethodNotAllowed("POST");
    std::optional<EvalRequest> req = ParseEvaluateRequest(ex.body, query, &error);
    if (!req) return ErrorAnswer(error);
    std::shared_ptr<const RunResult> run;
    ServeAnswer a = Evaluate(*req, &run);
    if (run == nullptr) return a;
    return EvaluateAnswer(*run, req->format);
  }
  if (GateFromPath(path, "/argo/v1/", &gate)) {
    if (!get && !post) return MethodNotAllowed("GET, POST");
    std::optional<EvalRequest> req = ParseArgoRequest(gate, ex.body, query, &error);
    if (!req) return ErrorAnswer(error);
    std::shared_ptr<const RunResult> run;
    ServeAnswer a = Evaluate(*req, &run);
    if (run == nullptr) return a;
    return ArgoAnswer(*run);
  }
  if (GateFromPath(path, "/flagger/v1/", &gate)) {
    if (!post) return MethodNotAllowed("POST");
    std::optional<FlaggerRequest> req = ParseFlaggerRequest(gate, ex.body, query, &error);
    if (!req) return ErrorAnswer(error);
    std::shared_ptr<const RunResult> run;
    ServeAnswer a = Evaluate(req->eval, &run);
    if (run == nullptr) return a;
    return FlaggerAnswer(*run, req->rollback_hook);
  }
  if (GateFromPath(path, "/alertmanager/v1/", &gate)) {
    if (!post) return MethodNotAllowed("POST");
    return Intake(gate, ex.body);
  }
  return ErrorAnswer({404, "path",
                      "no such endpoint; see /api/v1/evaluate, /api/v1/gates, "
                      "/argo/v1/GATE, /flagger/v1/GATE, /alertmanager/v1/GATE, "
                      "/healthz, /readyz, /metrics"});
}

}  // namespace aurora
